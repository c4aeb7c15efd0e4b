"""``GET /api/v1/me/circles``: the circles a token's person belongs to or leads, with
the board as the web shows it to them (hidden posts for the facilitator only)."""

from datetime import datetime

from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import CirclePost, RoleName
from pathways.services import circles, transaction
from tests.helpers import led_circle


def a_circle_with_a_hidden_post(make_person):
    facilitator = make_person(RoleName.VOLUNTEER, RoleName.MENTOR, username="Guide")
    members = [make_person(username=f"Member{n}") for n in range(3)]
    circle, shown = led_circle(facilitator, members, "Wikidata", "Cite sources")
    with transaction():
        circle.weekday, circle.meets_at, circle.timezone = 2, "18:30", "Asia/Kolkata"
        hidden = circles.post(members[1], circle, "practice", "Off topic")
        db.session.flush()
        circles.hide_post(facilitator, hidden)
    return circle, facilitator, members, shown, hidden


def circles_of(client, headers) -> dict:
    response = client.get("/api/v1/me/circles", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def test_a_member_reads_their_circle_without_the_hidden_post(client, make_person, bearer):
    circle, _, members, shown, _ = a_circle_with_a_hidden_post(make_person)
    page = circles_of(client, bearer(members[0]))
    assert page["total"] == 1
    [item] = page["items"]
    assert {k: v for k, v in item.items() if k != "posts"} == {
        "id": circle.id,
        "title": "Wikidata",
        "level": "fundamental",
        "language": "en",
        "schedule": {"weekday": 2, "meets_at": "18:30", "timezone": "Asia/Kolkata"},
        "state": "active",
        "facilitator": "Guide",
        "member_count": 3,
    }
    [post] = item["posts"]
    assert post["id"] == shown.id and post["author"] == "Member0"
    assert (post["kind"], post["body"], post["hidden"]) == ("reflection", "Cite sources", False)
    assert datetime.fromisoformat(post["created_at"]).utcoffset().total_seconds() == 0


def test_the_facilitator_reads_the_hidden_post_too(client, make_person, bearer):
    _, facilitator, _, shown, hidden = a_circle_with_a_hidden_post(make_person)
    [item] = circles_of(client, bearer(facilitator))["items"]
    assert [(p["id"], p["hidden"]) for p in item["posts"]] == [(shown.id, False), (hidden.id, True)]


def test_someone_outside_a_circle_or_who_left_it_reads_none(client, make_person, bearer):
    circle, _, members, _, _ = a_circle_with_a_hidden_post(make_person)
    assert circles_of(client, bearer(make_person()))["items"] == []
    with transaction():
        circles.leave_circle(members[2], circle)
    assert circles_of(client, bearer(members[2]))["total"] == 0


def test_reading_circles_needs_the_read_scope(client, make_person, bearer):
    _, _, members, _, _ = a_circle_with_a_hidden_post(make_person)
    response = client.get("/api/v1/me/circles", headers=bearer(members[0], "write"))
    assert response.status_code == 403


def test_the_boards_load_in_a_fixed_number_of_queries(client, make_person, bearer, count_queries):
    facilitator = make_person(RoleName.VOLUNTEER, RoleName.MENTOR)
    headers = bearer(facilitator)

    def queries_for_circles(count: int) -> int:
        for _ in range(count):
            led_circle(facilitator, [make_person(), make_person()], "C", "A post")
        circles_of(client, headers)  # warm caches
        with count_queries() as counted:
            circles_of(client, headers)
        return counted.n

    assert queries_for_circles(1) == queries_for_circles(4)
    assert db.session.scalar(select(func.count()).select_from(CirclePost)) == 5
