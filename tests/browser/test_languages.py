"""In the browser: Arabic reads right to left with its numbers in place, and a signed-in
person changes language from the page, without JavaScript.

The served app reads a copy of the catalogs in which this module translates the sentence
it measures, so the check does not wait for the translators: what is tested is how the
page lays a translated sentence out.
"""

import re

import pytest
from playwright.sync_api import Locator, expect

from pathways.extensions import db
from pathways.models import RoleName
from tests.helpers import translations_with

from .helpers import sign_in

pytestmark = pytest.mark.browser

PLACES_USED = "%(used)d of %(num)d place used"
# Arabic's six plural forms: zero, one, two, few (3-10), many (11-99), other.
PLACES_USED_IN_ARABIC = (
    "%(used)d من %(num)d مكان مستخدم",
    "%(used)d من مكان واحد مستخدم",
    "%(used)d من مكانين مستخدمين",
    "%(used)d من %(num)d أماكن مستخدمة",
    "%(used)d من %(num)d مكانا مستخدما",
    "%(used)d من %(num)d مكان مستخدم",
)
WORDS_ON_SCREEN = """element => {
    const words = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(/[\\p{L}\\p{M}\\p{N}]+/gu)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const box = range.getBoundingClientRect();
            words.push({text: match[0], middle: box.left + box.width / 2, top: box.top});
        }
    }
    return words;
}"""


@pytest.fixture
def server_settings(tmp_path, own_catalogs) -> dict:
    folder = translations_with(tmp_path, "ar", {PLACES_USED: PLACES_USED_IN_ARABIC})
    return {"BABEL_TRANSLATION_DIRECTORIES": str(folder)}


def words_right_to_left(sentence: Locator) -> tuple[list[str], list[str]]:
    """The sentence's words and numbers as written, and as a reader of a right-to-left
    page sees them: line by line from the top, each from right to left."""
    words = sentence.evaluate(WORDS_ON_SCREEN)
    seen = sorted(words, key=lambda word: (round(word["top"]), -word["middle"]))
    return [word["text"] for word in words], [word["text"] for word in seen]


def test_an_arabic_sentence_with_numbers_reads_right_to_left(new_page, make_person, make_mentor):
    make_mentor(username="Mentora", capacity=3)
    make_person(RoleName.COORDINATOR, username="Coord")
    page = sign_in(new_page(), "Coord")
    page.goto("/coordinators/dashboard/?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    places = page.locator(".stat", has_text="من")
    written, seen = words_right_to_left(places)
    assert written == ["0", "من", "3", "أماكن", "مستخدمة"]
    assert seen == written  # the first number at the right, read first


def test_a_signed_in_person_changes_language_from_any_page(new_page, make_person):
    volunteer = make_person(username="Vol")
    page = sign_in(new_page(java_script_enabled=False), "Vol")
    for path, code in (("/mentorships/?x=1", "es"), ("/skills", "ar")):
        page.goto(path)
        page.locator("form.language-picker select").select_option(code)
        page.locator("form.language-picker button").click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.locator("html")).to_have_attribute("lang", code)
        db.session.refresh(volunteer)
        assert volunteer.locale == code
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("form.language-picker option[selected]")).to_have_text("العربية")
