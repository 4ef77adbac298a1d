"""Hercertificering in the browser: "Verloopt binnen" on "Download certificaten" (the choice,
kept in the URL, and the table saying which qualification expires when) and "Exporteer" (the
CSV and the Excel file downloaded, read back and compared with the API's list)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_horizontal_scroll, holder_rows, screenshot, sign_in
from tests.browser.test_portal import column, open_search, wait_until
from tests.stack.harness import CONTACT, StackClient

KEIRA = "keira-bhv"
CHOICES = [
    "Alle",
    "1 maand",
    "3 maanden",
    "6 maanden",
    "12 maanden",
    "Verlopen in de afgelopen 12 maanden",
]


def api_list(stack: StackClient, query: str) -> dict[str, object]:
    status, answer = stack.get(
        f"/api/holders?organisation={KEIRA}&{query}&limit=500", token=stack.sign_in(CONTACT)
    )
    assert status == 200, answer
    assert isinstance(answer, dict)
    return answer


def dutch(day: str) -> date:
    d, m, y = (int(part) for part in day.split("-"))
    return date(y, m, d)


def test_verloopt_binnen_finds_holders_by_each_qualification_and_says_which_and_when(
    page: Page, base_url: str, stack: StackClient
) -> None:
    open_search(page, base_url)
    menu = page.get_by_label("Verloopt binnen")
    expect(menu.locator("option:not([hidden])")).to_have_text(CHOICES)

    menu.select_option(label="3 maanden")

    answer = api_list(stack, "expiring=3m")
    items = answer["items"]
    assert isinstance(items, list)
    assert items, "the demo data has qualifications expiring within 3 months"
    expected = [item["qualificationNumber"] for item in items][:25]
    wait_until(lambda: column(page, 0) == expected, "the 3-month window's holders, earliest first")
    assert "verloopt=3m" in page.url
    expect(page.get_by_text(f"{answer['total']} kwalificatiehouders", exact=True)).to_be_visible()
    # Each row names the qualification(s) in the window and their dates, within 3 months.
    first = holder_rows(page).first.get_by_role("listitem")
    expect(first.first).to_contain_text(items[0]["expiring"][0]["name"])
    today = date.today()
    for text in holder_rows(page).get_by_role("listitem").all_inner_texts():
        day = dutch(text.rsplit(": ", 1)[1])
        assert today - timedelta(days=1) <= day <= today + timedelta(days=93), text
    screenshot(page, "portal-verloopt-binnen-3-maanden")
    # At 1024 px the rows' buttons stay in the window, beside the qualifications listed.
    page.set_viewport_size({"width": 1024, "height": 768})
    assert_no_horizontal_scroll(page)
    button = holder_rows(page).first.get_by_role("button", name="Voeg toe").bounding_box()
    assert button is not None
    assert button["x"] + button["width"] <= 1024

    # The URL keeps the choice: a reload opens the same list.
    page.reload()
    expect(page.get_by_label("Verloopt binnen")).to_have_value("3m")
    wait_until(lambda: column(page, 0) == expected, "the same window after a reload")


def test_the_monthly_mails_link_opens_last_months_expired_ones(
    page: Page, base_url: str, stack: StackClient
) -> None:
    # The mail's "verlopen in <vorige maand>" link: a window not in the menu, shown while chosen.
    sign_in(page, base_url, CONTACT)
    page.goto(f"{base_url}/?organisatie={KEIRA}&verloopt=lastMonth")
    menu = page.get_by_label("Verloopt binnen")

    expect(menu).to_have_value("lastMonth")
    expect(menu.locator("option:checked")).to_have_text("Verlopen in de vorige maand")
    total = api_list(stack, "expiring=lastMonth")["total"]
    assert isinstance(total, int)
    if total:
        count = f"{total} kwalificatiehouder" + ("s" if total > 1 else "")
        expect(page.get_by_text(count, exact=True)).to_be_visible()
    assert "verloopt=lastMonth" in page.url


def test_exporteer_downloads_the_list_as_csv_and_as_excel(
    page: Page, base_url: str, stack: StackClient, tmp_path: Path
) -> None:
    open_search(page, base_url, f"?organisatie={KEIRA}&verloopt=12m")
    items = api_list(stack, "expiring=12m")["items"]
    assert isinstance(items, list)
    numbers = [item["qualificationNumber"] for item in items]
    wait_until(lambda: column(page, 0) == numbers[:25], "the 12-month window's holders")
    exporter = page.get_by_role("group", name="Exporteer")

    with page.expect_download() as csv_download:
        exporter.get_by_role("button", name="CSV").click()
    csv_path = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_path)
    with page.expect_download() as xlsx_download:
        exporter.get_by_role("button", name="Excel (xlsx)").click()
    xlsx_path = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx_path)

    assert csv_path.name.startswith(f"kwalificatiehouders-{KEIRA}-verloopt-binnen-12-maanden-")
    assert csv_path.suffix == ".csv"
    assert xlsx_path.suffix == ".xlsx"
    text = csv_path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    # Every holder of the list (every page), in its order, once per qualification.
    in_order = list(dict.fromkeys(row[0] for row in rows[1:]))
    assert in_order == numbers
    sheet = openpyxl.load_workbook(xlsx_path).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in cells] == [row[0] for row in rows]
    assert all(isinstance(row[2], datetime) for row in cells[1:])
    expect(page.get_by_text(f"Geëxporteerd: {xlsx_path.name}")).to_be_visible()


def test_instellingen_turns_the_monthly_overview_off_and_on_and_keeps_it(
    page: Page, base_url: str
) -> None:
    open_search(page, base_url)
    page.get_by_role("banner").get_by_role("link", name="Instellingen").click()

    expect(page.get_by_role("heading", name="Instellingen", level=1)).to_be_visible()
    assert page.url.endswith("/instellingen")
    box = page.get_by_role("checkbox", name="Maandelijks overzicht per e-mail")
    expect(box).to_be_enabled()
    expect(box).to_be_checked()
    box.uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen")).to_contain_text(
        "geen maandelijks overzicht meer"
    )
    screenshot(page, "portal-instellingen")

    # Kept on the server: the link in every mail opens the same setting.
    page.goto(base_url + "/instellingen")
    box = page.get_by_role("checkbox", name="Maandelijks overzicht per e-mail")
    expect(box).to_be_enabled()
    expect(box).not_to_be_checked()
    box.check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen")).to_contain_text(
        "je ontvangt het maandelijkse overzicht"
    )
