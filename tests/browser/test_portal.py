"""The contact person's workflow in the browser, as the manual describes it (steps 1-11).

Controls are found by role and Dutch name, as a user and a screen reader find them. Requests made
here carry a unique reference, so tests sharing the session's stack never see each other's.
"""

from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.helpers import (
    DEMO_PASSWORD,
    answer_second_step,
    holder_rows,
    holders_table,
    screenshot,
    sign_in,
)
from tests.stack.harness import COLLEAGUE, CONTACT, MANUAL_EXAM_HOLDERS, StackClient

KEIRA = "keira-bhv"
WAIT_SECONDS = 15.0
COLUMNS = {
    "qualificationNumber": "Kwalificatienr.",
    "name": "Naam",
    "birthDate": "Geboortedatum",
    "expiryDate": "Vervaldatum",
    "status": "Status",
    "externalNumber": "Extern nummer",
}
MANUAL_EXAM_FILES = {
    "99731441_Dhr._B_van_Test_DEH_Diploma.pdf",
    "99600953_Dhr._TEST_de_Tester_DEH_Diploma.pdf",
    "99600953_Dhr._TEST_de_Tester_EHK_Certificaat.pdf",
    "99694102_Dhr._TT_Te_Tester_DEH_Diploma.pdf",
    "99694102_Dhr._TT_Te_Tester_EHK_Certificaat.pdf",
}


# --- helpers --------------------------------------------------------------------------------------


def column(page: Page, index: int) -> list[str]:
    texts: list[str] = holder_rows(page).evaluate_all(
        "(rows, i) => rows.map((row) => row.cells[i].textContent.trim())", index
    )
    return texts


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


def open_search(page: Page, base_url: str, query: str = f"?organisatie={KEIRA}") -> None:
    """Signed in as the contact of Keira BHV (and a second organisation), on a search URL."""
    sign_in(page, base_url, CONTACT)
    page.goto(base_url + "/" + query)
    expect(page.get_by_role("heading", name="Download certificaten", level=1)).to_be_visible()
    expect(holder_rows(page).first).to_be_visible()


def find_manual_exam(page: Page) -> None:
    page.get_by_label("Examennummer").fill("EX45465")
    expect(page.get_by_text("3 kwalificatiehouders", exact=True)).to_be_visible()
    wait_until(lambda: sorted(column(page, 0)) == sorted(MANUAL_EXAM_HOLDERS), "EX45465 rows")


def preview_text(page: Page) -> Locator:
    return page.get_by_role("status").filter(has_text=re.compile(r"\d+ pasjes?\b"))


def request_row(page: Page, reference: str) -> Locator:
    return page.get_by_role("table", name="Ingestuurde verzoeken").get_by_role(
        "row", name=reference
    )


def shows(page: Page, numbers: list[str]) -> Callable[[], bool]:
    """Whether the table lists exactly these holders, in this order."""
    return lambda: column(page, 0) == numbers


def parse_dutch(day: str) -> date:
    d, m, y = (int(part) for part in day.split("-"))
    return date(y, m, d)


def api_order(stack: StackClient, sort: str, order: str) -> list[str]:
    token = stack.sign_in(CONTACT)
    status, answer = stack.get(
        f"/api/holders?organisation={KEIRA}&sort={sort}&order={order}&limit=25", token=token
    )
    assert status == 200, answer
    return [item["qualificationNumber"] for item in answer["items"]]


# --- finding holders --------------------------------------------------------------------------


