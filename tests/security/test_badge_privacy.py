"""Badges keep pseudonyms safe: no e-mail hash, no name unless the holder chose to show
it, a real identity page, and revocation when the account is deleted."""

import hashlib

import pytest

from pathways.extensions import db
from pathways.services import privacy, recognition, transaction
from tests.helpers import sign_in


@pytest.fixture
def holder(make_person):
    person = make_person(username="Ada", email="ada@example.org")
    with transaction():
        badge = recognition.issue_level_badge(person, "fundamental")
    return person, badge


def assertion_of(client, badge):
    return client.get(f"/badges/assertions/{badge.public_id}.json")


def test_the_assertion_never_carries_an_email_hash(app, client, holder):
    _person, badge = holder
    recipient = assertion_of(client, badge).get_json()["recipient"]
    guessed = hashlib.sha256(("ada@example.org" + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] != "sha256$" + guessed
    assert recipient["type"] == "url"
    page = app.config["BASE_URL"] + "/people/Ada"
    expected = hashlib.sha256((page + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + expected


def test_an_anonymous_visitor_does_not_learn_who_holds_a_badge(client, holder):
    _person, badge = holder
    page = client.get(f"/badges/{badge.public_id}").get_data(as_text=True)
    assert "Ada" not in page
    assert "The holder keeps their name private." in page


def test_the_holder_may_choose_to_show_their_name(client, holder):
    person, badge = holder
    sign_in(client, person)
    client.post(
        "/auth/settings",
        data={"locale": "", "languages": "en", "timezone": "UTC", "public_profile": "y"},
    )
    client.post("/auth/logout")
    page = client.get(f"/badges/{badge.public_id}").get_data(as_text=True)
    assert "<bdi>Ada</bdi>" in page


def test_the_identity_url_is_a_real_page_showing_only_what_was_chosen(client, holder):
    person, badge = holder
    private = client.get("/people/Ada")
    assert private.status_code == 200
    body = private.get_data(as_text=True)
    assert "keeps the rest of their profile private" in body
    assert badge.public_id not in body and "ada@example.org" not in body
    person.public_profile = True
    db.session.commit()
    assert badge.public_id in client.get("/people/Ada").get_data(as_text=True)
    assert client.get("/people/Nobody").status_code == 404


def test_deleting_the_account_revokes_its_badges(client, holder):
    person, badge = holder
    with transaction():
        privacy.delete_account(person)
    response = assertion_of(client, badge)
    assert response.status_code == 410
    assert response.get_json()["revoked"] is True
    assert client.get("/people/Ada").status_code == 404
