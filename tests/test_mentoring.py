"""The mentoring services: rules, state changes, and what a refusal leaves behind."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import (
    MatchProposal,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Notification,
    ProgramEvent,
    ProposalState,
    RequestState,
    RoleName,
    utcnow,
)
from pathways.services import DomainError, NotAllowed, mentor_requests, offers, rules, transaction
from tests.helpers import count

TODAY = date.today()


def ask(person, skills=("referencing",), note="I want to cite sources well", preferred=None):
    with transaction():
        return mentor_requests.request_mentor(person, list(skills), note, preferred)


def pending(request) -> MatchProposal:
    (proposal,) = [p for p in request.proposals if p.state == ProposalState.PENDING]
    return proposal


def approve(coordinator, proposal):
    with transaction():
        return mentor_requests.approve_proposal(coordinator, proposal, TODAY)


@pytest.fixture
def coordinator(make_person):
    return make_person(RoleName.COORDINATOR, username="coord")


@pytest.mark.parametrize(
    ("capacity", "skills", "field"),
    [
        (0, ["referencing"], "capacity"),
        (-1, ["referencing"], "capacity"),
        (11, ["referencing"], "capacity"),
        (2, [], "teach_skills"),
        (2, ["no-such-skill"], "teach_skills"),
    ],
)
def test_save_offer_refuses_bad_input(make_person, capacity, skills, field):
    person = make_person()
    with pytest.raises(DomainError) as refused, transaction():
        offers.save_offer(person, capacity, "", "", skills)
    assert refused.value.field == field
    assert offers.offer_of(person) is None


def test_capacity_cannot_drop_below_current_mentees(make_mentor, make_person, coordinator):
    mentor = make_mentor(capacity=2)
    for _ in range(2):
        approve(coordinator, pending(ask(make_person())))
    with pytest.raises(DomainError) as refused, transaction():
        offers.save_offer(mentor, 1, "", "", ["referencing"])
    assert refused.value.field == "capacity"
    assert offers.offer_of(mentor).capacity == 2


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (TODAY + timedelta(days=400), TODAY + timedelta(days=399), "ends_on"),
        (TODAY + timedelta(days=400), TODAY + timedelta(days=400 + 400), "ends_on"),
        (TODAY + timedelta(days=10), TODAY + timedelta(days=20), "starts_on"),
    ],
)
def test_add_term_refuses_bad_dates(make_mentor, start, end, field):
    mentor = make_mentor()
    with pytest.raises(DomainError) as refused, transaction():
        offers.add_term(mentor, start, end)
    assert refused.value.field == field
    assert len(offers.offer_of(mentor).terms) == 1


def test_consecutive_term_limit_asks_for_a_break(make_mentor, app):
    app.config["MAX_CONSECUTIVE_TERMS"] = 2
    mentor = make_mentor()
    first_end = offers.offer_of(mentor).terms[0].ends_on
    second = (first_end + timedelta(days=1), first_end + timedelta(days=300))
    with transaction():
        offers.add_term(mentor, *second)
    third_start = second[1] + timedelta(days=1)
    with pytest.raises(DomainError, match="take a break") as refused, transaction():
        offers.add_term(mentor, third_start, third_start + timedelta(days=100))
    assert refused.value.field == "starts_on"
    after_break = second[1] + timedelta(days=rules.BREAK_DAYS + 1)
    with transaction():
        offers.add_term(mentor, after_break, after_break + timedelta(days=100))
    assert len(offers.offer_of(mentor).terms) == 3


def test_request_proposes_the_mentor_who_teaches_the_skill(make_mentor, make_person):
    make_mentor(skills=("running-events",), username="organizer")
    teacher = make_mentor(skills=("referencing", "using-sandbox"), username="teacher")
    request = ask(make_person())
    assert request.state == RequestState.PROPOSED
    proposal = pending(request)
    assert proposal.mentor_id == teacher.id
    assert "referencing" in proposal.reasons["shared_skills"]


def test_preferred_mentor_is_proposed_when_eligible(make_mentor, make_person):
    best = make_mentor(skills=("referencing",), username="best", intro="cite sources well")
    other = make_mentor(skills=("referencing",), username="other")
    assert pending(ask(make_person())).mentor_id == best.id
    request = ask(make_person(), preferred=other.id)
    assert pending(request).mentor_id == other.id


def test_no_shared_language_leaves_request_open(make_mentor, make_person):
    make_mentor(languages=("fr",))
    request = ask(make_person(languages=("ja",)))
    assert request.state == RequestState.OPEN
    assert request.proposals == []


@pytest.mark.parametrize(
    ("skills", "field"),
    [([], "skills"), (["nope"], "skills"), (["referencing"] * 2 + ["a", "b", "c", "d"], "skills")],
)
def test_request_refuses_bad_skills(make_person, skills, field):
    with pytest.raises(DomainError) as refused, transaction():
        mentor_requests.request_mentor(make_person(), skills, "", None)
    assert refused.value.field == field
    assert count(MentorRequest) == 0


def test_one_open_request_per_volunteer(make_mentor, make_person):
    make_mentor()
    volunteer = make_person()
    ask(volunteer)
    with pytest.raises(DomainError, match="already have a request"), transaction():
        mentor_requests.request_mentor(volunteer, ["referencing"], "", None)
    assert count(MentorRequest) == 1


def test_approve_pairs_them_notifies_both_and_audits(make_mentor, make_person, coordinator):
    mentor = make_mentor()
    volunteer = make_person()
    request = ask(volunteer)
    mentorship = approve(coordinator, pending(request))
    assert (mentorship.mentor_id, mentorship.mentee_id) == (mentor.id, volunteer.id)
    assert request.state == RequestState.MATCHED
    assert pending_states(request) == [ProposalState.APPROVED]
    notified = set(db.session.scalars(select(Notification.person_id)))
    assert notified == {mentor.id, volunteer.id}
    event = db.session.scalar(select(ProgramEvent).where(ProgramEvent.kind == "proposal_approved"))
    assert event.actor_id == coordinator.id


def pending_states(request):
    return [p.state for p in request.proposals]


def test_approving_twice_is_refused(make_mentor, make_person, coordinator):
    make_mentor()
    request = ask(make_person())
    proposal = pending(request)
    approve(coordinator, proposal)
    with pytest.raises(DomainError, match="already approved"):
        approve(coordinator, proposal)
    assert count(Mentorship) == 1


def test_approval_rechecks_capacity(make_mentor, make_person, coordinator):
    make_mentor(capacity=1)
    first, second = ask(make_person()), ask(make_person())
    approve(coordinator, pending(first))
    with pytest.raises(DomainError, match="no free place"):
        approve(coordinator, pending(second))
    assert count(Mentorship) == 1
    db.session.refresh(second)
    assert second.state == RequestState.PROPOSED


def test_approval_rechecks_away_and_term(make_mentor, make_person, coordinator):
    mentor = make_mentor()
    request = ask(make_person())
    with transaction():
        offers.go_away(mentor, TODAY + timedelta(days=5), "holiday", TODAY)
    with pytest.raises(DomainError, match="wiki-break"):
        approve(coordinator, pending(request))
    with transaction():
        offers.come_back(mentor, TODAY)
        offers.offer_of(mentor).terms[0].ends_on = TODAY - timedelta(days=1)
    with pytest.raises(DomainError, match="no current term"):
        approve(coordinator, pending(request))
    assert count(Mentorship) == 0


def test_reject_needs_a_reason_then_proposes_the_next_mentor(make_mentor, make_person, coordinator):
    make_mentor(skills=("referencing",), username="first")
    make_mentor(skills=("referencing",), username="second", intro="sources")
    request = ask(make_person())
    proposal = pending(request)
    with pytest.raises(DomainError) as refused, transaction():
        mentor_requests.reject_proposal(coordinator, proposal, "  ")
    assert refused.value.field == "reason"
    with transaction():
        mentor_requests.reject_proposal(coordinator, proposal, "Same wiki conflict before")
    replacement = pending(request)
    assert replacement.mentor_id != proposal.mentor_id
    assert request.state == RequestState.PROPOSED


def test_rejected_mentor_is_never_proposed_again(make_mentor, make_person, coordinator):
    make_mentor()
    request = ask(make_person())
    with transaction():
        mentor_requests.reject_proposal(coordinator, pending(request), "no")
    assert request.state == RequestState.OPEN
    with pytest.raises(DomainError, match="cannot take this mentee"), transaction():
        mentor_requests.propose_mentor(coordinator, request, request.proposals[0].mentor)


def test_withdraw_only_own_request_and_not_twice(make_mentor, make_person, coordinator):
    make_mentor()
    volunteer = make_person()
    request = ask(volunteer)
    with pytest.raises(NotAllowed), transaction():
        mentor_requests.withdraw_request(make_person(), request)
    with transaction():
        mentor_requests.withdraw_request(volunteer, request)
    assert request.state == RequestState.WITHDRAWN
    with pytest.raises(DomainError, match="already withdrawn"), transaction():
        mentor_requests.withdraw_request(volunteer, request)
    with pytest.raises(DomainError):
        approve(coordinator, request.proposals[0])


def test_batch_pairing_respects_capacity_and_reports_unmatched(make_mentor, make_person):
    make_mentor(capacity=2)
    requests = [ask(make_person()) for _ in range(3)]
    stranger = ask(make_person(languages=("ja",)))
    with transaction():
        result = mentor_requests.run_batch_pairing(None)
    assert len(result.proposals) == 2
    unmatched = {u.request_id: u.reason for u in result.unmatched}
    assert unmatched[stranger.id] == "no_shared_language"
    unmatched_ids = set(unmatched) - {stranger.id}
    assert len(unmatched_ids) == 1 and unmatched_ids < {r.id for r in requests}
    assert unmatched[unmatched_ids.pop()] == "no_capacity"
    superseded = db.session.scalar(
        select(func.count())
        .select_from(MatchProposal)
        .where(MatchProposal.state == ProposalState.SUPERSEDED)
    )
    assert superseded == 3


def test_wiki_break_pauses_mentorships_and_flags_long_absence(
    make_mentor, make_person, coordinator
):
    mentor = make_mentor()
    volunteer = make_person()
    mentorship = approve(coordinator, pending(ask(volunteer)))
    with transaction():
        offers.go_away(mentor, None, "exams", TODAY)
    assert mentorship.state == MentorshipState.PAUSED
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert {"mentor_away", "mentor_long_away"} <= kinds
    assert [o.person_id for o in offers.mentors_needing_successors(TODAY)] == [mentor.id]
    with transaction():
        offers.come_back(mentor, TODAY)
    assert mentorship.state == MentorshipState.ACTIVE
    assert offers.mentors_needing_successors(TODAY) == []


@pytest.mark.parametrize(
    ("retired", "away_from", "away_until", "needs"),
    [
        (False, None, None, False),
        (True, None, None, True),
        (False, TODAY, None, True),
        (False, TODAY - timedelta(days=3), TODAY + timedelta(days=31), True),
        (False, TODAY, TODAY + timedelta(days=30), False),
        (False, TODAY + timedelta(days=1), None, False),
        (False, TODAY - timedelta(days=9), TODAY - timedelta(days=1), False),
    ],
)
def test_a_mentor_holding_mentees_needs_a_successor_once_left_or_away_for_long(
    make_mentor, make_person, coordinator, retired, away_from, away_until, needs
):
    mentor = make_mentor()
    approve(coordinator, pending(ask(make_person())))
    offer = offers.offer_of(mentor)
    offer.retired_at = utcnow() if retired else None
    offer.away_from, offer.away_until = away_from, away_until
    db.session.commit()
    assert [o.person_id for o in offers.mentors_needing_successors(TODAY)] == (
        [mentor.id] if needs else []
    )


def test_going_away_with_a_past_return_date_is_refused(make_mentor):
    mentor = make_mentor()
    with pytest.raises(DomainError) as refused, transaction():
        offers.go_away(mentor, TODAY - timedelta(days=1), "", TODAY)
    assert refused.value.field == "away_until"
    assert offers.offer_of(mentor).away_from is None


def test_succession_proposes_a_new_mentor_for_each_mentee(make_mentor, make_person, coordinator):
    leaving = make_mentor(username="leaving")
    successor = make_mentor(username="successor")
    approve(coordinator, pending(ask(make_person())))
    mentorship = db.session.scalar(select(Mentorship))
    assert mentorship.mentor_id in {leaving.id, successor.id}
    old = db.session.get(type(leaving), mentorship.mentor_id)
    with transaction():
        offers.retire(old, "moving on")
        batch = mentor_requests.propose_successors(coordinator, old)
    (proposal,) = mentor_requests.proposals_of_batch(batch.id)
    assert proposal.mentor_id != old.id
    assert proposal.request.mentee_id == mentorship.mentee_id
    assert [p.mentor for p in batch.proposals] == [proposal.mentor.username]


def test_a_mentor_who_adds_a_language_is_suggested_at_once(make_mentor, make_person):
    from pathways.services import accounts
    from pathways.services.matching import suggest_mentors

    mentor = make_mentor(languages=("en",))
    draft = MentorRequest(mentee=make_person(languages=("es",)), skills=["referencing"], note="")
    assert suggest_mentors(draft) == []
    with transaction():
        accounts.update_settings(mentor, None, None, "UTC", ["en", "es"])
    assert [s.mentor.id for s in suggest_mentors(draft)] == [mentor.id]
