"""What browser tests do again and again: sign in, take a screenshot, check accessibility."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect

from infra.local.totp import current_code
from infra.ops.demo_data import DEMO_PASSWORD

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
SETUP_HEADING = "Tweestapsverificatie instellen"
# Debian's Chromium (Playwright cannot download its own here), started as root without the
# background traffic that this machine's closed network refuses.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

__all__ = [
    "DEMO_PASSWORD",
    "answer_second_step",
    "assert_accessible",
    "assert_no_horizontal_scroll",
    "screenshot",
    "sign_in",
]


def sign_in(page: Page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Open the app and sign in through the form, with the authenticator code as the second
    step, until the header shows the account."""
    page.goto(base_url + "/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    answer_second_step(page)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(email)


def answer_second_step(page: Page) -> None:
    """After the password: the code of the authenticator app (the local pool's one secret,
    infra.local.totp); a user without one links it first, as the first sign-in does."""
    code = page.get_by_label("Code uit je authenticator-app")
    expect(code).to_be_visible()
    if page.get_by_role("heading", name=SETUP_HEADING).is_visible():
        code.fill(current_code(page.locator("#totp-secret").inner_text()))
        page.get_by_role("button", name="Bevestigen en inloggen").click()
    else:
        code.fill(current_code())
        page.get_by_role("button", name="Inloggen", exact=True).click()


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG in test-artifacts/screenshots/ (gitignored), named for the screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "-", name).strip("-") + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page: Page, *, exclude: tuple[str, ...] = ()) -> None:
    """axe-core on the page as it is now; fails on serious or critical violations, listed.

    axe is evaluated through the DevTools protocol (page.evaluate), which the app's CSP does not
    govern: CSP stops scripts the page loads or writes itself, not the debugger. So the check
    runs against the real headers, with no bypass_csp that would hide a CSP problem elsewhere.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results: dict[str, Any] = page.evaluate(
        """async (exclude) => {
            const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
            return await window.axe.run(context, { resultTypes: ["violations"] });
        }""",
        list(exclude),
    )
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    lines = [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in blocking
    ]
    assert not blocking, f"axe found {len(blocking)} blocking violation(s) on {page.url}:\n" + (
        "\n".join(lines)
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    """The page itself never scrolls sideways (wide tables scroll inside their own box)."""
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def holders_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Kwalificatiehouders", exact=True)


def holder_rows(page: Page) -> Locator:
    """The holders' rows (header and details rows left out)."""
    return (
        holders_table(page)
        .get_by_role("row")
        .filter(has=page.get_by_role("button", name="Bekijk details"))
    )
