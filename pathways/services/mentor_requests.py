"""Mentor requests and proposals: a volunteer asks, the matcher proposes, a coordinator
approves or rejects; batch pairing and succession propose many at once. One function per
action; the caller wraps it in :func:`pathways.services.transaction`.

    MentorRequest: open → proposed → matched, or withdrawn; a rejection reopens it
    MatchProposal: pending → approved | rejected | superseded
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import String, cast, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import (
    MatchProposal,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Person,
    PersonLanguage,
    ProgramEvent,
    ProposalState,
    RequestState,
    names_only,
    utcnow,
)
from . import DomainError, NotAllowed
from .accounts import lock_person, usernames_of
from .bulk import insert_rows
from .circles import ProposedCircles, propose_batch_circles
from .events import notify, record
from .matching import (
    WAITING,
    MentorSuggestion,
    WaitingBatch,
    bump_profile_version,
    pair_waiting_requests,
    reasons_to_dict,
    suggest_mentors,
)
from .mentorships import current_mentorship_of, end_mentorship
from .offers import (
    check_can_take_one_more,
    loads,
    lock_offer,
    needs_successor,
    offer_of,
    offer_of_person_id,
)
from .rules import check_skill_count, check_skill_ids, check_text

ALREADY_DECIDED = {
    RequestState.MATCHED: _l("This request is already matched."),
    RequestState.WITHDRAWN: _l("This request is already withdrawn."),
    ProposalState.APPROVED: _l("This proposal is already approved."),
    ProposalState.REJECTED: _l("This proposal is already rejected."),
    ProposalState.SUPERSEDED: _l("This proposal was replaced by a newer one."),
}
SUCCESSION = "succession"


def open_request_of(person: Person) -> MentorRequest | None:
    return db.session.scalar(
        select(MentorRequest).where(
            MentorRequest.mentee_id == person.id, MentorRequest.state.in_(WAITING)
        )
    )


def request_mentor(
    person: Person,
    skills: list[str],
    note: str,
    preferred_mentor_id: int | None = None,
    wants_group: bool = False,
) -> MentorRequest:
    """Ask for a mentor; the best match is proposed at once for a coordinator to review.
    One who asks for a peer circle instead waits for the next batch run, which gathers
    circles; a circle's facilitator is chosen for the whole group, so no preference.

    The person's row lock makes a second, simultaneous request see the first one.
    """
    lock_person(person)
    if open_request_of(person) is not None:
        raise DomainError(_l("You already have a request waiting."))
    if not skills:
        raise DomainError(_l("Choose at least one skill."), "skills")
    check_skill_count(skills)
    if wants_group:
        preferred_mentor_id = None
    if preferred_mentor_id is not None:
        preferred = db.session.get(Person, preferred_mentor_id)
        if preferred is None or preferred.id == person.id or offer_of(preferred) is None:
            raise DomainError(_l("This person is not a mentor."), "preferred_mentor")
    request = MentorRequest(
        mentee=person,
        skills=check_skill_ids(skills, "skills"),
        note=check_text(note, "note"),
        preferred_mentor_id=preferred_mentor_id,
        wants_group=wants_group,
    )
    db.session.add(request)
    db.session.flush()
    record(person, "request_made", request.id, skills=request.skills, group=wants_group)
    if not wants_group:
        propose_best(request)
    return request


def propose_best(request: MentorRequest, actor: Person | None = None) -> MatchProposal | None:
    """Propose the preferred mentor if eligible, else the best suggestion; None if nobody fits."""
    suggestions = suggest_mentors(request, top=10)
    chosen = next(
        (s for s in suggestions if s.mentor.id == request.preferred_mentor_id),
        suggestions[0] if suggestions else None,
    )
    if chosen is None:
        return None
    return _add_proposal(request, chosen.mentor, chosen.score, reasons_to_dict(chosen.reasons))


def _add_proposal(
    request: MentorRequest, mentor: Person, score: float, reasons: dict, batch_id: str | None = None
) -> MatchProposal:
    proposal = MatchProposal(
        request=request,
        mentor_id=mentor.id,
        score=score,
        reasons=reasons,
        batch_id=batch_id,
        state=ProposalState.PENDING,
    )
    db.session.add(proposal)
    request.state = RequestState.PROPOSED
    return proposal


def withdraw_request(person: Person, request: MentorRequest) -> None:
    if request.mentee_id != person.id:
        raise NotAllowed(_l("This is not your request."))
    _claim_request(request, RequestState.WITHDRAWN)
    _supersede_pending(request)
    record(person, "request_withdrawn", request.id)


def _claim_request(request: MentorRequest, new_state: RequestState) -> None:
    """Move a waiting request on, atomically: a decided request refuses a second decision."""
    changed = db.session.execute(
        update(MentorRequest)
        .where(MentorRequest.id == request.id, MentorRequest.state.in_(WAITING))
        .values(state=new_state, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(request)
    if changed != 1:
        raise DomainError(ALREADY_DECIDED[request.state], "request")


def _supersede_pending(request: MentorRequest, keep: MatchProposal | None = None) -> None:
    for proposal in request.proposals:
        if proposal.state == ProposalState.PENDING and proposal is not keep:
            proposal.state = ProposalState.SUPERSEDED


def _pending(proposal: MatchProposal) -> None:
    if proposal.state != ProposalState.PENDING:
        raise DomainError(ALREADY_DECIDED[proposal.state], "proposal")


def _proposed_mentors(request: MentorRequest) -> set[int]:
    """The mentors of the request's proposals still waiting for a decision."""
    return {p.mentor_id for p in request.proposals if p.state == ProposalState.PENDING}


