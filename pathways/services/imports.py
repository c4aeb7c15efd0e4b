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

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matcher import analyze

from ..catalog import get_catalog
from ..extensions import db
from ..i18n import format_unit
from ..input_rules import (
    control_character,
    control_character_error,
    printable,
    without_bidi_controls,
    years_later,
)
from ..models import (
    MentorOffer,
    MentorRequest,
    Person,
    PersonLanguage,
    PersonRole,
    RoleName,
    SkillStance,
    Stance,
    Term,
)
from . import DomainError, too_long
from .accounts import check_languages, check_timezone, check_username, username_key
from .events import record
from .matching import bump_profile_version
from .mentoring import MAX_CAPACITY, MAX_REQUEST_SKILLS, MAX_TEXT

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
DEFAULT_CAPACITY = 2
FIELDS = (
    "username",
    "role",
    "languages",
    "timezone",
    "interests",
    "skills",
    "wants",
    "capacity",
    "goals",
)
REQUIRED_COLUMNS = ("username", "role", "languages")
FREE_TEXT = ("interests", "goals")
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
ROLES = {"mentor": RoleName.MENTOR, "mentee": RoleName.VOLUNTEER}
LEVEL_NAMES = " | ".join(stance.value for stance in Stance)
_LEVEL_SUFFIX = re.compile(r"^(?P<skill>.+?)\s*(?::\s*(?P<a>[^:]+)|\((?P<b>[^()]+)\))\s*$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,18}$")
SKILL_KEYS = frozenset({"skill", "level"})
_LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RowError:
    """One problem: the file line it is on (None for the file as a whole) and the field."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = "file" if self.line is None else f"line {self.line}"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ImportRejected(DomainError):
    """The file was refused; ``errors`` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            _ln(
                "Nothing was imported: %(num)d problem found.",
                "Nothing was imported: %(num)d problems found.",
                len(errors),
            )
        )
        self.errors = errors


@dataclass
class ProfileRow:
    """A checked row, ready to write."""

    line: int
    username: str
    role: RoleName
    languages: list[str]
    timezone: str = "UTC"
    interests: str = ""
    goals: str = ""
    skills: dict[str, Stance] = field(default_factory=dict)
    wants: list[str] = field(default_factory=list)
    capacity: int | None = None

    @property
    def is_mentor(self) -> bool:
        return self.role == RoleName.MENTOR


@dataclass(frozen=True)
class ImportSummary:
    mentors: list[str]
    mentees: list[str]
    requests: int

    @property
    def people(self) -> int:
        return len(self.mentors) + len(self.mentees)


# Reading -------------------------------------------------------------------------------


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        if given not in FORMATS.values():
            raise ImportRejected([RowError(None, "format", _l("Use csv or jsonl."))])
        return given
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        message = _l("Unknown file type: name it .csv or .jsonl, or give the format.")
        raise ImportRejected([RowError(None, "format", message)])
    return found


