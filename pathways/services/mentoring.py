"""Mentoring: what mentors offer, what volunteers ask, what coordinators decide.

Every public function is one action of one person; the caller wraps it in
:func:`pathways.services.transaction`. State changes follow DESIGN.md:

    MentorRequest: open → proposed → matched, or withdrawn; a rejection reopens it
    MatchProposal: pending → approved | rejected | superseded
    Mentorship:    active ⇄ paused (mentor away) → ended (with off-boarding)
"""

import uuid
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import func, select, update

from ..catalog import get_catalog
from ..extensions import db
from ..models import (
    CheckIn,
    MatchProposal,
    MentorOffer,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Offboarding,
    OffboardingTemplate,
    Person,
    ProblemReport,
    ProposalState,
    RequestState,
    RoleName,
    SkillStance,
    Stance,
    Term,
    ThankYou,
    utcnow,
)
from . import DomainError, NotAllowed, too_long
from .accounts import grant_role, lock_person
from .events import notify, path_for, record
from .matching import (
    WAITING,
    active_mentee_counts,
    bump_profile_version,
    is_away,
    offer_is_open,
    pair_waiting_requests,
    reasons_to_dict,
    suggest_mentors,
    waiting_requests,
)

MAX_CAPACITY = 10
MAX_TERM_DAYS = 366
BREAK_DAYS = 90
LONG_AWAY_DAYS = 30
MAX_REQUEST_SKILLS = 5
MAX_TEXT = 4000
ALREADY_DECIDED = {
    RequestState.MATCHED: _l("This request is already matched."),
    RequestState.WITHDRAWN: _l("This request is already withdrawn."),
    ProposalState.APPROVED: _l("This proposal is already approved."),
    ProposalState.REJECTED: _l("This proposal is already rejected."),
    ProposalState.SUPERSEDED: _l("This proposal was replaced by a newer one."),
}


# Mentor offers -------------------------------------------------------------------------


def _check_text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(too_long(limit), field)
    return value


def check_skill_ids(skill_ids: list[str], field: str) -> list[str]:
    catalog = get_catalog()
    unknown = [s for s in skill_ids if s not in catalog.skills]
    if unknown:
        raise DomainError(_l("Unknown skill: %(ids)s.", ids=", ".join(unknown)), field)
    return list(dict.fromkeys(skill_ids))


def offer_of(person: Person) -> MentorOffer | None:
    return db.session.scalar(select(MentorOffer).where(MentorOffer.person_id == person.id))


def mentee_count(mentor_id: int) -> int:
    return active_mentee_counts([mentor_id]).get(mentor_id, 0)


def _set_teachable_skills(person: Person, skill_ids: list[str]) -> None:
    """``can_teach`` for these skills; skills no longer taught stay known (confident)."""
    stances = {s.skill_id: s for s in person.stances}
    for skill_id, stance in stances.items():
        if stance.stance == Stance.CAN_TEACH and skill_id not in skill_ids:
            stance.stance = Stance.CONFIDENT
    for skill_id in skill_ids:
        if skill_id in stances:
            stances[skill_id].stance = Stance.CAN_TEACH
        else:
            person.stances.append(SkillStance(skill_id=skill_id, stance=Stance.CAN_TEACH))


