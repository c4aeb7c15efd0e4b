"""Gate: no English sentence is left on any page of the three journeys, in any language.

Every GET page of the route table (``test_authorization.routes``) is rendered as each
journey's person who may open it — a visitor, the volunteer, the mentor, the coordinator
— in English and in each language, and the visible text is compared piece by piece
(text between tags, and the labels people read: ``aria-label``, ``title``, ``alt``,
``placeholder``). A piece the same in both that still holds an English word is a sentence
nobody translated. Names, brands, language names and codes are not sentences, and a
translator may keep a word on purpose: a translation equal to its source counts as done.

This fails until the translators finish each language; it names the page and the text.
"""

import re
from html.parser import HTMLParser

import pytest
from babel.dates import get_month_names
from babel.messages.pofile import read_po

from pathways.i18n import locale_choices
from tests.helpers import (
    ANONYMOUS,
    COORDINATOR,
    MENTEE,
    MENTOR,
    TRANSLATIONS,
    sign_in_as,
    translations_with,
)
from tests.web.test_authorization import routes

LOCALES = sorted(
    folder.name for folder in TRANSLATIONS.iterdir() if (folder / "LC_MESSAGES").is_dir()
)
JOURNEYS = (ANONYMOUS, MENTEE, MENTOR, COORDINATOR)
NOT_SENTENCES = {
    "Pathways", "Wikimedia", "Wikipedia", "Wikidata", "Meta-Wiki", "CC", "BY-SA",
    "UTC", "JSON", "CSV", "Open Badge", "Coord", "Mentor", "OtherMentor", "Mentee",
    "Outsider", "en",
}  # fmt: skip
NOT_PROSE = re.compile(r"\{\{.*?\}\}|\[\[.*?\]\]|https?://\S+")  # wiki markup, links
ENGLISH_WORD = re.compile(r"\b[A-Za-z][A-Za-z'’-]+\b")
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


class VisibleText(HTMLParser):
    """The pieces of text a person reads or hears, in page order; code is not prose."""

    SKIPPED = {"script", "style", "code"}

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._add(value)

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self._add(data)

    def _add(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.pieces.append(text)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.pieces


def read(path):
    with path.open("rb") as handle:
        return read_po(handle)


def kept_on_purpose(locale: str) -> set[str]:
    """Texts a translator translated as themselves ("Mentor" in Spanish)."""
    catalog = read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po")
    kept = set()
    for message in catalog:
        sources = message.id if message.pluralizable else (message.id,)
        texts = message.string if message.pluralizable else (message.string,)
        kept |= {text for text in texts if text and text in sources}
    return kept


def calendar_names(locale: str) -> set[str]:
    """The language's own month names from CLDR: Indonesian "Jan" or "September" is
    no English left behind."""
    return {
        name
        for context in ("format", "stand-alone")
        for width in ("abbreviated", "wide")
        for name in get_month_names(width, context, locale).values()
    }


def is_english(piece: str, allowed: set[str]) -> bool:
    text = NOT_PROSE.sub("", piece)
    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(name, "")
    return any(len(word) > 1 for word in ENGLISH_WORD.findall(text))


def journey_pages(world) -> list[tuple[str, str]]:
    """(url, person) for every GET page and every journey's person who may open it."""
    return [
        (entry["url"], actor)
        for entries in routes(world).values()
        for entry in entries
        if entry["method"] == "GET"
        for actor in JOURNEYS
        if actor in entry["allowed"]
    ]


def render(client, world, url: str, actor: str, locale: str):
    sign_in_as(client, world, actor)
    response = client.get(url, headers={"Accept-Language": locale})
    html = response.get_data(as_text=True)
    response.close()
    is_page = response.status_code < 300 and response.mimetype == "text/html"
    return visible_text(html) if is_page else None


def english_left(client, world, locale: str, kept: set[str]) -> list[str]:
    """Each text of the journeys' pages that stays English in ``locale``, with its page."""
    allowed = NOT_SENTENCES | {name for _, name in locale_choices()} | kept
    allowed |= calendar_names(locale)
    left: dict[str, str] = {}
    for url, actor in journey_pages(world):
        english = render(client, world, url, actor, "en")
        if english is None:
            continue
        translated = render(client, world, url, actor, locale)
        for piece in set(translated) & set(english):
            if piece not in allowed and is_english(piece, allowed):
                left.setdefault(piece, f"{url} as {actor}")
    return [f"{where}: {piece!r}" for piece, where in sorted(left.items(), key=lambda i: i[1])]


@pytest.mark.parametrize("locale", LOCALES)
def test_no_english_sentence_is_left_on_any_page(client, world, locale):
    left = english_left(client, world, locale, kept_on_purpose(locale))
    assert not left, f"{locale}: {len(left)} English texts left, first: {left[:30]}"


def test_every_text_of_every_page_goes_through_the_catalogs(
    world, tmp_path, other_app, own_catalogs
):
    """With every message translated (here by a stand-in that accents each letter), no
    English is left: nothing on the pages is written outside the message catalogs."""
    template = read(TRANSLATIONS / "messages.pot")
    texts = {
        (m.context, m.id[0] if m.pluralizable else m.id): stand_in(m) for m in template if m.id
    }
    folder = translations_with(tmp_path, "es", texts)
    app = other_app(BABEL_TRANSLATION_DIRECTORIES=str(folder))
    left = english_left(app.test_client(), world, "es", set())
    assert not left, "\n".join(left)


ACCENTED = str.maketrans("aeiouyAEIOUY", "àèìòùýÀÈÌÒÙÝ")
PLACEHOLDER = re.compile(r"(%(?:\(\w+\))?[#0\- +]*\d*(?:\.\d+)?[a-z%]|\{\w*\})")


def stand_in(message) -> str | tuple[str, ...]:
    """A translation that changes every word and keeps every placeholder."""

    def accent(text: str) -> str:
        parts = PLACEHOLDER.split(text)
        return "".join(p if i % 2 else p.translate(ACCENTED) for i, p in enumerate(parts))

    if not message.pluralizable:
        return accent(message.id)
    singular, plural = message.id
    return (accent(singular), accent(plural), accent(plural))


def test_the_check_finds_english_and_lets_names_and_kept_words_be():
    allowed = {"Mentora", "Mentor"}
    english = "Sign in to Pathways"
    assert is_english(english, allowed | NOT_SENTENCES)
    assert not is_english("Mentora · 3", allowed)
    assert not is_english("Mentor", allowed)
    assert not is_english("{{citation needed}} 12", allowed)
    assert visible_text(
        '<p title="Hello there">Hola <code>request_made</code><bdi>Ana</bdi></p>'
    ) == ["Hello there", "Hola", "Ana"]