def read_text(path: Path) -> str:
    """The file as text; refuses a file over the size limit before reading it all."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _too_large(size)
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    return decode(data)


def _too_large(size: int) -> ImportRejected:
    message = _l(
        "The file has %(size)s; the limit is %(limit)s. Split it into smaller files.",
        size=format_unit(size, "digital-byte"),
        limit=format_unit(MAX_BYTES // (1024 * 1024), "digital-megabyte"),
    )
    return ImportRejected([RowError(None, None, message)])


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = _l(
            "The file is not UTF-8: byte %(offset)d cannot be read. Save it as UTF-8 "
            "(in a spreadsheet: CSV UTF-8) and try again.",
            offset=error.start,
        )
        raise ImportRejected([RowError(line, None, message)]) from error


def _too_many_rows(line: int) -> ImportRejected:
    message = _ln(
        "More than %(num)d row: split the file.",
        "More than %(num)d rows: split the file.",
        MAX_ROWS,
    )
    return ImportRejected([RowError(line, None, message)])


def csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, row) for each non-blank record; a row's line is where its record starts.

    A row whose number of values is not the header's is ``{None: (None, message)}``.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns: list[str] = []
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRejected([RowError(1, None, _l("The file is empty."))])
        columns = [name.strip().lower() for name in header]
        _check_header(columns)
        count, start = 0, reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise _too_many_rows(line)
            if len(values) != len(columns):
                yield line, {None: (None, _wrong_count(len(values), len(columns)))}
                continue
            yield line, dict(zip(columns, values, strict=True))
    except csv.Error as error:
        raise _not_csv(text, start, columns, error) from error


def _wrong_count(found: int, expected: int):
    return _l(
        "This row has %(found)s; the header has %(expected)s.",
        found=_ln("%(num)d value", "%(num)d values", found),
        expected=_ln("%(num)d column", "%(num)d columns", expected),
    )


def _not_csv(text: str, line: int, columns: list[str], error: csv.Error) -> ImportRejected:
    """The file refused at the record starting on ``line``, naming an unclosed quote's column."""
    record = "".join(io.StringIO(text, newline="").readlines()[line - 1 :])
    column = _open_quote_column(record)
    if column is None:
        message = _l("Not valid CSV: %(problem)s.", problem=str(error))
        return ImportRejected([RowError(line, None, message)])
    message = _l(
        "A quote opens a value here and never closes, so every line after it would be "
        "read into that value. Close the quote."
    )
    field_name = columns[column] if column < len(columns) else None
    return ImportRejected([RowError(line, field_name, message)])


def _open_quote_column(record: str) -> int | None:
    """The column (from 0) of the quote ``record`` opens and never closes, if any."""
    column, opened = 0, None
    for character in record:
        if character == '"':
            opened = column if opened is None else None
        elif character == "," and opened is None:
            column += 1
    return opened


def _check_header(columns: list[str]) -> None:
    errors = []
    for position, name in enumerate(columns):
        if name not in FIELDS:
            errors.append(RowError(1, name or f"#{position + 1}", _unknown_field()))
        elif columns.index(name) != position:
            errors.append(RowError(1, name, _l("This column appears twice.")))
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            errors.append(RowError(1, name, _l("This column is missing.")))
    if errors:
        raise ImportRejected(errors)


def _unknown_field():
    return _l("Unknown column; the columns are: %(names)s.", names=", ".join(FIELDS))


def jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, object) for each non-blank line; a line that is not a JSON object is
    ``{None: (field, message)}``."""
    count = 0
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows(number)
        yield number, _json_object(raw)


class _DuplicateKey(ValueError):
    pass


def _without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def _json_object(raw: str) -> dict[Any, Any]:
    try:
        value = json.loads(raw, object_pairs_hook=_without_duplicate_keys)
    except _DuplicateKey as error:
        return {None: (printable(error.args[0]), _l("This key appears twice on the line."))}
    except json.JSONDecodeError as error:
        return {None: (None, _l("Not valid JSON: %(problem)s.", problem=error.msg))}
    except ValueError:  # only a number with more digits than Python converts
        return {None: (None, _l("Not valid JSON: a number has too many digits."))}
    if not isinstance(value, dict):
        return {None: (None, _l("Each line holds one JSON object."))}
    return value


# Checking ------------------------------------------------------------------------------


class _Row:
    """Collects every problem of one row instead of stopping at the first."""

    def __init__(self, line: int, raw: dict[str, Any], fmt: str) -> None:
        self.line, self.raw, self.fmt = line, raw, fmt
        self.errors: list[RowError] = []

    def fail(self, name: str | None, message) -> None:
        self.errors.append(RowError(self.line, name, message))

    def text(self, name: str, limit: int = MAX_TEXT) -> str:
        value = self.raw.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(name, _l("Write this as text."))
            return ""
        value = value.strip()
        if len(value) > limit:
            self.fail(name, too_long(limit))
        return value

    def items(self, name: str) -> list[Any]:
        value = self.raw.get(name)
        if value is None or value == "":
            return []
        if self.fmt == "csv":
            return [part.strip() for part in value.split(";") if part.strip()]
        if not isinstance(value, list):
            self.fail(name, _l('Write a list as a JSON array, e.g. ["es", "en"].'))
            return []
        return value

    def strings(self, name: str) -> list[str]:
        values = self.items(name)
        if not all(isinstance(value, str) for value in values):
            self.fail(name, _l("Write each entry as text."))
            return []
        return [value.strip() for value in values if value.strip()]

    def errors_for(self, name: str) -> bool:
        return any(error.field == name for error in self.errors)

    def check(self, name: str, check, *args):
        try:
            return check(*args)
        except DomainError as error:
            self.fail(error.field or name, error.message)
            return None


def _not_a_level(text):
    return _l("“%(level)s” is not a level; use %(levels)s.", level=text, levels=LEVEL_NAMES)


def parse_level(raw: str) -> Stance | None:
    try:
        return Stance("_".join(raw.strip().lower().replace("-", " ").split()))
    except ValueError:
        return None


def parse_skill(text: str, default: Stance, field_name: str) -> tuple[str, Stance]:
    """A skill id or name, optionally with a level: ``id:level`` or ``Name (level)``."""
    catalog = get_catalog()
    skill = catalog.find_skill(text)
    if skill is not None:
        return skill.id, default
    match = _LEVEL_SUFFIX.match(text)
    if match:
        level_text = match["a"] or match["b"]
        skill = catalog.find_skill(match["skill"])
        level = parse_level(level_text)
        if skill is not None and level is None:
            raise DomainError(_not_a_level(level_text.strip()), field_name)
        if skill is not None:
            return skill.id, level
    raise DomainError(_l("Unknown skill: “%(text)s”.", text=text), field_name)


def _skill_entry(row: _Row, item: Any, default: Stance) -> tuple[str, Stance] | None:
    if isinstance(item, str):
        return row.check("skills", parse_skill, item.strip(), default, "skills")
    if not (
        isinstance(item, dict) and isinstance(item.get("skill"), str) and set(item) <= SKILL_KEYS
    ):
        row.fail("skills", _l('Write a skill as text or as {"skill": …, "level": …}.'))
        return None
    entry = row.check("skills", parse_skill, item["skill"].strip(), default, "skills")
    if entry is None or item.get("level") in (None, ""):
        return entry
    level = parse_level(str(item["level"]))
    if level is None:
        row.fail("skills", _not_a_level(item["level"]))
        return None
    return entry[0], level


def _skills(row: _Row, role: RoleName | None) -> dict[str, Stance]:
    default = Stance.CAN_TEACH if role == RoleName.MENTOR else Stance.CONFIDENT
    skills: dict[str, Stance] = {}
    for item in row.items("skills"):
        entry = _skill_entry(row, item, default)
        if entry is None:
            continue
        skill_id, stance = entry
        if skill_id in skills:
            row.fail("skills", _l("“%(skill)s” is listed twice.", skill=skill_id))
        skills[skill_id] = stance
    return skills


def _wants(row: _Row, skills: dict[str, Stance]) -> list[str]:
    wants: list[str] = []
    for text in row.strings("wants"):
        skill = get_catalog().find_skill(text)
        if skill is None:
            row.fail("wants", _l("Unknown skill: “%(text)s”.", text=text))
        elif skill.id in skills:
            row.fail("wants", _l("“%(skill)s” is also under skills.", skill=skill.id))
        elif skill.id not in wants:
            wants.append(skill.id)
    return wants


def _capacity(row: _Row, is_mentor: bool) -> int | None:
    value = row.raw.get("capacity")
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return DEFAULT_CAPACITY if is_mentor else None
    if not is_mentor:
        row.fail("capacity", _l("Only mentors have a capacity."))
        return None
    if isinstance(value, str) and _WHOLE_NUMBER.match(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        row.fail("capacity", _l("“%(value)s” is not a whole number.", value=value))
        return None
    if not 1 <= value <= MAX_CAPACITY:
        row.fail(
            "capacity",
            _ln(
                "A capacity runs from 1 to %(num)d mentee; this row says %(value)d.",
                "A capacity runs from 1 to %(num)d mentees; this row says %(value)d.",
                MAX_CAPACITY,
                value=value,
            ),
        )
        return None
    return value


def _role(row: _Row) -> RoleName | None:
    value = row.text("role").lower()
    if row.errors_for("role"):
        return None
    if not value:
        row.fail("role", _l("Give the role: mentor or mentee."))
        return None
    if value not in ROLES:
        row.fail("role", _l("“%(value)s” is not a role; use mentor or mentee.", value=value))
        return None
    return ROLES[value]


def _languages(row: _Row) -> list[str]:
    codes = row.strings("languages")
    if row.errors_for("languages"):
        return []
    if not codes:
        row.fail("languages", _l("Name at least one language, e.g. es or en."))
        return []
    return row.check("languages", check_languages, codes) or []


def _username(row: _Row) -> str | None:
    raw = row.text("username", 200)
    if row.errors_for("username"):
        return None
    if not raw:
        row.fail("username", _l("A username is needed."))
        return None
    return row.check("username", check_username, raw)


def _check_content(row: _Row, role: RoleName | None, skills, wants, interests, goals) -> None:
    """A row the matcher could not use is refused here, naming the field at fault."""
    if role == RoleName.MENTOR:
        if skills and Stance.CAN_TEACH not in skills.values():
            row.fail("skills", _l("A mentor needs at least one skill at the level can_teach."))
        elif not skills and not row.errors_for("skills"):
            row.fail("skills", _l("A mentor needs at least one skill to teach."))
        return
    if role is None or wants or row.errors_for("wants"):
        return
    if not interests and not goals:
        row.fail("wants", _l("Empty profile: give the skills wanted, interests or goals."))
    elif not analyze(f"{interests} {goals}"):
        row.fail(
            "interests",
            _l(
                "Interests and goals hold only common words, and no skills are wanted: "
                "nothing to match on. Name wanted skills or describe interests."
            ),
        )


def _texts(value: Any) -> Iterator[str]:
    """Every string in a value, the keys of JSON objects included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)


