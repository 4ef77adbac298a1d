"""The monthly overview's text, in Dutch, as plain text and as simple HTML.

Counts and links only: never a holder's name, number or birth date (a mail may be forwarded,
printed or read on a shared screen). Each organisation's line links to the portal on exactly
that list ("Verloopt binnen 3 maanden", or the previous calendar month's expired ones:
`verloopt=lastMonth`, the window the count uses); every mail links to the setting that turns
the overview off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import urlencode

from pasjes.domain import Organisation
from pasjes.logic.expiry import ExpiryWindow, add_months

SETTINGS_PATH = "/instellingen"
_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    # The page where the mail is turned off, as a List-Unsubscribe header (RFC 2369): mail
    # programs show it as "unsubscribe". No List-Unsubscribe-Post (RFC 8058): turning it off
    # needs the person signed in, there is no one-click endpoint.
    unsubscribe_url: str | None = None


@dataclass(frozen=True)
class OrganisationCounts:
    organisation: Organisation
    # Holders with a qualification expiring in the next 3 months.
    expiring: int
    # Holders with a qualification that expired in the previous calendar month.
    expired_last_month: int


def list_url(portal_url: str, organisation_id: str, window: ExpiryWindow) -> str:
    """The portal's "Download certificaten" on that organisation and window (filters.js)."""
    query = urlencode({"organisatie": organisation_id, "verloopt": window})
    return f"{portal_url.rstrip('/')}/?{query}"


def settings_url(portal_url: str) -> str:
    return f"{portal_url.rstrip('/')}{SETTINGS_PATH}"


def _holders(count: int) -> str:
    return f"{count} kwalificatiehouder" if count == 1 else f"{count} kwalificatiehouders"


def month_name(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


def overview_mail(
    counts: list[OrganisationCounts], *, today: date, portal_url: str
) -> tuple[str, str, str]:
    """(subject, text, html) of one person's overview."""
    previous = add_months(today.replace(day=1), -1)
    subject = f"Hercertificering: overzicht van {month_name(today)}"
    text_parts = [
        "Beste contactpersoon,",
        "",
        f"Dit is het maandelijkse overzicht van het Pasjesportaal voor {month_name(today)}.",
        "",
    ]
    html_parts = [
        "<p>Beste contactpersoon,</p>",
        f"<p>Dit is het maandelijkse overzicht van het Pasjesportaal voor "
        f"{escape(month_name(today))}.</p>",
    ]
    for c in counts:
        name = c.organisation.name
        ahead = list_url(portal_url, c.organisation.id, ExpiryWindow.THREE_MONTHS)
        past = list_url(portal_url, c.organisation.id, ExpiryWindow.LAST_MONTH)
        text_parts += [
            name,
            f"- {_holders(c.expiring)} met een kwalificatie die binnen 3 maanden verloopt: {ahead}",
            f"- {_holders(c.expired_last_month)} met een kwalificatie die in "
            f"{month_name(previous)} is verlopen: {past}",
            "",
        ]
        html_parts.append(
            f"<h2>{escape(name)}</h2><ul>"
            f'<li><a href="{escape(ahead)}">{escape(_holders(c.expiring))}</a> met een '
            "kwalificatie die binnen 3 maanden verloopt</li>"
            f'<li><a href="{escape(past)}">{escape(_holders(c.expired_last_month))}</a> met een '
            f"kwalificatie die in {escape(month_name(previous))} is verlopen</li></ul>"
        )
    link = settings_url(portal_url)
    text_parts += [
        "Je ziet wie het zijn na het inloggen; deze e-mail noemt bewust geen namen.",
        "",
        f"Geen maandelijks overzicht meer ontvangen? Zet het uit bij Instellingen: {link}",
    ]
    html_parts += [
        "<p>Je ziet wie het zijn na het inloggen; deze e-mail noemt bewust geen namen.</p>",
        f'<p>Geen maandelijks overzicht meer ontvangen? Zet het uit bij <a href="{escape(link)}">'
        "Instellingen</a>.</p>",
    ]
    return subject, "\r\n".join(text_parts) + "\r\n", "\n".join(html_parts)
