"""Checking an import's rows: each on its own (every problem of a row, not just the
first), then the usernames against each other and the accounts that exist. The rules
are the ones the web forms' services apply (:mod:`pathways.services.rules`,
:mod:`pathways.services.accounts`), called here row by row."""

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from ... import usernames
from ...catalog import get_catalog
from ...extensions import db
from ...input_rules import (
    control_character,
    control_character_error,
    printable,
    without_bidi_controls,
)
from ...models import Person, RoleName, Stance
from .. import DomainError, too_long
from ..accounts import check_languages, check_timezone, check_username
from ..rules import MAX_TEXT, check_capacity, check_skill_count
from .formats import FIELDS, MAX_ROWS, ImportRejected, RowError

DEFAULT_CAPACITY = 2
FREE_TEXT = ("interests", "goals")
ROLES = {"mentor": RoleName.MENTOR, "mentee": RoleName.VOLUNTEER}
LEVEL_NAMES = " | ".join(stance.value for stance in Stance)
_LEVEL_SUFFIX = re.compile(r"^(?P<skill>.+?)\s*(?::\s*(?P<a>[^:]+)|\((?P<b>[^()]+)\))\s*$")
_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,18}$")
SKILL_KEYS = frozenset({"skill", "level"})


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
    names: tuple[str, str] = field(init=False)

    def __post_init__(self) -> None:
        # What the name must not share with another (computed once: TR39 skeletons are
        # the dearest part of a row's check): its key and its skeleton.
        self.names = (usernames.key(self.username), usernames.skeleton(self.username))

    @property
    def is_mentor(self) -> bool:
        return self.role == RoleName.MENTOR


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
    return row.check("capacity", check_capacity, value)


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
    elif not _has_words(f"{interests} {goals}"):
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
    if role == RoleName.VOLUNTEER:
        row.check("wants", check_skill_count, wants, "wants")
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


def _taken(profiles: list[ProfileRow]) -> set[str]:
    """The keys and skeletons of these names that existing accounts already hold: one
    query, in chunks only where the driver limits a statement's parameters."""
    names = list({name for profile in profiles for name in profile.names})
    taken: set[str] = set()
    chunk_size = _names_per_query()
    for start in range(0, len(names), chunk_size):
        rows = db.session.execute(_holders_of(names[start : start + chunk_size]))
        taken.update(name for row in rows for name in row)
    return taken


def _holders_of(names: list[str]):
    """The accounts whose key or skeleton is one of ``names``. PostgreSQL gets the names
    as one array parameter: 24,000 parameters of an ``IN`` list cost SQLAlchemy and the
    driver ~0.3 s of CPU for each check of a 12,000-row file, the array ~0.03 s."""
    columns = (Person.username_key, Person.username_skeleton)
    if db.session.connection().dialect.name == "postgresql":
        among = bindparam("names", names, type_=ARRAY(String))
        return select(*columns).where(or_(*(column == any_(among) for column in columns)))
    return select(*columns).where(or_(*(column.in_(names) for column in columns)))


def _names_per_query() -> int:
    """How many names one query may compare with both columns: SQLite limits a
    statement's parameters; PostgreSQL's array and MariaDB's driver (which writes the
    values into the statement's text) take a whole file's names (two per row)."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        dbapi = connection.connection.driver_connection
        return dbapi.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 2
    return MAX_ROWS * 2


def _also_on(line: int, profile: ProfileRow, other: int) -> RowError:
    return RowError(
        line,
        "username",
        _l("“%(name)s” is also on line %(other)d.", name=profile.username, other=other),
    )


def check_each(
    rows: Iterable[tuple[int, dict[str, Any]]], fmt: str
) -> tuple[tuple[ProfileRow, ...], tuple[RowError, ...]]:
    """Every row checked, and usernames against each other: two names that read alike
    count as the same (:mod:`pathways.usernames`). Needs no database."""
    checked: list[ProfileRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        profile, row_errors = check_row(line, raw, fmt)
        errors.extend(row_errors)
        if profile is None:
            continue
        earlier = next((seen[name] for name in profile.names if name in seen), None)
        if earlier is not None:
            errors.append(_also_on(line, profile, earlier))
            continue
        seen.update(dict.fromkeys(profile.names, line))
        checked.append(profile)
    return tuple(checked), tuple(errors)


def check_accounts(checked: Iterable[ProfileRow], errors: Iterable[RowError]) -> list[ProfileRow]:
    """The rows of :func:`check_each` against the accounts that exist; raises
    :class:`ImportRejected` with every problem found by both."""
    checked, errors = list(checked), list(errors)
    taken = _taken(checked)
    errors.extend(
        RowError(p.line, "username", _l("“%(name)s” already has an account.", name=p.username))
        for p in checked
        if not taken.isdisjoint(p.names)
    )
    if not checked and not errors:
        errors.append(RowError(None, None, _l("The file has no rows.")))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.line or 0, e.field or "")))
    return checked


def check_rows(rows: Iterable[tuple[int, dict[str, Any]]], fmt: str) -> list[ProfileRow]:
    """Every row checked, on its own, against the others and against the database."""
    return check_accounts(*check_each(rows, fmt))


def _has_words(text: str) -> bool:
    """Whether the matcher would find any word to match on (its analyzer, loaded late)."""
    from matcher import analyze

    return bool(analyze(text))
