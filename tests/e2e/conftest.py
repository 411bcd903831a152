"""Real-browser tests: Playwright (sync API) driving Debian's Chromium against `live_server`.

`playwright install` cannot download browsers on the machines this project runs on, so the
tests drive the system Chromium (`apt-get install chromium`; `make browser` does it). A missing
browser fails the tests with instructions; it never skips them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API keeps an asyncio event loop running in the test thread, and Django
# refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation). The loop
# only drives the browser; the ORM calls the tests make (factories, assertions) are plain
# synchronous code, so Django's async-safety check is a false alarm here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CRM_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Set to a directory to keep screenshots of the pages the tests pass through.
SCREENSHOT_DIR = os.environ.get("CRM_E2E_SCREENSHOT_DIR", "")
PASSWORD = "pw-123456"  # tests.factories.UserFactory's password

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser(django_db_setup) -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}, which is missing. Install it with "
            "`make browser` (as root) or `sudo apt-get install chromium`.",
            pytrace=False,
        )
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all(initialized_only=True)
        if hasattr(connection, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Django keeps connections in an asgiref Local that switches to per-context storage
        # while an event loop runs in the thread, so from here on the tests get new connection
        # objects. They need the migrations' data that `serialized_rollback` reloads.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class BrowserErrors:
    """What went wrong in the page that a test would not see in the DOM."""

    failed_assets: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def assert_none(self) -> None:
        assert self.failed_assets == [], f"static files failed to load: {self.failed_assets}"
        assert self.script_errors == [], f"JavaScript errors: {self.script_errors}"


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def page(browser, live_server, browser_errors) -> Page:
    """A fresh browser context (no cookies) on the live server, in English, for one test."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_response(response) -> None:
        if "/static/" in response.url and response.status >= 400:
            browser_errors.failed_assets.append(f"{response.status} {response.url}")

    def on_request_failed(request) -> None:
        if "/static/" in request.url:
            browser_errors.failed_assets.append(f"{request.failure} {request.url}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", lambda error: browser_errors.script_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    """Log in through the form: `log_in(user)`; the factories' password is the default."""

    def submit(user, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(password)
        page.locator("#login-form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return submit


@pytest.fixture
def screenshot(page):
    """`screenshot(name)` keeps a full-page picture when CRM_E2E_SCREENSHOT_DIR is set."""

    def take(name: str) -> None:
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)

    return take