@dataclass(frozen=True)
class RequestReview:
    """The other mentors a coordinator may pick for a request, best first (never one
    already proposed or rejected for it), and the load of every mentor on its page."""

    suggestions: list[MentorSuggestion]
    loads: dict[int, tuple[int, int]]


def review_request(request: MentorRequest, top: int = 10) -> RequestReview:
    suggestions = suggest_mentors(request, top=top, excluding=_proposed_mentors(request))
    shown = {p.mentor_id for p in request.proposals} | {s.mentor.id for s in suggestions}
    return RequestReview(suggestions, loads(shown))


def propose_mentor(coordinator: Person, request: MentorRequest, mentor: Person) -> MatchProposal:
    """A coordinator picks another mentor; hard rules still apply."""
    if request.state not in WAITING:
        raise DomainError(_l("This request is no longer waiting."), "request")
    if mentor.id in _proposed_mentors(request):
        raise DomainError(
            _l("%(name)s is already proposed for this request.", name=mentor.username), "mentor"
        )
    match = next(
        (s for s in suggest_mentors(request, top=10_000) if s.mentor.id == mentor.id), None
    )
    if match is None:
        raise DomainError(
            _l(
                "%(name)s cannot take this mentee: no shared language, no free place, "
                "away, out of term, or paired before.",
                name=mentor.username,
            ),
            "mentor",
        )
    _supersede_pending(request)
    proposal = _add_proposal(request, mentor, match.score, reasons_to_dict(match.reasons))
    record(coordinator, "proposal_made", request.id, mentor=mentor.id)
    return proposal


def _has_a_mentor(mentee: Person) -> DomainError:
    return DomainError(
        _l(
            "%(name)s already has a mentor who stays: end that mentorship first.",
            name=mentee.username,
        ),
        "mentee",
    )


def _hand_over(coordinator: Person, mentee: Person, today: date) -> None:
    """End the mentee's mentorship with a leaving mentor, for its successor; refuse if the
    mentee still has a mentor who stays."""
    lock_person(mentee)
    current = current_mentorship_of(mentee.id)
    if current is None:
        return
    if not needs_successor(offer_of_person_id(current.mentor_id), today):
        raise _has_a_mentor(mentee)
    end_mentorship(coordinator, current, SUCCESSION, {})
    db.session.flush()


def _add_mentorship(mentorship: Mentorship, mentee: Person) -> None:
    """Write the mentorship; the database's one-current-mentorship rule is the last line."""
    try:
        with db.session.begin_nested():
            db.session.add(mentorship)
    except IntegrityError as error:
        raise _has_a_mentor(mentee) from error