def save_offer(
    person: Person,
    capacity: int,
    intro: str,
    wiki_projects: str,
    teach_skills: list[str],
    show_languages: bool = True,
    show_skills: bool = True,
    show_thanks: bool = True,
) -> MentorOffer:
    """Create or change a mentor's offer; offering makes the person a mentor."""
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(
            _ln(
                "Take between 1 and %(num)d mentee at once.",
                "Take between 1 and %(num)d mentees at once.",
                MAX_CAPACITY,
            ),
            "capacity",
        )
    if not teach_skills:
        raise DomainError(_l("Choose at least one skill you can teach."), "teach_skills")
    teach_skills = check_skill_ids(teach_skills, "teach_skills")
    lock_person(person)
    offer = offer_of(person) or MentorOffer(person_id=person.id)
    current = mentee_count(person.id) if offer.id else 0
    if capacity < current:
        raise DomainError(
            _ln(
                "You mentor %(num)d person now; capacity cannot be lower than that.",
                "You mentor %(num)d people now; capacity cannot be lower than that.",
                current,
            ),
            "capacity",
        )
    offer.capacity = capacity
    offer.intro = _check_text(intro, "intro")
    offer.wiki_projects = _check_text(wiki_projects, "wiki_projects", 255)
    offer.show_languages, offer.show_skills, offer.show_thanks = (
        show_languages,
        show_skills,
        show_thanks,
    )
    offer.retired_at = None
    db.session.add(offer)
    _set_teachable_skills(person, teach_skills)
    grant_role(person, RoleName.MENTOR)
    bump_profile_version()
    return offer


def _require_offer(person: Person) -> MentorOffer:
    offer = offer_of(person)
    if offer is None:
        raise DomainError(_l("Set up your mentor profile first."))
    return offer


def consecutive_terms(terms: list[Term]) -> int:
    """How many terms, ending with the last one, follow each other without a break."""
    ordered = sorted(terms, key=lambda t: t.starts_on)
    run = 1
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        run = run + 1 if (later.starts_on - earlier.ends_on).days < BREAK_DAYS else 1
    return run if ordered else 0


def add_term(person: Person, starts_on: date, ends_on: date) -> Term:
    """Sign up for a term; after too many in a row the program asks for a break.

    The offer's row lock makes concurrent sign-ups check against each other's terms.
    """
    offer = _lock_offer(_require_offer(person).person_id)
    db.session.expire(offer, ["terms"])
    if ends_on <= starts_on:
        raise DomainError(_l("A term ends after it starts."), "ends_on")
    if (ends_on - starts_on).days > MAX_TERM_DAYS:
        raise DomainError(_l("A term lasts one year at most."), "ends_on")
    if any(t.starts_on <= ends_on and starts_on <= t.ends_on for t in offer.terms):
        raise DomainError(_l("This term overlaps one you already have."), "starts_on")
    term = Term(starts_on=starts_on, ends_on=ends_on)
    limit = current_app.config["MAX_CONSECUTIVE_TERMS"]
    if consecutive_terms([*offer.terms, term]) > limit:
        raise DomainError(
            _l(
                "After %(terms)s in a row, take a break of %(days)s before the next one.",
                terms=_ln("%(num)d term", "%(num)d terms", limit),
                days=_ln("%(num)d day", "%(num)d days", BREAK_DAYS),
            ),
            "starts_on",
        )
    offer.terms.append(term)
    bump_profile_version()
    return term


def _active_mentorships(mentor_id: int) -> list[Mentorship]:
    return list(
        db.session.scalars(
            select(Mentorship).where(
                Mentorship.mentor_id == mentor_id, Mentorship.state != MentorshipState.ENDED
            )
        )
    )


def _coordinators() -> list[Person]:
    return list(
        db.session.scalars(
            select(Person).where(
                Person.deleted_at.is_(None),
                Person.roles.any(role=RoleName.COORDINATOR),
            )
        )
    )


def go_away(person: Person, until: date | None, reason: str, today: date) -> None:
    """A wiki-break: no new mentees; current mentorships pause and mentees are told."""
    offer = _require_offer(person)
    if until is not None and until < today:
        raise DomainError(_l("The return date is in the past."), "away_until")
    offer.away_from, offer.away_until = today, until
    offer.away_reason = _check_text(reason, "away_reason", 255)
    for mentorship in _active_mentorships(person.id):
        mentorship.state = MentorshipState.PAUSED
        notify(
            mentorship.mentee,
            "mentor_away",
            _mentorship_link(mentorship),
            mentor=person.username,
            until=until.isoformat() if until else None,
        )
    if until is None or (until - today).days > LONG_AWAY_DAYS:
        _flag_for_succession(person, "mentor_long_away")
    record(person, "mentor_away", person.id, offer.away_reason, until=str(until))
    bump_profile_version()


