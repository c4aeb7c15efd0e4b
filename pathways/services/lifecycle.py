"""The lifecycle sweep: what the calendar changes on its own, applied by
``flask lifecycle sweep`` (daily, from cron) or as a job, in the job's one transaction.

Its steps, in this order:

1. **back**: mentors whose wiki-break has ended come back, as if they had pressed
   "I'm back": their offer is open again and their paused mentorships resume;
2. **away**: mentors not seen (no sign-in, no page opened while signed in) and with no
   check-in for ``MENTOR_INACTIVE_DAYS`` (since
   they last came back, if later) are set away with no return date; they are told, with
   a one-click "I'm back", and their mentees are told as for any wiki-break;
3. **overdue**: active mentorships with no check-in for ``CHECKIN_OVERDUE_DAYS``, or for
   twice their agreed interval if that is longer, are flagged on the coordinators' queue;
   a flag whose mentorship is no longer overdue is cleared;
4. **graduation**: a mentee whose every requested skill is done on their ladder is
   offered graduation, once;
5. **coordinator terms**: a coordinator whose last term ends within
   ``COORDINATOR_TERM_REMINDER_DAYS`` is reminded, once; one whose last term has ended
   loses the role, with thanks — unless nobody else would coordinate, when they stay and
   are asked, once, to find a successor (:mod:`.coordinator_terms`).

Each step changes only what is not so already, so running the sweep twice changes
nothing the second time. Coordinators whose term has ended are locked first (as a mentor
saving their offer locks themselves before their offer), then the offers it changes, as
an approval locks its mentor's offer first: an approval running at the same moment either
waits and then sees the mentor away, or commits first and its new mentorship is paused
with the others.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    CheckIn,
    MentorOffer,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Person,
    Plan,
    PlanStep,
    StepStatus,
)
from . import coordinator_terms
from .events import notify
from .offers import come_back, lock_offer, set_away_for_inactivity

Pair = tuple[str, str]  # (mentee, mentor) usernames
STEPS = 5


@dataclass(frozen=True)
class SweepSummary:
    back: list[str]
    away: list[str]
    overdue: list[Pair]
    cleared: list[Pair]
    graduation: list[Pair]
    terms_ending: list[str] = field(default_factory=list)
    terms_ended: list[str] = field(default_factory=list)
    successor_needed: list[str] = field(default_factory=list)


def sweep(today: date, progress: Callable[[int, int], None] | None = None) -> SweepSummary:
    """Apply every change due by ``today``; ``progress(done, total)`` after each step."""
    tell = progress or (lambda done, total: None)
    inactive_days = current_app.config["MENTOR_INACTIVE_DAYS"]
    coordinator_terms.lock_ended_terms(today)
    returning = _ids(_breaks_ended(today))
    idle = _ids(_inactive_offers(today, inactive_days))
    for mentor_id in sorted(returning | idle):
        lock_offer(mentor_id)
    back = [_bring_back(offer, today) for offer in _breaks_ended(today, among=returning)]
    tell(1, STEPS)
    away = [
        _set_away(offer, inactive_days, today)
        for offer in _inactive_offers(today, inactive_days, among=idle)
    ]
    tell(2, STEPS)
    overdue, cleared = _flag_overdue(today, current_app.config["CHECKIN_OVERDUE_DAYS"])
    tell(3, STEPS)
    graduation = _offer_graduation(today)
    tell(4, STEPS)
    reminded = coordinator_terms.remind_ending_terms(
        today, current_app.config["COORDINATOR_TERM_REMINDER_DAYS"]
    )
    ended, kept = coordinator_terms.end_ended_terms(today)
    tell(5, STEPS)
    return SweepSummary(back, away, overdue, cleared, graduation, reminded, ended, kept)


def _ids(offers: Iterable[MentorOffer]) -> set[int]:
    return {offer.person_id for offer in offers}


def _offers(*where, among: set[int] | None) -> list[MentorOffer]:
    """Offers matching ``where`` (and among these mentors), read anew: after the lock, a
    change committed meanwhile (a sign-in, a break ended by hand) is seen."""
    if among is not None:
        where = (*where, MentorOffer.person_id.in_(among))
    return list(
        db.session.scalars(
            select(MentorOffer)
            .where(*where)
            .options(selectinload(MentorOffer.person))
            .order_by(MentorOffer.person_id)
            .execution_options(populate_existing=True)
        )
    )


def _breaks_ended(today: date, among: set[int] | None = None) -> list[MentorOffer]:
    return _offers(MentorOffer.away_until < today, among=among)


def _bring_back(offer: MentorOffer, today: date) -> str:
    come_back(offer.person, today)
    return offer.person.username


def _inactive_offers(today: date, days: int, among: set[int] | None = None) -> list[MentorOffer]:
    """Offers of mentors present (not away, not retired) not seen on the site, with no
    check-in in their mentorships and no return from a break in the last ``days`` days."""
    since = today - timedelta(days=days)
    since_midnight = datetime.combine(since, time())
    recent_checkin = exists().where(
        CheckIn.mentorship_id == Mentorship.id,
        Mentorship.mentor_id == MentorOffer.person_id,
        or_(CheckIn.happened_on >= since, CheckIn.created_at >= since_midnight),
    )
    signed_in = func.coalesce(Person.last_login_at, Person.created_at)
    quiet = and_(
        signed_in < since_midnight,
        or_(Person.last_seen_on.is_(None), Person.last_seen_on < since),
    )
    return _offers(
        MentorOffer.away_from.is_(None),
        MentorOffer.retired_at.is_(None),
        or_(MentorOffer.back_on.is_(None), MentorOffer.back_on < since),
        MentorOffer.person.has(and_(Person.deleted_at.is_(None), quiet)),
        ~recent_checkin,
        among=among,
    )


def _set_away(offer: MentorOffer, days: int, today: date) -> str:
    set_away_for_inactivity(offer, days, today)
    return offer.person.username


def _pair(mentorship: Mentorship) -> Pair:
    return mentorship.mentee.username, mentorship.mentor.username


def _open_mentorships(*where) -> list[Mentorship]:
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.state != MentorshipState.ENDED, *where)
            .options(selectinload(Mentorship.mentor), selectinload(Mentorship.mentee))
            .order_by(Mentorship.id)
        )
    )


def _quiet_since(mentorships: list[Mentorship]) -> dict[int, date]:
    """The day each mentorship last had news: its last check-in, its start, or its
    mentor's return from a break, whichever is latest."""
    ids = [m.id for m in mentorships]
    last_checkins = dict(
        db.session.execute(
            select(CheckIn.mentorship_id, func.max(CheckIn.happened_on))
            .where(CheckIn.mentorship_id.in_(ids))
            .group_by(CheckIn.mentorship_id)
        ).all()
    )
    returns = dict(
        db.session.execute(
            select(MentorOffer.person_id, MentorOffer.back_on).where(
                MentorOffer.person_id.in_({m.mentor_id for m in mentorships}),
                MentorOffer.back_on.is_not(None),
            )
        ).all()
    )
    return {
        m.id: max(
            d
            for d in (m.started_at.date(), last_checkins.get(m.id), returns.get(m.mentor_id))
            if d is not None
        )
        for m in mentorships
    }


