"""The web app's budget: bundle size, first rows on screen, and a search keystroke to new rows.

    .venv/bin/python -m bench.web [--rounds 7] [--keystrokes 20]

Reads web/dist (build it first: `make web`), then starts `python -m infra.local` on free ports
and drives Debian's Chromium through Playwright, signed in as the demo contact of Keira BHV,
which holds 540 holders in the demo data (the budget's "540-holder organisation").

- Size: app.js + app.css gzipped (level 9, as a CDN would), the Cognito library included.
  Target: at most 80 KB.
- First rows: from the start of navigation to the first holder row on screen, for a tab that is
  already signed in (tokens in sessionStorage), median over the rounds. Target: at most 1 s.
- Keystroke: from the keydown in "Zoeken" to the frame after the rows changed, each keystroke
  after a pause (a letter, then Backspace), median. Target: at most 150 ms.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from infra.ops.demo_data import DEMO_PASSWORD, KEIRA_BHV
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, answer_second_step
from tests.stack.harness import CONTACT, start_stack

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
SIZE_BUDGET_KB = 80.0
FIRST_ROWS_BUDGET_MS = 1000.0
KEYSTROKE_BUDGET_MS = 150.0
# Longer than the app's 200 ms typing window, so that every keystroke is a fresh one.
PAUSE_SECONDS = 0.5
LETTERS = "aeiounrdst"

# Stamps, in the page: the last keydown and the frame after the last change of the rows.
WATCH_ROWS = """() => {
    window.__bench = { key: 0, rows: 0 };
    document.addEventListener("keydown", () => { window.__bench.key = performance.now(); }, true);
    const body = document.querySelector("table tbody");
    new MutationObserver(() => {
        requestAnimationFrame(() => { window.__bench.rows = performance.now(); });
    }).observe(body, { childList: true });
}"""
# The searches' own round trips (fetch start → last byte), to tell the API's share from the app's.
API_CALLS = """() => performance.getEntriesByType("resource")
    .filter((entry) => entry.name.includes("/api/holders?"))
    .map((entry) => entry.responseEnd - entry.startTime)"""
FIRST_ROW = """() => {
    const row = document.querySelector("table tbody tr");
    return row && row.getBoundingClientRect().height > 0 ? performance.now() : 0;
}"""


def gzipped_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=9)) / 1024


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("E-mailadres").fill(CONTACT)
    page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    answer_second_step(page)
    page.get_by_role("button", name="Uitloggen").wait_for()


def first_rows_ms(page: Page, url: str) -> float:
    """Navigation start → first row with a size, as the page's own clock says."""
    page.goto(url, wait_until="commit")
    stamp = page.wait_for_function(FIRST_ROW, polling=10, timeout=30_000)
    return float(stamp.json_value())


def keystroke_ms(page: Page, key: str) -> float:
    before = float(page.evaluate("() => window.__bench.rows"))
    page.keyboard.press(key)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stamps = page.evaluate("() => window.__bench")
        if stamps["rows"] > before and stamps["rows"] > stamps["key"]:
            return float(stamps["rows"] - stamps["key"])
        time.sleep(0.005)
    raise SystemExit(f"the rows did not change within 10 s after pressing {key!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keystrokes", type=int, default=20)
    args = parser.parse_args(argv)
    out = sys.stdout

    app_js, app_css = WEB_DIST / "app.js", WEB_DIST / "app.css"
    if not app_js.is_file() or not app_css.is_file():
        raise SystemExit("web/dist is not built: run `make web` first")
    js_kb, css_kb = gzipped_kb(app_js), gzipped_kb(app_css)
    size_kb = js_kb + css_kb

    with tempfile.TemporaryDirectory() as logs:
        stack = start_stack(Path(logs))
        try:
            stack.wait_until_ready()
            url = f"{stack.base_url}/?organisatie={KEIRA_BHV}"
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(
                    locale="nl-NL", viewport={"width": 1280, "height": 900}
                )
                page = context.new_page()
                sign_in(page, stack.base_url)
                first_rows_ms(page, url)  # warm: the handlers' first call, the HTTP cache
                firsts = [first_rows_ms(page, url) for _ in range(args.rounds)]

                page.get_by_text("540 kwalificatiehouders", exact=True).wait_for()
                page.evaluate(WATCH_ROWS)
                page.get_by_label("Zoeken", exact=True).focus()
                keystrokes: list[float] = []
                for index in range(args.keystrokes):
                    letter = LETTERS[(index // 2) % len(LETTERS)]
                    time.sleep(PAUSE_SECONDS)
                    keystrokes.append(keystroke_ms(page, letter if index % 2 == 0 else "Backspace"))
                api_calls = page.evaluate(API_CALLS)[-len(keystrokes) :]
                browser.close()
        finally:
            stack.interrupt()

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    first_median = statistics.median(firsts)
    key_median = statistics.median(keystrokes)
    out.write("Web app (web/dist; local stack; Keira BHV, 540 holders)\n\n")
    out.write(f"{'figure':<44}{'value':>12}{'budget':>12}\n")
    out.write(f"{'app.js gzipped KB':<44}{js_kb:>12.1f}\n")
    out.write(f"{'app.css gzipped KB':<44}{css_kb:>12.1f}\n")
    out.write(f"{'app.js + app.css gzipped KB':<44}{size_kb:>12.1f}{SIZE_BUDGET_KB:>12.0f}\n")
    out.write(
        f"{'first rows on screen, median ms':<44}{first_median:>12.0f}"
        f"{FIRST_ROWS_BUDGET_MS:>12.0f}\n"
    )
    out.write(f"{'  (min / max ms)':<44}{f'{min(firsts):.0f} / {max(firsts):.0f}':>12}\n")
    out.write(
        f"{'keystroke → updated rows, median ms':<44}{key_median:>12.0f}"
        f"{KEYSTROKE_BUDGET_MS:>12.0f}\n"
    )
    out.write(f"{'  (min / max ms)':<44}{f'{min(keystrokes):.0f} / {max(keystrokes):.0f}':>12}\n")
    out.write(
        f"{'  of which the API round trip, median ms':<44}{statistics.median(api_calls):>12.0f}\n\n"
    )
    out.write(
        f"Size {verdict(size_kb <= SIZE_BUDGET_KB)}; first rows "
        f"{verdict(first_median <= FIRST_ROWS_BUDGET_MS)}; keystroke "
        f"{verdict(key_median <= KEYSTROKE_BUDGET_MS)} "
        f"({args.rounds} page loads, {len(keystrokes)} keystrokes).\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
