"""Open calls: skills asked for by more waiting mentees than their mentors have free
places, offered to volunteers who can teach them, with one click to mentor."""

from datetime import date, timedelta

import pytest

from pathways.extensions import db
from pathways.services import mentor_requests, offers, plans, transaction
from pathways.services.dashboard import skills_demand
from pathways.services.open_calls import open_calls, open_calls_for
from tests.helpers import ask_for_mentors, sign_in

TODAY = date.today()


@pytest.fixture
def shortage(make_person, make_mentor):
    """Three requests waiting for referencing, one mentor of it with one free place."""
    make_mentor(skills=("referencing",), capacity=1)
    ask_for_mentors(make_person, "waiting1", "waiting2", "waiting3")


def volunteer(make_person, stance: str):
    person = make_person()
    with transaction():
        plans.save_assessment(person, {"referencing": stance})
    return person


def retired_mentor(make_mentor, capacity: int = 2):
    """Someone who once mentored another skill and says they can teach referencing."""
    person = make_mentor(skills=("wiki-basics",), capacity=capacity)
    with transaction():
        offers.retire(person, "")
        plans.save_assessment(person, {"referencing": "can_teach", "wiki-basics": "can_teach"})
    return person


def test_more_waiting_than_free_places_is_an_open_call(app, shortage):
    [call] = open_calls(TODAY)
    assert (call.skill_id, call.waiting, call.mentors, call.free_places) == (
        "referencing",
        3,
        1,
        1,
    )


def test_the_dashboard_counts_the_same_mentors(app, shortage):
    [referencing] = [s for s in skills_demand() if s.skill_id == "referencing"]
    assert (referencing.requested, referencing.offered) == (3, 1)


def test_enough_free_places_is_no_call(app, make_person, make_mentor):
    make_mentor(skills=("referencing",), capacity=3)
    ask_for_mentors(make_person, "waiting1", "waiting2", "waiting3")
    assert open_calls(TODAY) == []


def test_requests_for_a_peer_circle_are_not_waiting_for_a_mentor(app, make_person, make_mentor):
    make_mentor(skills=("referencing",), capacity=1)
    ask_for_mentors(make_person, "waiting1")
    with transaction():
        for _ in range(3):
            mentor_requests.request_mentor(make_person(), ["referencing"], "", wants_group=True)
    assert open_calls(TODAY) == []


def test_an_away_mentors_places_are_not_free(app, shortage, make_mentor):
    away = make_mentor(skills=("referencing",), capacity=2)
    with transaction():
        offers.go_away(away, TODAY + timedelta(days=10), "", TODAY)
    [call] = open_calls(TODAY)
    assert (call.waiting, call.mentors, call.free_places) == (3, 2, 1)
    back_by_then = TODAY + timedelta(days=11)
    assert open_calls(back_by_then) == []  # 1 + 2 free places for 3 waiting


def test_only_who_can_teach_the_skill_sees_the_call(app, client, shortage, make_person):
    teacher, learner = volunteer(make_person, "can_teach"), volunteer(make_person, "confident")
    assert [c.skill_id for c in open_calls_for(teacher, TODAY)] == ["referencing"]
    assert open_calls_for(learner, TODAY) == []
    sign_in(client, teacher)
    assert "Offer to mentor this" in client.get("/").get_data(as_text=True)
    sign_in(client, learner)
    assert "Offer to mentor this" not in client.get("/").get_data(as_text=True)


def test_the_calls_page_is_public_and_linked_from_the_mentor_list(app, client, shortage):
    page = client.get("/mentors/calls").get_data(as_text=True)
    assert "3 mentees waiting." in page
    assert "with 1 free place." in page
    assert "Offer to mentor this" not in page  # signed out: no button


def test_the_mentor_list_links_to_the_calls(app, client, shortage, make_person):
    sign_in(client, make_person())
    assert "/mentors/calls" in client.get("/mentors/").get_data(as_text=True)


def test_without_an_offer_the_button_opens_the_offer_form_with_the_skill_ticked(
    app, client, shortage, make_person
):
    teacher = sign_in(client, volunteer(make_person, "can_teach"))
    response = client.post("/mentors/calls/referencing")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/mentors/me?skill=referencing")
    form = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="referencing" checked' in form
    assert 'value="wiki-basics" checked' not in form
    assert offers.offer_of(teacher) is None


def test_the_button_adds_the_skill_to_the_offer_and_the_call_goes(
    app, client, shortage, make_mentor
):
    mentor = sign_in(client, retired_mentor(make_mentor))
    assert [c.skill_id for c in open_calls_for(mentor, TODAY)] == ["referencing"]
    response = client.post("/mentors/calls/referencing", follow_redirects=True)
    assert response.status_code == 200
    assert "you now offer to mentor" in response.get_data(as_text=True)
    db.session.expire_all()
    offer = offers.offer_of(mentor)
    assert offer.retired_at is None
    assert sorted(s.skill_id for s in mentor.stances if s.stance == "can_teach") == [
        "referencing",
        "wiki-basics",
    ]
    assert open_calls(TODAY) == []  # 1 + 2 free places for 3 waiting
    assert open_calls_for(mentor, TODAY) == []


def test_a_refused_offer_changes_nothing(app, client, shortage, make_mentor):
    mentor = sign_in(client, retired_mentor(make_mentor))
    response = client.post("/mentors/calls/no-such-skill")
    assert response.status_code in (400, 409, 422)
    db.session.expire_all()
    assert offers.offer_of(mentor).retired_at is not None
    assert [c.skill_id for c in open_calls(TODAY)] == ["referencing"]


def test_a_serving_mentor_adds_the_skill_from_the_calls_page(app, client, shortage, make_mentor):
    mentor = sign_in(client, make_mentor(skills=("wiki-basics",), capacity=2))
    assert "Offer to mentor this" in client.get("/mentors/calls").get_data(as_text=True)
    client.post("/mentors/calls/referencing")
    db.session.expire_all()
    assert sorted(s.skill_id for s in mentor.stances if s.stance == "can_teach") == [
        "referencing",
        "wiki-basics",
    ]
    assert offers.offer_of(mentor).capacity == 2
    assert open_calls(TODAY) == []


def test_the_ladder_shows_the_calls_its_volunteer_can_answer(app, client, shortage, make_person):
    teacher = sign_in(client, volunteer(make_person, "can_teach"))
    with transaction():
        plans.build_plan(teacher, ["newcomer"], "history", ["en"], 3)
    page = client.get("/ladder/").get_data(as_text=True)
    assert "You can teach what mentees are waiting for" in page
    assert "/mentors/calls/referencing" in page


def test_a_mentor_between_terms_has_no_free_places(app, shortage, make_mentor):
    resting = make_mentor(skills=("referencing",), capacity=2)
    with transaction():
        offers.offer_of(resting).terms[0].ends_on = TODAY - timedelta(days=1)
    [call] = open_calls(TODAY)
    assert (call.waiting, call.mentors, call.free_places) == (3, 2, 1)