def test_contact_finds_the_manual_exam_holders_of_keira_bhv(page: Page, base_url: str) -> None:
    sign_in(page, base_url, CONTACT)
    page.get_by_label("Organisatie").select_option(label="Keira BHV")
    expect(page.get_by_label("Examentype")).to_have_value("")
    expect(page.get_by_label("Examentype").locator("option").first).to_have_text("Alle examentypes")
    expect(page.get_by_text("540 kwalificatiehouders", exact=True)).to_be_visible()

    find_manual_exam(page)

    row = holders_table(page).get_by_role("row", name="99600953")
    expect(row).to_contain_text("Dhr. TEST de Tester")
    expect(row).to_contain_text("18-06-1992")
    expect(row).to_contain_text("Geldig")
    assert column(page, 5) == ["-", "-", "-"], "no external number shows as -"
    assert f"organisatie={KEIRA}" in page.url
    assert "examennummer=EX45465" in page.url
    screenshot(page, "portal-search-ex45465")

    # A birth date typed as dd-mm-jjjj finds the holder born that day.
    page.get_by_label("Examennummer").fill("")
    page.get_by_label("Zoeken").fill("18-06-1992")
    wait_until(lambda: column(page, 0) == ["99600953"], "the holder born 18-06-1992")


def test_details_open_under_the_row_and_close_again(page: Page, base_url: str) -> None:
    open_search(page, base_url)
    find_manual_exam(page)
    row = holders_table(page).get_by_role("row", name="99600953")
    details = row.get_by_role("button", name="Bekijk details")
    expect(details).to_have_attribute("aria-expanded", "false")

    details.click()

    expect(details).to_have_attribute("aria-expanded", "true")
    qualifications = page.get_by_role("table", name="Kwalificaties van Dhr. TEST de Tester")
    for header in ("Kwalificatie", "Type", "Examdatum", "Vervaldatum"):
        expect(qualifications.get_by_role("columnheader", name=header)).to_be_visible()
    diploma = qualifications.get_by_role("row", name="Diploma Eerste Hulp")
    expect(diploma).to_contain_text("Diploma")
    expect(diploma).to_contain_text("Met module: Eerste Hulp aan Kinderen")
    expect(
        qualifications.get_by_role("row", name="Eerste Hulp aan Kinderen Certificaat")
    ).to_be_visible()
    expect(diploma.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^01-04-\d{4}$"))
    screenshot(page, "portal-details-open")

    details.click()

    expect(qualifications).to_have_count(0)
    expect(details).to_have_attribute("aria-expanded", "false")


# --- sorting, paging, URL ---------------------------------------------------------------------


def test_every_column_sorts_and_sorts_back(page: Page, base_url: str, stack: StackClient) -> None:
    open_search(page, base_url)
    for index, (key, label) in enumerate(COLUMNS.items()):
        header = holders_table(page).get_by_role("columnheader", name=label)
        button = header.get_by_role("button", name=label)
        for order, aria in (("asc", "ascending"), ("desc", "descending")):
            button.click()
            expect(header).to_have_attribute("aria-sort", aria)
            expected = api_order(stack, key, order)
            wait_until(shows(page, expected), f"rows sorted by {key} {order}")
            if key in ("birthDate", "expiryDate"):
                days = [parse_dutch(d) for d in column(page, index) if d != "-"]
                assert days == sorted(days, reverse=order == "desc"), f"{key} {order}"
            if key == "qualificationNumber":
                numbers = column(page, 0)
                assert numbers == sorted(numbers, reverse=order == "desc")
            others = holders_table(page).get_by_role("columnheader").filter(has_not_text=label)
            for other in others.all():
                assert other.get_attribute("aria-sort") is None


def test_paging_shows_the_total_and_pages_through(page: Page, base_url: str) -> None:
    open_search(page, base_url)
    expect(page.get_by_text("540 kwalificatiehouders", exact=True)).to_be_visible()
    expect(page.get_by_text("Pagina 1 van 22")).to_be_visible()
    first_page = column(page, 0)
    assert len(first_page) == 25

    page.get_by_role("button", name="Volgende pagina").click()

    expect(page.get_by_text("Pagina 2 van 22")).to_be_visible()
    wait_until(lambda: column(page, 0) not in ([], first_page), "the second page")
    second_page = column(page, 0)
    assert not set(first_page) & set(second_page)
    assert "pagina=2" in page.url

    page.go_back()
    expect(page.get_by_text("Pagina 1 van 22")).to_be_visible()
    wait_until(lambda: column(page, 0) == first_page, "back on the first page")

    # The last page by bookmark: its cursor is found without paging by hand.
    page.goto(f"{base_url}/?organisatie={KEIRA}&pagina=22")
    expect(page.get_by_text("Pagina 22 van 22")).to_be_visible()
    wait_until(lambda: len(column(page, 0)) == 540 - 21 * 25, "the last page's 15 rows")
    expect(page.get_by_role("button", name="Volgende pagina")).to_have_attribute(
        "aria-disabled", "true"
    )


def unfold_more_filters(page: Page) -> None:
    page.get_by_text(re.compile("^Meer filters")).click()
    expect(page.get_by_label("Vervaldatum vanaf")).to_be_visible()


def test_filters_sort_and_page_survive_a_reload(page: Page, base_url: str) -> None:
    open_search(page, base_url)
    page.get_by_label("Examentype").select_option(label="Eerste Hulp")
    page.get_by_label("Zoeken").fill("van")
    unfold_more_filters(page)
    page.get_by_label("Vervaldatum vanaf").fill("01-01-2000")
    expect(page.get_by_text("Meer filters (1 ingesteld)")).to_be_visible()
    header = holders_table(page).get_by_role("columnheader", name="Geboortedatum")
    header.get_by_role("button").click()
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    page.get_by_role("button", name="Volgende pagina").click()
    expect(page.get_by_text(re.compile(r"^Pagina 2 van \d+$"))).to_be_visible()
    wait_until(lambda: "pagina=2" in page.url, "page 2 in the URL")
    before = column(page, 0)

    page.reload()

    expect(page.get_by_label("Examentype")).to_have_value("EH")
    expect(page.get_by_label("Zoeken")).to_have_value("van")
    # A folded filter that holds a value shows itself after a reload.
    expect(page.get_by_label("Vervaldatum vanaf")).to_be_visible()
    expect(page.get_by_label("Vervaldatum vanaf")).to_have_value("01-01-2000")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_text(re.compile(r"^Pagina 2 van \d+$"))).to_be_visible()
    wait_until(lambda: column(page, 0) == before, "the same rows after the reload")