def _is_overdue(mentorship: Mentorship, quiet_since: date, today: date, days: int) -> bool:
    """Active, with no news for ``days`` days or twice the agreed interval if longer."""
    allowed = max(days, 2 * mentorship.checkin_every_days)
    return mentorship.state == MentorshipState.ACTIVE and (today - quiet_since).days > allowed


def _flag_overdue(today: date, days: int) -> tuple[list[Pair], list[Pair]]:
    """Flag the mentorships newly overdue; clear the flags no longer true (a check-in
    logged, the mentor away, a longer interval agreed)."""
    mentorships = _open_mentorships()
    quiet = _quiet_since(mentorships)
    flagged, cleared = [], []
    for mentorship in mentorships:
        overdue = _is_overdue(mentorship, quiet[mentorship.id], today, days)
        if overdue and mentorship.checkin_overdue_on is None:
            mentorship.checkin_overdue_on = today
            flagged.append(_pair(mentorship))
        elif not overdue and mentorship.checkin_overdue_on is not None:
            mentorship.checkin_overdue_on = None
            cleared.append(_pair(mentorship))
    return flagged, cleared


def _done_skills(person_ids: set[int]) -> dict[int, set[str]]:
    rows = db.session.execute(
        select(Plan.person_id, PlanStep.skill_id)
        .join(PlanStep.plan)
        .where(Plan.person_id.in_(person_ids), PlanStep.status == StepStatus.DONE)
    )
    done: dict[int, set[str]] = {}
    for person_id, skill_id in rows:
        done.setdefault(person_id, set()).add(skill_id)
    return done


def _offer_graduation(today: date) -> list[Pair]:
    """Offer graduation once to each mentee whose requested skills are all done."""
    candidates = _open_mentorships(
        Mentorship.graduation_offered_on.is_(None), Mentorship.request_id.is_not(None)
    )
    asked = dict(
        db.session.execute(
            select(MentorRequest.id, MentorRequest.skills).where(
                MentorRequest.id.in_({m.request_id for m in candidates})
            )
        ).all()
    )
    done = _done_skills({m.mentee_id for m in candidates})
    offered = []
    for mentorship in candidates:
        skills = set(asked.get(mentorship.request_id) or ())
        if skills and skills <= done.get(mentorship.mentee_id, set()):
            mentorship.graduation_offered_on = today
            notify(
                mentorship.mentee,
                "graduation_offered",
                mentorship.id,
                mentor=mentorship.mentor.username,
            )
            offered.append(_pair(mentorship))
    return offered