def come_back(person: Person) -> None:
    offer = _require_offer(person)
    offer.away_from = offer.away_until = offer.away_reason = None
    for mentorship in _active_mentorships(person.id):
        mentorship.state = MentorshipState.ACTIVE
        notify(
            mentorship.mentee, "mentor_back", _mentorship_link(mentorship), mentor=person.username
        )
    record(person, "mentor_back", person.id)
    bump_profile_version()


def retire(person: Person, reason: str) -> None:
    """A mentor leaves the program; coordinators are asked to find successors."""
    offer = _require_offer(person)
    offer.retired_at = utcnow()
    record(person, "mentor_retired", person.id, _check_text(reason, "reason"))
    _flag_for_succession(person, "mentor_retired")
    bump_profile_version()


def _flag_for_succession(mentor: Person, kind: str) -> None:
    if not _active_mentorships(mentor.id):
        return
    for coordinator in _coordinators():
        notify(
            coordinator,
            kind,
            path_for("coordinators.succession", mentor_id=mentor.id),
            mentor=mentor.username,
        )


def mentors_needing_successors(today: date) -> list[MentorOffer]:
    """Mentors who left, or are away for long, and still hold mentees."""
    held = select(Mentorship.mentor_id).where(Mentorship.state != MentorshipState.ENDED)
    offers = db.session.scalars(select(MentorOffer).where(MentorOffer.person_id.in_(held)))
    long_away = today + timedelta(days=LONG_AWAY_DAYS)
    return [
        o
        for o in offers
        if o.retired_at is not None
        or (is_away(o, today) and (o.away_until is None or o.away_until > long_away))
    ]


