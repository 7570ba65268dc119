"""Playwright, in Debian's Chromium, against pytest-django's live server.

Without /usr/bin/chromium the browser tests are skipped, except in CI (CI=true), where a
missing browser is a failure: CI must never pass by skipping them. Playwright's own browser
download is never used.
"""

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000

_screenshot_dirs: list[Path] = []
_skipped: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    # `make test` runs with -q, which hides skip reasons; this one must be seen.
    for reason in dict.fromkeys(_skipped):
        terminalreporter.write_line(reason, yellow=True)
    for path in _screenshot_dirs:
        if any(path.iterdir()):
            terminalreporter.write_line(f"Browser screenshots: {path}")


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"Chromium not found at {CHROMIUM} and CI=true: browser tests must run in CI; "
                "apt-get install chromium"
            )
        reason = (
            f"Chromium not found at {CHROMIUM}: browser tests skipped; apt-get install chromium"
        )
        _skipped.append(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, and Django refuses ORM calls
    # from a thread with a running loop. The tests are synchronous, so the check is moot here;
    # it is switched back on once this module's browser is gone.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    chosen = os.environ.get("LODESTAR_SCREENSHOTS")
    if chosen:
        path = Path(chosen)
        path.mkdir(parents=True, exist_ok=True)
    else:
        path = Path(tempfile.mkdtemp(prefix="lodestar-screenshots-"))
    _screenshot_dirs.append(path)
    return path


class JsErrors(list):
    """Uncaught exceptions, console errors and server errors of every page a test opened."""

    reported = 0

    def check(self) -> None:
        """Fail on errors not reported yet, so teardown does not repeat the test's failure."""
        new = self[self.reported :]
        if new:
            self.reported = len(self)
            pytest.fail("Errors in the browser:\n" + "\n".join(new), pytrace=False)


@pytest.fixture
def js_errors() -> JsErrors:
    return JsErrors()


def _console(js_errors: JsErrors, page, msg) -> None:
    if msg.type != "error":
        return
    source = msg.location.get("url") or page.url
    # Chromium asks for /favicon.ico by itself; a page of ours did not load it.
    if urlsplit(source).path == "/favicon.ico":
        return
    js_errors.append(f"console.error on {page.url}: {msg.text} ({source})")


@pytest.fixture
def new_page(browser, live_server, js_errors) -> Iterator[Callable]:
    """new_page(): a page in a fresh browser context (its own cookies), on the live server."""
    contexts = []

    def _new_page():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: _console(js_errors, page, msg))
        page.on("pageerror", lambda exc: js_errors.append(f"uncaught on {page.url}: {exc}"))
        page.on(
            "response",
            lambda r: (
                js_errors.append(f"server error {r.status} on {r.request.method} {r.url}")
                if r.status >= 500
                else None
            ),
        )
        return page

    yield _new_page
    for context in contexts:
        context.close()
    js_errors.check()


@pytest.fixture
def shoot(screenshot_dir, js_errors, request) -> Callable:
    """shoot(page, name): a full-page screenshot, and a check that no JavaScript failed so far."""

    def _shoot(page, name: str) -> Path:
        page.wait_for_load_state("load")
        path = screenshot_dir / f"{request.node.name}-{name}.png"
        page.screenshot(path=path, full_page=True)
        js_errors.check()
        return path

    return _shoot
