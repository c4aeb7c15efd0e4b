"""Peer circles on the web: from asking for a group to a facilitator reading a member's
reflection, and the pages around a circle."""

from datetime import date

import pytest
from sqlalchemy import select

from pathways.extensions import db
from pathways.jobs import runner
from pathways.models import (
    Badge,
    Circle,
    CirclePost,
    CircleState,
    EndorsementState,
    MentorRequest,
    Notification,
    RequestState,
    RoleName,
)
from pathways.services import circles, endorsements, mentor_requests, offers, transaction
from tests.helpers import led_circle, sign_in
from tests.test_endorsements import finish, level_rows

TODAY = date.today()


def ask_for_a_group(people) -> None:
    with transaction():
        for person in people:
            mentor_requests.request_mentor(person, ["referencing"], "", wants_group=True)


def batch_circle(coordinator) -> Circle:
    job = runner.start("batch_pairing", {}, coordinator)
    assert job.result["circles"] == 1
    [circle] = circles.proposed_circles(job.result["batch_id"])
    return circle


def test_a_volunteer_asks_for_a_group_posts_a_reflection_and_the_facilitator_endorses_them(
    client, app, make_person, make_mentor
):
    facilitator = make_mentor(username="Guide", capacity=2)
    coordinator = make_person(RoleName.COORDINATOR, username="Coord")
    volunteer = sign_in(client, make_person(username="Asha"))
    response = client.post(
        "/requests/new", data={"skills": ["referencing"], "note": "", "help_as": "circle"}
    )
    assert response.status_code == 302
    request = db.session.scalar(select(MentorRequest))
    assert request.wants_group and request.state == RequestState.OPEN
    assert "Peer circle" in client.get("/requests/").get_data(as_text=True)
    ask_for_a_group([make_person(), make_person()])

    sign_in(client, coordinator)
    response = client.post("/coordinators/batch")
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 peer circle proposed." in job_page
    [circle] = db.session.scalars(select(Circle)).all()
    review = client.get(f"/coordinators/batch/{circle.batch_id}").get_data(as_text=True)
    assert "Peer circles to approve" in review and "<bdi>Asha</bdi>" in review
    assert client.post(f"/circles/{circle.id}/approve").status_code == 302
    db.session.expire_all()
    assert circle.state == CircleState.ACTIVE

    sign_in(client, volunteer)
    assert "Say hello on its board" in client.get("/notifications/").get_data(as_text=True)
    response = client.post(
        f"/circles/{circle.id}/posts",
        data={"kind": "reflection", "body": "Citing sources <script> https://w.wiki/x"},
    )
    assert response.status_code == 302

    sign_in(client, facilitator)
    page = client.get(f"/circles/{circle.id}").get_data(as_text=True)
    assert "Citing sources &lt;script&gt;" in page
    assert '<a href="https://w.wiki/x" rel="nofollow ugc noopener">' in page
    assert circles.facilitates(facilitator.id, volunteer.id)
    facilitator_endorses_the_level(client, app, volunteer, facilitator)