def test_an_impossible_date_is_flagged_at_the_field_and_in_the_summary(
    page: Page, base_url: str
) -> None:
    open_search(page, base_url)
    unfold_more_filters(page)
    field = page.get_by_label("Vervaldatum tot en met")
    field.fill("31-02-2027")
    field.press("Enter")

    summary = page.get_by_role("alert").filter(has_text="Er is een probleem")
    expect(summary).to_be_visible()
    link = summary.get_by_role(
        "link", name=re.compile("Vervaldatum tot en met: 31-02-2027 is geen bestaande datum")
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("bestaande datum"))
    link.click()
    expect(field).to_be_focused()

    field.fill("31-12-2027")
    field.press("Enter")
    expect(summary).to_have_count(0)
    expect(field).not_to_have_attribute("aria-invalid", "true")


def test_a_date_the_portal_cannot_read_says_so_at_once_and_shows_no_results(
    page: Page, base_url: str
) -> None:
    open_search(page, base_url)
    search = page.get_by_label("Zoeken", exact=True)
    results = page.get_by_role("region", name="Kwalificatiehouders")

    # Typed, not submitted: the field says it at once and the old results go.
    search.fill("18/06/1992")
    expect(search).to_have_accessible_description(
        re.compile(
            r"Zoeken: het portaal kan 18/06/1992 niet lezen als datum\. Typ de datum als dd-mm-jjjj"
        )
    )
    expect(search).to_have_attribute("aria-invalid", "true")
    expect(holder_rows(page)).to_have_count(0)
    expect(results).to_contain_text("Nog geen resultaten")

    search.fill("31-02-2020")
    expect(search).to_have_accessible_description(re.compile("31-02-2020 is geen bestaande datum"))
    expect(holder_rows(page)).to_have_count(0)

    search.fill("18-06-1992")
    wait_until(lambda: column(page, 0) == ["99600953"], "the holder born 18-06-1992")
    expect(search).not_to_have_attribute("aria-invalid", "true")

    # The same in a folded filter: it unfolds from the URL and says so without a key pressed.
    page.goto(f"{base_url}/?organisatie={KEIRA}&vanaf=01/04/2028")
    since = page.get_by_label("Vervaldatum vanaf")
    expect(since).to_be_visible()
    expect(since).to_have_accessible_description(re.compile("kan 01/04/2028 niet lezen"))
    expect(results).to_contain_text("Nog geen resultaten")


