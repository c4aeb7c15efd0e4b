"""Backup mentors: a coordinator names a backup for a mentorship, from the matcher's
suggestions among mentors with a free place and a shared language. While the primary
is away the mentee sees the backup and can write to them (check-ins). A backup holds a
backup place of their own offer (``backup_capacity``), never one of their places for
primary mentees. One function per action; the caller wraps it in
:func:`pathways.services.transaction`.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import MentorRequest, Mentorship, MentorshipState, Person
from . import DomainError
from .events import notify, record
from .matching import MentorSuggestion, is_away, suggest_mentors
from .mentorships import require_not_ended
from .offers import backup_places_held, lock_offer, offer_of_person_id

SUGGESTIONS = 5


def refusal(mentorship: Mentorship, candidate: Person, today: date) -> str | None:
    """Why ``candidate`` cannot back up this mentorship, or None if they can."""
    name = candidate.username
    if candidate.id in (mentorship.mentor_id, mentorship.mentee_id):
        return _l("%(name)s is already in this mentorship; a backup is someone else.", name=name)
    offer = offer_of_person_id(candidate.id)
    if offer is None or offer.retired_at is not None:
        return _l("%(name)s is not a mentor.", name=name)
    if is_away(offer, today):
        return _l("%(name)s is away on a wiki-break.", name=name)
    if backup_places_held(candidate.id) >= offer.backup_capacity:
        return _l("%(name)s has no free backup place.", name=name)
    if not set(candidate.language_codes) & set(mentorship.mentee.language_codes):
        return _l(
            "%(name)s shares no language with %(mentee)s.",
            name=name,
            mentee=mentorship.mentee.username,
        )
    return None


def suggest_backups(mentorship: Mentorship, today: date) -> list[MentorSuggestion]:
    """The matcher's best mentors for the pair's request (a free place, a shared language,
    never someone the mentee was paired with), keeping those with a free backup place."""
    suggestions = suggest_mentors(_request_of(mentorship), top=SUGGESTIONS * 4)
    return [s for s in suggestions if refusal(mentorship, s.mentor, today) is None][:SUGGESTIONS]


def _request_of(mentorship: Mentorship) -> MentorRequest:
    """The request the pair came from, else an unsaved one made of the agreement's goals."""
    request = db.session.get(MentorRequest, mentorship.request_id or 0)
    if request is not None:
        return request
    return MentorRequest(
        mentee=mentorship.mentee, mentee_id=mentorship.mentee_id, skills=[], note=mentorship.goals
    )


def assign_backup(coordinator: Person, mentorship: Mentorship, backup: Person, today: date) -> None:
    """Name (or replace) the backup; the backup's offer is locked while their places are
    counted, so two coordinators cannot fill the last backup place twice."""
    require_not_ended(mentorship)
    if offer_of_person_id(backup.id) is not None:
        lock_offer(backup.id)
    reason = refusal(mentorship, backup, today)
    if reason is not None:
        raise DomainError(reason, "backup_id")
    mentorship.backup_id = backup.id
    record(coordinator, "backup_assigned", mentorship.id, backup=backup.id)
    for person in (backup, mentorship.mentor, mentorship.mentee):
        notify(person, "backup_assigned", mentorship.id, backup=backup.username)


def remove_backup(coordinator: Person, mentorship: Mentorship) -> None:
    if mentorship.backup_id is None:
        raise DomainError(_l("This mentorship has no backup."), "mentorship")
    record(coordinator, "backup_removed", mentorship.id, backup=mentorship.backup_id)
    mentorship.backup_id = None


def backing_up(mentor: Person) -> list[Mentorship]:
    """The current mentorships this mentor backs up, with both people."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.backup_id == mentor.id, Mentorship.state != MentorshipState.ENDED)
            .options(selectinload(Mentorship.mentor), selectinload(Mentorship.mentee))
            .order_by(Mentorship.started_at.desc(), Mentorship.id.desc())
        )
    )
