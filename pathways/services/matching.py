"""The bridge between the database and the matcher: rows in, profiles out, results stored.

The fitted mentor index is cached per *profile version*: a counter in the database
bumped by every change to a matching profile, plus today's date (away periods and
terms start and end with the calendar). Every app process computes the same version,
so they all refit after the same change and never serve a stale index.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Load

import matcher
from matcher import (
    Assignment,
    MenteeProfile,
    MentorProfile,
    ProfileError,
    Reasons,
    Suggestion,
)

if TYPE_CHECKING:  # the engine's numeric side loads on first use, not with every command
    from matcher import IndexCache, MentorIndex

from ..catalog import get_catalog
from ..extensions import db
from ..models import (
    Circle,
    CircleState,
    MatchProposal,
    MentorOffer,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Person,
    PersonLanguage,
    Plan,
    PlanStep,
    ProfileVersion,
    ProposalState,
    RequestState,
    SkillStance,
    Stance,
    StepStatus,
    Term,
    names_only,
)

NEXT_RUNG_WEIGHT = 0.5
NEXT_RUNG_STEPS = 3


def bump_profile_version() -> None:
    """Mark every cached index stale; call in the same transaction as the change."""
    row = db.session.get(ProfileVersion, 1, with_for_update=True)
    if row is None:
        db.session.add(ProfileVersion(id=1, value=1))
    else:
        row.value += 1


def profile_version(today: date) -> str:
    value = db.session.scalar(select(ProfileVersion.value).where(ProfileVersion.id == 1)) or 0
    return f"{value}:{today.isoformat()}"


def _index_cache() -> "IndexCache":
    from matcher import IndexCache

    return current_app.extensions.setdefault("pathways.mentor_index", IndexCache())


def active_mentee_counts(mentor_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Places held per mentor, in one query: their mentorships that hold one (active or
    paused) and the active peer circles they facilitate (one place each)."""
    held = union_all(
        select(Mentorship.mentor_id.label("mentor_id")).where(
            Mentorship.state != MentorshipState.ENDED
        ),
        select(Circle.facilitator_id).where(Circle.state == CircleState.ACTIVE),
    ).subquery()
    query = select(held.c.mentor_id, func.count()).group_by(held.c.mentor_id)
    if mentor_ids is not None:
        query = query.where(held.c.mentor_id.in_(list(mentor_ids)))
    return dict(db.session.execute(query).all())


def offer_is_open(offer: MentorOffer, today: date) -> bool:
    """Takes new mentees today: not retired, not away, and inside a term."""
    return (
        offer.retired_at is None
        and not is_away(offer, today)
        and any(t.starts_on <= today <= t.ends_on for t in offer.terms)
    )


def open_mentors(today: date) -> set[int]:
    """The mentors whose offer takes new mentees today (:func:`offer_is_open`), in two
    queries."""
    offers = db.session.execute(
        select(
            MentorOffer.id,
            MentorOffer.person_id,
            MentorOffer.retired_at,
            MentorOffer.away_from,
            MentorOffer.away_until,
        )
    ).all()
    terms = _grouped(db.session.execute(select(Term.offer_id, Term.starts_on, Term.ends_on)))
    return {
        o.person_id
        for o in offers
        if offer_is_open(_Offer(o.retired_at, o.away_from, o.away_until, terms[o.id]), today)
    }


def is_away(offer: MentorOffer, today: date) -> bool:
    if offer.away_from is None or offer.away_from > today:
        return False
    return offer.away_until is None or offer.away_until >= today


def teachable_skills(person_ids) -> dict[int, list[str]]:
    """The skills each of these people (ids, or a query of ids) marked "can teach"."""
    rows = db.session.execute(
        select(SkillStance.person_id, SkillStance.skill_id).where(
            SkillStance.person_id.in_(person_ids), SkillStance.stance == Stance.CAN_TEACH
        )
    )
    skills: dict[int, list[str]] = defaultdict(list)
    for person_id, skill_id in rows:
        skills[person_id].append(skill_id)
    return skills


@dataclass(frozen=True)
class _Offer:
    """An offer's availability and its terms (rows with ``starts_on``, ``ends_on``): what
    :func:`offer_is_open` reads, without loading the model."""

    retired_at: object
    away_from: date | None
    away_until: date | None
    terms: list


