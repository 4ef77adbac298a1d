"""The invitation a new contact person gets: Cognito's mail with their temporary password, in
Dutch, naming the organisation(s) they are now contact person of and where to sign in.

Cognito's own invitation template knows only `{username}` and `{####}`, so the import hands the
organisations' names and the portal's address to `AdminCreateUser` as client metadata
(`invitation_metadata`), and the pool's custom message trigger (functions/invitation) writes the
mail from them (`invitation_message`). Without that metadata (a user created by hand) the
trigger leaves the pool's template (template.yaml, InviteMessageTemplate) to speak.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Final

# The users the import created carry this attribute (the pool's Schema declares `managed`):
# only they are ever disabled or enabled again by an import, never an operator's own user.
MANAGED_ATTRIBUTE: Final = "custom:managed"
MANAGED_VALUE: Final = "import"
# Keys of AdminCreateUser's ClientMetadata, read back by the trigger.
ORGANISATIONS_KEY: Final = "organisations"
SIGN_IN_URL_KEY: Final = "signInUrl"
SUBJECT: Final = "Uw toegang tot het Pasjesportaal"
# The pool's TemporaryPasswordValidityDays (template.yaml).
TEMPORARY_PASSWORD_DAYS: Final = 7


def invitation_metadata(
    organisation_names: Sequence[str], sign_in_url: str | None
) -> dict[str, str]:
    """AdminCreateUser's ClientMetadata (string values only) for the invitation of a contact
    person of these organisations."""
    metadata = {ORGANISATIONS_KEY: json.dumps(list(organisation_names), ensure_ascii=False)}
    if sign_in_url:
        metadata[SIGN_IN_URL_KEY] = sign_in_url
    return metadata


def dutch_list(items: Sequence[str]) -> str:
    """ "A", "A en B", "A, B en C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} en {items[-1]}"


def _organisations(metadata: Mapping[str, str]) -> list[str]:
    try:
        names = json.loads(metadata.get(ORGANISATIONS_KEY, "[]"))
    except ValueError:
        return []
    if not isinstance(names, list):
        return []
    return [str(n).strip() for n in names if str(n).strip()]


def invitation_message(
    metadata: Mapping[str, str], *, username: str, code: str
) -> tuple[str, str] | None:
    """(subject, HTML body) of the invitation, with Cognito's placeholders `username` and
    `code` (the temporary password) where Cognito fills them in; None without organisations."""
    names = _organisations(metadata)
    if not names:
        return None
    organisations = dutch_list([f"<strong>{html.escape(n)}</strong>" for n in names])
    url = metadata.get(SIGN_IN_URL_KEY, "").strip()
    where = f'<a href="{html.escape(url)}">{html.escape(url)}</a>' if url else "het Pasjesportaal"
    body = (
        "<p>Beste contactpersoon,</p>"
        f"<p>U bent nu contactpersoon van {organisations} in het Pasjesportaal. Daar zoekt u de "
        "gediplomeerden van uw organisatie op en vraagt u hun digitale pasjes aan.</p>"
        f"<p>Inloggen: {where}<br>"
        f"E-mailadres: {username}<br>"
        f"Tijdelijk wachtwoord: {code}</p>"
        "<p>Bij de eerste keer inloggen kiest u een eigen wachtwoord en stelt u "
        "tweestapsverificatie in met een authenticator-app. Het tijdelijke wachtwoord is "
        f"{TEMPORARY_PASSWORD_DAYS} dagen geldig.</p>"
        "<p>Verwacht u dit bericht niet? Dan kunt u het negeren.</p>"
    )
    return SUBJECT, body