def approve_proposal(coordinator: Person, proposal: MatchProposal, today: date) -> Mentorship:
    """Approve a pair: re-check capacity, away and term under the mentor's lock.

    A mentee whose mentor is leaving has that mentorship ended in the same transaction
    (reason "succession", both told); one whose mentor stays is refused.
    """
    _pending(proposal)
    request = proposal.request
    _claim_request(request, RequestState.MATCHED)
    _hand_over(coordinator, request.mentee, today)
    offer = lock_offer(proposal.mentor_id)
    held = check_can_take_one_more(offer, today)
    if held == offer.capacity:
        offer.full_since = utcnow()
    proposal.state = ProposalState.APPROVED
    proposal.decided_by_id, proposal.decided_at = coordinator.id, utcnow()
    _supersede_pending(request, keep=proposal)
    mentorship = Mentorship(
        mentor_id=proposal.mentor_id, mentee_id=request.mentee_id, request_id=request.id
    )
    _add_mentorship(mentorship, request.mentee)
    record(
        coordinator,
        "proposal_approved",
        proposal.id,
        mentor=proposal.mentor_id,
        mentee=request.mentee_id,
        score=round(proposal.score, 4),
    )
    notify(request.mentee, "matched", mentorship.id, other=proposal.mentor.username)
    notify(proposal.mentor, "matched", mentorship.id, other=request.mentee.username)
    bump_profile_version()
    return mentorship


def reject_proposal(coordinator: Person, proposal: MatchProposal, reason: str) -> None:
    """Reject with a reason; that mentor is never proposed for the request again."""
    _pending(proposal)
    reason = check_text(reason, "reason", 1000)
    if not reason:
        raise DomainError(_l("Say why, for the audit trail."), "reason")
    proposal.state = ProposalState.REJECTED
    proposal.decided_by_id, proposal.decided_at = coordinator.id, utcnow()
    proposal.decision_reason = reason
    request = proposal.request
    request.state = RequestState.OPEN
    record(coordinator, "proposal_rejected", proposal.id, reason, mentor=proposal.mentor_id)
    db.session.flush()
    propose_best(request)


@dataclass(frozen=True)
class ProposedPair:
    request_id: int
    mentee: str
    mentor: str
    score: float
    reasons: dict


@dataclass(frozen=True)
class UnmatchedRequest:
    request_id: int
    mentee: str
    reason: str


@dataclass(frozen=True)
class Batch:
    """A batch run's proposals, how many peer circles it proposed, and the requests left
    unmatched with the reason."""

    id: str
    proposals: list[ProposedPair]
    unmatched: list[UnmatchedRequest]
    circles: int = 0


def run_batch_pairing(coordinator: Person | None, progress=None) -> Batch:
    """Propose the optimal pairing for everyone waiting; nothing is approved yet.

    Earlier pending proposals of the waiting requests are superseded by the new run.
    A fixed number of statements whatever the number of requests: the proposals are
    written in one bulk insert. The pairing only reads, and everything is written after
    it, so a long run holds no write lock while it solves (SQLite has one for the whole
    database) and its progress can be recorded beside it.
    """
    waiting = pair_waiting_requests(progress)
    _supersede_every_waiting_proposal()
    return _propose_batch(coordinator, waiting, with_circles=True)


def _propose_batch(
    coordinator: Person | None, waiting: WaitingBatch, with_circles: bool = False
) -> Batch:
    """Write the pairs as proposals and, ``with_circles``, propose peer circles for the
    group requests on the places the pairs leave."""
    by_mentee = {request.mentee_id: request for request in waiting.requests}
    batch_id = str(uuid.uuid4())
    taken = Counter(pair.mentor_id for pair in waiting.assignment.pairs)
    circles = (
        propose_batch_circles(batch_id, taken, date.today())
        if with_circles
        else ProposedCircles(0, [])
    )
    mentors = usernames_of(pair.mentor_id for pair in waiting.assignment.pairs)
    proposals = [
        ProposedPair(
            by_mentee[pair.mentee_id].id,
            by_mentee[pair.mentee_id].mentee,
            mentors[pair.mentor_id],
            pair.score,
            reasons_to_dict(pair.reasons),
        )
        for pair in waiting.assignment.pairs
    ]
    _insert_proposals(batch_id, proposals, waiting.assignment.pairs)
    reasons = {m: reason.value for m, reason in waiting.assignment.unmatched.items()}
    reasons |= dict.fromkeys(waiting.invalid, "invalid_profile")
    unmatched = sorted(
        [
            *(
                UnmatchedRequest(by_mentee[m].id, by_mentee[m].mentee, reason)
                for m, reason in reasons.items()
            ),
            *(UnmatchedRequest(*left_out) for left_out in circles.unmatched),
        ],
        key=lambda u: u.request_id,
    )
    record(
        coordinator,
        "batch_pairing",
        None,
        batch=batch_id,
        proposed=len(proposals),
        circles=circles.count,
        unmatched={str(u.request_id): u.reason for u in unmatched},
    )
    return Batch(batch_id, proposals, unmatched, circles.count)


