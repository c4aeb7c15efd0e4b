"""Writing checked rows: every table in one bulk statement, in the caller's transaction.

A 10,000-row file is a few statements, not tens of thousands of ORM objects. Rows were
checked with the same rules as the web forms (:mod:`.rows`); what those forms' services
would store is written here directly: an account without a password, with its roles,
languages and skill stances; a mentor's offer with a term of one year from today; a
mentee's open request (left for batch pairing, so that mentees early in the file do not
get worse mentors than those after them).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...input_rules import years_later
from ...models import (
    MentorOffer,
    MentorRequest,
    Person,
    PersonLanguage,
    PersonRole,
    RoleName,
    SkillStance,
    Stance,
    Term,
    utcnow,
)
from ..bulk import insert_rows
from ..events import record
from ..matching import bump_profile_version
from ..rules import check_term_dates
from .formats import ImportRejected, RowError
from .rows import ProfileRow


@dataclass(frozen=True)
class ImportSummary:
    mentors: list[str]
    mentees: list[str]
    requests: int

    @property
    def people(self) -> int:
        return len(self.mentors) + len(self.mentees)


def write(
    profiles: list[ProfileRow],
    actor: Person | None = None,
    today: date | None = None,
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Write checked rows; a name taken meanwhile by someone else refuses the whole file.

    ``progress(done, total)`` is told after each of the :data:`WRITE_STEPS` bulk steps.
    """
    step = _steps(progress)
    today = today or date.today()
    term_ends = years_later(today, 1)
    check_term_dates(today, term_ends)
    try:
        person_ids = _insert_people(profiles)
    except IntegrityError as error:
        message = _l("Someone took a username of this file meanwhile; run the import again.")
        raise ImportRejected([RowError(None, "username", message)]) from error
    step()
    _insert_details(profiles, person_ids)
    step()
    mentors = [(p, i) for p, i in zip(profiles, person_ids, strict=True) if p.is_mentor]
    mentees = [(p, i) for p, i in zip(profiles, person_ids, strict=True) if not p.is_mentor]
    _insert_offers(mentors, today, term_ends)
    step()
    _insert_requests(mentees)
    step()
    bump_profile_version()
    summary = ImportSummary(
        mentors=[p.username for p, _ in mentors],
        mentees=[p.username for p, _ in mentees],
        requests=len(mentees),
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


WRITE_STEPS = 4


def _steps(progress: Callable[[int, int], None] | None) -> Callable[[], None]:
    """A callable that tells ``progress`` one more step is done."""
    done = iter(range(1, WRITE_STEPS + 1))

    def step() -> None:
        if progress:
            progress(next(done), WRITE_STEPS)

    return step


def _inserted_ids(model, rows: list[dict], key: str) -> list[int]:
    """Insert the rows; their new ids, in the order given, matched by their unique ``key``.

    Three statements whatever the number of rows: the largest id before, the insert, and
    the ids above it (ids only grow). ``INSERT … RETURNING`` would be sent in batches of
    a thousand rows, or of as many as SQLite's parameter limit allows, so the count of
    statements would grow with the file.
    """
    if not rows:
        return []
    table = model.__table__
    before = db.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    insert_rows(model, rows)
    new = select(table.c[key], table.c.id).where(table.c.id > before)
    ids = dict(db.session.execute(new).all())
    return [ids[row[key]] for row in rows]


def _insert_people(profiles: list[ProfileRow]) -> list[int]:
    now = utcnow()
    return _inserted_ids(
        Person,
        [
            {
                "username": p.username,
                "username_key": p.names[0],
                "username_skeleton": p.names[1],
                "password_hash": None,
                "timezone": p.timezone,
                "interests": p.interests,
                "created_at": now,
            }
            for p in profiles
        ],
        "username_key",
    )


def _insert_details(profiles: list[ProfileRow], person_ids: list[int]) -> None:
    pairs = list(zip(profiles, person_ids, strict=True))
    insert_rows(
        PersonRole,
        [
            {"person_id": i, "role": role}
            for p, i in pairs
            for role in sorted({RoleName.VOLUNTEER, p.role})
        ],
    )
    insert_rows(
        PersonLanguage, [{"person_id": i, "code": code} for p, i in pairs for code in p.languages]
    )
    insert_rows(
        SkillStance,
        [
            {"person_id": i, "skill_id": skill_id, "stance": stance}
            for p, i in pairs
            for skill_id, stance in _stances(p).items()
        ],
    )


def _stances(profile: ProfileRow) -> dict[str, Stance]:
    return {**dict.fromkeys(profile.wants, Stance.NOT_YET), **profile.skills}


def _insert_offers(mentors: list[tuple[ProfileRow, int]], today: date, term_ends: date) -> None:
    offer_ids = _inserted_ids(
        MentorOffer,
        [{"person_id": i, "capacity": p.capacity, "intro": p.goals} for p, i in mentors],
        "person_id",
    )
    insert_rows(
        Term,
        [{"offer_id": o, "starts_on": today, "ends_on": term_ends} for o in offer_ids],
    )


def _insert_requests(mentees: list[tuple[ProfileRow, int]]) -> None:
    insert_rows(
        MentorRequest,
        [{"mentee_id": i, "skills": p.wants, "note": p.goals} for p, i in mentees],
    )
