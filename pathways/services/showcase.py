"""The showcase: badges their holders chose to show everyone, each with a short story.

Showing a badge there is the holder's consent to be named with it; they can withdraw it
at any time, and coordinators can hide an entry, saying why.
"""

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Badge, Person, RoleName, ShowcaseEntry, utcnow
from . import DomainError, NotAllowed, too_long
from .accounts import lock_person
from .events import notify, record

MAX_STORY_LENGTH = 1000
MAX_REASON_LENGTH = 1000


def _own_badge(holder: Person, badge: Badge) -> None:
    """Refuse anyone but the holder; the holder's double clicks queue up behind each other."""
    if badge.person_id != holder.id:
        raise NotAllowed(_l("Only the holder of a badge can show it on the showcase."))
    lock_person(holder)
    db.session.refresh(badge)


def _text(value: str | None, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(too_long(limit), field)
    return value


def show(holder: Person, badge: Badge, story: str) -> ShowcaseEntry:
    """Put the badge on the showcase with this story, or change the story."""
    _own_badge(holder, badge)
    story = _text(story, "story", MAX_STORY_LENGTH)
    if badge.revoked_at is not None:
        raise DomainError(_l("A revoked badge cannot be shown."))
    entry = badge.showcase
    if entry is None:
        entry = ShowcaseEntry(badge=badge, story=story)
        db.session.add(entry)
    elif entry.hidden_at is not None:
        raise DomainError(_l("A coordinator hid this badge from the showcase."))
    entry.story = story
    return entry


def withdraw(holder: Person, badge: Badge) -> None:
    """Take the badge off the showcase, story and all."""
    _own_badge(holder, badge)
    if badge.showcase is None:
        raise DomainError(_l("This badge is not on the showcase."))
    db.session.delete(badge.showcase)
    badge.showcase = None


def hide(coordinator: Person, entry: ShowcaseEntry, reason: str) -> None:
    """Moderation: hide an entry from everyone; the holder is told why."""
    if not coordinator.has_role(RoleName.COORDINATOR):
        raise NotAllowed(_l("Only coordinators can hide a showcase entry."))
    reason = _text(reason, "reason", MAX_REASON_LENGTH)
    if not reason:
        raise DomainError(_l("Say why the entry is hidden."), "reason")
    if entry.hidden_at is not None:
        raise DomainError(_l("This entry is already hidden."))
    entry.hidden_at = utcnow()
    entry.hidden_reason = reason
    record(coordinator, "showcase_hidden", entry.id, reason, level=entry.badge.level_id)
    notify(entry.badge.person, "showcase_hidden", entry.badge_id, level=entry.badge.level_id)


def find_entry(entry_id: int) -> ShowcaseEntry | None:
    return db.session.get(ShowcaseEntry, entry_id)


def shown_entries(page: int, per_page: int) -> Pagination:
    """One page of the showcase, newest first: entries not hidden, of badges still valid
    (a deleted account's badges are revoked), each with its badge and holder."""
    return db.paginate(
        select(ShowcaseEntry)
        .join(ShowcaseEntry.badge)
        .where(ShowcaseEntry.hidden_at.is_(None), Badge.revoked_at.is_(None))
        .options(
            selectinload(ShowcaseEntry.badge).selectinload(Badge.person),
            selectinload(ShowcaseEntry.badge).selectinload(Badge.endorsement),
        )
        .order_by(ShowcaseEntry.created_at.desc(), ShowcaseEntry.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def remove_entries_of(person: Person) -> None:
    """A deleted account leaves nothing on the showcase."""
    for badge in db.session.scalars(select(Badge).where(Badge.person_id == person.id)):
        if badge.showcase is not None:
            db.session.delete(badge.showcase)
