"""Issue 5's journeys, end to end in chromium, with CSRF on and one browser context per person.

People and mentors are set up in the database; everything else goes through the pages.
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import Mentorship, RoleName
from pathways.services import mentor_requests, transaction
from tests.helpers import PASSWORD

from .helpers import PHONE, focused, has_no_horizontal_scroll, nav_link, screenshot, sign_in

pytestmark = pytest.mark.browser

VARIANTS = {
    "desktop": {},
    "phone": {"viewport": PHONE},
    "no-javascript": {"java_script_enabled": False},
}


def card_of(page: Page, username: str) -> Locator:
    """The queue's or batch review's card of one mentee."""
    heading = page.locator("h3", has_text=re.compile(rf"^\s*{re.escape(username)}(\s|$)"))
    return page.locator("section.card").filter(has=heading)


@pytest.mark.parametrize("variant", VARIANTS)
def test_request_approve_agree_check_in_and_end(variant, new_page, make_person, make_mentor):
    make_mentor(username="Mentora", skills=("referencing",))
    make_person(username="Vol")
    make_person(RoleName.COORDINATOR, username="Coord")
    options = VARIANTS[variant]

    def looked_at(page: Page, name: str | None = None) -> Page:
        """On a phone, nothing scrolls sideways; some pages are kept as screenshots."""
        if variant == "phone":
            assert has_no_horizontal_scroll(page), f"{page.url} scrolls sideways on a phone"
            if name:
                screenshot(page, name)
        return page

    # The volunteer asks, previews who could help (a GET submit), and sends the request.
    volunteer = sign_in(new_page(**options), "Vol")
    looked_at(volunteer)
    volunteer.get_by_role("link", name="Ask for a mentor").click()
    for ticked in volunteer.locator("input[name=skills]:checked").all():
        ticked.uncheck()
    volunteer.get_by_role("checkbox", name="Referencing", exact=True).check()
    volunteer.get_by_role("button", name="Show mentors who could help").click()
    expect(volunteer).to_have_url(re.compile(r"/requests/new$"))  # the note stays out of URLs
    suggestion = volunteer.locator("li.card").filter(has_text="Mentora")
    expect(suggestion).to_contain_text("Teaches Referencing")
    looked_at(volunteer, f"{variant}-request")
    suggestion.get_by_role("radio", name="Mentora").check()
    volunteer.get_by_label("A few words for your mentor (optional)").fill("I add sources badly.")
    volunteer.get_by_role("button", name="Send my request").click()
    expect(volunteer.locator(".flash")).to_have_text(
        "Your request is sent. A coordinator will review it soon."
    )
    expect(volunteer.locator("main")).to_contain_text("Mentor proposed")
    looked_at(volunteer)

    # The coordinator sees the request with its proposal and approves it.
    coordinator = sign_in(new_page(**options), "Coord")
    nav_link(coordinator, "Queue").click()
    card = card_of(coordinator, "Vol")
    expect(card).to_contain_text("Prefers Mentora.")
    expect(card.locator(".proposal")).to_contain_text("Mentora")
    expect(card.locator(".proposal")).to_contain_text("load 0 of 2")
    expect(card.locator(".proposal")).to_contain_text("Teaches Referencing")
    looked_at(coordinator, f"{variant}-queue")
    card.get_by_role("button", name="Approve").click()
    expect(coordinator.locator(".flash")).to_have_text("Vol and Mentora are paired.")
    expect(coordinator.locator("main")).to_contain_text("Nobody is waiting.")

    # The volunteer sees one unread notification on the bell and the mentorship.
    volunteer.goto("/")
    bell = volunteer.get_by_role("link", name="Notifications, 1 unread")
    expect(bell.locator(".badge-count")).to_have_text("1")
    bell.click()
    looked_at(volunteer)
    volunteer.get_by_role("link", name="You were paired with Mentora.").click()
    expect(volunteer.get_by_role("heading", level=1)).to_have_text("Mentorship of Vol with Mentora")
    nav_link(volunteer, "Mentorships").click()
    row = volunteer.get_by_role("row").filter(has_text="Mentora")
    expect(row).to_contain_text("Active")
    looked_at(volunteer)
    if variant == "no-javascript":
        return  # The rest uses the same kinds of forms and links; once is enough for time.

    # The mentor sees it too and writes the agreement.
    mentor = sign_in(new_page(**options), "Mentora")
    expect(mentor.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    nav_link(mentor, "Mentorships").click()
    expect(mentor.get_by_role("heading", name="As mentor")).to_be_visible()
    mentor.get_by_role("link", name="Vol", exact=True).click()
    mentor.get_by_text("Change the agreement").click()
    mentor.get_by_label("Goals").fill("Cite every claim with a reliable source.")
    mentor.get_by_label("Expectations").fill("We talk on Tuesdays; answers within two days.")
    mentor.get_by_label("Check in every (days)").fill("7")
    mentor.get_by_role("button", name="Save the agreement").click()
    expect(mentor.locator(".flash")).to_contain_text("The agreement is saved.")
    agreement = mentor.locator("section", has=mentor.get_by_role("heading", name="Agreement"))
    expect(agreement).to_contain_text("Mentora confirmed it on")
    expect(agreement).to_contain_text("Vol has not confirmed it yet.")
    expect(agreement).to_contain_text("Every 7 days")

    # The mentee confirms the agreement and logs a check-in.
    volunteer.get_by_role("link", name="Mentora", exact=True).click()
    volunteer.get_by_role("button", name="I agree to this").click()
    expect(volunteer.locator(".flash")).to_have_text("You confirmed the agreement.")
    expect(volunteer.locator("main")).to_contain_text("Vol confirmed it on")
    expect(volunteer.get_by_role("button", name="I agree to this")).to_have_count(0)
    volunteer.get_by_label("Minutes").fill("45")
    volunteer.get_by_label("Notes").fill("Went through citation templates.")
    volunteer.get_by_role("button", name="Log the check-in").click()
    expect(volunteer.locator(".flash")).to_have_text("The check-in is logged.")
    looked_at(volunteer, f"{variant}-mentorship")

    # The mentor sees the check-in, then ends the mentorship with the off-boarding form.
    mentor.reload()
    checkin = mentor.get_by_role("row").filter(has_text="Went through citation templates.")
    expect(checkin).to_contain_text("45")
    expect(checkin).to_contain_text("Vol")
    mentor.get_by_role("link", name="End this mentorship").click()
    looked_at(mentor)
    mentor.get_by_label("Why does the mentorship end?").fill("The goals are reached.")
    mentor.get_by_label("What was learned?").fill("Inline citations and cite templates.")
    mentor.get_by_label("What is handed on, and to whom?").fill("The source list, to Vol.")
    mentor.get_by_label("Which threads are still open?").fill("Harvard references.")
    mentor.get_by_role("button", name="End the mentorship").click()
    expect(mentor.locator(".flash")).to_have_text("The mentorship has ended. Thank you both.")

    # Both see it as ended, with the off-boarding answers.
    for person in (mentor, volunteer):
        if person is volunteer:
            person.reload()
        ended = person.locator("section", has=person.get_by_role("heading", name="How it ended"))
        expect(ended).to_contain_text("by Mentora.")
        expect(ended).to_contain_text("The goals are reached.")
        expect(ended.locator("dt")).to_have_text(
            [
                "What was learned?",
                "What is handed on, and to whom?",
                "Which threads are still open?",
            ]
        )
        expect(ended.locator("dd")).to_have_text(
            [
                "Inline citations and cite templates.",
                "The source list, to Vol.",
                "Harvard references.",
            ]
        )
        expect(person.get_by_role("button", name="Log the check-in")).to_have_count(0)
        looked_at(person)
        nav_link(person, "Mentorships").click()
        expect(person.get_by_role("row").nth(1)).to_contain_text("Ended")


def ask(person, skills=("referencing",)):
    with transaction():
        return mentor_requests.request_mentor(person, list(skills), "", None)


def test_reject_with_reason_proposes_the_next_mentor_then_batch_pairing_waits_for_review(
    new_page, make_person, make_mentor
):
    make_mentor(username="First", capacity=1, skills=("referencing", "using-sandbox"))
    make_mentor(username="Second", capacity=1)
    make_person(RoleName.COORDINATOR, username="Coord")
    ask(make_person(username="Ana"), skills=("referencing", "using-sandbox"))
    ask(make_person(username="Ben"))
    ask(make_person(username="Chandra", languages=("hi",)))

    coordinator = sign_in(new_page(), "Coord")
    nav_link(coordinator, "Queue").click()
    expect(coordinator.get_by_role("heading", name="3 requests waiting")).to_be_visible()
    expect(card_of(coordinator, "Chandra")).to_contain_text("No proposal: no mentor fits")
    ana = card_of(coordinator, "Ana")
    expect(ana.locator(".proposal strong")).to_have_text("First")

    # A rejection needs a reason (the browser refuses an empty one); the next best mentor
    # is proposed at once.
    ana.get_by_role("button", name="Reject").click()
    assert ana.get_by_label("Reason").evaluate("field => field.validity.valueMissing")
    expect(coordinator.locator(".flash")).to_have_count(0)
    ana.get_by_label("Reason").fill("First is away in the evenings Ana can meet.")
    ana.get_by_role("button", name="Reject").click()
    expect(coordinator.locator(".flash")).to_contain_text("Proposal rejected.")
    expect(card_of(coordinator, "Ana").locator(".proposal strong")).to_have_text("Second")
    coordinator.get_by_role("link", name="Ana", exact=True).click()
    rejected = coordinator.locator(".proposal").filter(has_text="First")
    expect(rejected).to_contain_text("Rejected")

    # Batch pairing proposes pairs and explains who stays unmatched; nothing is approved.
    nav_link(coordinator, "Queue").click()
    coordinator.get_by_role("button", name="Propose pairs for everyone waiting").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Batch pairing")
    expect(coordinator.locator("main")).to_contain_text("2 pairs proposed.")
    coordinator.get_by_role("link", name="Review the proposals").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Batch proposals")
    expect(coordinator.locator("main")).to_contain_text("2 pairs proposed.")
    expect(coordinator.locator("main")).to_contain_text("1 person stays unmatched.")
    unmatched = coordinator.locator("li").filter(has_text="Chandra")
    expect(unmatched).to_contain_text("no mentor shares a language")
    expect(card_of(coordinator, "Ana").locator(".proposal strong")).to_have_text("Second")
    expect(card_of(coordinator, "Ben").locator(".proposal strong")).to_have_text("First")
    expect(coordinator.get_by_role("button", name="Approve")).to_have_count(2)
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 0

    # Approving from the review page pairs that one and comes back to the review.
    review_url = coordinator.url
    card_of(coordinator, "Ana").get_by_role("button", name="Approve").click()
    expect(coordinator.locator(".flash")).to_have_text("Ana and Second are paired.")
    assert coordinator.url == review_url
    expect(card_of(coordinator, "Ana")).to_contain_text("Approved")
    expect(card_of(coordinator, "Ben").get_by_role("button", name="Approve")).to_be_visible()
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1


def test_sign_up_onboard_and_climb_the_ladder_on_a_phone(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/")
    nav_link(page, "Sign up").click()
    page.get_by_label("Username").fill("Quiet Heron")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Password again").fill("a long enough passphrase")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".flash")).to_have_text("Welcome, Quiet Heron!")

    nav_link(page, "My ladder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your starting point")
    assert has_no_horizontal_scroll(page), "the self-assessment grid scrolls sideways"
    not_yet = page.get_by_role("radio", name="Not yet")
    assert not_yet.count() > 40
    not_yet.first.check()
    # Some 60 more rows: clicked in the page, at once, to keep the suite fast.
    not_yet.evaluate_all("radios => radios.forEach(radio => radio.click())")
    expect(page.locator("input[type=radio]:checked")).to_have_count(not_yet.count())
    page.get_by_role("checkbox", name="Event organizer").check()
    page.get_by_label("Hours a week").fill("4")
    page.get_by_role("button", name="Build my ladder").click()

    expect(page.locator(".flash")).to_have_text("Your ladder is ready.")
    expect(page.get_by_role("heading", level=1)).to_have_text("My ladder")
    expect(page.locator(".ladder-goals")).to_contain_text("Event organizer")
    expect(page.locator("svg.ladder-svg")).to_be_visible()
    expect(page.locator("svg.ladder-svg .rung-fill")).to_have_count(0)
    expect(page.locator("section.rung-section h2").first).to_have_text("Fundamental")
    assert has_no_horizontal_scroll(page), "the ladder scrolls sideways"
    screenshot(page, "phone-ladder")

    first = page.locator("li.step").first
    skill = first.locator("h3 a").inner_text()
    first.get_by_text("Update progress").click()
    first.get_by_role("radio", name="Done").check()
    first.get_by_label("Reflection (optional)").fill("Preview before saving.")
    first.get_by_role("button", name="Save progress").click()

    expect(page.locator(".flash")).to_have_text("Your progress is saved.")
    first = page.locator("li.step").first
    expect(first.locator("h3 a")).to_have_text(skill)
    expect(first.locator(".status")).to_have_text("Done")
    expect(first.locator("blockquote.reflection")).to_have_text("Preview before saving.")
    expect(page.locator(".rung-progress").first).to_contain_text("Fundamental: 1 of")
    expect(page.locator("svg.ladder-svg .rung-fill")).to_have_count(1)
    screenshot(page, "phone-ladder-progress")


def test_arabic_pages_are_right_to_left(new_page):
    page = new_page()
    page.goto("/?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    nav = page.get_by_role("navigation").first
    brand = nav.locator(".brand").bounding_box()
    links = [link.bounding_box() for link in nav.locator("ul a").all()]
    assert links and all(brand["x"] >= box["x"] + box["width"] for box in links)
    # The choice is remembered for the next page.
    nav.locator("ul a").first.click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_arabic_pages_fit_a_phone(new_page, make_person):
    make_person(username="Vol")
    page = sign_in(new_page(viewport=PHONE), "Vol")
    for path in ("/?lang=ar", "/requests/new", "/mentorships/", "/notifications/"):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        assert has_no_horizontal_scroll(page), f"{path} scrolls sideways in Arabic on a phone"


def test_sign_in_with_the_keyboard_only(new_page, make_person):
    make_person(username="Keyboarder")
    page = new_page()
    page.goto("/auth/login")
    page.keyboard.press("Tab")
    assert focused(page) == "Skip to content"
    page.keyboard.press("Enter")
    assert focused(page) == "main"
    page.keyboard.press("Tab")
    assert focused(page) == "username"
    page.keyboard.type("Keyboarder")
    page.keyboard.press("Tab")
    assert focused(page) == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(nav_link(page, "Keyboarder")).to_be_visible()
