"""What Pathways accepts as input, whatever it comes through: a form, a URL or an import file.

Each rule lives here once; the boundaries apply them: :class:`pathways.forms.Form` to every
form field, :mod:`pathways.web` to paths and query strings, :mod:`pathways.services.imports`
to every value of an imported file.

Text
    No NUL or other control character (C0, DEL, C1) and no lone surrogate; tab, CR and LF
    only in multi-line text. PostgreSQL refuses NUL outright, and the others only ever
    arrive by mistake or to confuse a reader.
Bidi
    Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) are removed
    from free text: an unclosed one reorders everything shown after it. The marks U+200E,
    U+200F and U+061C are kept: they open no scope, and right-to-left writing needs them.
Whole numbers
    What a database ``INTEGER`` holds: −2**31 to 2**31 − 1; an id from 0.
Dates
    From 2001-01-15, the day Wikipedia started, to :data:`YEARS_AHEAD` years after today.
Where to go next
    A path of this site only (:func:`same_site_path`), never another site's address.
JSON
    Read with :func:`read_json`: nesting too deep to read is a fault of the text like
    any other, not a crash.
"""

import json
import re
from datetime import date
from urllib.parse import urlsplit

from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BIDI_SCOPES = re.compile("[\u202a-\u202e\u2066-\u2069]")

INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1
_MAX_DIGITS = len(str(INTEGER_MAX))

FIRST_DAY = date(2001, 1, 15)
YEARS_AHEAD = 5


# Text ----------------------------------------------------------------------------------


def control_character(text: str, multiline: bool = False) -> str | None:
    """The first character of ``text`` that no field accepts, if any."""
    found = (_CONTROL_BUT_LINE_BREAKS if multiline else _CONTROL).search(text)
    return found[0] if found else None


def control_character_error(name: str, character: str):
    return _l(
        "“%(name)s” holds the control character %(code)s, which cannot be saved. Remove it.",
        name=printable(str(name)),
        code=f"U+{ord(character):04X}",
    )


def printable(text: str) -> str:
    """``text`` with its control characters shown as �, to quote it in a message."""
    return _CONTROL.sub("\ufffd", text)


def without_bidi_controls(text: str) -> str:
    return _BIDI_SCOPES.sub("", text)


# Whole numbers -------------------------------------------------------------------------


def fits_integer(value: int) -> bool:
    return INTEGER_MIN <= value <= INTEGER_MAX


def integer_error(name: str):
    return _l(
        "“%(name)s” must be a whole number from %(min)s to %(max)s.",
        name=name,
        min=format_decimal(INTEGER_MIN),
        max=format_decimal(INTEGER_MAX),
    )


def parse_whole_number(text: str) -> int | None:
    """A number written in digits 0-9 that a database ``INTEGER`` holds (an id, a page
    number); otherwise None."""
    if not (text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS):
        return None
    value = int(text)
    return value if value <= INTEGER_MAX else None


# Dates ---------------------------------------------------------------------------------


def years_later(day: date, years: int) -> date:
    """The same day ``years`` later; 28 February for a 29 February that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_day(today: date) -> date:
    return years_later(today, YEARS_AHEAD)


def date_error(name: str, day: date, today: date):
    """Why ``day`` is refused, or None if it is inside the program's time."""
    if FIRST_DAY <= day <= last_day(today):
        return None
    return _l(
        "“%(name)s” must be a date from %(first)s to %(last)s.",
        name=name,
        first=format_date(FIRST_DAY),
        last=format_date(last_day(today)),
    )


SITE_PATH = re.compile(r"/(?![/\\])[^\\\x00-\x20\x7f]*")


def same_site_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    Browsers read ``//host`` and ``/\\host`` as another site, and drop tabs and
    newlines before reading, so only a single leading slash followed by no
    backslash, space or control character passes.
    """
    if target and SITE_PATH.fullmatch(target) and not urlsplit(target).netloc:
        return target
    return fallback


# JSON ----------------------------------------------------------------------------------


def read_json(text: str | bytes, **options):
    """``json.loads``, with nesting too deep to read (a few kilobytes of ``[`` reach
    Python's recursion limit, a RecursionError) a :class:`json.JSONDecodeError` too."""
    try:
        return json.loads(text, **options)
    except RecursionError as error:
        doc = text if isinstance(text, str) else text.decode(errors="replace")
        raise json.JSONDecodeError("Nesting too deep", doc, 0) from error


# Links ---------------------------------------------------------------------------------

WEB_SCHEMES = ("http", "https")


def is_web_link(text: str) -> bool:
    """An absolute http(s) address with a host and, if any, a valid port: never
    ``javascript:``, ``data:`` or a relative path, nothing a browser would read
    differently (spaces, backslashes), nor what cannot be read as an address at all
    ("https://[oops", a port above 65535)."""
    if not text or any(c.isspace() or c == "\\" for c in text) or control_character(text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)
