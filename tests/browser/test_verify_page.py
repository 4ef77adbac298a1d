"""The public check of a pass, /v/{code}, as someone shown a pass opens it: no sign-in, a large
verdict with the name and the qualification, readable on a phone, and nothing from another host.

Codes are made with the stack's own keys (read from its Secrets Manager) for qualifications of
the demo data; tests/stack/test_verification.py reads them off a rendered pass instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from infra.ops.demo_data import KEIRA_BHV, generate
from pasjes.domain import Holder, Qualification
from pasjes.logic.verification import VerificationKeys, code_for
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, screenshot
from tests.stack.harness import StackClient
from tests.verification_helpers import stack_verification_keys

HEADING = "Controle van een digitaal pasje"


@dataclass(frozen=True)
class Checked:
    holder: Holder
    qualification: Qualification
    code: str


@pytest.fixture(scope="module")
def keys(stack: StackClient) -> VerificationKeys:
    return stack_verification_keys(stack.config)


@pytest.fixture(scope="module")
def keira_holders(stack: StackClient) -> list[Holder]:
    """Keira BHV's holders in the demo data exactly as the stack loaded them."""
    demo = generate(holders=1200, today=date.today())
    keira = {r.qualification_number for r in demo.registrations if r.organisation_id == KEIRA_BHV}
    return [h for h in demo.holders if h.qualification_number in keira]


def _checked(keys: VerificationKeys, holder: Holder, qualification: Qualification) -> Checked:
    return Checked(
        holder, qualification, code_for(keys, holder.qualification_number, qualification.code)
    )


@pytest.fixture(scope="module")
def valid(keys: VerificationKeys, keira_holders: list[Holder]) -> Checked:
    today = date.today()
    holder, qualification = next(
        (h, q)
        for h in keira_holders
        for q in h.qualifications
        if q.withdrawn_on is None
        and q.expiry_date is not None
        and q.expiry_date > today
        and q.parent_code is None
    )
    return _checked(keys, holder, qualification)


@pytest.fixture(scope="module")
def withdrawn(keys: VerificationKeys, keira_holders: list[Holder]) -> Checked:
    """One of the demo's withdrawn (ingetrokken) qualifications: on no new pass, but a pass
    printed before the withdrawal still carries its code."""
    holder, qualification = next(
        (h, q) for h in keira_holders for q in h.qualifications if q.withdrawn_on is not None
    )
    return _checked(keys, holder, qualification)