# Requests and proposals ----------------------------------------------------------------


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
        raise DomainError(
            _ln(
                "Choose at most %(num)d skill.",
                "Choose at most %(num)d skills.",
                MAX_REQUEST_SKILLS,
            ),
            "skills",
        )
    if preferred_mentor_id is not None:
        preferred = db.session.get(Person, preferred_mentor_id)
        if preferred is None or preferred.id == person.id or offer_of(preferred) is None:
            raise DomainError(_l("This person is not a mentor."), "preferred_mentor")
    request = MentorRequest(
        mentee=person,
        skills=check_skill_ids(skills, "skills"),
        note=_check_text(note, "note"),
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


def _lock_offer(mentor_id: int) -> MentorOffer:
    """Take the mentor's row lock before counting, so concurrent approvals queue up.

    The UPDATE takes the row lock on PostgreSQL and the write lock on SQLite; every
    count read after it sees the other transaction's committed mentorships.
    """
    db.session.execute(
        update(MentorOffer)
        .where(MentorOffer.person_id == mentor_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    offer = db.session.scalar(
        select(MentorOffer)
        .where(MentorOffer.person_id == mentor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if offer is None:
        raise DomainError(_l("This person no longer mentors."), "mentor")
    return offer


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
            _ln(
                "%(name)s has no free place left (%(num)d of %(num)d).",
                "%(name)s has no free place left (%(num)d of %(num)d).",
                offer.capacity,
                name=offer.person.username,
            )
        )
    return held + 1


def approve_proposal(coordinator: Person, proposal: MatchProposal, today: date) -> Mentorship:
    """Approve a pair: re-check capacity, away and term under the mentor's lock."""
    _pending(proposal)
    request = proposal.request
    _claim_request(request, RequestState.MATCHED)
    offer = _lock_offer(proposal.mentor_id)
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
    link = _mentorship_link(mentorship)
    notify(request.mentee, "matched", link, other=proposal.mentor.username)
    notify(proposal.mentor, "matched", link, other=request.mentee.username)
    bump_profile_version()
    return mentorship


def reject_proposal(coordinator: Person, proposal: MatchProposal, reason: str) -> None:
    """Reject with a reason; that mentor is never proposed for the request again."""
    _pending(proposal)
    reason = _check_text(reason, "reason", 1000)
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


# The mentorship ------------------------------------------------------------------------


def _mentorship_link(mentorship: Mentorship) -> str:
    return path_for("mentorships.show", mentorship_id=mentorship.id)


def is_party(person: Person, mentorship: Mentorship) -> bool:
    return person.id in (mentorship.mentor_id, mentorship.mentee_id)


def can_view(person: Person, mentorship: Mentorship) -> bool:
    return is_party(person, mentorship) or person.has_role(RoleName.COORDINATOR)


def _require_party(person: Person, mentorship: Mentorship) -> None:
    if not is_party(person, mentorship):
        raise NotAllowed(_l("Only the mentor and the mentee can do this."))


def _require_not_ended(mentorship: Mentorship) -> None:
    if mentorship.state == MentorshipState.ENDED:
        raise DomainError(_l("This mentorship has ended."))


def _other_party(person: Person, mentorship: Mentorship) -> Person:
    return mentorship.mentee if person.id == mentorship.mentor_id else mentorship.mentor


def save_agreement(
    person: Person, mentorship: Mentorship, goals: str, expectations: str, every_days: int
) -> None:
    """Write the agreement; any change asks both sides to confirm it again."""
    _require_party(person, mentorship)
    _require_not_ended(mentorship)
    if not 1 <= every_days <= 90:
        raise DomainError(_l("Check in every 1 to 90 days."), "checkin_every_days")
    mentorship.goals = _check_text(goals, "goals")
    mentorship.expectations = _check_text(expectations, "expectations")
    mentorship.checkin_every_days = every_days
    mentorship.agreed_by_mentor_at = mentorship.agreed_by_mentee_at = None
    _confirm(person, mentorship)
    notify(
        _other_party(person, mentorship),
        "agreement_changed",
        _mentorship_link(mentorship),
        other=person.username,
    )


def _confirm(person: Person, mentorship: Mentorship) -> None:
    if person.id == mentorship.mentor_id:
        mentorship.agreed_by_mentor_at = utcnow()
    else:
        mentorship.agreed_by_mentee_at = utcnow()


def confirm_agreement(person: Person, mentorship: Mentorship) -> None:
    _require_party(person, mentorship)
    _require_not_ended(mentorship)
    if not mentorship.goals:
        raise DomainError(_l("Write down the goals first."), "goals")
    _confirm(person, mentorship)


def mentoring_minutes(mentor_id: int) -> int:
    """Minutes logged in the check-ins of all of a mentor's mentorships (for stipends)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(CheckIn.minutes), 0))
        .join(CheckIn.mentorship)
        .where(Mentorship.mentor_id == mentor_id)
    )


def log_checkin(
    person: Person,
    mentorship: Mentorship,
    happened_on: date,
    minutes: int,
    notes: str,
    today: date,
) -> None:
    _require_party(person, mentorship)
    _require_not_ended(mentorship)
    if happened_on > today:
        raise DomainError(_l("A check-in cannot be in the future."), "happened_on")
    if happened_on < mentorship.started_at.date():
        raise DomainError(_l("This date is before the mentorship started."), "happened_on")
    if not 0 <= minutes <= 24 * 60:
        raise DomainError(_l("Minutes run from 0 to 1440."), "minutes")
    mentorship.checkins.append(
        CheckIn(
            author_id=person.id,
            happened_on=happened_on,
            minutes=minutes,
            notes=_check_text(notes, "notes"),
        )
    )
    notify(
        _other_party(person, mentorship),
        "checkin_logged",
        _mentorship_link(mentorship),
        other=person.username,
    )


DEFAULT_OFFBOARDING_QUESTIONS = (
    {"key": "learned", "label": "What was learned?"},
    {"key": "handed_on", "label": "What is handed on, and to whom?"},
    {"key": "open_threads", "label": "Which threads are still open?"},
)


def offboarding_questions() -> list[dict]:
    """The coordinators' current off-boarding template."""
    template = db.session.scalar(select(OffboardingTemplate).order_by(OffboardingTemplate.id))
    return (
        list(template.questions) if template else [dict(q) for q in DEFAULT_OFFBOARDING_QUESTIONS]
    )


def save_offboarding_template(coordinator: Person, labels: list[str]) -> None:
    """Replace the questions; keys stay stable for questions whose position is unchanged."""
    labels = [_check_text(label, "questions", 300) for label in labels if label.strip()]
    if not labels:
        raise DomainError(_l("Keep at least one question."), "questions")
    template = db.session.scalar(select(OffboardingTemplate).order_by(OffboardingTemplate.id))
    if template is None:
        template = OffboardingTemplate()
        db.session.add(template)
    template.questions = [{"key": f"q{i}", "label": label} for i, label in enumerate(labels, 1)]
    template.updated_by_id = coordinator.id
    record(coordinator, "offboarding_template_changed", None, questions=len(labels))


def end_mentorship(person: Person, mentorship: Mentorship, reason: str, answers: dict) -> None:
    """A graceful end by either side or a coordinator, with the off-boarding record."""
    if not can_view(person, mentorship):
        raise NotAllowed(_l("Only the mentor, the mentee or a coordinator can end this."))
    _require_not_ended(mentorship)
    questions = offboarding_questions()
    mentorship.offboarding = Offboarding(
        author_id=person.id,
        answers={q["label"]: _check_text(answers.get(q["key"], ""), q["key"]) for q in questions},
    )
    mentorship.state = MentorshipState.ENDED
    mentorship.ended_at = utcnow()
    mentorship.ended_by_id = person.id
    mentorship.end_reason = _check_text(reason, "reason", 1000)
    offer = offer_of(mentorship.mentor)
    if offer is not None:
        offer.full_since = None
    record(person, "mentorship_ended", mentorship.id, mentorship.end_reason)
    for party in (mentorship.mentor, mentorship.mentee):
        if party.id != person.id:
            notify(party, "mentorship_ended", _mentorship_link(mentorship), other=person.username)
    bump_profile_version()


def report_problem(person: Person, mentorship: Mentorship, text: str) -> ProblemReport:
    """A private report that only coordinators read."""
    _require_party(person, mentorship)
    text = _check_text(text, "text")
    if not text:
        raise DomainError(_l("Describe the problem."), "text")
    report = ProblemReport(mentorship_id=mentorship.id, reporter_id=person.id, text=text)
    db.session.add(report)
    db.session.flush()
    for coordinator in _coordinators():
        notify(coordinator, "problem_reported", path_for("coordinators.reports"))
    record(person, "problem_reported", report.id)
    return report


def send_thanks(sender: Person, mentor: Person, message: str) -> ThankYou:
    """A thank-you from a mentee of this mentor, or from a coordinator."""
    mentored = db.session.scalar(
        select(func.count())
        .select_from(Mentorship)
        .where(Mentorship.mentor_id == mentor.id, Mentorship.mentee_id == sender.id)
    )
    if sender.id == mentor.id or (not mentored and not sender.has_role(RoleName.COORDINATOR)):
        raise NotAllowed(_l("Only this mentor's mentees and coordinators can thank them here."))
    message = _check_text(message, "message", 1000)
    if not message:
        raise DomainError(_l("Write a few words."), "message")
    thanks = ThankYou(mentor_id=mentor.id, sender_id=sender.id, message=message)
    db.session.add(thanks)
    notify(
        mentor, "thanked", path_for("mentors.profile", person_id=mentor.id), other=sender.username
    )
    return thanks


def propose_successors(coordinator: Person, mentor: Person) -> list[MentorRequest]:
    """For each mentee of a leaving mentor, a new request with a proposed successor."""
    requests = []
    for mentorship in _active_mentorships(mentor.id):
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


def resolve_report(coordinator: Person, report: ProblemReport) -> None:
    if report.resolved_at is not None:
        raise DomainError(_l("This report is already resolved."))
    report.resolved_at = utcnow()
    record(coordinator, "problem_resolved", report.id)
