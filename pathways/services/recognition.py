"""Recognition: a badge for each level a volunteer completes, who may see whose it is,
and its revocation (by a coordinator, or when the holder deletes their account).

The public Open Badges 2.0 documents are built by the web layer
(``pathways/recognition/documents.py``), which knows the URLs.
"""

import uuid
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import badges
from ..catalog import get_catalog
from ..extensions import db
from ..models import (
    Badge,
    Person,
    Plan,
    PlanStep,
    RoleName,
    StepStatus,
    TrainingSignup,
    utcnow,
)
from . import DomainError, NotAllowed, too_long
from .events import notify, record

MAX_REASON_LENGTH = 2000
REVOKED_ON_DELETION = "The holder deleted their account."


def badge_of(person: Person, level_id: str) -> Badge | None:
    return db.session.scalar(
        select(Badge).where(Badge.person_id == person.id, Badge.level_id == level_id)
    )


def find_badge_by_id(badge_id: int) -> Badge | None:
    return db.session.get(Badge, badge_id)


def find_badge(public_id: str) -> Badge | None:
    return db.session.scalar(select(Badge).where(Badge.public_id == str(public_id)))


def badges_of(person: Person) -> list[Badge]:
    catalog = get_catalog()
    rows = db.session.scalars(select(Badge).where(Badge.person_id == person.id)).all()
    return sorted(rows, key=lambda badge: catalog.levels[badge.level_id].rank)


def shown_holder(badge: Badge, viewer: Person | None) -> Person | None:
    """The holder, if this viewer may see who holds the badge; else ``None``.

    The holder and coordinators always see it; anyone else only when the holder
    made their profile public.
    """
    holder = badge.person
    if (
        holder.public_profile
        or viewer is not None
        and (viewer.id == holder.id or viewer.has_role(RoleName.COORDINATOR))
    ):
        return holder
    return None


def public_badges(person: Person) -> list[Badge]:
    """The badges a public page lists: none unless the person chose to show them."""
    if not person.public_profile:
        return []
    return [badge for badge in badges_of(person) if badge.revoked_at is None]


@dataclass(frozen=True)
class LevelEvidence:
    """What a person did towards one level: its steps done, by date, and the trainings
    on its skills they attended (confirmed by the host)."""

    steps: list[PlanStep]
    trainings: list[TrainingSignup]


def _skill_ids(level_id: str) -> set[str]:
    return {skill.id for skill in get_catalog().skills.values() if skill.level == level_id}


def level_complete(person: Person, level_id: str) -> bool:
    """Whether the person's ladder has steps on this level and every one is done."""
    statuses = db.session.scalars(
        select(PlanStep.status)
        .join(Plan)
        .where(Plan.person_id == person.id, PlanStep.skill_id.in_(_skill_ids(level_id)))
    ).all()
    return bool(statuses) and all(status == StepStatus.DONE for status in statuses)


def level_evidence(person: Person, level_id: str) -> LevelEvidence:
    skill_ids = _skill_ids(level_id)
    steps = db.session.scalars(
        select(PlanStep)
        .join(Plan)
        .where(
            Plan.person_id == person.id,
            PlanStep.skill_id.in_(skill_ids),
            PlanStep.done_at.is_not(None),
        )
        .order_by(PlanStep.done_at, PlanStep.id)
    ).all()
    attended = db.session.scalars(
        select(TrainingSignup)
        .where(TrainingSignup.person_id == person.id, TrainingSignup.attended_at.is_not(None))
        .options(selectinload(TrainingSignup.training))
        .order_by(TrainingSignup.attended_at, TrainingSignup.id)
    ).all()
    trainings = [signup for signup in attended if skill_ids.intersection(signup.training.skills)]
    return LevelEvidence(steps=list(steps), trainings=trainings)


def issue_level_badge(person: Person, level_id: str) -> Badge:
    """Issue the badge of one level to a person; the existing badge if there is one."""
    if level_id not in get_catalog().levels:
        raise DomainError(_l("Unknown level."))
    existing = badge_of(person, level_id)
    if existing is not None:
        return existing
    badge = Badge(
        public_id=str(uuid.uuid4()),
        person_id=person.id,
        level_id=level_id,
        salt=badges.new_salt(),
        issued_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(badge)
    except IntegrityError:
        # Two requests finished the same level at once: the other one issued it.
        return badge_of(person, level_id)
    record(person, "badge_issued", badge.id, level=level_id)
    notify(person, "badge_issued", badge.id, level=level_id)
    return badge


def revoke_badge(coordinator: Person, badge: Badge, reason: str) -> None:
    """Withdraw a badge; its assertion URL then answers that it was revoked, and why."""
    if not coordinator.has_role(RoleName.COORDINATOR):
        raise NotAllowed(_l("Only coordinators can revoke a badge."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Say why the badge is revoked."), "reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(too_long(MAX_REASON_LENGTH), "reason")
    if badge.revoked_at is not None:
        raise DomainError(_l("This badge is already revoked."))
    _revoke(badge, reason)
    record(coordinator, "badge_revoked", badge.id, reason, level=badge.level_id)
    notify(badge.person, "badge_revoked", badge.id, level=badge.level_id)


def revoke_badges_of_deleted(person: Person) -> None:
    """A deleted account's badges stop verifying: nobody can claim them any more."""
    for badge in badges_of(person):
        if badge.revoked_at is None:
            _revoke(badge, REVOKED_ON_DELETION)


def _revoke(badge: Badge, reason: str) -> None:
    badge.revoked_at = utcnow()
    badge.revocation_reason = reason
