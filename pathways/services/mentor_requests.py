"""Mentor requests and proposals: a volunteer asks, the matcher proposes, a coordinator
approves or rejects; batch pairing and succession propose many at once. One function per
action; the caller wraps it in :func:`pathways.services.transaction`.

    MentorRequest: open → proposed → matched, or withdrawn; a rejection reopens it
    MatchProposal: pending → approved | rejected | superseded
"""

import uuid
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..extensions import db
from ..models import (
    MatchProposal,
    MentorOffer,
    MentorRequest,
    Mentorship,
    Person,
    ProposalState,
    RequestState,
    utcnow,
)
from . import DomainError, NotAllowed
from .accounts import lock_person
from .events import notify, record
from .matching import (
    WAITING,
    bump_profile_version,
    is_away,
    offer_is_open,
    pair_waiting_requests,
    reasons_to_dict,
    suggest_mentors,
    waiting_requests,
)
from .offers import active_mentorships, lock_offer, mentee_count, offer_of
from .rules import MAX_REQUEST_SKILLS, check_skill_ids, check_text

ALREADY_DECIDED = {
    RequestState.MATCHED: _l("This request is already matched."),
    RequestState.WITHDRAWN: _l("This request is already withdrawn."),
    ProposalState.APPROVED: _l("This proposal is already approved."),
    ProposalState.REJECTED: _l("This proposal is already rejected."),
    ProposalState.SUPERSEDED: _l("This proposal was replaced by a newer one."),
}


def open_request_of(person: Person) -> MentorRequest | None:
    return db.session.scalar(
        select(MentorRequest).where(
            MentorRequest.mentee_id == person.id, MentorRequest.state.in_(WAITING)
        )
    )


def request_mentor(
    person: Person, skills: list[str], note: str, preferred_mentor_id: int | None = None
) -> MentorRequest:
    """Ask for a mentor; the best match is proposed at once for a coordinator to review.

    The person's row lock makes a second, simultaneous request see the first one.
    """
    lock_person(person)
    if open_request_of(person) is not None:
        raise DomainError(_l("You already have a request waiting."))
    if not skills:
        raise DomainError(_l("Choose at least one skill."), "skills")
    if len(skills) > MAX_REQUEST_SKILLS:
        raise DomainError(_l("Choose at most %(n)d skills.", n=MAX_REQUEST_SKILLS), "skills")
    if preferred_mentor_id is not None:
        preferred = db.session.get(Person, preferred_mentor_id)
        if preferred is None or preferred.id == person.id or offer_of(preferred) is None:
            raise DomainError(_l("This person is not a mentor."), "preferred_mentor")
    request = MentorRequest(
        mentee=person,
        skills=check_skill_ids(skills, "skills"),
        note=check_text(note, "note"),
        preferred_mentor_id=preferred_mentor_id,
    )
    db.session.add(request)
    db.session.flush()
    record(person, "request_made", request.id, skills=request.skills)
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


def propose_mentor(coordinator: Person, request: MentorRequest, mentor: Person) -> MatchProposal:
    """A coordinator picks another mentor; hard rules still apply."""
    if request.state not in WAITING:
        raise DomainError(_l("This request is no longer waiting."), "request")
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


def _check_can_take_one_more(offer: MentorOffer, today: date) -> int:
    if offer.retired_at is not None:
        raise DomainError(_l("%(name)s has left mentoring.", name=offer.person.username))
    if is_away(offer, today):
        raise DomainError(_l("%(name)s is away on a wiki-break.", name=offer.person.username))
    if not offer_is_open(offer, today):
        raise DomainError(_l("%(name)s has no current term.", name=offer.person.username))
    held = mentee_count(offer.person_id)
    if held >= offer.capacity:
        raise DomainError(
            _l(
                "%(name)s has no free place left (%(n)d of %(n)d).",
                name=offer.person.username,
                n=offer.capacity,
            )
        )
    return held + 1


def approve_proposal(coordinator: Person, proposal: MatchProposal, today: date) -> Mentorship:
    """Approve a pair: re-check capacity, away and term under the mentor's lock."""
    _pending(proposal)
    request = proposal.request
    _claim_request(request, RequestState.MATCHED)
    offer = lock_offer(proposal.mentor_id)
    held = _check_can_take_one_more(offer, today)
    if held == offer.capacity:
        offer.full_since = utcnow()
    proposal.state = ProposalState.APPROVED
    proposal.decided_by_id, proposal.decided_at = coordinator.id, utcnow()
    _supersede_pending(request, keep=proposal)
    mentorship = Mentorship(
        mentor_id=proposal.mentor_id, mentee_id=request.mentee_id, request_id=request.id
    )
    db.session.add(mentorship)
    db.session.flush()
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


def run_batch_pairing(coordinator: Person | None, progress=None) -> dict:
    """Propose the optimal pairing for everyone waiting; nothing is approved yet.

    Earlier pending proposals of these requests are superseded by the new run.
    Returns the batch id, the new proposals and each unmatched mentee's reason.
    """
    requests = {r.mentee_id: r for r in waiting_requests()}
    assignment, invalid = pair_waiting_requests(list(requests.values()), progress)
    batch_id = str(uuid.uuid4())
    mentors = {
        p.id: p
        for p in db.session.scalars(
            select(Person).where(Person.id.in_([pair.mentor_id for pair in assignment.pairs]))
        )
    }
    proposals = []
    for request in requests.values():
        _supersede_pending(request)
        request.state = RequestState.OPEN
    for pair in assignment.pairs:
        request = requests[pair.mentee_id]
        proposals.append(
            _add_proposal(
                request,
                mentors[pair.mentor_id],
                pair.score,
                reasons_to_dict(pair.reasons),
                batch_id,
            )
        )
    unmatched = {requests[m].id: reason.value for m, reason in assignment.unmatched.items()}
    unmatched |= {requests[m].id: "invalid_profile" for m in invalid}
    record(
        coordinator,
        "batch_pairing",
        None,
        batch=batch_id,
        proposed=len(proposals),
        unmatched={str(request_id): reason for request_id, reason in unmatched.items()},
    )
    return {"batch_id": batch_id, "proposals": proposals, "unmatched": unmatched}


def propose_successors(coordinator: Person, mentor: Person) -> list[MentorRequest]:
    """For each mentee of a leaving mentor, a new request with a proposed successor."""
    requests = []
    for mentorship in active_mentorships(mentor.id):
        mentee = mentorship.mentee
        if open_request_of(mentee) is not None:
            continue
        request = MentorRequest(
            mentee=mentee,
            skills=_request_skills(mentorship),
            note=mentorship.goals,
        )
        db.session.add(request)
        db.session.flush()
        propose_best(request)
        requests.append(request)
    record(coordinator, "succession_proposed", mentor.id, requests=[r.id for r in requests])
    return requests


def _request_skills(mentorship: Mentorship) -> list[str]:
    original = (
        db.session.get(MentorRequest, mentorship.request_id) if mentorship.request_id else None
    )
    return list(original.skills) if original else []
