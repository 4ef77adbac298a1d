"""Every action in view, at every width: the portal's screens at 1440, 1280, 1024 and 360 px.

A row's buttons must lie inside the window without scrolling anything sideways, so these tests
measure the buttons' boxes against the window (a page that does not scroll sideways can still
hide a button in a scrolling box). One signed-in page per width serves every test of that width;
each test opens its screen by URL and starts with an empty selection. axe-core checks every one
of these states, the error states included, at each width: no serious or critical violation.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    holder_rows,
    holders_table,
    screenshot,
    sign_in,
)
from tests.stack.harness import CONTACT, MANUAL_EXAM_HOLDERS, StackClient

KEIRA = "keira-bhv"
# Width → height: 1024x768 is the smallest desktop screen the first results must show on.
SIZES = {1440: 900, 1280: 900, 1024: 768, 360: 780}
PHONE_WIDTH = 360
LONG_REFERENCE = "Hercertificering Eerste Hulp en BHV, groep november (locatie Utrecht-Overvecht)"
BOXES = """(nodes) => nodes
    .filter((node) => node.getClientRects().length > 0)
    .map((node) => {
        const box = node.getBoundingClientRect();
        return { name: node.textContent.trim(), left: box.left, right: box.right };
    })"""


@pytest.fixture(scope="module", params=list(SIZES), ids=lambda width: f"{width}px")
def sized_page(request: pytest.FixtureRequest, browser: Browser, base_url: str) -> Iterator[Page]:
    """The contact person of Keira BHV, signed in once per width."""
    width: int = request.param
    phone = width == PHONE_WIDTH
    context = browser.new_context(
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": width, "height": SIZES[width]},
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    sign_in(page, base_url, CONTACT)
    yield page
    context.close()


@pytest.fixture(scope="module")
def long_request(stack: StackClient) -> str:
    """A ready request with a long reference, so "Ingestuurde verzoeken" has a row to measure."""
    token = stack.sign_in(CONTACT)
    reference = f"{LONG_REFERENCE} {uuid.uuid4().hex[:6]}"
    status, created = stack.post(
        "/api/requests",
        {
            "organisation": KEIRA,
            "qualificationNumbers": list(MANUAL_EXAM_HOLDERS),
            "reference": reference,
        },
        token=token,
    )
    assert status == 202, created
    stack.wait_until_ready(created["id"], token)
    return reference


def open_screen(page: Page, base_url: str, path: str) -> None:
    """A screen by URL, with an empty selection (the tab's session stays signed in)."""
    page.evaluate(
        """() => Object.keys(sessionStorage)
            .filter((key) => key.startsWith("pasjes:"))
            .forEach((key) => sessionStorage.removeItem(key))"""
    )
    page.goto(base_url + path)


def width_of(page: Page) -> int:
    size = page.viewport_size
    assert size is not None
    return int(size["width"])


def assert_in_view(page: Page, controls: Locator, what: str, *, at_least: int = 1) -> None:
    """Every visible one of `controls` lies entirely inside the window's width, unscrolled."""
    window = page.evaluate("() => document.documentElement.clientWidth")
    boxes: list[dict[str, Any]] = controls.evaluate_all(BOXES)
    assert len(boxes) >= at_least, f"{what}: found {len(boxes)}, expected at least {at_least}"
    outside = [b for b in boxes if b["left"] < 0 or b["right"] > window + 0.5]
    assert not outside, f"{what} out of the {window} px window: " + ", ".join(
        f"{b['name']!r} at {b['left']:.0f}-{b['right']:.0f}" for b in outside[:5]
    )
    assert page.evaluate("() => window.scrollX") == 0


def assert_table_fits(page: Page, table: Locator, what: str) -> None:
    """The table inside the window and no wider than the box it sits in."""
    box = table.evaluate(
        """(t) => {
            const own = t.getBoundingClientRect();
            const box = t.parentElement.getBoundingClientRect();
            return { left: own.left, right: own.right, boxRight: box.right };
        }"""
    )
    window = page.evaluate("() => document.documentElement.clientWidth")
    assert box["left"] >= 0, f"{what} runs out of the window: {box}"
    assert box["right"] <= window, f"{what} runs out of the window: {box}"
    assert box["right"] <= box["boxRight"] + 0.5, f"{what} is wider than its box: {box}"


def assert_headers_break_between_words_or_at_a_hyphen(table: Locator, what: str) -> None:
    """A header that takes two lines breaks at a space or a soft hyphen (which then shows as
    "Geboorte-"), never inside a word where nothing shows that it goes on."""
    broken = table.evaluate(
        r"""(t) => {
            const found = [];
            const unseen = ".visually-hidden, [aria-hidden=true]";
            for (const th of t.querySelectorAll("thead th")) {
                const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
                let top = null;
                let before = "";
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (node.parentElement.closest(unseen)) continue;
                    for (let i = 0; i < node.data.length; i++) {
                        const range = document.createRange();
                        range.setStart(node, i);
                        range.setEnd(node, i + 1);
                        // The glyph's own box: at a line's start, Blink adds an empty one at
                        // the end of the line before.
                        const rect = [...range.getClientRects()].findLast((r) => r.width);
                        if (rect && rect.height) {
                            if (top !== null && rect.top > top + 2 && !/[\s\u00AD]/.test(before)) {
                                found.push(`${th.textContent} after ${JSON.stringify(before)}`);
                            }
                            top = rect.top;
                        }
                        before = node.data[i];
                    }
                }
            }
            return found;
        }"""
    )
    assert not broken, f"{what}: headers broken inside a word: {broken}"


def luminance(rgb: str) -> float:
    """The relative luminance (WCAG 2) of a computed colour, "rgb(r, g, b)"."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- sign-in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", list(SIZES), ids=lambda width: f"{width}px")
def test_the_sign_in_form_is_in_view(browser: Browser, base_url: str, width: int) -> None:
    phone = width == PHONE_WIDTH
    context = browser.new_context(
        locale="nl-NL",
        viewport={"width": width, "height": SIZES[width]},
        is_mobile=phone,
        has_touch=phone,
    )
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        form = page.get_by_role("main")
        expect(form.get_by_role("button", name="Inloggen", exact=True)).to_be_visible()
        assert_in_view(page, form.get_by_role("textbox"), "the sign-in fields", at_least=1)
        assert_in_view(page, form.get_by_role("button"), "the sign-in buttons")
        # The whole form on the first screen, "Inloggen" included.
        button = form.get_by_role("button", name="Inloggen", exact=True).bounding_box()
        assert button is not None
        assert button["y"] + button["height"] <= SIZES[width], "Inloggen is below the first screen"
        assert_no_horizontal_scroll(page)
    finally:
        context.close()


# --- the holder list -----------------------------------------------------------------------------


def test_every_holder_row_action_is_in_view(sized_page: Page, base_url: str) -> None:
    page = sized_page
    width = width_of(page)
    open_screen(page, base_url, f"/?organisatie={KEIRA}")
    expect(page.get_by_text("540 kwalificatiehouders", exact=True)).to_be_visible()
    expect(holder_rows(page)).to_have_count(25)

    if width != PHONE_WIDTH:
        # The first result row, whole, on the first screen: no scrolling down to see a result.
        first = holder_rows(page).first.bounding_box()
        height = SIZES[width]
        assert first is not None
        bottom = first["y"] + first["height"]
        assert bottom <= height, f"the first result row ends at {bottom:.0f} px, below {height} px"
    assert_table_fits(page, holders_table(page), "the holder table")
    rows = holder_rows(page)
    assert_in_view(
        page, rows.get_by_role("button", name="Bekijk details"), "Bekijk details", at_least=25
    )
    assert_in_view(page, rows.get_by_role("button", name="Voeg toe"), "Voeg toe", at_least=25)
    assert_in_view(page, holders_table(page).get_by_role("columnheader"), "the column headers")
    assert_headers_break_between_words_or_at_a_hyphen(holders_table(page), "the holder table")
    # And the rest of the screen's buttons: Voeg alle toe, Exporteer, the pager, the filters'.
    results = page.get_by_role("region", name="Kwalificatiehouders")
    assert_in_view(page, results.get_by_role("button"), "the results' buttons", at_least=55)
    assert_in_view(page, page.get_by_role("search").get_by_role("button"), "Zoek")
    # The two tabs side by side, on a phone too.
    tabs = [
        page.get_by_role("link", name=name).bounding_box()
        for name in ("Download certificaten", "Ingestuurde verzoeken")
    ]
    assert tabs[0] is not None
    assert tabs[1] is not None
    assert abs(tabs[0]["y"] - tabs[1]["y"]) < 1, f"the tabs are on two rows: {tabs}"
    expect(page.get_by_role("link", name="Download certificaten")).to_have_attribute(
        "aria-current", "page"
    )
    # "Zoek" shows where it is on the grey bar: its frame against the bar 3:1 at least (1.4.11).
    colours = page.get_by_role("button", name="Zoek").evaluate(
        """(button) => [getComputedStyle(button).borderTopColor,
                        getComputedStyle(button.closest("form")).backgroundColor]"""
    )
    assert contrast(*colours) >= 3, f"Zoek's frame {colours[0]} on the bar's {colours[1]}"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"portal-list-{width}")

    # Under "Verloopt binnen" the Vervaldatum cells list qualifications: still all in view.
    page.get_by_label("Verloopt binnen").select_option(label="12 maanden")
    expect(holders_table(page).locator("ul").first).to_be_visible()
    assert_table_fits(page, holders_table(page), "the holder table under Verloopt binnen")
    assert_in_view(
        page,
        holder_rows(page).get_by_role("button"),
        "the buttons under Verloopt binnen",
        at_least=2,
    )
    assert_no_horizontal_scroll(page)


def test_a_holders_details_stay_in_view(sized_page: Page, base_url: str) -> None:
    page = sized_page
    open_screen(page, base_url, f"/?organisatie={KEIRA}")
    row = holder_rows(page).first
    details = row.get_by_role("button", name="Bekijk details")
    details.click()
    expect(details).to_have_attribute("aria-expanded", "true")
    qualifications = page.get_by_role("table", name=re.compile("^Kwalificaties van "))
    expect(qualifications).to_be_visible()

    assert_table_fits(page, qualifications, "the qualifications table")
    assert_table_fits(page, holders_table(page), "the holder table with details open")
    assert_in_view(page, holders_table(page).get_by_role("button"), "the buttons with details open")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"portal-details-{width_of(page)}")


# --- the selection and the options -----------------------------------------------------------


def test_the_selection_and_the_options_stay_in_view_and_accessible_in_error(
    sized_page: Page, base_url: str
) -> None:
    page = sized_page
    open_screen(page, base_url, f"/?organisatie={KEIRA}&examennummer=EX45465")
    expect(holder_rows(page)).to_have_count(3)
    page.get_by_role("button", name="Voeg alle toe").click()
    expect(
        page.get_by_role("status").filter(has_text="3 kwalificatiehouders, 5 pasjes")
    ).to_be_visible()

    rows = holder_rows(page)
    assert_in_view(
        page, rows.get_by_role("button", name="Verwijder"), "Verwijder in the rows", at_least=3
    )
    selection = page.get_by_role("region", name="Selectie")
    assert_in_view(page, selection.get_by_role("button"), "the selection's buttons", at_least=4)
    options = page.get_by_role("region", name="Verzoek indienen")
    assert_in_view(page, options.get_by_role("button", name="Dien verzoek in"), "Dien verzoek in")
    assert_in_view(page, options.get_by_role("checkbox"), "the options' checkboxes", at_least=2)

    # "Only some" with none ticked: the error next to the choice and in the summary.
    options.get_by_label("Alleen de gekozen kwalificaties").check()
    options.get_by_role("button", name="Dien verzoek in").click()
    expect(options.get_by_text("Kies ten minste één kwalificatie")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Er is een probleem")).to_be_focused()
    assert_in_view(
        page, options.get_by_role("checkbox"), "the qualifications to choose", at_least=2
    )
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"portal-options-error-{width_of(page)}")


# --- filters in error ---------------------------------------------------------------------------


def test_filter_errors_are_in_view_and_accessible(sized_page: Page, base_url: str) -> None:
    page = sized_page
    open_screen(page, base_url, f"/?organisatie={KEIRA}")
    expect(holder_rows(page)).to_have_count(25)
    page.get_by_text(re.compile("^Meer filters")).click()
    until = page.get_by_label("Vervaldatum tot en met")
    until.fill("31-02-2027")
    expect(until).to_have_accessible_description(re.compile("31-02-2027 is geen bestaande datum"))
    search = page.get_by_label("Zoeken", exact=True)
    search.fill("18/06/1992")
    expect(search).to_have_accessible_description(re.compile("kan 18/06/1992 niet lezen"))
    search.press("Enter")

    summary = page.get_by_role("alert").filter(has_text="Er is een probleem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)
    assert_in_view(
        page, page.get_by_role("search").get_by_role("textbox"), "the filters in error", at_least=3
    )
    assert_in_view(page, page.get_by_role("button", name="Zoek"), "Zoek")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"portal-filter-errors-{width_of(page)}")


# --- the requests ---------------------------------------------------------------------------------


def test_download_pdfs_is_in_view(sized_page: Page, base_url: str, long_request: str) -> None:
    page = sized_page
    open_screen(page, base_url, "/verzoeken")
    table = page.get_by_role("table", name="Ingestuurde verzoeken")
    row = table.get_by_role("row", name=long_request)
    expect(row.get_by_role("button", name="Download pdf's")).to_be_visible()

    assert_table_fits(page, table, "the requests table")
    assert_headers_break_between_words_or_at_a_hyphen(table, "the requests table")
    assert_in_view(page, table.get_by_role("button", name="Download pdf's"), "Download pdf's")
    assert_in_view(page, row.get_by_role("cell"), "the cells of a request")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"portal-requests-{width_of(page)}")
