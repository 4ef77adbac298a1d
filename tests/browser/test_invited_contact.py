"""A contact person the registry's export brings in: invited by the import, they sign in with
the temporary password, choose their own, link an authenticator app and see their
organisation's holders."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from infra.ops.demo_manual import REDDINGSBRIGADE
from tests.browser.helpers import answer_second_step, assert_accessible, screenshot
from tests.stack.harness import StackProcess
from tests.stack.imports import drop, temporary_password, wait_for_report

INVITED = "uitgenodigd@reddingsbrigade.example"
NEW_PASSWORD = "Eigen-wachtwoord-2026"


def test_an_invited_contact_person_sets_a_password_and_sees_their_organisations_holders(
    page: Page, base_url: str, stack_process: StackProcess
) -> None:
    export = drop(
        stack_process.imports, "uitnodiging.zip", "--contact", f"{INVITED}={REDDINGSBRIGADE}"
    )
    assert wait_for_report(export)["counts"]["contactPersonsInvited"] == 1
    password = temporary_password(stack_process.output(), INVITED)

    page.goto(base_url + "/")
    page.get_by_label("E-mailadres").fill(INVITED)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    expect(page.get_by_role("heading", name="Nieuw wachtwoord instellen")).to_be_visible()
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal nieuw wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    answer_second_step(page)

    expect(page.get_by_role("banner")).to_contain_text(INVITED)
    expect(page.get_by_role("heading", name="Download certificaten", level=1)).to_be_visible()
    holders = page.get_by_role("table", name="Kwalificatiehouders", exact=True)
    expect(holders.get_by_role("row").nth(1)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "invited-contact-holders")