def facilitator_endorses_the_level(client, app, volunteer, facilitator) -> None:
    """The volunteer finishes the Fundamental level, which (here) waits for an
    endorsement; the facilitator, told, endorses it from the evidence page."""
    app.config["BADGE_ENDORSEMENT_LEVELS"] = frozenset({"fundamental"})
    with app.test_request_context():
        finish(volunteer, level_rows(volunteer, "fundamental"))
    row = endorsements.endorsement_of(volunteer, "fundamental")
    told = db.session.scalars(
        select(Notification.kind).where(Notification.person_id == facilitator.id)
    )
    assert "endorsement_requested" in set(told)
    sign_in(client, facilitator)
    waiting = client.get("/badges/endorsements").get_data(as_text=True)
    assert f"/badges/endorsements/{row.id}" in waiting
    response = client.post(
        f"/badges/endorsements/{row.id}/endorse",
        data={"endorse-comment": "A kind, careful editor."},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert row.state == EndorsementState.ENDORSED and row.endorser_id == facilitator.id
    assert db.session.get(Badge, row.badge_id).level_id == "fundamental"


def test_approving_a_circle_whose_facilitator_is_full_is_a_clear_409(
    client, make_person, make_mentor
):
    facilitator = make_mentor(username="Guide", capacity=1)
    coordinator = sign_in(client, make_person(RoleName.COORDINATOR))
    ask_for_a_group([make_person() for _ in range(3)])
    circle = batch_circle(coordinator)
    with transaction():
        request = mentor_requests.request_mentor(make_person(), ["referencing"], "", facilitator.id)
        mentor_requests.approve_proposal(coordinator, request.proposals[0], TODAY)
    response = client.post(f"/circles/{circle.id}/approve")
    assert response.status_code == 409
    assert "no free place left" in response.get_data(as_text=True)
    assert db.session.get(Circle, circle.id).state == CircleState.PROPOSED


def test_a_long_post_is_refused_naming_the_limit_and_keeps_the_text(client, make_person):
    mentor, member = make_person(RoleName.MENTOR), make_person()
    circle, _ = led_circle(mentor, [member], "Readers", "first")
    sign_in(client, member)
    response = client.post(
        f"/circles/{circle.id}/posts", data={"kind": "reflection", "body": "y" * 2001}
    )
    assert response.status_code == 422
    assert "Keep this under 2000 characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(CirclePost.body).where(CirclePost.body.startswith("y"))) is None


def test_the_facilitator_hides_a_post_members_no_longer_see_it(client, make_person):
    mentor, member = make_person(RoleName.MENTOR), make_person()
    circle, entry = led_circle(mentor, [member], "Readers", "Off-topic words")
    sign_in(client, mentor)
    assert client.post(f"/circles/posts/{entry.id}/hide").status_code == 302
    assert "Off-topic words" in client.get(f"/circles/{circle.id}").get_data(as_text=True)
    sign_in(client, member)
    assert "Off-topic words" not in client.get(f"/circles/{circle.id}").get_data(as_text=True)


def test_a_reported_post_is_on_the_coordinators_reports_page(client, make_person):
    mentor, author, reader = make_person(RoleName.MENTOR), make_person(), make_person()
    coordinator = make_person(RoleName.COORDINATOR)
    circle, entry = led_circle(mentor, [author, reader], "Readers", "Rude words")
    sign_in(client, reader)
    response = client.post(f"/circles/posts/{entry.id}/report", data={"text": "Not kind"})
    assert response.status_code == 302
    sign_in(client, coordinator)
    page = client.get("/coordinators/reports").get_data(as_text=True)
    assert "Reported posts in peer circles" in page and "Not kind" in page
    [report] = circles.circle_reports()
    assert client.post(f"/coordinators/circle-reports/{report.id}/resolve").status_code == 302
    assert report.resolved_at is not None


def test_the_facilitator_hands_the_circle_over_and_sets_the_schedule(
    client, make_person, make_mentor
):
    leaving = make_mentor(username="Leaving")
    successor = make_mentor(username="Next")
    member = make_person()
    circle, _ = led_circle(leaving, [member], "Readers", "hello")
    sign_in(client, leaving)
    response = client.post(
        f"/circles/{circle.id}/schedule",
        data={"title": "Readers", "weekday": "2", "meets_at": "18:30", "timezone": "UTC"},
    )
    assert response.status_code == 302
    page = client.get(f"/circles/{circle.id}").get_data(as_text=True)
    assert "Meets every Wednesday at 18:30 (UTC)." in page
    form = client.get(f"/circles/{circle.id}/hand-over").get_data(as_text=True)
    assert "Next" in form and "Leaving</option>" not in form
    response = client.post(f"/circles/{circle.id}/hand-over", data={"facilitator": successor.id})
    assert response.status_code == 302
    assert db.session.get(Circle, circle.id).facilitator_id == successor.id
    assert offers.loads([successor.id])[successor.id][0] == 1


def test_a_bad_schedule_is_refused_next_to_its_field(client, make_person):
    mentor, member = make_person(RoleName.MENTOR), make_person()
    circle, _ = led_circle(mentor, [member], "Readers", "hello")
    sign_in(client, mentor)
    response = client.post(
        f"/circles/{circle.id}/schedule",
        data={"title": "Readers", "weekday": "2", "meets_at": "7pm", "timezone": "UTC"},
    )
    assert response.status_code == 422
    assert 'id="meets_at-error">Give a time as HH:MM' in response.get_data(as_text=True)


def test_a_coordinator_gathers_a_circle_by_hand(client, make_person, make_mentor):
    make_mentor(username="Guide")
    names = [make_person().username for _ in range(3)]
    sign_in(client, make_person(RoleName.COORDINATOR))
    data = {
        "title": "Hindi editors",
        "level": "fundamental",
        "language": "en",
        "facilitator": "Guide",
        "members": "\n".join(names),
    }
    response = client.post("/circles/new", data=data | {"facilitator": "Nobody"})
    assert response.status_code == 422
    assert "Nobody is called" in response.get_data(as_text=True)
    response = client.post("/circles/new", data=data)
    assert response.status_code == 302
    circle = db.session.scalar(select(Circle))
    assert circle.state == CircleState.ACTIVE and len(circle.members) == 3
    assert "Hindi editors" in client.get("/circles/").get_data(as_text=True)


def test_circle_pages_run_the_same_queries_whatever_the_circles(client, count_queries, make_person):
    coordinator = make_person(RoleName.COORDINATOR)
    member = make_person()
    counts = []
    for size in (2, 6):
        for _ in range(size):
            others = [make_person() for _ in range(size)]
            circle, _ = led_circle(make_person(RoleName.MENTOR), [member, *others], "C", "p")
            with transaction():
                for other in others:
                    circles.post(other, circle, "practice", "a good practice")
        counted = []
        for person, url in (
            (coordinator, "/circles/"),
            (member, "/circles/"),
            (member, f"/circles/{circle.id}"),
        ):
            sign_in(client, person)
            client.get(url)
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counted.append(queries.n)
        counts.append(counted)
    assert counts[0] == counts[1]


def test_the_start_page_leads_to_the_circle_and_says_what_a_group_request_waits_for(
    client, make_person
):
    mentor, member, asking = make_person(RoleName.MENTOR), make_person(), make_person()
    led_circle(mentor, [member], "Readers", "hello")
    sign_in(client, member)
    page = client.get("/").get_data(as_text=True)
    assert "You take part in 1 peer circle" in page
    ask_for_a_group([asking])
    sign_in(client, asking)
    page = client.get("/").get_data(as_text=True)
    assert "Your request is waiting for a peer circle." in page
    assert "You take part in" not in page


def test_handing_over_to_a_mentor_without_a_free_place_is_refused_at_the_field(
    client, make_person, make_mentor
):
    leaving, full = make_mentor(username="Leaving"), make_mentor(username="Full", capacity=1)
    member, mentee = make_person(), make_person()
    coordinator = make_person(RoleName.COORDINATOR)
    with transaction():
        request = mentor_requests.request_mentor(mentee, ["referencing"], "", full.id)
        mentor_requests.approve_proposal(coordinator, request.proposals[0], TODAY)
    circle, _ = led_circle(leaving, [member], "Readers", "hello")
    sign_in(client, leaving)
    response = client.post(f"/circles/{circle.id}/hand-over", data={"facilitator": full.id})
    assert response.status_code == 422
    assert 'id="facilitator-error">' in response.get_data(as_text=True)
    assert "no free place left" in response.get_data(as_text=True)
    assert db.session.get(Circle, circle.id).facilitator_id == leaving.id


@pytest.mark.parametrize("chosen", ["2147483648", "99999999999999999999999", "-1", "x"])
def test_handing_over_to_an_id_no_person_can_have_is_refused_at_the_field(
    client, make_person, chosen
):
    """The id was looked up before the form was checked: past what the database holds,
    a 500 (SQLite cannot bind it, PostgreSQL refuses it)."""
    leaving, member = make_person(RoleName.MENTOR), make_person()
    circle, _ = led_circle(leaving, [member], "Readers", "hello")
    sign_in(client, leaving)
    response = client.post(f"/circles/{circle.id}/hand-over", data={"facilitator": chosen})
    assert response.status_code == 422
    assert 'id="facilitator-error">' in response.get_data(as_text=True)
    assert db.session.get(Circle, circle.id).facilitator_id == leaving.id


def test_a_member_confirms_leaving_on_a_page_that_says_their_posts_stay(client, make_person):
    facilitator = make_person(RoleName.VOLUNTEER, RoleName.MENTOR, username="Guide")
    member = make_person(username="Asha")
    circle, _ = led_circle(facilitator, [member, make_person(), make_person()], "Wikidata", "Hi")
    sign_in(client, member)
    assert f"/circles/{circle.id}/leave" in client.get(f"/circles/{circle.id}").get_data(
        as_text=True
    )
    page = client.get(f"/circles/{circle.id}/leave").get_data(as_text=True)
    assert "Only deleting your account removes your posts." in page
    unconfirmed = client.post(f"/circles/{circle.id}/leave", data={})
    assert unconfirmed.status_code == 422
    assert "Tick the box" in unconfirmed.get_data(as_text=True)
    assert circles.is_member(member, circle)
    response = client.post(f"/circles/{circle.id}/leave", data={"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/circles/"
    db.session.expire_all()
    assert not circles.is_member(member, circle)
    assert client.get(f"/circles/{circle.id}").status_code == 403
    sign_in(client, facilitator)
    told = client.get("/notifications/").get_data(as_text=True)
    assert "<bdi>Asha</bdi> left your peer circle." in told
    assert "fewer than the 3 a circle starts with" in told
    assert "Hi" in client.get(f"/circles/{circle.id}").get_data(as_text=True)


def test_the_facilitator_or_a_member_of_an_ended_circle_cannot_leave_and_is_told_why(
    client, make_person
):
    facilitator = make_person(RoleName.VOLUNTEER, RoleName.MENTOR)
    member = make_person()
    circle, _ = led_circle(facilitator, [member, make_person(), make_person()], "Wikidata", "Hi")
    sign_in(client, facilitator)
    refused = client.post(f"/circles/{circle.id}/leave", data={"confirm": "y"})
    assert refused.status_code == 409
    assert "You are not a member of this circle." in refused.get_data(as_text=True)
    with transaction():
        circles.end_circle(facilitator, circle, TODAY)
    sign_in(client, member)
    refused = client.post(f"/circles/{circle.id}/leave", data={"confirm": "y"})
    assert refused.status_code == 409
    assert "This circle is not active." in refused.get_data(as_text=True)
    assert circles.is_member(member, circle)


def circles_led_by(facilitator, count: int, make_person) -> None:
    for n in range(count):
        led_circle(facilitator, [make_person()], f"Circle {n:02d}", "Hello")


def test_coordinators_page_through_every_circle(client, make_person):
    facilitator = make_person(RoleName.VOLUNTEER, RoleName.MENTOR)
    circles_led_by(facilitator, circles.CIRCLES_PAGE_SIZE + 2, make_person)
    sign_in(client, make_person(RoleName.COORDINATOR))
    first = client.get("/circles/").get_data(as_text=True)
    assert first.count('class="card"') == circles.CIRCLES_PAGE_SIZE
    assert "Page 1 of 2" in first and 'href="/circles/?page=2"' in first
    second = client.get("/circles/?page=2").get_data(as_text=True)
    assert second.count('class="card"') == 2 and "Circle 00" in second
    assert client.get("/circles/?page=x").status_code == 404


def test_the_circle_list_runs_the_same_queries_whatever_the_circles(
    client, make_person, count_queries
):
    facilitator = make_person(RoleName.VOLUNTEER, RoleName.MENTOR)
    sign_in(client, make_person(RoleName.COORDINATOR))

    def queries_with(count: int) -> int:
        circles_led_by(facilitator, count, make_person)
        client.get("/circles/")  # warm caches
        with count_queries() as counted:
            assert client.get("/circles/").status_code == 200
        return counted.n

    assert queries_with(1) == queries_with(5)
