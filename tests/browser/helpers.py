"""What a person does in the browser, shared by the journeys.

Set ``BROWSER_SCREENSHOTS`` to a folder to keep screenshots of key pages.
"""

import os
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.helpers import PASSWORD

PHONE = {"width": 390, "height": 844}


def sign_in(page: Page, username: str, password: str = PASSWORD) -> Page:
    """Sign in through the nav's link and the real form."""
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(username)
    return page


def nav_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def has_no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def focused(page: Page) -> str:
    """The focused element's id, or its text when it has none."""
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def screenshot(page: Page, name: str) -> None:
    """Keep a full-page screenshot when ``BROWSER_SCREENSHOTS`` names a folder."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
