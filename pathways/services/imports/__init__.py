"""Spreadsheet import: a mentoring program's people from CSV or JSON Lines, all or nothing.

One person a row, with the columns (CSV) or keys (JSON Lines) of :data:`FIELDS`:

``username``   required; compared like sign-up does (NFKC, case-insensitive), so it must
               be new in the file and in the database.
``role``       ``mentor`` or ``mentee``.
``languages``  language codes, at least one (``es``, ``pt-br``).
``timezone``   an IANA name such as ``Africa/Nairobi``; blank means UTC.
``interests``  free text, the person's interests (matched against mentors' text).
``skills``     catalog skill ids or names, each optionally with a level: the stance
               ``not_yet | learning | confident | can_teach`` written ``referencing:can_teach``
               or ``Referencing (can teach)``; in JSON Lines also
               ``{"skill": "referencing", "level": "can_teach"}``. Without a level a
               mentor's skill is ``can_teach`` and a mentee's ``confident``.
``wants``      catalog skill ids or names the person wants to learn, stored as the
               stance ``not_yet``. A mentee wants at most five.
``capacity``   mentors only: how many mentees at once, 1 to 10; blank means 2.
``goals``      free text: a mentor's goals become the intro of their offer, a mentee's
               the note of their request.

Lists are ``;``-separated in CSV and JSON arrays in JSON Lines.

What a row becomes: an account without a password (a coordinator sends a one-time
sign-in link), its languages, time zone, interests and skill stances; a mentor also gets
an offer and a term from today for one year, so the next batch run can pair them; a
mentee gets an open mentor request with their wants (possibly none: interests and goals
alone still match), left for ``flask match propose`` rather than proposed row by row, so
that mentees early in the file do not get worse mentors than those after them.

Every row is checked before anything is written and every problem is reported with its
line and field (:class:`ImportRejected`); the whole file is then written in the caller's
one transaction. Reading is strict, never a guess: a quote left open, a row with more or
fewer values than the header, a key twice in a JSON object, a control character anywhere
(:mod:`pathways.input_rules`; tab and line breaks only in ``interests`` and ``goals``) or
bytes that are not UTF-8 refuse the file. Bidi embedding, override and isolate controls
are removed from ``interests`` and ``goals``.
"""

from datetime import date
from functools import lru_cache
from pathlib import Path

from ...models import Person
from .formats import (
    FIELDS,
    MAX_BYTES,
    MAX_ROWS,
    ImportRejected,
    RowError,
    csv_rows,
    detect_format,
    jsonl_rows,
    read_text,
)
from .rows import ProfileRow, check_accounts, check_each, check_rows
from .writer import ImportSummary, write


def load(path: Path, fmt: str | None = None) -> list[ProfileRow]:
    """Read and check a whole file; raises :class:`ImportRejected` with every problem."""
    fmt = detect_format(path, fmt)
    return parse(read_text(path), fmt)


def parse(text: str, fmt: str) -> list[ProfileRow]:
    """Read and check a whole file's text in ``fmt`` (``csv`` or ``jsonl``)."""
    return check_accounts(*_checked_each(text, fmt))


@lru_cache(maxsize=1)
def _checked_each(text: str, fmt: str) -> tuple[tuple[ProfileRow, ...], tuple[RowError, ...]]:
    """The rows checked on their own and against each other: the part of a check that
    depends on the text alone. The command line checks a file to report every problem,
    then the job it starts checks it again; in one process the second time is this
    cache (the accounts are still looked up again, in the job's transaction)."""
    rows = csv_rows(text) if fmt == "csv" else jsonl_rows(text)
    return check_each(rows, fmt)


def import_file(
    path: Path, fmt: str | None = None, actor: Person | None = None, today: date | None = None
) -> ImportSummary:
    """Check the whole file, then write it all; raises :class:`ImportRejected` if any row fails."""
    return write(load(path, fmt), actor, today, source=path.name)


__all__ = [
    "FIELDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportRejected",
    "ImportSummary",
    "ProfileRow",
    "RowError",
    "check_rows",
    "import_file",
    "load",
    "parse",
    "read_text",
    "detect_format",
    "write",
]
