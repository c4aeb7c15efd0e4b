"""Endorsements: a level's badge that waits for the word of someone who saw the work.

The levels in ``BADGE_ENDORSEMENT_LEVELS`` are not issued when their last step is done:
the holder's request waits (``pending``) until someone who may endorse them (see
:func:`may_endorse`) looks at the evidence and either endorses it, which issues the badge
in the same transaction, or answers "not yet" with what to work on; the holder then asks
again (:func:`ask_again`), as finishing the level once more does.

    BadgeEndorsement: pending ──endorse──▶ endorsed (badge issued)
                        │ ▲
               not yet  ▼ │ ask again, or level finished again
                      not_yet ──endorse──▶ endorsed
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..catalog import get_catalog
from ..extensions import db
from ..models import (
    Badge,
    BadgeEndorsement,
    EndorsementState,
    Mentorship,
    MentorshipState,
    Person,
    RoleName,
    utcnow,
)
from . import DomainError, NotAllowed, circles, recognition, too_long
from .events import notify, record
from .mentorships import current_mentorship_of

MAX_COMMENT_LENGTH = 1000


def needs_endorsement(level_id: str) -> bool:
    return level_id in current_app.config["BADGE_ENDORSEMENT_LEVELS"]


def may_endorse(endorser: Person, holder: Person, *, mentees: set[int] | None = None) -> bool:
    """Who may vouch for a holder's work: a coordinator, a mentor of theirs (the primary
    of any mentorship with them, current or past, or its backup while standing in), or
    the facilitator of an active peer circle they belong to. Never the holder themself.
    Every endorsement, list and page asks this one rule; a list passes ``mentees`` (from
    :func:`mentees_of`) so as to read them once."""
    if endorser.id == holder.id or not endorser.is_active:
        return False
    if mentees is None:
        mentees = mentees_of(endorser)
    return endorser.has_role(RoleName.COORDINATOR) or holder.id in mentees


def mentees_of(mentor: Person) -> set[int]:
    """Whom this person mentors or mentored as primary, stands in for as backup, or
    leads in an active peer circle; in one query."""
    standing_in = and_(
        Mentorship.backup_id == mentor.id, Mentorship.state == MentorshipState.PAUSED
    )
    mentored = select(Mentorship.mentee_id).where(
        or_(Mentorship.mentor_id == mentor.id, standing_in)
    )
    return set(db.session.scalars(mentored.union(circles.members_led_by(mentor.id))))


def endorsement_of(person: Person, level_id: str) -> BadgeEndorsement | None:
    return db.session.scalar(
        select(BadgeEndorsement).where(
            BadgeEndorsement.person_id == person.id, BadgeEndorsement.level_id == level_id
        )
    )


def find_endorsement(endorsement_id: int) -> BadgeEndorsement | None:
    return db.session.get(BadgeEndorsement, endorsement_id)


def endorsements_of(person: Person) -> dict[str, BadgeEndorsement]:
    """The person's requests and their answers, by level."""
    rows = db.session.scalars(
        select(BadgeEndorsement).where(BadgeEndorsement.person_id == person.id)
    )
    return {row.level_id: row for row in rows}


def not_endorsed_of(person: Person) -> list[BadgeEndorsement]:
    """The person's levels still waiting for a mentor's word, or answered "not yet",
    lowest level first."""
    levels = get_catalog().levels
    rows = [
        row for row in endorsements_of(person).values() if row.state != EndorsementState.ENDORSED
    ]
    return sorted(rows, key=lambda row: levels[row.level_id].rank)


def awaiting(endorser: Person, holder: Person | None = None) -> list[BadgeEndorsement]:
    """The pending requests this person may answer (of one holder, if given), oldest first."""
    query = (
        select(BadgeEndorsement)
        .where(BadgeEndorsement.state == EndorsementState.PENDING)
        .options(selectinload(BadgeEndorsement.person))
        .order_by(BadgeEndorsement.requested_at, BadgeEndorsement.id)
    )
    if holder is not None:
        query = query.where(BadgeEndorsement.person_id == holder.id)
    mentees = mentees_of(endorser)
    return [
        row
        for row in db.session.scalars(query)
        if may_endorse(endorser, row.person, mentees=mentees)
    ]


