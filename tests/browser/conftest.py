"""A real browser for tests marked ``browser``: Playwright driving Debian's Chromium against
pytest-django's live server (a real HTTP server in a thread, over the test database).

Without /usr/bin/chromium the tests are skipped, unless OMBUD_REQUIRE_ALL=1 (CI), where they fail."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import required

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A cheap phone's screen: the portal must work there first.
PHONE = {"width": 360, "height": 740}


def chromium_required() -> None:
    required(CHROMIUM.exists(), "install Debian's chromium (apt-get install chromium) to run the browser tests")


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the browser tests of this package, closed when they are done.

    Playwright's sync API keeps its event loop registered as running on this thread while the
    browser is open, which Django's ORM takes for async code; the tests and the fixtures they use are
    synchronous, so the guard is lifted for as long as the browser lives, and no longer."""
    chromium_required()
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield launched
            launched.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@contextmanager
def browser_tab(browser: Any, live_server: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A tab in a fresh browser context (no cookies) addressing the live server. Whatever the test
    did, no page it visited may have had a script, a style or a load refused by the site's
    Content-Security-Policy: the page would work in the test and be broken for its users."""
    context = browser.new_context(base_url=live_server.url, viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    refused: list[str] = []
    tab.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield tab
    context.close()
    assert not refused, refused


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) on a phone-sized screen, addressing the live server."""
    with browser_tab(browser, live_server, PHONE) as tab:
        yield tab
