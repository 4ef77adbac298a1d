"""axe-core on every state of the portal's screens: no serious or critical violation anywhere."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, screenshot, sign_in
from tests.stack.harness import CONTACT


def _keira_exam(page: Page, base_url: str) -> None:
    sign_in(page, base_url, CONTACT)
    page.goto(f"{base_url}/?organisatie=keira-bhv&examennummer=EX45465")
    expect(page.get_by_text("3 kwalificatiehouders", exact=True)).to_be_visible()


def test_the_list_is_accessible(page: Page, base_url: str) -> None:
    sign_in(page, base_url, CONTACT)
    page.goto(f"{base_url}/?organisatie=keira-bhv")
    expect(page.get_by_text("540 kwalificatiehouders", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download certificaten")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)
    screenshot(page, "portal-list")


def test_the_list_with_details_open_is_accessible(page: Page, base_url: str) -> None:
    _keira_exam(page, base_url)
    page.get_by_role("row", name="99600953").get_by_role("button", name="Bekijk details").click()
    expect(page.get_by_role("table", name="Kwalificaties van Dhr. TEST de Tester")).to_be_visible()
    assert_accessible(page)


def test_the_options_and_an_error_summary_are_accessible(page: Page, base_url: str) -> None:
    _keira_exam(page, base_url)
    page.get_by_role("button", name="Voeg alle toe").click()
    expect(page.get_by_text("3 kwalificatiehouders, 5 pasjes")).to_be_visible()
    page.get_by_label("Alleen de gekozen kwalificaties").check()
    assert_accessible(page)

    # "Only some" with none ticked cannot be submitted: the summary says why and links there.
    page.get_by_role("button", name="Dien verzoek in").click()
    summary = page.get_by_role("alert").filter(has_text="Er is een probleem")
    expect(summary).to_be_focused()
    expect(
        summary.get_by_role("link", name=re.compile("Kies ten minste één kwalificatie"))
    ).to_be_visible()
    assert_accessible(page)
    screenshot(page, "portal-options-error")


def test_the_requests_are_accessible(page: Page, base_url: str) -> None:
    reference = f"Toegankelijk {uuid.uuid4().hex[:8]}"
    _keira_exam(page, base_url)
    page.get_by_role("button", name="Voeg alle toe").click()
    expect(page.get_by_text("3 kwalificatiehouders, 5 pasjes")).to_be_visible()
    page.get_by_label("Persoonlijk kenmerk").fill(reference)
    page.get_by_role("button", name="Dien verzoek in").click()
    row = page.get_by_role("table", name="Ingestuurde verzoeken").get_by_role("row", name=reference)
    expect(row).to_contain_text("Klaar", timeout=30_000)
    expect(page.get_by_role("link", name="Ingestuurde verzoeken")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)