def _grouped(rows) -> dict[int, list]:
    """Rows by their first column."""
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def mentor_profiles(today: date) -> list[MentorProfile]:
    """Every mentor who teaches something, as the matcher sees them, in five queries."""
    mentors = (
        select(MentorOffer.person_id)
        .join(Person, Person.id == MentorOffer.person_id)
        .where(Person.deleted_at.is_(None))
    )
    offers = db.session.execute(
        select(
            MentorOffer.person_id,
            MentorOffer.id,
            MentorOffer.capacity,
            MentorOffer.intro,
            MentorOffer.wiki_projects,
            MentorOffer.retired_at,
            MentorOffer.away_from,
            MentorOffer.away_until,
            Person.username,
            Person.interests,
        )
        .join(Person, Person.id == MentorOffer.person_id)
        .where(Person.deleted_at.is_(None))
    ).all()
    terms = _grouped(
        db.session.execute(
            select(Term.offer_id, Term.starts_on, Term.ends_on).where(
                Term.offer_id.in_(select(MentorOffer.id).where(MentorOffer.person_id.in_(mentors)))
            )
        )
    )
    languages = _grouped(
        db.session.execute(
            select(PersonLanguage.person_id, PersonLanguage.code).where(
                PersonLanguage.person_id.in_(mentors)
            )
        )
    )
    counts, skills = active_mentee_counts(), teachable_skills(mentors)
    return [
        MentorProfile(
            id=o.person_id,
            languages=frozenset(row.code for row in languages[o.person_id]),
            skills=dict.fromkeys(skills[o.person_id], 1.0),
            text=" ".join((o.interests, o.intro, o.wiki_projects)),
            capacity_left=max(o.capacity - counts.get(o.person_id, 0), 0),
            available=offer_is_open(
                _Offer(o.retired_at, o.away_from, o.away_until, terms[o.id]), today
            ),
            label=o.username,
        )
        for o in offers
        if skills.get(o.person_id)
    ]


def skill_context() -> dict[str, str]:
    catalog = get_catalog()
    return {skill_id: catalog.skill_text(skill_id) for skill_id in catalog.skills}


def mentor_index(today: date | None = None) -> "MentorIndex":
    from matcher import MentorIndex

    today = today or date.today()
    return _index_cache().get(
        profile_version(today), lambda: MentorIndex(mentor_profiles(today), skill_context())
    )


def next_rung_skills(person_id: int) -> list[str]:
    """The first unfinished steps of the person's ladder: what they will want next."""
    return list(
        db.session.scalars(
            select(PlanStep.skill_id)
            .join(Plan)
            .where(Plan.person_id == person_id, PlanStep.status != StepStatus.DONE)
            .order_by(PlanStep.position)
            .limit(NEXT_RUNG_STEPS)
        )
    )


def excluded_mentors(mentee_id: int, request_id: int | None) -> frozenset[int]:
    """Mentors never to propose again: rejected for this request, or paired before."""
    paired = select(Mentorship.mentor_id).where(Mentorship.mentee_id == mentee_id)
    rejected = select(MatchProposal.mentor_id).where(
        MatchProposal.request_id == request_id, MatchProposal.state == ProposalState.REJECTED
    )
    return frozenset(db.session.scalars(paired.union(rejected)))


def _mentee(
    person_id: int, languages, wants: dict[str, float], text: str, excluded, label: str = ""
) -> MenteeProfile:
    return MenteeProfile(
        id=person_id,
        languages=frozenset(languages),
        wants=wants,
        text=text,
        excluded_mentors=frozenset(excluded),
        label=label,
    )


def _wants(skills: list[str], next_rungs: list[str]) -> dict[str, float]:
    """Explicit wants at full weight, the next rungs of the ladder at half weight."""
    wants = {skill_id: NEXT_RUNG_WEIGHT for skill_id in next_rungs}
    wants.update({skill_id: 1.0 for skill_id in skills})
    return wants


def mentee_profile(request: MentorRequest, excluding: Iterable[int] = ()) -> MenteeProfile:
    """The request's mentee as the matcher sees them; ``excluding`` names mentors to leave
    out beside the ones always excluded (:func:`excluded_mentors`). The request may be a
    draft not saved yet (the request form's preview): the mentee is read from
    ``request.mentee``, which a draft has, never from its unset ``mentee_id``."""
    mentee = request.mentee
    return _mentee(
        mentee.id,
        mentee.language_codes,
        _wants(request.skills, next_rung_skills(mentee.id)),
        " ".join((mentee.interests, request.note)),
        excluded_mentors(mentee.id, request.id) | set(excluding),
        mentee.username,
    )


