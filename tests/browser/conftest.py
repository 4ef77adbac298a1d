"""The browser tier: the web app in headless Chromium against the local stack.

Every test in this folder is marked `browser` (`make browser` runs them, `make pytest` leaves
them out). The stack starts once per session, as `make run` starts it; each test gets a fresh
browser context, so no session or storage leaks from one test into the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from infra.local.webapp import WEB_DIST
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, screenshot
from tests.stack.harness import StackClient, StackProcess, running_stack

HERE = Path(__file__).resolve().parent
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
# Long enough for a cold handler on this shared 2-core machine, short enough to fail usefully.
# Also covers the Cognito library's retries: a refused refresh token is retried for about 6 s.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[None]:
    report = yield
    # A failed test's page, as it was, next to the other screenshots.
    if getattr(report, "when", "") == "call" and getattr(report, "failed", False):
        for name in ("page", "phone_page", "sized_page"):
            page = getattr(item, "funcargs", {}).get(name)
            if isinstance(page, Page) and not page.is_closed():
                screenshot(page, f"failed-{item.name}-{name}")
    return report


@pytest.fixture(scope="session")
def stack_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackProcess]:
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("web/dist is missing: run `make web` (make browser does) before these tests")
    with running_stack(tmp_path_factory.mktemp("browser-stack")) as process:
        yield process


@pytest.fixture(scope="session")
def stack(stack_process: StackProcess) -> StackClient:
    """The session's stack: `stack.base_url`, `stack.config` (its /config.json), API calls."""
    return StackClient(base_url=stack_process.base_url, config=stack_process.wait_until_ready())


@pytest.fixture(scope="session")
def base_url(stack: StackClient) -> str:
    return stack.base_url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _page(browser: Browser, **options: object) -> Iterator[Page]:
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", **options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context (no storage, no cookies) at 1280x900."""
    yield from _page(browser, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    """A fresh context as a 360 px wide phone (touch, mobile viewport)."""
    yield from _page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
