"""The bell, the list of notifications, mark-all-read, and the e-mail hook."""

import logging
from datetime import date

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import event, select

from pathways.extensions import db
from pathways.models import Notification, RoleName
from pathways.services import transaction
from pathways.services.events import notify, unread_count
from tests.helpers import build_pair, checkin_data, sign_in
from tests.helpers import mentorship_url as url

SENTENCES = [
    ("matched", {"other": "Ada"}, "You were paired with <bdi>Ada</bdi>."),
    (
        "mentor_away",
        {"mentor": "Ada", "until": "2099-01-31"},
        "<bdi>Ada</bdi> is on a wiki-break until",
    ),
    ("mentor_away", {"mentor": "Ada", "until": None}, "<bdi>Ada</bdi> is on a wiki-break; your"),
    ("mentor_back", {"mentor": "Ada"}, "<bdi>Ada</bdi> is back; your mentorship continues."),
    ("mentor_long_away", {"mentor": "Ada"}, "<bdi>Ada</bdi> is away for long"),
    ("mentor_set_away", {"days": 1}, "You had no sign-in and no check-in for 1 day, so you"),
    ("mentor_set_away", {"days": 10}, "no check-in for 10 days, so you are on a wiki-break"),
    (
        "graduation_offered",
        {"mentor": "Ada"},
        "You have done every skill you asked <bdi>Ada</bdi> to help with",
    ),
    ("mentor_retired", {"mentor": "Ada"}, "<bdi>Ada</bdi> has left mentoring"),
    ("agreement_changed", {"other": "Ada"}, "<bdi>Ada</bdi> changed your mentoring agreement."),
    ("checkin_logged", {"other": "Ada"}, "<bdi>Ada</bdi> logged a check-in."),
    ("mentorship_ended", {"other": "Ada"}, "<bdi>Ada</bdi> ended your mentorship."),
    ("problem_reported", {}, "A problem was reported on a mentorship."),
    ("thanked", {"other": "Ada"}, "<bdi>Ada</bdi> sent you a thank-you."),
    ("badge_revoked", {"level": "emerging"}, "One of your badges was revoked."),
    ("something_new", {"x": 1}, "Something changed that concerns you."),
    (
        "mentor_away",
        {"mentor": "Ada", "until": "not a date"},
        "<bdi>Ada</bdi> is on a wiki-break; your",
    ),
    ("matched", {}, "You were paired with <bdi>someone</bdi>."),
]


def tell(person, kind="matched", **params):
    with transaction():
        notify(person, kind, 1, **params)


def test_list_needs_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(("kind", "params", "sentence"), SENTENCES)
def test_each_kind_reads_as_a_sentence_and_unknown_kinds_do_not_break(
    client, login_as, kind, params, sentence
):
    person = login_as(RoleName.VOLUNTEER)
    tell(person, kind, **params)
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert sentence in response.get_data(as_text=True)


def test_list_shows_only_my_notifications_newest_first(client, login_as, make_person):
    other = make_person(username="Other")
    tell(other, "thanked", other="Secret")
    person = login_as(RoleName.VOLUNTEER)
    tell(person, "matched", other="First")
    tell(person, "checkin_logged", other="Second")
    body = client.get("/notifications/").get_data(as_text=True)
    assert "Secret" not in body
    assert body.index("Second</bdi> logged") < body.index("paired with <bdi>First</bdi>.")
    assert "2 unread notifications." in body


def test_mark_all_read(client, login_as, make_person):
    other = make_person()
    tell(other)
    person = login_as(RoleName.VOLUNTEER)
    tell(person)
    tell(person)
    assert unread_count(person.id) == 2
    response = client.post("/notifications/read")
    assert response.status_code == 303
    assert response.headers["Location"] == "/notifications/"
    assert unread_count(person.id) == 0
    assert unread_count(other.id) == 1
    body = client.get("/notifications/").get_data(as_text=True)
    assert "Mark all as read" not in body
    assert "You were paired with <bdi>someone</bdi>." in body


def render_bell(app, person) -> str:
    with app.test_request_context():
        login_user(person)
        return render_template("_bell.html")


def test_bell_shows_the_unread_count_with_an_accessible_label(app, make_person):
    person = make_person()
    assert 'aria-label="Notifications"' in render_bell(app, person)
    assert "badge-count" not in render_bell(app, person)
    for _ in range(3):
        tell(person)
    html = render_bell(app, person)
    assert 'aria-label="Notifications, 3 unread"' in html
    assert '<span class="badge-count" aria-hidden="true">3</span>' in html
    assert 'href="/notifications/"' in html


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    yield seen
    event.remove(db.engine, "before_cursor_execute", remember)


def test_unread_count_costs_one_query_and_only_when_signed_in(client, login_as, statements):
    client.get("/notifications/read")  # 405: an error page renders the context too
    assert not [s for s in statements if "notification" in s.lower()]
    login_as(RoleName.VOLUNTEER)
    statements.clear()
    client.get("/mentorships/")
    counts = [s for s in statements if "count" in s.lower() and "notification" in s.lower()]
    assert len(counts) == 1


def test_email_hook_logs_only_for_people_with_an_address(client, make_person, caplog):
    pair = build_pair(make_person, email="mentor@example.org")
    caplog.set_level(logging.INFO)
    sign_in(client, pair.mentee)
    client.post(url(pair, "checkins"), data=checkin_data())
    mails = [r.getMessage() for r in caplog.records if "mail to person" in r.getMessage()]
    assert len(mails) == 1
    assert f"person {pair.mentor_id}" in mails[0] and "checkin_logged" in mails[0]
    caplog.clear()
    sign_in(client, pair.mentor)
    client.post(url(pair, "checkins"), data=checkin_data(happened_on=date.today().isoformat()))
    assert not [r for r in caplog.records if "mail to person" in r.getMessage()]
    assert len(db.session.scalars(select(Notification)).all()) == 2


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, login_as, make_person):
    from pathways.extensions import db
    from pathways.models import Notification, RoleName
    from pathways.services import events, recognition, transaction

    person = login_as(RoleName.VOLUNTEER)
    other = make_person()
    with transaction():
        badge = recognition.issue_level_badge(person, "fundamental")
        theirs = events.notify(other, "thanked", other.id, other="x")
    mine = db.session.scalar(select(Notification).where(Notification.person_id == person.id))
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Your Fundamental certificate is ready." in page
    response = client.get(f"/notifications/{mine.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/badges/{badge.public_id}"
    assert db.session.get(Notification, mine.id).read_at is not None
    assert client.get(f"/notifications/{theirs.id}").status_code == 403
    assert db.session.get(Notification, theirs.id).read_at is None
    assert client.get("/notifications/999999").status_code == 404


def test_every_kind_of_notification_has_a_sentence_and_a_page():
    from pathways.notifications.routes import LINKS, SENTENCES

    assert set(LINKS) == set(SENTENCES)
