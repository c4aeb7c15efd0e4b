"""The account pages: download my data, delete my account."""

import json

from sqlalchemy import select

from pathways.extensions import db
from pathways.models import MentorshipState, Person, RoleName
from pathways.services import privacy, transaction
from tests.helpers import PASSWORD, build_pair, sign_in
from tests.helpers import mentorship_url as url


def test_account_pages_need_sign_in(client):
    for path in ("/account/export", "/account/delete"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_export_downloads_my_data_as_json(client, make_person):
    pair = build_pair(make_person, email="mentor@example.org")
    sign_in(client, pair.mentee)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["username"] == "Mentee"
    assert data["mentorships"][0]["other"] == "Mentor"
    body = response.get_data(as_text=True)
    assert "password" not in body and "mentor@example.org" not in body


def test_delete_needs_my_username_typed(client, login_as):
    person = login_as(RoleName.VOLUNTEER, username="Grace")
    page = client.get("/account/delete")
    assert page.status_code == 200
    assert "This cannot be undone." in page.get_data(as_text=True)
    response = client.post("/account/delete", data={"username": "Someone"})
    assert response.status_code == 422
    assert "This is not your username." in response.get_data(as_text=True)
    assert client.post("/account/delete", data={"username": ""}).status_code == 422
    db.session.refresh(person)
    assert person.deleted_at is None and person.username == "Grace"


def test_delete_signs_out_and_the_other_side_sees_the_stand_in(client, make_person):
    pair = build_pair(make_person)
    mentee_id = pair.mentee_id
    sign_in(client, pair.mentee)
    response = client.post("/account/delete", data={"username": "mentee"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Your account is deleted." in client.get("/").get_data(as_text=True)
    assert client.get("/account/export").status_code == 302

    login = client.post("/auth/login", data={"username": "Mentee", "password": PASSWORD})
    assert login.status_code == 422
    person = db.session.get(Person, mentee_id)
    assert person.username == privacy.stand_in_name(mentee_id)
    assert db.session.scalar(select(Person).where(Person.username == "Mentee")) is None

    db.session.refresh(pair)
    assert pair.state == MentorshipState.ENDED
    sign_in(client, pair.mentor)
    body = client.get(url(pair)).get_data(as_text=True)
    assert privacy.stand_in_name(mentee_id) in body
    assert "Mentee" not in body
    notifications = client.get("/notifications/").get_data(as_text=True)
    assert f"<bdi>{privacy.stand_in_name(mentee_id)}</bdi> ended your mentorship." in notifications


def test_a_stale_session_of_a_deleted_account_is_signed_out(client, make_person):
    person = make_person(username="Gone")
    sign_in(client, person)
    with transaction():
        privacy.delete_account(person)
    assert client.get("/account/delete").status_code == 302
