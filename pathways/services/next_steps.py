"""What a signed-in person can do next, role by role, for the start page: a few counts,
each read in one query whatever the number of rows."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    CheckIn,
    CircleReport,
    Handover,
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
from .circles import active_circle_count
from .coordinator_terms import invitation_for
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
    ``open_calls`` the skills short of mentors that the person can teach; ``circles`` the
    active peer circles they belong to or lead."""

    steps_left: int | None
    waiting_request: MentorRequest | None
    open_calls: list[OpenCall]
    circles: int


@dataclass(frozen=True)
class MentorNext:
    """``away_offer`` is the mentor's offer while they are away: the way back is offered."""

    has_offer: bool
    away_offer: MentorOffer | None
    agreements_to_confirm: int
    overdue_checkins: int


@dataclass(frozen=True)
class CoordinatorNext:
    """The program's open work: what coordinators do next, and a successor takes over."""

    waiting_requests: int
    proposals_to_review: int
    open_reports: int
    overdue_checkins: int


@dataclass(frozen=True)
class NextSteps:
    """One part per role the person holds; None for a role they do not hold; the levels
    waiting for this person's endorsement. ``handover`` is an invitation to take over as
    coordinator, with the open work (``handover_work``) the successor would find."""

    volunteer: VolunteerNext | None
    mentor: MentorNext | None
    coordinator: CoordinatorNext | None
    endorsements_to_give: int
    handover: Handover | None = None
    handover_work: CoordinatorNext | None = None


def next_steps(person: Person, today: date) -> NextSteps:
    coordinates = person.has_role(RoleName.COORDINATOR)
    work = coordinator_work() if coordinates else None
    invitation = invitation_for(person)
    return NextSteps(
        _volunteer_next(person, today) if person.has_role(RoleName.VOLUNTEER) else None,
        _mentor_next(person, today) if person.has_role(RoleName.MENTOR) else None,
        work,
        len(awaiting(person)),
        invitation,
        (work or coordinator_work()) if invitation else None,
    )


def _volunteer_next(person: Person, today: date) -> VolunteerNext:
    progress = ladder_progress(person.id)
    steps_left = None if progress is None else progress[1] - progress[0]
    return VolunteerNext(
        steps_left,
        open_request_of(person),
        open_calls_for(person, today),
        active_circle_count(person.id),
    )


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


def coordinator_work() -> CoordinatorNext:
    """The program's open work, each count in one query."""
    return CoordinatorNext(
        _count(MentorRequest, MentorRequest.state.in_(WAITING)),
        _count(
            MatchProposal,
            MatchProposal.state == ProposalState.PENDING,
            MatchProposal.request_id.in_(
                select(MentorRequest.id).where(MentorRequest.state.in_(WAITING))
            ),
        ),
        _open_reports(),
        _count(
            Mentorship,
            Mentorship.checkin_overdue_on.is_not(None),
            Mentorship.state != MentorshipState.ENDED,
        ),
    )


def _open_reports() -> int:
    """Open reports on mentorships and on peer circles' posts, in one query."""
    counts = [
        select(func.count()).select_from(model).where(model.resolved_at.is_(None)).scalar_subquery()
        for model in (ProblemReport, CircleReport)
    ]
    return db.session.scalar(select(counts[0] + counts[1]))
