"""Under the strict Content-Security-Policy, Chromium refuses nothing on the pages with charts,
the ladder picture and the bell: every style comes from the stylesheets."""

import pytest
from playwright.sync_api import ConsoleMessage, Page

from pathways.models import RoleName
from pathways.services import plans, transaction

from .helpers import sign_in

pytestmark = pytest.mark.browser


def refusals_on(page: Page, paths: list[str]) -> list[str]:
    """What Chromium reports refusing under the page's Content-Security-Policy."""
    refused: list[str] = []

    def note_refusal(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note_refusal)
    for path in paths:
        assert page.goto(path).ok, path
    return refused


def test_pages_keep_to_the_content_security_policy(new_page, make_person, make_mentor):
    make_mentor(username="Mentora")
    make_person(RoleName.COORDINATOR, username="Coord")
    volunteer = make_person(username="Vol")
    with transaction():
        plans.build_plan(volunteer, ["event-organizer"], "", ["en"], 3)

    coordinator = sign_in(new_page(), "Coord")
    assert refusals_on(coordinator, ["/", "/coordinators/dashboard/", "/coordinators/"]) == []
    volunteer_page = sign_in(new_page(), "Vol")
    assert refusals_on(volunteer_page, ["/ladder/", "/ladder/start", "/badges/"]) == []
