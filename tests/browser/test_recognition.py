"""A level endorsed and shown, in chromium on a phone without JavaScript: the mentor finds
the mentee's finished level on their mentorship page, reads the evidence and endorses it;
the mentee shows the certificate on the showcase with a story, which anyone can read.

The mentorship and the finished level are set up in the database; everything else goes
through the pages, with CSRF on.
"""

import pytest
from playwright.sync_api import expect

from tests.helpers import build_pair
from tests.test_endorsements import finish, level_rows

from .helpers import PHONE, has_no_horizontal_scroll, sign_in

pytestmark = pytest.mark.browser


def test_a_mentor_endorses_and_the_mentee_shows_the_certificate(app, new_page, make_person):
    with app.test_request_context():
        pair = build_pair(make_person)
        finish(pair.mentee, level_rows(pair.mentee))

    mentor = sign_in(new_page(viewport=PHONE, java_script_enabled=False), "Mentor")
    mentor.goto(f"/mentorships/{pair.id}")
    mentor.get_by_role("link", name="Look at their evidence").click()
    expect(mentor.locator("main")).to_contain_text("What I did")
    assert has_no_horizontal_scroll(mentor), "the evidence page scrolls sideways"
    mentor.get_by_label("What you saw (optional)").fill("Every claim has a source.")
    mentor.get_by_role("button", name="Endorse and issue the certificate").click()
    expect(mentor.locator(".flash")).to_have_text("Endorsed: the certificate is issued.")

    mentee = sign_in(new_page(viewport=PHONE, java_script_enabled=False), "Mentee")
    mentee.goto("/badges/")
    mentee.get_by_role("link", name="Emerging certificate").click()
    expect(mentee.locator("article")).to_contain_text("was endorsed on")
    mentee.get_by_label("Your story (optional)").fill("I learned to cite my sources.")
    mentee.get_by_role("button", name="Show on the showcase").click()
    expect(mentee.locator(".flash")).to_have_text("Your certificate is on the showcase.")

    visitor = new_page(viewport=PHONE, java_script_enabled=False)
    visitor.goto("/showcase/")
    entry = visitor.locator("li.card").first
    expect(entry).to_contain_text("Mentee")
    expect(entry).to_contain_text("I learned to cite my sources.")
    assert has_no_horizontal_scroll(visitor), "the showcase scrolls sideways"
    entry.get_by_role("link", name="See and verify the certificate").click()
    expect(visitor.locator("article")).to_contain_text("Emerging")