def _check_characters(row: _Row) -> None:
    for name, value in row.raw.items():
        for text in (name, *_texts(value)):
            character = control_character(text, multiline=name in FREE_TEXT)
            if character is not None:
                row.fail(printable(name), control_character_error(name, character))
                break


def check_row(line: int, raw: dict[str, Any], fmt: str) -> tuple[ProfileRow | None, list[RowError]]:
    """One row checked on its own (duplicates across rows are checked by :func:`check_rows`)."""
    if None in raw:
        field_name, message = raw[None]
        return None, [RowError(line, field_name, message)]
    row = _Row(line, raw, fmt)
    _check_characters(row)
    if row.errors:
        return None, row.errors
    for name in raw:
        if name not in FIELDS:
            row.fail(name, _l("Unknown field; the fields are: %(names)s.", names=", ".join(FIELDS)))
    username = _username(row)
    role = _role(row)
    languages = _languages(row)
    timezone = row.text("timezone", 64)
    timezone = row.check("timezone", check_timezone, timezone) if timezone else "UTC"
    interests, goals = (without_bidi_controls(row.text(name)) for name in FREE_TEXT)
    skills = _skills(row, role)
    wants = _wants(row, skills)
    if role == RoleName.VOLUNTEER and len(wants) > MAX_REQUEST_SKILLS:
        row.fail(
            "wants",
            _ln(
                "A mentee asks for at most %(num)d skill.",
                "A mentee asks for at most %(num)d skills.",
                MAX_REQUEST_SKILLS,
            ),
        )
    capacity = _capacity(row, role == RoleName.MENTOR) if role else None
    _check_content(row, role, skills, wants, interests, goals)
    if row.errors:
        return None, row.errors
    profile = ProfileRow(
        line=line,
        username=username,
        role=role,
        languages=languages,
        timezone=timezone,
        interests=interests,
        goals=goals,
        skills=skills,
        wants=wants,
        capacity=capacity,
    )
    return profile, []