def test_the_organisation_menu_fits_its_longest_name_and_is_remembered(
    page: Page, base_url: str
) -> None:
    sign_in(page, base_url, CONTACT)
    menu = page.get_by_label("Organisatie")
    expect(menu).to_have_value("ehbo-vereniging-sint-joris")  # the first, on a first visit
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 768})
        room = menu.evaluate(
            """(select) => {
                const style = getComputedStyle(select);
                const ruler = document.createElement("canvas").getContext("2d");
                ruler.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
                const widths = [...select.options].map((o) => ruler.measureText(o.text).width);
                const longest = Math.max(...widths);
                // Inside its padding, the menu holds the text and its arrow (about 0.8 em).
                const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
                const inner = select.clientWidth - padding;
                return inner - longest - 0.8 * parseFloat(style.fontSize);
            }"""
        )
        assert room >= 0, (
            f"at {width} px the Organisatie menu is {-room:.0f} px short of its longest name"
        )

    menu.select_option(label="Keira BHV")
    expect(page.get_by_text("540 kwalificatiehouders", exact=True)).to_be_visible()
    # A visit without an organisation in the URL (a new tab, a sign-in tomorrow) opens the last one.
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_label("E-mailadres")).to_be_visible()  # signed out, tokens gone
    sign_in(page, base_url, CONTACT)
    expect(menu).to_have_value(KEIRA)
    expect(page.get_by_text("540 kwalificatiehouders", exact=True)).to_be_visible()
    assert f"organisatie={KEIRA}" in page.url


# --- selecting --------------------------------------------------------------------------------


def test_add_one_then_add_all_and_the_selection_survives(page: Page, base_url: str) -> None:
    open_search(page, base_url)
    find_manual_exam(page)
    panel = page.get_by_role("region", name="Selectie")
    expect(panel).to_contain_text("Nog niemand geselecteerd")

    row = holders_table(page).get_by_role("row", name="99731441")
    row.get_by_role("button", name="Voeg toe").click()

    expect(panel).to_contain_text("1 kwalificatiehouder geselecteerd")
    expect(panel.get_by_role("listitem")).to_have_text([re.compile("Dhr. B van Test")])
    expect(row.get_by_role("button", name="Verwijder")).to_be_focused()

    page.get_by_role("button", name="Voeg alle toe").click()
    expect(panel).to_contain_text("3 kwalificatiehouders geselecteerd")

    # A new search and a reload keep the selection.
    page.get_by_label("Examennummer").fill("")
    expect(page.get_by_text("540 kwalificatiehouders", exact=True)).to_be_visible()
    page.reload()
    expect(panel).to_contain_text("3 kwalificatiehouders geselecteerd")

    panel.get_by_role("button", name="Verwijder Dhr. TT Te Tester uit de selectie").click()
    expect(panel).to_contain_text("2 kwalificatiehouders geselecteerd")
    panel.get_by_role("button", name="Selectie leegmaken").click()
    expect(panel).to_contain_text("Nog niemand geselecteerd")


def test_add_all_takes_every_page_not_only_the_visible_one(page: Page, base_url: str) -> None:
    open_search(page, base_url)
    page.get_by_role("button", name="Voeg alle toe").click()
    panel = page.get_by_role("region", name="Selectie")
    expect(panel).to_contain_text("540 kwalificatiehouders geselecteerd")
    expect(page.get_by_text("540 kwalificatiehouders toegevoegd")).to_be_visible()