PUBLIC_CANDIDATES_FACTOR = 4


@dataclass(frozen=True)
class MentorSuggestion:
    mentor: Person
    score: float
    reasons: Reasons


def reasons_to_dict(reasons: Reasons) -> dict:
    return {
        "shared_skills": list(reasons.shared_skills),
        "related_skills": list(reasons.related_skills),
        "shared_terms": list(reasons.shared_terms),
        "teaches_none_wanted": reasons.teaches_none_wanted,
    }


def _with_people(suggestions: list[Suggestion], *options) -> list[MentorSuggestion]:
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .where(Person.id.in_([s.mentor_id for s in suggestions]))
            .options(*options)
        )
    }
    return [MentorSuggestion(people[s.mentor_id], s.score, s.reasons) for s in suggestions]


def _suggestions(
    request: MentorRequest, top: int, excluding: Iterable[int] = ()
) -> list[Suggestion]:
    try:
        return mentor_index().suggest(mentee_profile(request, excluding), top=top)
    except ProfileError:
        return []


def suggest_mentors(
    request: MentorRequest, top: int = 5, excluding: Iterable[int] = ()
) -> list[MentorSuggestion]:
    """The best mentors for one request, best first, each with its reasons; never the
    mentors in ``excluding``."""
    return _with_people(_suggestions(request, top, excluding))


def suggest_public_mentors(request: MentorRequest, top: int = 5) -> list[MentorSuggestion]:
    """Suggestions a volunteer may see: only mentors who show their skills publicly.

    A mentor who hid their skills is still matched by coordinators, but never appears
    in a volunteer's preview, where trying skill after skill would reveal what they
    teach.
    """
    candidates = _suggestions(request, top * PUBLIC_CANDIDATES_FACTOR)
    shown = set(
        db.session.scalars(
            select(MentorOffer.person_id).where(
                MentorOffer.person_id.in_([s.mentor_id for s in candidates]),
                MentorOffer.show_skills.is_(True),
            )
        )
    )
    # Only the people shown are loaded, not every candidate, and only to be named.
    return _with_people(
        [s for s in candidates if s.mentor_id in shown][:top], names_only(Load(Person))
    )


WAITING = (RequestState.OPEN, RequestState.PROPOSED)


def _waiting_mentees():
    return select(MentorRequest.mentee_id).where(MentorRequest.state.in_(WAITING))


def _next_rungs_of_waiting() -> dict[int, list[str]]:
    rows = db.session.execute(
        select(Plan.person_id, PlanStep.skill_id)
        .join(Plan)
        .where(Plan.person_id.in_(_waiting_mentees()), PlanStep.status != StepStatus.DONE)
        .order_by(Plan.person_id, PlanStep.position)
    )
    rungs: dict[int, list[str]] = defaultdict(list)
    for person_id, skill_id in rows:
        if len(rungs[person_id]) < NEXT_RUNG_STEPS:
            rungs[person_id].append(skill_id)
    return rungs


def _exclusions_of_waiting() -> dict[int, set[int]]:
    paired = select(Mentorship.mentee_id, Mentorship.mentor_id).where(
        Mentorship.mentee_id.in_(_waiting_mentees())
    )
    rejected = (
        select(MentorRequest.mentee_id, MatchProposal.mentor_id)
        .join(MatchProposal, MatchProposal.request_id == MentorRequest.id)
        .where(MentorRequest.state.in_(WAITING), MatchProposal.state == ProposalState.REJECTED)
    )
    excluded: dict[int, set[int]] = defaultdict(set)
    for mentee_id, mentor_id in db.session.execute(paired.union(rejected)):
        excluded[mentee_id].add(mentor_id)
    return excluded


@dataclass(frozen=True)
class WaitingRequest:
    """A request waiting for a mentor, as a batch needs it (plain data, not a row object)."""

    id: int
    mentee_id: int
    mentee: str


