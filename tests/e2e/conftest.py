"""End-to-end fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

Without chromium, Playwright or axe-core the browser tests are skipped with the reason, except
under CI (the `CI` environment variable set, as `.ci/run` does), where a missing piece fails
them: CI must really run them. Screenshots go to `LANTOA_E2E_SCREENSHOTS` or to
`tests/e2e/screenshots/<UTC timestamp>/`; the folder is printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import AXE_PATH, PHONE, BrowserSession

SCREENSHOTS_ROOT = Path(__file__).resolve().parent / "screenshots"
_screenshot_folder_key = pytest.StashKey[Path]()
_screenshots_written_key = pytest.StashKey[bool]()

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium_path() -> str | None:
    configured = os.environ.get("LANTOA_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing_pieces() -> list[str]:
    missing = []
    if _chromium_path() is None:
        missing.append("Debian's chromium (apt-get install chromium, or set LANTOA_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install -r requirements-dev.txt)")
    if not AXE_PATH.is_file():
        missing.append(f"axe-core at {AXE_PATH} (npm ci)")
    return missing


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop in the test thread, which trips Django's
    async-safety check on every ORM call there (test data, assertions, the database flush).
    Nothing here runs concurrently with that loop, so the check is switched off for these
    tests only and put back afterwards."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium(_allow_orm_beside_playwright):
    missing = _missing_pieces()
    if missing:
        _skip_or_fail("browser tests need " + "; ".join(missing))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        except Exception as error:  # noqa: BLE001 - any launch failure means "no usable browser"
            _skip_or_fail(f"chromium did not start: {error}")
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_folder(request) -> Path:
    configured = os.environ.get("LANTOA_E2E_SCREENSHOTS")
    if configured:
        folder = Path(configured).resolve()
    else:
        folder = SCREENSHOTS_ROOT / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[_screenshot_folder_key] = folder
    return folder


@pytest.fixture
def phone(chromium, live_server, screenshot_folder, request) -> Iterator[BrowserSession]:
    """A 360 × 740 touch phone in Vietnamese, on a fresh context (no cookies), with the audit helpers."""
    context = chromium.new_context(**PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    name = request.node.name.removeprefix("test_")
    session = BrowserSession(page=page, base_url=live_server.url, folder=screenshot_folder / name)
    request.config.stash[_screenshots_written_key] = True
    yield session
    context.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    folder = config.stash.get(_screenshot_folder_key, None)
    if folder is not None and config.stash.get(_screenshots_written_key, False):
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"Screenshots of each step: {folder}")