QUEUE_PAGE_SIZE = 25


def waiting_queue(
    language: str | None, skill: str | None, waiting_days: int | None, page: int
) -> Pagination:
    """One page of the requests waiting for a mentor, oldest first, filtered; each with its
    mentee, languages and proposals loaded in a fixed number of queries (the mentors only
    to be named)."""
    query = (
        select(MentorRequest)
        .where(MentorRequest.state.in_(WAITING))
        .options(
            selectinload(MentorRequest.mentee).lazyload(Person.roles),
            names_only(selectinload(MentorRequest.preferred_mentor)),
            names_only(selectinload(MentorRequest.proposals).joinedload(MatchProposal.mentor)),
        )
        .order_by(MentorRequest.created_at, MentorRequest.id)
    )
    if language:
        speakers = select(PersonLanguage.person_id).where(PersonLanguage.code == language)
        query = query.where(MentorRequest.mentee_id.in_(speakers))
    if skill:
        query = query.where(cast(MentorRequest.skills, String).contains(f'"{skill}"'))
    if waiting_days:
        query = query.where(MentorRequest.created_at <= utcnow() - timedelta(days=waiting_days))
    return db.paginate(query, page=page, per_page=QUEUE_PAGE_SIZE, error_out=False)


@dataclass(frozen=True)
class BatchReview:
    """What a batch proposed, its record, and the requests it left unmatched with why."""

    event: ProgramEvent
    proposals: list[MatchProposal]
    unmatched: list[tuple[MentorRequest, str]]


def _batch_event(batch_id: str) -> ProgramEvent | None:
    return db.session.scalar(
        select(ProgramEvent).where(
            ProgramEvent.kind == "batch_pairing", ProgramEvent.data["batch"].as_string() == batch_id
        )
    )


def batch_review(batch_id: str) -> BatchReview | None:
    event = _batch_event(batch_id)
    if event is None:
        return None
    proposals = db.session.scalars(
        select(MatchProposal)
        .where(MatchProposal.batch_id == batch_id)
        .options(
            selectinload(MatchProposal.request).selectinload(MentorRequest.mentee),
            selectinload(MatchProposal.mentor),
        )
        .order_by(MatchProposal.score.desc(), MatchProposal.id)
    ).all()
    reasons = event.data.get("unmatched", {})
    unmatched = db.session.scalars(
        select(MentorRequest)
        .where(MentorRequest.id.in_([int(i) for i in reasons]))
        .options(selectinload(MentorRequest.mentee))
        .order_by(MentorRequest.id)
    ).all()
    return BatchReview(event, list(proposals), [(r, reasons[str(r.id)]) for r in unmatched])


@dataclass(frozen=True)
class BatchListing:
    """A batch as plain rows: each proposal's ``request_id, mentee, mentor, score,
    reasons`` and each unmatched request's ``request_id, mentee, reason``."""

    proposals: list[Row]
    unmatched: list[tuple[int, str, str]]


def batch_listing(batch_id: str) -> BatchListing | None:
    """What :func:`batch_review` holds, as columns rather than ORM objects: three queries
    and no object per row, for the command line's listing of a batch of any size."""
    event = _batch_event(batch_id)
    if event is None:
        return None
    mentee, mentor = aliased(Person), aliased(Person)
    proposals = db.session.execute(
        select(
            MatchProposal.request_id,
            mentee.username.label("mentee"),
            mentor.username.label("mentor"),
            MatchProposal.score,
            MatchProposal.reasons,
        )
        .join(MentorRequest, MentorRequest.id == MatchProposal.request_id)
        .join(mentee, mentee.id == MentorRequest.mentee_id)
        .join(mentor, mentor.id == MatchProposal.mentor_id)
        .where(MatchProposal.batch_id == batch_id)
        .order_by(MatchProposal.score.desc(), MatchProposal.id)
    ).all()
    return BatchListing(proposals, _unmatched_rows(batch_id, event.data.get("unmatched", {})))