def level_finished(person: Person, level_id: str) -> Badge | None:
    """Every step of the level is done: its badge, or, when the level needs a mentor's
    word, a request for it (and None)."""
    if not needs_endorsement(level_id):
        return recognition.issue_level_badge(person, level_id)
    row = endorsement_of(person, level_id)
    if row is None:
        row = _new_request(person, level_id)
    elif row.state == EndorsementState.NOT_YET:
        row.state = EndorsementState.PENDING
        row.requested_at = utcnow()
    else:
        return None
    _tell_mentors(person, row)
    return None


def ask_again(person: Person, level_id: str) -> None:
    """After "not yet", the holder says they worked on it: the request waits again."""
    row = endorsement_of(person, level_id)
    if row is None or row.state != EndorsementState.NOT_YET:
        raise DomainError(_l("There is no answer to ask again about."))
    if not recognition.level_complete(person, level_id):
        raise DomainError(_l("Not every step of this level is done any more."))
    level_finished(person, level_id)


def level_unfinished(person: Person, level_id: str) -> None:
    """A step of the level is no longer done: a request still waiting is withdrawn."""
    row = endorsement_of(person, level_id)
    if row is not None and row.state == EndorsementState.PENDING:
        db.session.delete(row)


def _new_request(person: Person, level_id: str) -> BadgeEndorsement:
    row = BadgeEndorsement(person_id=person.id, level_id=level_id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # Two requests finished the same level at once: the other one asked.
        return endorsement_of(person, level_id)
    return row


def _tell_mentors(person: Person, row: BadgeEndorsement) -> None:
    """The current mentor (and backup standing in) and the person's circle facilitators."""
    mentorship = current_mentorship_of(person.id)
    mentors = [] if mentorship is None else [mentorship.mentor, mentorship.backup]
    for mentor in {m for m in [*mentors, *circles.facilitators_of(person.id)] if m is not None}:
        if may_endorse(mentor, person):
            notify(mentor, "endorsement_requested", row.id, level=row.level_id)


def endorse(endorser: Person, row: BadgeEndorsement, comment: str) -> Badge:
    """Vouch for the holder's work: the badge is issued with this endorsement, whose
    comment is published with it."""
    comment = _checked_text(comment, required=False)
    _lock_answerable(endorser, row)
    _decide(endorser, row, EndorsementState.ENDORSED, comment)
    row.badge_id = recognition.issue_level_badge(row.person, row.level_id).id
    record(endorser, "badge_endorsed", row.id, level=row.level_id, mentee=row.person_id)
    return row.badge


def not_yet(endorser: Person, row: BadgeEndorsement, note: str) -> None:
    """Not endorsed yet: the holder is told what to work on, and asks again when they
    have worked on it."""
    note = _checked_text(note, required=True)
    _lock_answerable(endorser, row)
    _decide(endorser, row, EndorsementState.NOT_YET, note)
    record(endorser, "endorsement_not_yet", row.id, level=row.level_id, mentee=row.person_id)
    notify(row.person, "endorsement_not_yet", row.id, level=row.level_id)


def _checked_text(text: str | None, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DomainError(_l("Say what to work on before the endorsement."), "comment")
    if len(text) > MAX_COMMENT_LENGTH:
        raise DomainError(too_long(MAX_COMMENT_LENGTH), "comment")
    return text


def _lock_answerable(endorser: Person, row: BadgeEndorsement) -> None:
    """Refuse, naming why, an answer this person may not give or that came too late; the
    row stays locked so that two answers at once are one after the other."""
    if not may_endorse(endorser, row.person):
        raise NotAllowed(_l("Only a mentor of this volunteer or a coordinator can endorse."))
    # A no-op UPDATE takes the row lock on PostgreSQL and MariaDB and the write lock on
    # SQLite (whose driver opens a transaction only at a write): the state read after it
    # is the one the other answer committed.
    db.session.execute(
        update(BadgeEndorsement)
        .where(BadgeEndorsement.id == row.id)
        .values(id=BadgeEndorsement.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    if row.state == EndorsementState.ENDORSED:
        raise DomainError(_l("This level is already endorsed."))
    if not recognition.level_complete(row.person, row.level_id):
        raise DomainError(_l("Not every step of this level is done any more."))


def _decide(endorser: Person, row: BadgeEndorsement, state: EndorsementState, text: str) -> None:
    row.state = state
    row.endorser_id = endorser.id
    row.comment = text
    row.decided_at = utcnow()
