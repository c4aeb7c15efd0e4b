"""Recognition: a badge for each level a volunteer completes, as Open Badges 2.0.

Badges are hosted: the Issuer, each level's BadgeClass and each Assertion are
public JSON documents at stable absolute URLs. An assertion names its recipient
only by a salted hash of their public page's URL (``/people/<username>``), never
by an e-mail address; that page shows only what the person chose to show.
Deleting an account revokes its badges. Documents are written in the default
locale so they read the same for every verifier, whatever their browser asks.
"""

import uuid
from datetime import UTC
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import badges
from ..catalog import get_catalog
from ..extensions import db
from ..models import Badge, Person, RoleName, utcnow
from . import DomainError, NotAllowed, too_long
from .events import external_url, notify, path_for, record

MAX_REASON_LENGTH = 2000
REVOKED_ON_DELETION = "The holder deleted their account."


def badge_of(person: Person, level_id: str) -> Badge | None:
    return db.session.scalar(
        select(Badge).where(Badge.person_id == person.id, Badge.level_id == level_id)
    )


def find_badge(public_id: str) -> Badge | None:
    return db.session.scalar(select(Badge).where(Badge.public_id == str(public_id)))


def badges_of(person: Person) -> list[Badge]:
    catalog = get_catalog()
    rows = db.session.scalars(select(Badge).where(Badge.person_id == person.id)).all()
    return sorted(rows, key=lambda badge: catalog.levels[badge.level_id].rank)


def profile_url(person: Person) -> str:
    """The recipient identity of every badge of this person: their public page."""
    return external_url("people.profile", username=person.username)


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


def certificate_link(badge: Badge) -> str:
    return path_for("badges.certificate", public_id=badge.public_id)


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
    notify(person, "badge_issued", certificate_link(badge), level=level_id)
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
    notify(badge.person, "badge_revoked", certificate_link(badge), level=badge.level_id)


def revoke_badges_of_deleted(person: Person) -> None:
    """A deleted account's badges stop verifying: nobody can claim them any more."""
    for badge in badges_of(person):
        if badge.revoked_at is None:
            _revoke(badge, REVOKED_ON_DELETION)


def _revoke(badge: Badge, reason: str) -> None:
    badge.revoked_at = utcnow()
    badge.revocation_reason = reason


# The hosted documents -------------------------------------------------------------------


def _document_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def issuer_url() -> str:
    return url_for("badges.issuer", _external=True)


def badge_class_url(level_id: str) -> str:
    return url_for("badges.badge_class", level_id=level_id, _external=True)


def assertion_url(badge: Badge) -> str:
    return url_for("badges.assertion", public_id=badge.public_id, _external=True)


def issuer_json() -> dict[str, Any]:
    with force_locale(_document_locale()):
        return badges.issuer_document(
            issuer_url=issuer_url(),
            name="Pathways",
            website_url=url_for("main.index", _external=True),
            description=_("Learning ladders and mentoring for Wikimedia volunteers."),
        )


def badge_class_json(level_id: str) -> dict[str, Any]:
    """The BadgeClass of one level; ``KeyError`` for an unknown level."""
    level = get_catalog().levels[level_id]
    with force_locale(_document_locale()):
        return badges.badge_class_document(
            badge_class_url=badge_class_url(level_id),
            name=_("Pathways: %(level)s level", level=level.name),
            description=level.description,
            image_url=url_for("badges.image", level_id=level_id, _external=True),
            criteria_narrative=_(
                "Completed every %(level)s step of a personal Pathways learning ladder.",
                level=level.name,
            ),
            criteria_url=url_for("main.catalog", _anchor=f"level-{level_id}", _external=True),
            issuer_url=issuer_url(),
            tags=("Wikimedia", level.name),
        )


def assertion_json(badge: Badge) -> dict[str, Any]:
    """The hosted Assertion, or the revocation notice that replaces it once revoked."""
    if badge.revoked_at is not None:
        return badges.revoked_assertion_document(
            assertion_url=assertion_url(badge), reason=badge.revocation_reason
        )
    return badges.assertion_document(
        assertion_url=assertion_url(badge),
        badge_class_url=badge_class_url(badge.level_id),
        recipient=badges.recipient_object(profile_url=profile_url(badge.person), salt=badge.salt),
        issued_on=badge.issued_at.replace(tzinfo=UTC),
    )