def test_the_options_change_the_previewed_pass_count(page: Page, base_url: str) -> None:
    open_search(page, base_url)
    find_manual_exam(page)
    page.get_by_role("button", name="Voeg alle toe").click()
    count = preview_text(page)
    expect(count).to_have_text("3 kwalificatiehouders, 5 pasjes")

    page.get_by_label("Alleen de gekozen kwalificaties").check()
    page.get_by_label(re.compile("^Diploma Eerste Hulp")).check()
    expect(count).to_have_text("3 kwalificatiehouders, 3 pasjes")

    page.get_by_label(re.compile("^Diploma Eerste Hulp")).uncheck()
    page.get_by_label(re.compile("^Eerste Hulp aan Kinderen")).check()
    expect(count).to_contain_text("2 kwalificatiehouders, 2 pasjes")
    expect(count).to_contain_text("1 kwalificatiehouder levert met deze keuzes geen pasje op")

    page.get_by_label("Alle kwalificaties").check()
    expect(count).to_have_text("3 kwalificatiehouders, 5 pasjes")
    # 99694102's qualifications expire on 21 January, the others' on 1 April.
    page.get_by_label(re.compile(r"^21-01-\d{4}")).check()
    expect(count).to_contain_text("1 kwalificatiehouder, 2 pasjes")
    screenshot(page, "portal-options")


def test_one_holder_without_passes_is_named_in_the_singular(
    page: Page, base_url: str, stack: StackClient
) -> None:
    """A holder whose only qualification is withdrawn (the demo has one at Keira BHV)."""
    token = stack.sign_in(CONTACT)
    status, answer = stack.get(f"/api/holders?organisation={KEIRA}&limit=500", token=token)
    assert status == 200, answer
    withdrawn = [h for h in answer["items"] if h["status"] == "Ingetrokken"]
    if not withdrawn:  # on the second page
        status, answer = stack.get(
            f"/api/holders?organisation={KEIRA}&limit=500&cursor={answer['nextCursor']}",
            token=token,
        )
        withdrawn = [h for h in answer["items"] if h["status"] == "Ingetrokken"]
    assert withdrawn, "the demo data no longer has a holder whose qualification is withdrawn"
    number = withdrawn[0]["qualificationNumber"]
    open_search(page, base_url, f"?organisatie={KEIRA}&zoek={number}")
    holders_table(page).get_by_role("row", name=number).get_by_role(
        "button", name="Voeg toe"
    ).click()

    expect(preview_text(page)).to_have_text(
        "0 kwalificatiehouders, 0 pasjes. 1 kwalificatiehouder levert met deze keuzes geen pasje"
        " op omdat zijn of haar kwalificaties zijn ingetrokken."
    )


# --- submitting and downloading ---------------------------------------------------------------