@dataclass(frozen=True)
class WaitingBatch:
    """The waiting requests, the optimal assignment of their mentees, and the mentees the
    matcher could not use (by mentee id, with why)."""

    requests: list[WaitingRequest]
    assignment: Assignment
    invalid: dict[int, str]


def waiting_request_rows(wants_group: bool, only: list[int] | None = None):
    """The waiting requests for one mentor (or, with ``wants_group``, for a peer circle),
    oldest first, with what the matchers read of each mentee."""
    query = (
        select(
            MentorRequest.id,
            MentorRequest.mentee_id,
            MentorRequest.skills,
            MentorRequest.note,
            Person.username,
            Person.interests,
        )
        .join(Person, Person.id == MentorRequest.mentee_id)
        .where(MentorRequest.state.in_(WAITING), MentorRequest.wants_group.is_(wants_group))
        .order_by(MentorRequest.created_at, MentorRequest.id)
    )
    if only is not None:
        query = query.where(MentorRequest.id.in_(only))
    return db.session.execute(query).all()


def languages_of(person_ids) -> dict[int, list[str]]:
    """Each person's language codes; ``person_ids`` is a list or a subquery."""
    languages: dict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        select(PersonLanguage.person_id, PersonLanguage.code).where(
            PersonLanguage.person_id.in_(person_ids)
        )
    )
    for person_id, code in rows:
        languages[person_id].append(code)
    return languages


def _waiting_profiles(
    only: list[int] | None,
) -> tuple[list[WaitingRequest], list[MenteeProfile], dict[int, str]]:
    """The waiting requests (all, or ``only`` these) and their mentees' profiles, in five
    queries whatever their number."""
    rows = waiting_request_rows(False, only)
    languages, next_rungs = languages_of(_waiting_mentees()), _next_rungs_of_waiting()
    excluded = _exclusions_of_waiting()
    requests, profiles, invalid = [], [], {}
    for request_id, mentee_id, skills, note, username, interests in rows:
        requests.append(WaitingRequest(request_id, mentee_id, username))
        try:
            profiles.append(
                _mentee(
                    mentee_id,
                    languages[mentee_id],
                    _wants(skills, next_rungs[mentee_id]),
                    f"{interests} {note}",
                    excluded[mentee_id],
                    username,
                )
            )
        except ProfileError as error:
            invalid[mentee_id] = str(error)
    return requests, profiles, invalid


def pair_waiting_requests(
    progress: Callable[[int, int], None] | None = None, only: list[int] | None = None
) -> WaitingBatch:
    """The optimal assignment for everyone waiting (or ``only`` these requests): profiles
    the matcher would refuse are set aside first, so the solver runs once."""
    from matcher import unusable_mentees

    requests, profiles, invalid = _waiting_profiles(only)
    refused = unusable_mentees(profiles)
    invalid |= {mentee_id: str(error) for mentee_id, error in refused.items()}
    assignment = matcher.pair(
        mentor_index(),
        [p for p in profiles if p.id not in refused],
        min_score=current_app.config["MATCH_MIN_SCORE"],
        progress=progress,
    )
    return WaitingBatch(requests, assignment, invalid)


def person_profile(person: Person) -> MenteeProfile:
    """A mentee profile for someone without a request: the skills they marked "not yet"
    or "learning", the next rungs of their ladder (at half weight), and their interests."""
    wants = {skill_id: NEXT_RUNG_WEIGHT for skill_id in next_rung_skills(person.id)}
    wants.update(
        {
            stance.skill_id: 1.0
            for stance in person.stances
            if stance.stance in (Stance.NOT_YET, Stance.LEARNING)
        }
    )
    return _mentee(
        person.id,
        person.language_codes,
        wants,
        person.interests,
        excluded_mentors(person.id, None),
        person.username,
    )


def suggest_for_person(person: Person, top: int = 5) -> list[MentorSuggestion]:
    """The best mentors for a person, best first: for their waiting request if they have
    one, else for their profile (:func:`person_profile`).

    Raises `ProfileError` when there is nothing to match on (no languages, no wanted
    skills and no meaningful text).
    """
    request = db.session.scalar(
        select(MentorRequest).where(
            MentorRequest.mentee_id == person.id,
            MentorRequest.state.in_(WAITING),
        )
    )
    profile = mentee_profile(request) if request is not None else person_profile(person)
    return _with_people(mentor_index().suggest(profile, top=top))
