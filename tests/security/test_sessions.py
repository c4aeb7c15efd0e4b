"""Signing out, a new password, a role change or deletion end every session of a person,
including a cookie someone copied."""

from flask.testing import FlaskClient

from pathways.models import RoleName
from pathways.services import accounts, transaction
from tests.helpers import PASSWORD

COORDINATOR_PAGE = "/coordinators/"


def signed_in_through_the_form(client: FlaskClient, username: str) -> None:
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def copy_of_cookie(app, client: FlaskClient) -> FlaskClient:
    """A second browser holding the same session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, client, make_person):
    make_person(RoleName.COORDINATOR, username="Coordinator")
    signed_in_through_the_form(client, "Coordinator")
    thief = copy_of_cookie(app, client)
    assert thief.get(COORDINATOR_PAGE).status_code == 200

    client.post("/auth/logout")

    response = thief.get(COORDINATOR_PAGE)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_new_password_ends_other_sessions_but_keeps_this_one(app, client, make_person):
    make_person(username="Vol")
    signed_in_through_the_form(client, "Vol")
    other_device = copy_of_cookie(app, client)
    new = "another long passphrase"
    response = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": new, "password_again": new},
    )
    assert response.status_code == 302
    assert client.get("/auth/settings").status_code == 200
    assert other_device.get("/auth/settings").status_code == 302


def test_a_role_change_ends_the_sessions_that_carried_the_old_roles(app, client, make_person):
    person = make_person(username="Vol")
    signed_in_through_the_form(client, "Vol")
    with transaction():
        accounts.grant_role(person, RoleName.COORDINATOR)
    assert client.get("/auth/settings").status_code == 302


def test_deleting_the_account_ends_every_session(app, client, make_person):
    make_person(username="Vol")
    signed_in_through_the_form(client, "Vol")
    other_device = copy_of_cookie(app, client)
    response = client.post("/account/delete", data={"username": "Vol"})
    assert response.status_code in (302, 303)
    assert other_device.get("/auth/settings").status_code == 302