def test_submit_then_download_the_zip_and_the_colleague_sees_none_of_it(
    page: Page, base_url: str, browser: Browser
) -> None:
    reference = f"Examen EX45465 {uuid.uuid4().hex[:8]}"
    open_search(page, base_url)
    find_manual_exam(page)
    page.get_by_role("button", name="Voeg alle toe").click()
    expect(preview_text(page)).to_have_text("3 kwalificatiehouders, 5 pasjes")
    page.get_by_label("Persoonlijk kenmerk").fill(reference)

    page.get_by_role("button", name="Dien verzoek in").click()

    heading = page.get_by_role("heading", name="Ingestuurde verzoeken", level=1)
    expect(heading).to_be_focused()
    assert page.url.endswith("/verzoeken")
    row = request_row(page, reference)
    expect(row).to_contain_text("Keira BHV")
    expect(row.get_by_role("cell").nth(1)).to_have_text("3")
    expect(row.get_by_role("cell").nth(2)).to_have_text("5")
    expect(row).to_contain_text("Klaar", timeout=30_000)
    # Ingediend: the day and the time, in the browser's own time zone (Europe/Amsterdam here).
    submitted = row.get_by_role("cell").nth(3)
    created = datetime.fromisoformat(str(submitted.locator("time").get_attribute("datetime")))
    local = created.astimezone(ZoneInfo("Europe/Amsterdam"))
    expect(submitted).to_have_text(local.strftime("%d-%m-%Y %H:%M"))
    screenshot(page, "portal-requests")

    with page.expect_download() as download_info:
        row.get_by_role("button", name="Download pdf's").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    data = download.path().read_bytes()
    assert set(zipfile.ZipFile(io.BytesIO(data)).namelist()) == MANUAL_EXAM_FILES

    # What was submitted left the selection.
    page.get_by_role("link", name="Download certificaten").click()
    expect(page.get_by_role("region", name="Selectie")).to_contain_text("Nog niemand geselecteerd")

    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    colleague = context.new_page()
    sign_in(colleague, base_url, COLLEAGUE)
    colleague.get_by_role("link", name="Ingestuurde verzoeken").click()
    expect(colleague.get_by_role("heading", name="Ingestuurde verzoeken", level=1)).to_be_visible()
    colleague.wait_for_load_state("networkidle")
    expect(colleague.get_by_text(reference)).to_have_count(0)
    expect(colleague.locator("body")).not_to_contain_text(reference)
    context.close()


def test_more_than_250_passes_are_split_over_requests_once(page: Page, base_url: str) -> None:
    """Keira BHV's holders with a Levensreddend handelen exam make over 250 passes in the demo."""
    reference = f"Hercertificering {uuid.uuid4().hex[:8]}"
    open_search(page, base_url)
    page.get_by_label("Examentype").select_option(label="Levensreddend handelen")
    expect(page.get_by_text(re.compile(r"^\d+ kwalificatiehouders$"))).to_be_visible()
    page.get_by_role("button", name="Voeg alle toe").click()
    count = preview_text(page)
    # A holder whose qualifications are all withdrawn is named after the counts.
    expect(count).to_have_text(re.compile(r"^\d+ kwalificatiehouders, \d+ pasjes\b"))
    match = re.match(r"(\d+) kwalificatiehouders, (\d+) pasjes", count.inner_text())
    assert match, count.inner_text()
    holders, passes = int(match[1]), int(match[2])
    assert passes > 250, "the demo data no longer has a filter above 250 passes"
    split = page.get_by_role("button", name=re.compile(r"^Verdeel over \d+ verzoeken$"))
    expect(split).to_be_visible()
    parts = int(re.findall(r"\d+", split.inner_text())[0])
    expect(page.get_by_text("meer dan 250 pasjes")).to_be_visible()
    page.get_by_label("Persoonlijk kenmerk").fill(reference)

    # A double click submits each part once (the button ignores a click while submitting).
    split.dblclick()

    expect(page.get_by_role("heading", name="Ingestuurde verzoeken", level=1)).to_be_focused()
    rows = page.get_by_role("table", name="Ingestuurde verzoeken").get_by_role(
        "row", name=reference
    )
    expect(rows).to_have_count(parts)
    total_holders = total_passes = 0
    for index in range(1, parts + 1):
        row = request_row(page, f"{reference} ({index}/{parts})")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Klaar", timeout=30_000)
        row_passes = int(row.get_by_role("cell").nth(2).inner_text())
        assert row_passes <= 250
        total_passes += row_passes
        total_holders += int(row.get_by_role("cell").nth(1).inner_text())
    assert (total_holders, total_passes) == (holders, passes)


