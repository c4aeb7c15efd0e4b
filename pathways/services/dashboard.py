"""The coordinators' dashboard: read-only figures about the whole program.

Each function runs a fixed number of aggregate queries, whatever the number of rows,
and returns plain dataclasses that the page, its charts and the CSV export share.
Nothing here writes to the database.
"""

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    CheckIn,
    MentorOffer,
    MentorRequest,
    Mentorship,
    Person,
    RequestState,
    Term,
)
from .matching import WAITING, active_mentee_counts, is_away
from .open_calls import requested_skills, skill_name, teachers_by_skill
from .rules import consecutive_terms

OLDEST_SHOWN = 5


def _days_since(moment: datetime | date, today: date) -> int:
    day = moment.date() if isinstance(moment, datetime) else moment
    return max((today - day).days, 0)


# Waiting time --------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingRequest:
    request_id: int
    username: str
    state: RequestState
    created_on: date
    days: int


@dataclass(frozen=True)
class WaitingTimes:
    """Requests still waiting for a mentor (open or proposed), oldest first."""

    count: int
    median_days: float | None
    max_days: int | None
    requests: list[WaitingRequest]

    @property
    def oldest(self) -> list[WaitingRequest]:
        return self.requests[:OLDEST_SHOWN]


def waiting_times(today: date, limit: int | None = None) -> WaitingTimes:
    """How many requests wait, and for how many days (median and longest).

    ``limit`` keeps only the oldest requests in ``requests``; the count and the median
    are then computed by the database (count, then the middle rows by age) instead of
    from every row.
    """
    waiting = MentorRequest.state.in_(WAITING)
    oldest_first = (MentorRequest.created_at, MentorRequest.id)
    rows = db.session.execute(
        select(MentorRequest.id, Person.username, MentorRequest.state, MentorRequest.created_at)
        .join(Person, Person.id == MentorRequest.mentee_id)
        .where(waiting)
        .order_by(*oldest_first)
        .limit(limit)
    ).all()
    requests = [
        WaitingRequest(
            request_id=row.id,
            username=row.username,
            state=RequestState(row.state),
            created_on=row.created_at.date(),
            days=_days_since(row.created_at, today),
        )
        for row in rows
    ]
    if limit is None:
        count = len(requests)
        middle = [r.days for r in requests[(count - 1) // 2 : count // 2 + 1]]
    else:
        count = db.session.scalar(select(func.count()).select_from(MentorRequest).where(waiting))
        middle = [
            _days_since(moment, today)
            for moment in db.session.scalars(
                select(MentorRequest.created_at)
                .where(waiting)
                .order_by(*oldest_first)
                .offset(max((count - 1) // 2, 0))
                .limit(2 - count % 2)
            )
        ]
    # Oldest first: the first request has waited longest, the middle ones give the median.
    return WaitingTimes(
        count=count,
        median_days=median(middle) if middle else None,
        max_days=requests[0].days if requests else None,
        requests=requests,
    )


# Matches per month ---------------------------------------------------------------------


@dataclass(frozen=True)
class MonthCount:
    month: date  # the first day of the month
    count: int


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def matches_per_month(today: date, months: int = 12) -> list[MonthCount]:
    """Mentorships started in each of the last ``months`` months, this month last.

    Months are bucketed in Python from the start dates, so the same code runs on
    SQLite and PostgreSQL; months without a match count zero.
    """
    this_month = today.replace(day=1)
    first = _add_months(this_month, -(months - 1))
    end = _add_months(this_month, 1)
    started = db.session.scalars(
        select(Mentorship.started_at).where(
            Mentorship.started_at >= datetime.combine(first, datetime.min.time()),
            Mentorship.started_at < datetime.combine(end, datetime.min.time()),
        )
    )
    counts = Counter(moment.date().replace(day=1) for moment in started)
    return [
        MonthCount(month, counts.get(month, 0))
        for month in (_add_months(first, i) for i in range(months))
    ]


# Mentors: load, terms, burnout ---------------------------------------------------------


@dataclass(frozen=True)
class MentorLoad:
    mentor_id: int
    username: str
    used: int
    capacity: int
    away: bool
    term_ends_on: date | None
    full_since: datetime | None
    consecutive_terms: int

    @property
    def is_full(self) -> bool:
        return self.used >= self.capacity


@dataclass(frozen=True)
class _ServingOffer:
    """What the mentor figures read of an offer (as :func:`is_away` does), and its terms
    (rows with ``starts_on`` and ``ends_on``), without loading the models."""

    person_id: int
    capacity: int
    away_from: date | None
    away_until: date | None
    full_since: datetime | None
    terms: list


def _current_term(terms: list, today: date):
    return next((t for t in terms if t.starts_on <= today <= t.ends_on), None)


def _serving_mentors() -> list[tuple[_ServingOffer, str]]:
    """Offers of mentors who have not retired nor left, with their usernames, in two
    queries of plain rows."""
    serving = (
        select(MentorOffer.id)
        .join(Person, Person.id == MentorOffer.person_id)
        .where(Person.deleted_at.is_(None), MentorOffer.retired_at.is_(None))
    )
    terms: dict[int, list] = defaultdict(list)
    for term in db.session.execute(
        select(Term.offer_id, Term.starts_on, Term.ends_on)
        .where(Term.offer_id.in_(serving))
        .order_by(Term.starts_on)
    ):
        terms[term.offer_id].append(term)
    rows = db.session.execute(
        select(
            MentorOffer.id,
            MentorOffer.person_id,
            MentorOffer.capacity,
            MentorOffer.away_from,
            MentorOffer.away_until,
            MentorOffer.full_since,
            Person.username,
        )
        .join(Person, Person.id == MentorOffer.person_id)
        .where(MentorOffer.id.in_(serving))
        .order_by(Person.username_key)
    )
    return [
        (
            _ServingOffer(
                row.person_id,
                row.capacity,
                row.away_from,
                row.away_until,
                row.full_since,
                terms[row.id],
            ),
            row.username,
        )
        for row in rows
    ]


def mentor_load(today: date) -> list[MentorLoad]:
    """Every serving mentor's places used (active and paused mentorships, and the peer
    circles they facilitate) and capacity.

    Busiest first (share of capacity used), then by username.
    """
    mentors = _serving_mentors()
    counts = active_mentee_counts()
    loads = []
    for offer, username in mentors:
        term = _current_term(offer.terms, today)
        loads.append(
            MentorLoad(
                mentor_id=offer.person_id,
                username=username,
                used=counts.get(offer.person_id, 0),
                capacity=offer.capacity,
                away=is_away(offer, today),
                term_ends_on=term.ends_on if term else None,
                full_since=offer.full_since,
                consecutive_terms=consecutive_terms(
                    [t for t in offer.terms if t.starts_on <= today]
                ),
            )
        )
    loads.sort(key=lambda m: -m.used / m.capacity if m.capacity else 0)
    return loads


@dataclass(frozen=True)
class TermEnding:
    mentor_id: int
    username: str
    ends_on: date
    days_left: int
    mentees: int
    has_next_term: bool


def terms_ending_soon(today: date, days: int = 30) -> list[TermEnding]:
    """Current terms that end within ``days`` days, soonest first."""
    horizon = today + timedelta(days=days)
    ending = []
    counts = active_mentee_counts()
    for offer, username in _serving_mentors():
        term = _current_term(offer.terms, today)
        if term is None or term.ends_on > horizon:
            continue
        ending.append(
            TermEnding(
                mentor_id=offer.person_id,
                username=username,
                ends_on=term.ends_on,
                days_left=(term.ends_on - today).days,
                mentees=counts.get(offer.person_id, 0),
                has_next_term=any(t.starts_on > term.ends_on for t in offer.terms),
            )
        )
    ending.sort(key=lambda t: (t.ends_on, t.username))
    return ending


@dataclass(frozen=True)
class BurnoutRisk:
    mentor_id: int
    username: str
    used: int
    capacity: int
    days_at_capacity: int | None
    consecutive_terms: int


def burnout_risk(
    today: date, days: int | None = None, loads: list[MentorLoad] | None = None
) -> list[BurnoutRisk]:
    """Mentors full for more than ``days`` days, or serving their last term in a row.

    ``days`` defaults to ``BURNOUT_DAYS_AT_CAPACITY``; the term limit is
    ``MAX_CONSECUTIVE_TERMS``. ``loads`` reuses a :func:`mentor_load` result already
    at hand. Longest at capacity first.
    """
    if days is None:
        days = current_app.config["BURNOUT_DAYS_AT_CAPACITY"]
    term_limit = current_app.config["MAX_CONSECUTIVE_TERMS"]
    risks = []
    for load in mentor_load(today) if loads is None else loads:
        at_capacity = (
            _days_since(load.full_since, today)
            if load.full_since is not None and load.is_full
            else None
        )
        long_full = at_capacity is not None and at_capacity > days
        many_terms = load.term_ends_on is not None and load.consecutive_terms >= term_limit
        if long_full or many_terms:
            risks.append(
                BurnoutRisk(
                    mentor_id=load.mentor_id,
                    username=load.username,
                    used=load.used,
                    capacity=load.capacity,
                    days_at_capacity=at_capacity,
                    consecutive_terms=load.consecutive_terms,
                )
            )
    risks.sort(key=lambda r: (-(r.days_at_capacity or 0), -r.consecutive_terms, r.username))
    return risks


# Skills --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillDemand:
    skill_id: str
    name: str
    requested: int
    offered: int

    @property
    def gap(self) -> int:
        return self.requested - self.offered


def skills_demand(limit: int = 10) -> list[SkillDemand]:
    """The skills most asked for in mentor requests, with how many mentors teach each.

    Requested counts every request except withdrawn ones; offered counts serving
    mentors who can teach the skill.
    """
    requested = requested_skills(MentorRequest.state != RequestState.WITHDRAWN)
    offered = {skill_id: len(mentors) for skill_id, mentors in teachers_by_skill().items()}
    rows = [
        SkillDemand(
            skill_id=skill_id,
            name=skill_name(skill_id),
            requested=requested.get(skill_id, 0),
            offered=offered.get(skill_id, 0),
        )
        for skill_id in set(requested) | set(offered)
    ]
    rows.sort(key=lambda s: (-s.requested, -s.gap, s.name))
    return rows[:limit]


# Mentoring hours -----------------------------------------------------------------------


@dataclass(frozen=True)
class MentorHours:
    mentor_id: int
    username: str
    checkins: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def mentoring_hours(since: date | None = None) -> list[MentorHours]:
    """Minutes logged in the check-ins of each mentor's mentorships, most first.

    ``since`` keeps check-ins that happened on or after that day (a stipend period).
    """
    query = (
        select(
            Mentorship.mentor_id,
            Person.username,
            func.count(CheckIn.id),
            func.coalesce(func.sum(CheckIn.minutes), 0),
        )
        .join(CheckIn, CheckIn.mentorship_id == Mentorship.id)
        .join(Person, Person.id == Mentorship.mentor_id)
        .group_by(Mentorship.mentor_id, Person.username)
    )
    if since is not None:
        query = query.where(CheckIn.happened_on >= since)
    rows = [
        MentorHours(mentor_id=mentor_id, username=username, checkins=n, minutes=int(minutes))
        for mentor_id, username, n, minutes in db.session.execute(query)
    ]
    rows.sort(key=lambda h: (-h.minutes, h.username))
    return rows


# The page's figures, kept for a short while -------------------------------------------


@dataclass(frozen=True)
class ProgramFigures:
    """Every figure of the dashboard page that does not depend on the reader."""

    waiting: WaitingTimes
    months: list[MonthCount]
    loads: list[MentorLoad]
    ending: list[TermEnding]
    burnout: list[BurnoutRisk]
    skills: list[SkillDemand]


class _LastFigures:
    """The figures last computed in this process and the key they were computed for;
    one computation at a time, so readers arriving together share it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._figures: ProgramFigures | None = None

    def get(self, key: tuple, compute: Callable[[], ProgramFigures]) -> ProgramFigures:
        with self._lock:
            if self._figures is None or self._key != key:
                self._figures, self._key = compute(), key
            return self._figures


def program_figures(today: date, ending_days: int) -> ProgramFigures:
    """The page's figures, computed at most once per ``DASHBOARD_CACHE_SECONDS`` (60 by
    default; 0 computes them on every call) in each process: they are a minute old at
    most, and the page costs a few queries the rest of the time."""

    def compute() -> ProgramFigures:
        loads = mentor_load(today)
        return ProgramFigures(
            waiting=waiting_times(today, limit=OLDEST_SHOWN),
            months=matches_per_month(today),
            loads=loads,
            ending=terms_ending_soon(today, ending_days),
            burnout=burnout_risk(today, loads=loads),
            skills=skills_demand(),
        )

    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    if seconds <= 0:
        return compute()
    last = current_app.extensions.setdefault("pathways.dashboard_figures", _LastFigures())
    return last.get((today, ending_days, time.monotonic() // seconds), compute)