@pytest.fixture
def requested_hosts(page: Page, base_url: str) -> Iterator[set[str]]:
    """Every scheme://host:port the page asks anything of; at the end: the app's own only."""
    hosts: set[str] = set()

    def record(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https"):
            hosts.add(f"{parts.scheme}://{parts.netloc}")

    page.on("request", record)
    yield hosts
    assert hosts == {base_url}, f"the check page asked other hosts: {sorted(hosts - {base_url})}"


def _open(page: Page, base_url: str, code: str) -> None:
    page.goto(f"{base_url}/v/{code}")
    expect(page.get_by_role("heading", level=1, name=HEADING)).to_be_visible()


def _verdict(page: Page, label: str) -> None:
    # The verdict is a word (its symbol is hidden from screen readers), not a colour alone.
    expect(page.get_by_text(re.compile(rf"^\W*{label}$"))).to_be_visible()


def test_a_valid_pass_shows_geldig_with_the_name_and_the_qualification(
    page: Page, base_url: str, valid: Checked, requested_hosts: set[str]
) -> None:
    _open(page, base_url, valid.code)

    _verdict(page, "Geldig")
    main = page.get_by_role("main")
    expect(main).to_contain_text(valid.holder.name)
    expect(main).to_contain_text(valid.qualification.name)
    assert valid.qualification.expiry_date is not None
    expect(main).to_contain_text(valid.qualification.expiry_date.strftime("%d-%m-%Y"))
    expect(main).to_contain_text("Gecontroleerd op")
    # Nothing of the holder beyond the pass itself: no number, no birth date.
    expect(main).not_to_contain_text(valid.holder.qualification_number)
    expect(main).not_to_contain_text(valid.holder.birth_date.strftime("%d-%m-%Y"))
    # No sign-in here, and no account controls.
    expect(page.get_by_role("button", name="Inloggen")).to_have_count(0)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_hidden()
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", re.compile("noindex"))
    assert_accessible(page)
    screenshot(page, "verify-geldig")


def test_a_withdrawn_qualification_shows_ingetrokken(
    page: Page, base_url: str, withdrawn: Checked, requested_hosts: set[str]
) -> None:
    _open(page, base_url, withdrawn.code)

    _verdict(page, "Ingetrokken")
    expect(page.get_by_role("main")).to_contain_text(withdrawn.holder.name)
    expect(page.get_by_role("main")).to_contain_text(withdrawn.qualification.name)
    assert_accessible(page)
    screenshot(page, "verify-ingetrokken")


def test_an_unknown_code_shows_onbekend_and_nothing_else(
    page: Page, base_url: str, valid: Checked, requested_hosts: set[str]
) -> None:
    unknown = valid.code[:-1] + ("0" if valid.code[-1] != "0" else "1")

    _open(page, base_url, unknown)

    _verdict(page, "Onbekend")
    expect(page.get_by_role("main")).not_to_contain_text(valid.holder.name)
    expect(page.get_by_role("main")).to_contain_text(unknown)
    assert_accessible(page)
    screenshot(page, "verify-onbekend")


@pytest.mark.parametrize("which", ["valid", "withdrawn"])
def test_the_check_reads_on_a_phone_without_sideways_scrolling(
    phone_page: Page,
    base_url: str,
    valid: Checked,
    withdrawn: Checked,
    which: str,
) -> None:
    checked = valid if which == "valid" else withdrawn

    _open(phone_page, base_url, checked.code)

    _verdict(phone_page, "Geldig" if which == "valid" else "Ingetrokken")
    expect(phone_page.get_by_role("main")).to_contain_text(checked.holder.name)
    assert_no_horizontal_scroll(phone_page)
    screenshot(phone_page, f"verify-phone-{which}")


# --- typing the code: /v, and again under "Onbekend" ------------------------------------------


def _as_printed_and_retyped(code: str) -> str:
    """The code as a checker may type it off a pass: capitals, groups with spaces and dashes."""
    groups = [code[i : i + 5] for i in range(0, len(code), 5)]
    return " ".join(groups[:2]).upper() + " - " + "-".join(groups[2:]).upper()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (360, 740)], ids=["1440", "360"])
def test_v_alone_is_a_page_to_type_the_code_printed_under_the_qr(
    page: Page,
    base_url: str,
    valid: Checked,
    requested_hosts: set[str],
    width: int,
    height: int,
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{base_url}/v")

    expect(page.get_by_role("heading", level=1, name=HEADING)).to_be_visible()
    code = page.get_by_label("Code", exact=True)
    expect(code).to_be_visible()
    # Not the contact persons' sign-in.
    expect(page.get_by_label("E-mailadres")).to_have_count(0)
    expect(page.get_by_role("button", name="Inloggen")).to_have_count(0)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"verify-form-{width}")

    code.fill(_as_printed_and_retyped(valid.code))
    page.get_by_role("button", name="Controleer").click()

    _verdict(page, "Geldig")
    expect(page.get_by_role("main")).to_contain_text(valid.holder.name)
    expect(page).to_have_url(f"{base_url}/v/{valid.code}")


def test_an_empty_or_short_code_is_named_at_the_field_before_anything_is_asked(
    page: Page, base_url: str, valid: Checked
) -> None:
    page.goto(f"{base_url}/v")
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if "/api/verify/" in r.url else None)

    page.get_by_role("button", name="Controleer").click()
    expect(page.get_by_text("Fout: Vul de code in")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(valid.code[:20])
    page.get_by_role("button", name="Controleer").click()

    expect(page.get_by_text("Een code heeft 23 tekens")).to_have_count(2)
    expect(page.get_by_label("Code", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    assert checks == []


def test_onbekend_offers_the_field_to_type_the_code_again(
    page: Page, base_url: str, valid: Checked, requested_hosts: set[str]
) -> None:
    mistyped = valid.code[:-1] + ("0" if valid.code[-1] != "0" else "1")
    _open(page, base_url, mistyped)
    _verdict(page, "Onbekend")

    # The field holds the code that was tried, to correct rather than type again.
    expect(page.get_by_label("Code", exact=True)).to_have_value(mistyped)
    page.get_by_label("Code", exact=True).fill(valid.code.upper())
    page.get_by_role("button", name="Controleer").click()

    _verdict(page, "Geldig")
    expect(page.get_by_role("main")).to_contain_text(valid.holder.name)
    page.go_back()
    _verdict(page, "Onbekend")
