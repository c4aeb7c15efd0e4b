"""Locales, time zones, text direction, and the formats flask-babel lacks.

Which language a page is in, first that names a language Pathways has:

1. ``?lang=`` on this request: an explicit choice, also for a signed-in person (a link
   to a page in a given language works for everyone). It is remembered in the session.
2. The signed-in person's saved preference (``Person.locale``: the switcher on every
   page and the settings page change it).
3. The choice remembered in the session, from an earlier ``?lang=``.
4. The browser's Accept-Language.
5. English.

A value naming no available language — unknown, malformed, or a language since removed
— is skipped, so the next one decides; it never fails the page.

The languages are English and every folder of the translation directories holding a
compiled catalog (``<code>/LC_MESSAGES/messages.mo``) whose code CLDR knows, so adding a
language is adding its folder. Each is shown by its name in itself, from CLDR.

Dates have one style everywhere, flask-babel's default ``medium`` (``Jan 5, 2026``),
shown in the reader's time zone (``Person.timezone``, else UTC).
"""

import functools
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytz
from babel import Locale, UnknownLocaleError, dates, numbers, units
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, format_timedelta, get_domain, get_locale
from flask_login import current_user

DEFAULT_LOCALE = "en"
CATALOG = Path("LC_MESSAGES") / "messages.mo"
CHOSEN = "lang"


def translations():
    """flask-babel's translations for the current locale, found once per request (or app
    context) and locale: flask-babel looks up its domain, the locale and its cache anew for
    every text, about 8 µs each, and a list page shows a few hundred texts. A forced or
    refreshed locale is a new locale object, so it finds its own. (``g`` is read once,
    through ``_get_current_object``: each use of the proxy costs a lookup, and a page
    calls this a few hundred times.)"""
    here = g._get_current_object() if has_app_context() else None
    state = getattr(here, "_flask_babel", None)  # flask-babel's state of this context
    locale = getattr(state, "babel_locale", None)
    found = getattr(state, "pathways_translations", None)
    if locale is not None and found is not None and found[0] is locale:
        return found[1]
    current = Domain.get_translations(get_domain())
    state = g.get("_flask_babel") if g else None
    if state is not None:
        state.pathways_translations = (getattr(state, "babel_locale", None), current)
    return current


class RequestDomain(Domain):
    """flask-babel's domain whose ``gettext`` and lazy texts (form labels, choices) use
    :func:`translations`, as the templates' ``_`` does."""

    def get_translations(self):
        return translations()


def install_request_domain(app) -> None:
    """Make a :class:`RequestDomain` the domain of flask-babel's ``gettext`` (flask-babel
    would build a plain one on first use), named as the app's configuration says."""
    configured = app.extensions["babel"]
    configured.instance.domain_instance = RequestDomain(domain=configured.default_domain)


def install_template_gettext(app) -> None:
    """The templates' ``_``, ``ngettext``, ``pgettext`` and ``npgettext``: flask-babel's,
    through :func:`translations`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    # Jinja's ``_`` looks ``gettext`` up in the template's context at every call; no
    # template names anything ``gettext``, and a page calls ``_`` a few hundred times.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]


def available_locales(translation_directories: Iterable[str]) -> tuple[str, ...]:
    """English first, then every locale with a compiled catalog, by code."""
    found = {
        folder.name
        for directory in translation_directories
        if Path(directory).is_dir()
        for folder in Path(directory).iterdir()
        if (folder / CATALOG).is_file() and _is_known_locale(folder.name)
    }
    return (DEFAULT_LOCALE, *sorted(found - {DEFAULT_LOCALE}))


def _is_known_locale(code: str) -> bool:
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def supported_locales() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    """The page's language, in the order of this module's docstring."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return browser_locale()  # a program says its language in each request
    supported = supported_locales()
    asked = request.args.get(CHOSEN)
    if asked in supported:
        session[CHOSEN] = asked
        return asked
    for candidate in (_saved_preference(), session.get(CHOSEN)):
        if candidate in supported:
            return candidate
    return browser_locale()


