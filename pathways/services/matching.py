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
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

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
    MatchProposal,
    MentorOffer,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Person,
    Plan,
    PlanStep,
    ProfileVersion,
    ProposalState,
    RequestState,
    SkillStance,
    Stance,
    StepStatus,
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
    """Mentorships that hold a slot (active or paused), per mentor."""
    query = (
        select(Mentorship.mentor_id, func.count())
        .where(Mentorship.state != MentorshipState.ENDED)
        .group_by(Mentorship.mentor_id)
    )
    if mentor_ids is not None:
        query = query.where(Mentorship.mentor_id.in_(list(mentor_ids)))
    return dict(db.session.execute(query).all())


def offer_is_open(offer: MentorOffer, today: date) -> bool:
    """Takes new mentees today: not retired, not away, and inside a term."""
    return (
        offer.retired_at is None
        and not is_away(offer, today)
        and any(t.starts_on <= today <= t.ends_on for t in offer.terms)
    )


def is_away(offer: MentorOffer, today: date) -> bool:
    if offer.away_from is None or offer.away_from > today:
        return False
    return offer.away_until is None or offer.away_until >= today


def teachable_skills(person_ids: list[int]) -> dict[int, list[str]]:
    """The skills each of these people marked "can teach" (what a mentor offers)."""
    rows = db.session.execute(
        select(SkillStance.person_id, SkillStance.skill_id).where(
            SkillStance.person_id.in_(person_ids), SkillStance.stance == Stance.CAN_TEACH
        )
    )
    skills: dict[int, list[str]] = defaultdict(list)
    for person_id, skill_id in rows:
        skills[person_id].append(skill_id)
    return skills


def mentor_profiles(today: date) -> list[MentorProfile]:
    offers = db.session.scalars(
        select(MentorOffer)
        .join(MentorOffer.person)
        .where(Person.deleted_at.is_(None))
        .options(selectinload(MentorOffer.person), selectinload(MentorOffer.terms))
    ).all()
    ids = [offer.person_id for offer in offers]
    counts = active_mentee_counts(ids)
    skills = teachable_skills(ids)
    profiles = []
    for offer in offers:
        person = offer.person
        if not skills.get(person.id):
            continue
        profiles.append(
            MentorProfile(
                id=person.id,
                languages=frozenset(person.language_codes),
                skills=dict.fromkeys(skills[person.id], 1.0),
                text=" ".join((person.interests, offer.intro, offer.wiki_projects)),
                capacity_left=max(offer.capacity - counts.get(person.id, 0), 0),
                available=offer_is_open(offer, today),
                label=person.username,
            )
        )
    return profiles


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


def _mentee(person: Person, wants: dict[str, float], text: str, excluded) -> MenteeProfile:
    return MenteeProfile(
        id=person.id,
        languages=frozenset(person.language_codes),
        wants=wants,
        text=text,
        excluded_mentors=frozenset(excluded),
        label=person.username,
    )


def _request_profile(request: MentorRequest, next_rungs: list[str], excluded) -> MenteeProfile:
    """Explicit wants at full weight, the next rungs of the ladder at half weight."""
    wants = {skill_id: NEXT_RUNG_WEIGHT for skill_id in next_rungs}
    wants.update({skill_id: 1.0 for skill_id in request.skills})
    text = " ".join((request.mentee.interests, request.note))
    return _mentee(request.mentee, wants, text, excluded)


def mentee_profile(request: MentorRequest) -> MenteeProfile:
    return _request_profile(
        request,
        next_rung_skills(request.mentee_id),
        excluded_mentors(request.mentee_id, request.id),
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
    }


def _with_people(suggestions: list[Suggestion]) -> list[MentorSuggestion]:
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person).where(Person.id.in_([s.mentor_id for s in suggestions]))
        )
    }
    return [MentorSuggestion(people[s.mentor_id], s.score, s.reasons) for s in suggestions]


def suggest_mentors(request: MentorRequest, top: int = 5) -> list[MentorSuggestion]:
    """The best mentors for one request, best first, each with its reasons."""
    try:
        profile = mentee_profile(request)
        suggestions = mentor_index().suggest(profile, top=top)
    except ProfileError:
        return []
    return _with_people(suggestions)


def suggest_public_mentors(request: MentorRequest, top: int = 5) -> list[MentorSuggestion]:
    """Suggestions a volunteer may see: only mentors who show their skills publicly.

    A mentor who hid their skills is still matched by coordinators, but never appears
    in a volunteer's preview, where trying skill after skill would reveal what they
    teach.
    """
    candidates = suggest_mentors(request, top=top * PUBLIC_CANDIDATES_FACTOR)
    shown = set(
        db.session.scalars(
            select(MentorOffer.person_id).where(
                MentorOffer.person_id.in_([s.mentor.id for s in candidates]),
                MentorOffer.show_skills.is_(True),
            )
        )
    )
    return [s for s in candidates if s.mentor.id in shown][:top]


WAITING = (RequestState.OPEN, RequestState.PROPOSED)


def waiting_requests() -> list[MentorRequest]:
    """Every request waiting for a mentor, oldest first, with its mentee and proposals."""
    return list(
        db.session.scalars(
            select(MentorRequest)
            .where(MentorRequest.state.in_(WAITING))
            .options(selectinload(MentorRequest.mentee), selectinload(MentorRequest.proposals))
            .order_by(MentorRequest.created_at, MentorRequest.id)
        )
    )


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


def pair_waiting_requests(
    requests: list[MentorRequest], progress: Callable[[int, int], None] | None = None
) -> tuple[Assignment, dict[int, str]]:
    """The optimal assignment for the waiting requests, in a fixed number of queries;
    profiles the matcher refuses are set aside with the reason."""
    next_rungs, excluded = _next_rungs_of_waiting(), _exclusions_of_waiting()
    profiles, invalid = [], {}
    for request in requests:
        try:
            profiles.append(
                _request_profile(
                    request, next_rungs[request.mentee_id], excluded[request.mentee_id]
                )
            )
        except ProfileError as error:
            invalid[request.mentee_id] = str(error)
    index = mentor_index()
    while True:
        try:
            assignment = matcher.pair(
                index, profiles, min_score=current_app.config["MATCH_MIN_SCORE"], progress=progress
            )
        except ProfileError as error:
            invalid[error.profile_id] = str(error)
            profiles = [p for p in profiles if p.id != error.profile_id]
        else:
            return assignment, invalid


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
    return _mentee(person, wants, person.interests, excluded_mentors(person.id, None))


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
