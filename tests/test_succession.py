"""Succession that keeps the rules: the batch solver proposes successors within capacity,
approving one ends the old mentorship in the same transaction, and a mentee never has
two current mentorships (the database refuses it on every dialect)."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import (
    Mentorship,
    MentorshipState,
    Notification,
    ProgramEvent,
    RoleName,
)
from pathways.services import DomainError, mentor_requests, offers, transaction
from tests.helpers import sign_in
from tests.test_mentoring import approve, ask, pending

TODAY = date.today()


@pytest.fixture
def coordinator(make_person):
    return make_person(RoleName.COORDINATOR, username="coord")


def current_mentorships(mentee_id: int) -> list[Mentorship]:
    return list(
        db.session.scalars(
            select(Mentorship).where(
                Mentorship.mentee_id == mentee_id, Mentorship.state != MentorshipState.ENDED
            )
        )
    )


def mentees_of(mentor, coordinator, make_person, n: int) -> list:
    """``n`` new mentees paired with ``mentor`` (the only mentor with a place)."""
    mentees = [make_person(username=f"mentee{i}") for i in range(n)]
    for mentee in mentees:
        proposal = pending(ask(mentee))
        assert proposal.mentor_id == mentor.id
        approve(coordinator, proposal)
    return mentees


@pytest.fixture
def paired(make_mentor, make_person, coordinator):
    """A mentor with one mentee, then another mentor with free places."""
    mentor = make_mentor(username="first")
    (mentee,) = mentees_of(mentor, coordinator, make_person, 1)
    return mentor, mentee, make_mentor(username="other")


def test_retiring_a_mentor_of_three_with_two_free_places_elsewhere(
    make_mentor, make_person, coordinator
):
    leaving = make_mentor(username="leaving", capacity=3)
    mentees = mentees_of(leaving, coordinator, make_person, 3)
    successors = [make_mentor(username=f"successor{i}", capacity=1) for i in range(2)]
    old = {m.id: current_mentorships(m.id)[0] for m in mentees}
    with transaction():
        offers.retire(leaving, "moving on")
        batch = mentor_requests.propose_successors(coordinator, leaving)

    proposals = mentor_requests.proposals_of_batch(batch.id)
    assert sorted(p.mentor_id for p in proposals) == sorted(s.id for s in successors)
    (unmatched,) = batch.unmatched
    assert unmatched.reason == "no_capacity"
    assert unmatched.mentee not in {p.request.mentee.username for p in proposals}

    for proposal in proposals:
        approve(coordinator, proposal)
    for mentee in mentees:
        (current,) = current_mentorships(mentee.id)
        assert (current.mentor_id == leaving.id) == (mentee.username == unmatched.mentee)
    for proposal in proposals:
        ended = old[proposal.request.mentee_id]
        db.session.refresh(ended)
        assert ended.state == MentorshipState.ENDED
        assert ended.end_reason == "succession"
        told = db.session.scalars(
            select(Notification.person_id).where(
                Notification.kind == "mentorship_ended", Notification.subject_id == ended.id
            )
        ).all()
        assert sorted(told) == sorted([leaving.id, proposal.request.mentee_id])
    ends = db.session.scalar(
        select(func.count())
        .select_from(ProgramEvent)
        .where(ProgramEvent.kind == "mentorship_ended", ProgramEvent.reason == "succession")
    )
    assert ends == 2


def test_a_mentee_whose_mentor_stays_is_refused_a_second_mentor(paired, coordinator):
    mentor, mentee, _ = paired
    proposal = pending(ask(mentee))
    with pytest.raises(DomainError, match="already has a mentor who stays") as refused:
        approve(coordinator, proposal)
    assert refused.value.field == "mentee"
    assert [m.mentor_id for m in current_mentorships(mentee.id)] == [mentor.id]


def test_a_mentee_of_a_mentor_away_for_long_may_ask_and_the_approval_hands_over(
    paired, coordinator
):
    mentor, mentee, successor = paired
    with transaction():
        offers.go_away(mentor, None, "sabbatical", TODAY)
    approve(coordinator, pending(ask(mentee)))
    assert [m.mentor_id for m in current_mentorships(mentee.id)] == [successor.id]


def test_a_short_break_keeps_the_mentor(paired, coordinator):
    mentor, mentee, _ = paired
    with transaction():
        offers.go_away(mentor, TODAY + timedelta(days=5), "holiday", TODAY)
    with pytest.raises(DomainError, match="already has a mentor who stays"):
        approve(coordinator, pending(ask(mentee)))


def test_approving_a_successor_while_the_old_mentor_came_back_is_refused(paired, coordinator):
    mentor, mentee, _ = paired
    with transaction():
        offers.go_away(mentor, None, "", TODAY)
    proposal = pending(ask(mentee))
    with transaction():
        offers.come_back(mentor, TODAY)
    with pytest.raises(DomainError, match="already has a mentor who stays") as refused:
        approve(coordinator, proposal)
    assert refused.value.field == "mentee"
    assert [m.mentor_id for m in current_mentorships(mentee.id)] == [mentor.id]


def test_the_database_refuses_a_second_current_mentorship(make_mentor, make_person):
    first, second = make_mentor(), make_mentor()
    mentee = make_person()
    with transaction():
        db.session.add(
            Mentorship(mentor_id=first.id, mentee_id=mentee.id, state=MentorshipState.ENDED)
        )
        db.session.add(Mentorship(mentor_id=second.id, mentee_id=mentee.id))
    for state in (MentorshipState.ACTIVE, MentorshipState.PAUSED):
        with pytest.raises(sa.exc.IntegrityError), transaction():
            db.session.add(Mentorship(mentor_id=first.id, mentee_id=mentee.id, state=state))
    assert len(current_mentorships(mentee.id)) == 1


def test_the_database_refuses_reopening_an_ended_mentorship_beside_a_current_one(
    make_mentor, make_person
):
    mentee = make_person()
    with transaction():
        ended = Mentorship(
            mentor_id=make_mentor().id, mentee_id=mentee.id, state=MentorshipState.ENDED
        )
        db.session.add_all([ended, Mentorship(mentor_id=make_mentor().id, mentee_id=mentee.id)])
    with pytest.raises(sa.exc.IntegrityError), transaction():
        ended.state = MentorshipState.ACTIVE


def test_an_approval_the_database_refuses_is_a_409(client, paired, coordinator, monkeypatch):
    """Last line: if a mentorship slipped past the service's check, the database's
    rule turns the approval into a clear refusal, not a 500."""
    mentor, mentee, _ = paired
    with transaction():
        offers.go_away(mentor, None, "", TODAY)
    proposal = pending(ask(mentee))
    monkeypatch.setattr(mentor_requests, "current_mentorship_of", lambda _mentee_id: None)
    sign_in(client, coordinator)
    response = client.post(f"/coordinators/proposals/{proposal.id}/approve")
    assert response.status_code == 409
    assert "already has a mentor who stays" in response.get_data(as_text=True)
    assert [m.mentor_id for m in current_mentorships(mentee.id)] == [mentor.id]


def test_the_api_refuses_a_second_mentor_with_a_409(client, paired, coordinator, bearer):
    mentor, mentee, _ = paired
    proposal = pending(ask(mentee))
    response = client.post(
        f"/api/v1/coordinator/proposals/{proposal.id}/approve",
        headers=bearer(coordinator, "coordinate"),
    )
    assert response.status_code == 409
    assert "already has a mentor who stays" in response.get_json()["error"]["message"]


def test_a_coordinator_hands_a_mentee_over_on_the_pages(client, paired, coordinator):
    mentor, mentee, successor = paired
    (old,) = current_mentorships(mentee.id)
    with transaction():
        offers.retire(mentor, "")
    sign_in(client, coordinator)
    page = client.get(f"/coordinators/succession/{mentor.id}").get_data(as_text=True)
    assert "Approving a successor ends the current mentorship" in page
    assert client.post(f"/coordinators/succession/{mentor.id}").status_code == 302
    (request,) = mentor_requests.requests_of(mentee)[:1]
    proposal = pending(request)
    assert client.post(f"/coordinators/proposals/{proposal.id}/approve").status_code == 302
    db.session.refresh(old)
    assert (old.state, old.end_reason) == (MentorshipState.ENDED, "succession")
    assert [m.mentor_id for m in current_mentorships(mentee.id)] == [successor.id]