def _taken_keys(keys: list[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        taken.update(
            db.session.scalars(select(Person.username_key).where(Person.username_key.in_(chunk)))
        )
    return taken


def check_rows(rows: Iterable[tuple[int, dict[str, Any]]], fmt: str) -> list[ProfileRow]:
    """Every row checked, and usernames against each other and the database."""
    checked: list[ProfileRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        profile, row_errors = check_row(line, raw, fmt)
        errors.extend(row_errors)
        if profile is None:
            continue
        key = username_key(profile.username)
        if key in seen:
            errors.append(
                RowError(
                    line,
                    "username",
                    _l(
                        "“%(name)s” is also on line %(other)d.",
                        name=profile.username,
                        other=seen[key],
                    ),
                )
            )
            continue
        seen[key] = line
        checked.append(profile)
    taken = _taken_keys(list(seen))
    errors.extend(
        RowError(p.line, "username", _l("“%(name)s” already has an account.", name=p.username))
        for p in checked
        if username_key(p.username) in taken
    )
    if not checked and not errors:
        errors.append(RowError(None, None, _l("The file has no rows.")))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.line or 0, e.field or "")))
    return checked


def load(path: Path, fmt: str | None = None) -> list[ProfileRow]:
    """Read and check a whole file; raises :class:`ImportRejected` with every problem."""
    fmt = detect_format(path, fmt)
    text = read_text(path)
    rows = csv_rows(text) if fmt == "csv" else jsonl_rows(text)
    return check_rows(rows, fmt)


# Writing -------------------------------------------------------------------------------


def _new_person(profile: ProfileRow) -> Person:
    """An account without a password, like ``accounts.create_person(…, password=None)``."""
    roles = {RoleName.VOLUNTEER, profile.role}
    stances = {**dict.fromkeys(profile.wants, Stance.NOT_YET), **profile.skills}
    return Person(
        username=profile.username,
        username_key=username_key(profile.username),
        password_hash=None,
        timezone=profile.timezone,
        interests=profile.interests,
        roles=[PersonRole(role=role) for role in sorted(roles)],
        languages=[PersonLanguage(code=code) for code in profile.languages],
        stances=[SkillStance(skill_id=s, stance=stance) for s, stance in stances.items()],
    )


def _write_row(profile: ProfileRow, today: date) -> None:
    person = _new_person(profile)
    db.session.add(person)
    if profile.is_mentor:
        term = Term(starts_on=today, ends_on=years_later(today, 1))
        db.session.add(
            MentorOffer(person=person, capacity=profile.capacity, intro=profile.goals, terms=[term])
        )
    else:
        db.session.add(MentorRequest(mentee=person, skills=profile.wants, note=profile.goals))


def write(
    profiles: list[ProfileRow],
    actor: Person | None = None,
    today: date | None = None,
    source: str = "",
) -> ImportSummary:
    """Write checked rows in the caller's transaction, with one flush for the whole file.

    Rows are built directly rather than through ``save_offer``/``add_term``, whose
    per-person queries make a 20,000-row file take minutes; their rules (capacity range,
    known teachable skills, a term of at most a year) were checked row by row with the
    same limits.
    """
    today = today or date.today()
    with db.session.no_autoflush:
        for profile in profiles:
            _write_row(profile, today)
    try:
        db.session.flush()
    except IntegrityError as error:
        message = _l("Someone took a username of this file meanwhile; run the import again.")
        raise ImportRejected([RowError(None, "username", message)]) from error
    bump_profile_version()
    summary = ImportSummary(
        mentors=[p.username for p in profiles if p.is_mentor],
        mentees=[p.username for p in profiles if not p.is_mentor],
        requests=sum(not p.is_mentor for p in profiles),
    )
    record(
        actor,
        "profiles_imported",
        None,
        source=source,
        mentors=len(summary.mentors),
        mentees=len(summary.mentees),
        requests=summary.requests,
    )
    db.session.flush()
    return summary


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
]