def _unmatched_rows(batch_id: str, reasons: dict[str, str]) -> list[tuple[int, str, str]]:
    """The requests of ``reasons`` (id → why) with their mentees' names, by id. They are
    asked by their range of ids, not an ``IN`` list, which a large batch would take past
    PostgreSQL's limit on a statement's parameters; those the batch proposed a mentor for
    are left out by the database, not read to be dropped."""
    if not reasons:
        return []
    ids = [int(request_id) for request_id in reasons]
    proposed = select(MatchProposal.request_id).where(MatchProposal.batch_id == batch_id)
    rows = db.session.execute(
        select(MentorRequest.id, Person.username)
        .join(Person, Person.id == MentorRequest.mentee_id)
        .where(MentorRequest.id.between(min(ids), max(ids)), MentorRequest.id.not_in(proposed))
        .order_by(MentorRequest.id)
    )
    return [(row_id, name, reasons[str(row_id)]) for row_id, name in rows if str(row_id) in reasons]


def requests_of(person: Person) -> list[MentorRequest]:
    """A person's own requests, newest first, with their proposals' mentors."""
    return list(
        db.session.scalars(
            select(MentorRequest)
            .where(MentorRequest.mentee_id == person.id)
            .options(selectinload(MentorRequest.proposals).selectinload(MatchProposal.mentor))
            .order_by(MentorRequest.created_at.desc(), MentorRequest.id.desc())
        )
    )


def proposals_of_batch(batch_id: str) -> list[MatchProposal]:
    """A batch's proposals, in the order the batch made them."""
    return list(
        db.session.scalars(
            select(MatchProposal)
            .where(MatchProposal.batch_id == batch_id)
            .order_by(MatchProposal.id)
        )
    )


def _supersede_every_waiting_proposal() -> None:
    waiting = select(MentorRequest.id).where(MentorRequest.state.in_(WAITING))
    db.session.execute(
        update(MatchProposal)
        .where(MatchProposal.state == ProposalState.PENDING, MatchProposal.request_id.in_(waiting))
        .values(state=ProposalState.SUPERSEDED)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(MentorRequest)
        .where(MentorRequest.state == RequestState.PROPOSED)
        .values(state=RequestState.OPEN, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _insert_proposals(batch_id: str, proposals: list[ProposedPair], pairs) -> None:
    now = utcnow()
    insert_rows(
        MatchProposal,
        [
            {
                "request_id": proposal.request_id,
                "mentor_id": pair.mentor_id,
                "score": proposal.score,
                "reasons": proposal.reasons,
                "batch_id": batch_id,
                "state": ProposalState.PENDING,
                "created_at": now,
            }
            for proposal, pair in zip(proposals, pairs, strict=True)
        ],
    )
    proposed = select(MatchProposal.request_id).where(MatchProposal.batch_id == batch_id)
    db.session.execute(
        update(MentorRequest)
        .where(MentorRequest.id.in_(proposed))
        .values(state=RequestState.PROPOSED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def propose_successors(coordinator: Person | None, mentor: Person, progress=None) -> Batch:
    """A new request for each mentee of a leaving mentor, and successors proposed for all
    of them by one optimal assignment, so no mentor is proposed more mentees than they
    have places. A mentee who already has a request waiting keeps it."""
    rows = db.session.execute(
        select(Mentorship.mentee_id, Mentorship.goals, MentorRequest.skills)
        .outerjoin(MentorRequest, MentorRequest.id == Mentorship.request_id)
        .where(
            Mentorship.mentor_id == mentor.id,
            Mentorship.state != MentorshipState.ENDED,
            Mentorship.mentee_id.not_in(
                select(MentorRequest.mentee_id).where(MentorRequest.state.in_(WAITING))
            ),
        )
    ).all()
    new = [{"mentee_id": m, "skills": skills or [], "note": goals} for m, goals, skills in rows]
    request_ids = (
        list(db.session.scalars(insert(MentorRequest).returning(MentorRequest.id), new))
        if new
        else []
    )
    batch = _propose_batch(coordinator, pair_waiting_requests(progress, only=request_ids))
    record(coordinator, "succession_proposed", mentor.id, requests=request_ids, batch=batch.id)
    return batch
