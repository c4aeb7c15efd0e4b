"""The program's memory: the audit trail of decisions and the notifications they cause.

Notifications store a kind and parameters, not text, so each reader sees them in
their own language. People who gave an e-mail address also get a message — in
development it is written to the log instead of being sent.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    MatchProposal,
    MentorRequest,
    Mentorship,
    Notification,
    Person,
    ProgramEvent,
    utcnow,
)
from . import NotAllowed


def record(
    actor: Person | None,
    kind: str,
    subject_id: int | None = None,
    reason: str | None = None,
    **data,
) -> ProgramEvent:
    """Append one decision or state change to the audit trail."""
    event = ProgramEvent(
        actor_id=actor.id if actor else None,
        kind=kind,
        subject_id=subject_id,
        reason=reason,
        data=data,
    )
    db.session.add(event)
    return event


def notify(person: Person, kind: str, subject_id: int | None = None, **params) -> Notification:
    """Tell a person about something they must act on or should know.

    ``subject_id`` is the id of what it is about (a mentorship, a badge…, by ``kind``);
    the web layer turns it into a link.
    """
    notification = Notification(
        person_id=person.id, kind=kind, subject_id=subject_id, params=params
    )
    db.session.add(notification)
    if person.email:
        _send_mail(person, kind, params)
    return notification


def _send_mail(person: Person, kind: str, params: dict) -> None:
    if current_app.config["MAIL_LOG_ONLY"]:
        current_app.logger.info("mail to person %s: %s %s", person.id, kind, params)


def recent_notifications(person: Person, limit: int) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.person_id == person.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


# What an event's subject id is, by kind; the other kinds' subjects are shown by no name.
SUBJECTS = {
    "request_made": "request",
    "request_withdrawn": "request",
    "proposal_made": "request",
    "proposal_approved": "proposal",
    "proposal_rejected": "proposal",
    "mentorship_ended": "mentorship",
    "mentor_away": "person",
    "mentor_back": "person",
    "mentor_set_away": "person",
    "mentor_retired": "person",
    "succession_proposed": "person",
    "signin_link_created": "person",
    "signin_link_used": "person",
    "password_set": "person",
    "backup_assigned": "mentorship",
    "backup_removed": "mentorship",
    "coordinator_term_added": "person",
    "coordinator_term_ended": "person",
    "coordinator_successor_needed": "person",
    "handover_offered": "person",
    "handover_accepted": "person",
    "handover_declined": "person",
    "handover_cancelled": "person",
}
# The fields of an event's data that hold a person's id.
PERSON_FIELDS = ("mentor", "mentee", "backup", "facilitator", "previous")


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit trail and the records its events name, by id."""

    events: Pagination
    people: dict[int, Person]
    requests: dict[int, MentorRequest]
    proposals: dict[int, MatchProposal]
    mentorships: dict[int, Mentorship]


def audit_page(page: int, per_page: int) -> AuditPage:
    """One page of the audit trail, newest first, with each actor and what each event
    names, in a fixed number of queries."""
    events = db.paginate(
        select(ProgramEvent)
        .options(selectinload(ProgramEvent.actor))
        .order_by(ProgramEvent.created_at.desc(), ProgramEvent.id.desc()),
        page=page,
        per_page=per_page,
    )
    ids = _named_ids(events.items)
    return AuditPage(
        events,
        _by_id(Person, ids["person"]),
        _by_id(MentorRequest, ids["request"], selectinload(MentorRequest.mentee)),
        _by_id(
            MatchProposal,
            ids["proposal"],
            selectinload(MatchProposal.mentor),
            selectinload(MatchProposal.request).selectinload(MentorRequest.mentee),
        ),
        _by_id(
            Mentorship,
            ids["mentorship"],
            selectinload(Mentorship.mentor),
            selectinload(Mentorship.mentee),
        ),
    )


def _named_ids(events: list[ProgramEvent]) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = {kind: set() for kind in ("person", *SUBJECTS.values())}
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        ids["person"].update(v for f in PERSON_FIELDS if isinstance(v := data.get(f), int))
        if event.kind in SUBJECTS and event.subject_id is not None:
            ids[SUBJECTS[event.kind]].add(event.subject_id)
    return ids


def _by_id(model, ids: set[int], *options) -> dict:
    return {
        row.id: row
        for row in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))
    }


def unread_count(person_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.person_id == person_id, Notification.read_at.is_(None))
    )


def mark_all_read(person: Person) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.person_id == person.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def mark_read(person: Person, notification: Notification) -> None:
    if notification.person_id != person.id:
        raise NotAllowed(_l("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = utcnow()
