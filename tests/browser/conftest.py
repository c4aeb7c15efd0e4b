"""Browser fixtures: the app on a free loopback port, a local Chromium through Playwright.

No browser is downloaded. Which Chromium runs, and what happens when none is found, is
decided by ``PATHWAYS_BROWSER`` and ``PATHWAYS_CHROMIUM`` (see ``chromium.py``): before
any database or server fixture is set up, the tests are run, reported as not run with
the command that enables them, or failed.
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from pathways.extensions import db
from tests.helpers import make_app

from .chromium import BrowserSetupError, Decision, NotRun, decide

NOT_RUN = pytest.StashKey[NotRun]()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


class QuietRequestHandler(WSGIRequestHandler):
    """No access log; errors and tracebacks are still logged."""

    def log_request(self, code="-", size="-") -> None:
        pass


def playwright_chromium() -> str:
    with sync_playwright() as playwright:
        return playwright.chromium.executable_path


@pytest.fixture(scope="session", autouse=True)
def chromium(request: pytest.FixtureRequest) -> str:
    """The Chromium to drive; skips or fails every browser test when there is none."""
    try:
        decision = decide(os.environ, playwright_chromium)
    except BrowserSetupError as error:
        decision = Decision(failure=str(error))
    if decision.failure:
        pytest.fail(decision.failure, pytrace=False)
    if decision.not_run:
        request.config.stash[NOT_RUN] = decision.not_run
        pytest.skip(decision.not_run.reason)
    return decision.executable


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> Iterator[None]:
    """After the short summary: how many browser tests did not run, why, and the fix."""
    yield
    not_run = config.stash.get(NOT_RUN, None)
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "browser" in r.keywords]
    if not_run and skipped:
        terminalreporter.write_line(not_run.summary(len(skipped)), yellow=True)


@pytest.fixture
def server_settings() -> dict:
    """Settings the served app adds to the tests'; a test module overrides this fixture."""
    return {}


@pytest.fixture
def live_server(
    app: Flask, migrated_database: str, tmp_path: Path, server_settings: dict
) -> Iterator[str]:
    """The app with CSRF on, served in a thread; yields its base URL.

    It shares the database of the ``app`` fixture, whose teardown empties the tables
    after this server has stopped.
    """
    served = make_app(migrated_database, str(tmp_path), WTF_CSRF_ENABLED=True, **server_settings)
    server = make_server("127.0.0.1", 0, served, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with served.app_context():
            db.engine.dispose()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """A page in a browser context of its own (own cookies), one per person.

    Keyword arguments go to ``browser.new_context`` (``viewport``,
    ``java_script_enabled``...). Every context is closed before the server stops.
    """
    contexts: list[BrowserContext] = []

    def open_page(**options) -> Page:
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