def browser_locale() -> str:
    """The available language the browser asks for most, else English."""
    return (
        request.accept_languages.best_match(supported_locales())
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _saved_preference() -> str | None:
    return current_user.locale if current_user.is_authenticated else None


def select_timezone() -> str | None:
    """The signed-in person's time zone; None (UTC) for visitors or a zone unknown here."""
    if not has_request_context() or not current_user.is_authenticated:
        return None
    zone = current_user.timezone
    return zone if zone in pytz.all_timezones_set else None


@functools.cache
def text_direction(locale_code: str) -> str:
    """``rtl`` or ``ltr`` for a locale, from CLDR data."""
    return Locale.parse(locale_code).text_direction


@functools.cache
def locale_display_name(locale_code: str) -> str:
    """A language's name in itself, so a reader finds their own language in a list."""
    return Locale.parse(locale_code).get_display_name(locale_code).capitalize()


def reader_languages() -> list[str]:
    """The page's language first, then the languages the reader named in their profile."""
    own = current_user.language_codes if current_user.is_authenticated else []
    return [str(get_locale()), *own]


def language_name(code: str) -> str:
    """A resource's language named in the page's language; the code when CLDR has no name."""
    return _language_name(code, str(get_locale()))


@functools.lru_cache(maxsize=4096)
def _language_name(code: str, reader_locale: str) -> str:
    """CLDR's names do not change while the app runs: each is looked up once (bounded:
    the codes are people's input)."""
    try:
        name = Locale.parse(code, sep="-").get_display_name(reader_locale)
    except (ValueError, UnknownLocaleError):
        name = None
    return name or code


def locale_choices() -> list[tuple[str, str]]:
    """Every available language as (code, name in itself)."""
    return [(code, locale_display_name(code)) for code in supported_locales()]


def locale_context() -> dict:
    """What every page needs to say its language and offer the others."""
    code = str(get_locale())
    return {
        "locale_code": code,
        "html_lang": code.replace("_", "-"),
        "html_dir": text_direction(code),
        "locale_choices": locale_choices(),
        "language_return_path": path_without_choice(),
    }


def path_without_choice() -> str:
    """This page's path and query without ``lang``: where the language switcher returns."""
    kept = [(name, value) for name, value in request.args.items(multi=True) if name != CHOSEN]
    return request.path + ("?" + urlencode(kept) if kept else "")


# Formats flask-babel has no filter for ----------------------------------------------------


def format_unit(value: float, unit: str) -> str:
    """A quantity with its unit in the reader's language, plural by CLDR's rules even for
    decimals: ``format_unit(2.5, "duration-hour")`` is "2.5 hours", "2,5 horas"."""
    return _format_unit(value, unit, get_locale())


def format_decimal(number: float, format: str | None = None) -> str:
    """flask-babel's ``decimalformat``, the same text found once per process."""
    return _format_decimal(number, format, get_locale())


# Babel formats a number or a quantity in 10-20 µs, a list page asks for dozens, mostly the
# same few (hours of a step, counts, scores); CLDR's data do not change while the app runs.
@functools.lru_cache(maxsize=4096, typed=True)
def _format_unit(value: float, unit: str, locale: Locale | None) -> str:
    return units.format_unit(value, unit, locale=locale)


@functools.lru_cache(maxsize=4096, typed=True)
def _format_decimal(number: float, format: str | None, locale: Locale | None) -> str:
    return numbers.format_decimal(number, format=format, locale=locale)


def format_month(day: date | datetime) -> str:
    """A month and its year in the reader's language and order ("January 2026")."""
    return dates.format_skeleton("yMMMM", day, locale=get_locale())


def format_date_range(start: date, end: date) -> str:
    """Two days as one range in the reader's language, in the app's date style."""
    return dates.format_interval(start, end, "yMMMd", locale=get_locale())


def format_time_ago(moment: datetime) -> str:
    """How long ago a moment (naive UTC, as stored) was: "3 days ago", "hace 3 días"."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return format_timedelta(moment - now, granularity="minute", add_direction=True)
