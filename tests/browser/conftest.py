"""Browser fixtures: the app on a free loopback port, Debian's chromium through Playwright.

No browser is downloaded: Playwright drives ``/usr/bin/chromium``. If it is missing, the
tests fail with the command that installs it — they never skip.
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
from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Install Debian's chromium: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask, migrated_database: str, tmp_path: Path) -> Iterator[str]:
    """The app with CSRF on, served in a thread; yields its base URL.

    It shares the database of the ``app`` fixture, whose teardown empties the tables
    after this server has stopped.
    """
    served = make_app(migrated_database, str(tmp_path), WTF_CSRF_ENABLED=True)
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
