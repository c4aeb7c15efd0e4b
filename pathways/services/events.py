"""The program's memory: the audit trail of decisions and the notifications they cause.

Notifications store a kind and parameters, not text, so each reader sees them in
their own language. People who gave an e-mail address also get a message — in
development it is written to the log instead of being sent.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Notification, Person, ProgramEvent, utcnow
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


def audit_page(page: int, per_page: int) -> Pagination:
    """One page of the audit trail, newest first, with each actor."""
    return db.paginate(
        select(ProgramEvent)
        .options(selectinload(ProgramEvent.actor))
        .order_by(ProgramEvent.created_at.desc(), ProgramEvent.id.desc()),
        page=page,
        per_page=per_page,
    )


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
