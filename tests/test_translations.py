"""The message catalogs: the template matches the code and the framework catalog, and every
language is complete and safe to format.

The completeness gate is ``test_every_message_is_translated`` and
``test_no_translation_is_fuzzy`` here, with ``tests/web/test_translated_pages.py``: they
fail, naming what is missing, until the translators finish a language. Everything else
holds at every commit: a translation whose placeholders differ from its source would break
its page, so it fails the suite with the locale, the message and the placeholder.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from pathways.catalog import get_catalog
from pathways.catalog_messages import KIND_OF_SECTION, TRANSLATABLE, context_of
from pathways.commands.translate import extract_messages

REPO = Path(__file__).resolve().parents[1]
TRANSLATIONS = REPO / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LOCALES = sorted(
    folder.name for folder in TRANSLATIONS.iterdir() if (folder / "LC_MESSAGES").is_dir()
)
PERCENT_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACE_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def po_of(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def key(message: Message) -> tuple:
    """A message as gettext finds it: its context and its id (with the plural id)."""
    return message.context, message.id


def messages(catalog: Catalog) -> dict[tuple, Message]:
    return {key(message): message for message in catalog if message.id}


def forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def shown(message: Message) -> str:
    """The message for a failure report: its context and its (singular) id."""
    text = message.id[0] if message.pluralizable else message.id
    return f"[{message.context}] {text!r}" if message.context else repr(text)


def test_message_template_is_up_to_date(tmp_path):
    """babel.cfg names the real folders and the catalog: extracting anew changes nothing."""
    fresh = tmp_path / "messages.pot"
    extract_messages(fresh)
    extracted, committed = set(messages(read(fresh))), set(messages(read(TEMPLATE)))
    assert extracted - committed == set(), "not in messages.pot: run `flask translate update`"
    assert committed - extracted == set(), "no longer in the code: run `flask translate update`"


def test_every_catalog_text_has_a_msgid():
    """What the pages look up (the loaded catalog's texts) is what the extractor wrote."""
    catalog, template = get_catalog(), set(messages(read(TEMPLATE)))
    missing = [
        (context_of(item), field, text)
        for section, fields in TRANSLATABLE.items()
        for item in getattr(catalog, section).values()
        for field in fields
        for text in _texts(getattr(item, field))
        if (context_of(item), text) not in template
    ]
    assert missing == []
    assert set(TRANSLATABLE) == set(KIND_OF_SECTION)


def _texts(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def test_every_language_is_offered():
    from pathways import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["LANGUAGES"] == ("en", *LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_language_has_every_message_of_the_template(locale):
    missing = set(messages(read(TEMPLATE))) - set(messages(read(po_of(locale))))
    assert missing == set(), f"{locale}: run `flask translate update`"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale):
    """Gate: every message, every plural form."""
    untranslated = [
        shown(message)
        for message in messages(read(po_of(locale))).values()
        if not all(forms(message))
    ]
    assert not untranslated, (
        f"{locale}: {len(untranslated)} messages untranslated, first: {untranslated[:20]}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_no_translation_is_fuzzy(locale):
    """Gate: a fuzzy translation is a guess `translate update` made; the app never shows it."""
    fuzzy = [shown(m) for m in messages(read(po_of(locale))).values() if m.fuzzy]
    assert not fuzzy, f"{locale}: {len(fuzzy)} fuzzy translations, first: {fuzzy[:20]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_the_source(locale):
    problems = placeholder_problems(locale, read(po_of(locale)))
    assert problems == []


def placeholder_problems(locale: str, catalog: Catalog) -> list[str]:
    """Each translated form whose placeholders are not its source's, named in full.

    A plural form may leave out ``%(num)d``: Arabic says "one request" as one word.
    Every other placeholder appears as in the source, and a ``%`` that is no placeholder
    must be written ``%%``, or formatting the message fails.
    """
    problems = []
    for message in messages(catalog).values():
        source_ids = message.id if message.pluralizable else (message.id,)
        expected = _placeholders(*source_ids)
        for index, text in enumerate(forms(message)):
            if not text:
                continue
            where = f"{locale}: {shown(message)}" + (
                f", plural form {index}" if message.pluralizable else ""
            )
            found = _placeholders(text)
            may_omit = {"%(num)d", "%(num)s"} if message.pluralizable else set()
            problems += [f"{where}: missing {p}" for p in sorted(expected - found - may_omit)]
            problems += [f"{where}: unknown {p}" for p in sorted(found - expected)]
            stray = PERCENT_PLACEHOLDER.sub("", text).count("%")
            problems += [f"{where}: a % that is no placeholder (write %%)"] if stray else []
    return problems


def _placeholders(*texts: str) -> set[str]:
    """``%(name)s``-style placeholders as written, and ``{name}`` ones."""
    found = set()
    for text in texts:
        found |= {m.group(0) for m in PERCENT_PLACEHOLDER.finditer(text) if m.group(0) != "%%"}
        found |= {m.group(0) for m in BRACE_PLACEHOLDER.finditer(text)}
    return found


def test_a_wrong_placeholder_is_named_with_its_locale_and_message():
    catalog = Catalog(locale="es")
    catalog.add("Welcome, %(name)s!", "¡Bienvenida, %(nombre)s!")
    catalog.add(("%(num)d request", "%(num)d requests"), ("Una solicitud", "%(num)d"))
    catalog.add("Hello {user}", "Hola {usuario}", context="greeting")
    catalog.add("Fit: %(score)s", "Ajuste: %(score)s 100%")
    assert placeholder_problems("es", catalog) == [
        "es: 'Welcome, %(name)s!': missing %(name)s",
        "es: 'Welcome, %(name)s!': unknown %(nombre)s",
        "es: [greeting] 'Hello {user}': missing {user}",
        "es: [greeting] 'Hello {user}': unknown {usuario}",
        "es: 'Fit: %(score)s': a % that is no placeholder (write %%)",
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_fit_the_locales_rule(locale):
    catalog = read(po_of(locale))
    assert catalog.plural_forms == Catalog(locale=locale).plural_forms, (
        f"{locale}: the Plural-Forms header is not CLDR's rule for the language"
    )
    wrong = [
        f"{shown(m)}: {len(forms(m))} forms"
        for m in messages(catalog).values()
        if m.pluralizable and len(forms(m)) != catalog.num_plurals
    ]
    assert wrong == [], f"{locale} has {catalog.num_plurals} plural forms"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogs_match_their_sources(locale, tmp_path):
    """A .po edited without recompiling would silently show stale text; the .mo files
    are committed, so a fresh clone needs no compile step."""
    fresh = tmp_path / "messages.mo"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "compile",
            "-i",
            str(po_of(locale)),
            "-o",
            str(fresh),
        ],
        check=True,
        capture_output=True,
    )
    assert fresh.read_bytes() == po_of(locale).with_suffix(".mo").read_bytes()
