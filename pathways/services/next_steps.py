"""What a signed-in person can do next, role by role, for the start page: a few counts,
each read in one query whatever the number of rows."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    CheckIn,
    MatchProposal,
    MentorOffer,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Person,
    ProblemReport,
    ProposalState,
    RoleName,
)
from .endorsements import awaiting
from .matching import WAITING, is_away
from .mentor_requests import open_request_of
from .mentorships import checkin_due
from .offers import offer_of
from .open_calls import OpenCall, open_calls_for
from .plans import ladder_progress


@dataclass(frozen=True)
class VolunteerNext:
    """``steps_left`` is None without a ladder; ``waiting_request`` a request still waiting;
    ``open_calls`` the skills short of mentors that the person can teach."""

    steps_left: int | None
    waiting_request: MentorRequest | None
    open_calls: list[OpenCall]


@dataclass(frozen=True)
class MentorNext:
    """``away_offer`` is the mentor's offer while they are away: the way back is offered."""

    has_offer: bool
    away_offer: MentorOffer | None
    agreements_to_confirm: int
    overdue_checkins: int


@dataclass(frozen=True)
class CoordinatorNext:
    waiting_requests: int
    proposals_to_review: int
    open_reports: int


@dataclass(frozen=True)
class NextSteps:
    """One part per role the person holds; None for a role they do not hold; and the
    levels waiting for this person's endorsement."""

    volunteer: VolunteerNext | None
    mentor: MentorNext | None
    coordinator: CoordinatorNext | None
    endorsements_to_give: int


def next_steps(person: Person, today: date) -> NextSteps:
    return NextSteps(
        _volunteer_next(person) if person.has_role(RoleName.VOLUNTEER) else None,
        _mentor_next(person, today) if person.has_role(RoleName.MENTOR) else None,
        _coordinator_next() if person.has_role(RoleName.COORDINATOR) else None,
        len(awaiting(person)),
    )


def _volunteer_next(person: Person) -> VolunteerNext:
    progress = ladder_progress(person.id)
    steps_left = None if progress is None else progress[1] - progress[0]
    return VolunteerNext(steps_left, open_request_of(person), open_calls_for(person))


def _mentor_next(person: Person, today: date) -> MentorNext:
    last_checkin = (
        select(func.max(CheckIn.happened_on))
        .where(CheckIn.mentorship_id == Mentorship.id)
        .scalar_subquery()
    )
    mine = db.session.execute(
        select(
            Mentorship.state,
            Mentorship.agreed_by_mentor_at,
            Mentorship.started_at,
            Mentorship.checkin_every_days,
            last_checkin,
        ).where(Mentorship.mentor_id == person.id, Mentorship.state != MentorshipState.ENDED)
    ).all()
    offer = offer_of(person)
    return MentorNext(
        offer is not None,
        offer if offer is not None and is_away(offer, today) else None,
        sum(row.agreed_by_mentor_at is None for row in mine),
        sum(
            state == MentorshipState.ACTIVE and checkin_due(started, every, last) < today
            for state, _, started, every, last in mine
        ),
    )


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _coordinator_next() -> CoordinatorNext:
    return CoordinatorNext(
        _count(MentorRequest, MentorRequest.state.in_(WAITING)),
        _count(
            MatchProposal,
            MatchProposal.state == ProposalState.PENDING,
            MatchProposal.request_id.in_(
                select(MentorRequest.id).where(MentorRequest.state.in_(WAITING))
            ),
        ),
        _count(ProblemReport, ProblemReport.resolved_at.is_(None)),
    )