def test_keyboard_alone_finds_selects_submits_and_downloads(page: Page, base_url: str) -> None:
    reference = f"Toetsenbord {uuid.uuid4().hex[:8]}"
    open_search(page, base_url)

    def tab_to(target: Locator, *, back: bool = False, presses: int = 80) -> None:
        for _ in range(presses):
            page.keyboard.press("Shift+Tab" if back else "Tab")
            if target.evaluate("(node) => node === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {target}")

    tab_to(page.get_by_label("Examennummer"))
    page.keyboard.type("EX45465")
    expect(page.get_by_text("3 kwalificatiehouders", exact=True)).to_be_visible()
    details = (
        holders_table(page)
        .get_by_role("row", name="99600953")
        .get_by_role("button", name="Bekijk details")
    )
    tab_to(details)
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(details).to_have_attribute("aria-expanded", "false")
    tab_to(page.get_by_role("button", name="Voeg alle toe"), back=True)
    page.keyboard.press("Enter")
    expect(preview_text(page)).to_have_text("3 kwalificatiehouders, 5 pasjes")
    tab_to(page.get_by_label("Persoonlijk kenmerk"))
    page.keyboard.type(reference)
    tab_to(page.get_by_role("button", name="Dien verzoek in"))
    page.keyboard.press("Space")

    expect(page.get_by_role("heading", name="Ingestuurde verzoeken", level=1)).to_be_focused()
    row = request_row(page, reference)
    expect(row).to_contain_text("Klaar", timeout=30_000)
    with page.expect_download() as download_info:
        tab_to(row.get_by_role("button", name="Download pdf's"))
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename.endswith(".zip")


# --- a holder gone, a session ended ------------------------------------------------------------


def test_a_holder_no_longer_registered_is_named_and_removed_without_losing_the_rest(
    page: Page, base_url: str
) -> None:
    open_search(page, base_url)
    find_manual_exam(page)
    page.get_by_role("button", name="Voeg alle toe").click()
    expect(preview_text(page)).to_have_text("3 kwalificatiehouders, 5 pasjes")
    # As if the organisation's import removed one of them after it was selected.
    page.evaluate(
        """() => {
            const key = "pasjes:selectie:keira-bhv";
            const stored = JSON.parse(sessionStorage.getItem(key));
            stored.push(["10000001", "Dhr. Uitgeschreven"]);
            sessionStorage.setItem(key, JSON.stringify(stored));
        }"""
    )
    page.reload()

    problem = page.get_by_role("alert").filter(has_text="niet (meer) ingeschreven")
    expect(problem.first).to_contain_text("10000001")
    page.get_by_role("button", name="Verwijder deze kwalificatiehouder uit de selectie").click()

    panel = page.get_by_role("region", name="Selectie")
    expect(panel).to_contain_text("3 kwalificatiehouders geselecteerd")
    expect(preview_text(page)).to_have_text("3 kwalificatiehouders, 5 pasjes")


def test_an_ended_session_keeps_filters_and_selection_for_after_signing_in_again(
    page: Page, base_url: str
) -> None:
    open_search(page, base_url)
    find_manual_exam(page)
    holders_table(page).get_by_role("row", name="99600953").get_by_role(
        "button", name="Voeg toe"
    ).click()
    expect(page.get_by_role("region", name="Selectie")).to_contain_text(
        "1 kwalificatiehouder geselecteerd"
    )
    # The session ends (its tokens are gone) while the contact person goes on searching.
    page.evaluate(
        """() => Object.keys(sessionStorage)
            .filter((key) => key.startsWith("CognitoIdentityServiceProvider."))
            .forEach((key) => sessionStorage.removeItem(key))"""
    )
    page.get_by_label("Zoeken", exact=True).fill("Tester")

    expect(page.get_by_role("button", name="Inloggen")).to_be_visible()
    page.get_by_label("E-mailadres").fill(CONTACT)
    page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    answer_second_step(page)

    expect(page.get_by_label("Examennummer")).to_have_value("EX45465")
    expect(page.get_by_role("region", name="Selectie")).to_contain_text("Dhr. TEST de Tester")
    expect(page.get_by_role("region", name="Selectie")).to_contain_text(
        "1 kwalificatiehouder geselecteerd"
    )
