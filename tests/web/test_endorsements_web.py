"""Endorsing from the page, the hosted Endorsement document, and the showcase."""

import json

import pytest

from pathways.extensions import db
from pathways.models import Badge, EndorsementState, RoleName, ShowcaseEntry
from pathways.services import endorsements, recognition, transaction
from tests.helpers import build_pair, count, sign_in
from tests.openbadges_spec import CONTEXT, ENDORSEMENT_REQUIRED
from tests.test_endorsements import finish, level_rows


@pytest.fixture
def waiting(app, make_person):
    """A mentee whose Emerging level waits for their mentor's endorsement."""
    with app.test_request_context():
        pair = build_pair(make_person)
        finish(pair.mentee, level_rows(pair.mentee))
    return pair, endorsements.endorsement_of(pair.mentee, "emerging")


def endorse_on_the_page(client, pair, row, comment="Careful, well-sourced edits."):
    sign_in(client, pair.mentor)
    page = client.get(f"/mentorships/{pair.id}").get_data(as_text=True)
    assert f"/badges/endorsements/{row.id}" in page
    evidence = client.get(f"/badges/endorsements/{row.id}").get_data(as_text=True)
    assert "What I did" in evidence  # the mentor sees the reflections
    response = client.post(
        f"/badges/endorsements/{row.id}/endorse", data={"endorse-comment": comment}
    )
    assert response.status_code == 303
    return db.session.get(Badge, row.badge_id)


def test_the_holder_sees_the_wait_and_the_mentor_endorses_from_the_page(client, waiting, login_as):
    pair, row = waiting
    sign_in(client, pair.mentee)
    assert "Waiting for endorsement" in client.get("/ladder/").get_data(as_text=True)
    assert "waiting for endorsement" in client.get("/badges/").get_data(as_text=True)
    sign_in(client, pair.mentor)
    assert "1 volunteer waits" in client.get("/").get_data(as_text=True)
    badge = endorse_on_the_page(client, pair, row)
    assert badge.level_id == "emerging" and row.state == EndorsementState.ENDORSED
    again = client.post(f"/badges/endorsements/{row.id}/endorse", data={})
    assert again.status_code == 409 and "already endorsed" in again.get_data(as_text=True)
    login_as(RoleName.COORDINATOR)
    audit = client.get("/coordinators/audit").get_data(as_text=True)
    assert 'level of <bdi><a href="/people/Mentee">Mentee</a></bdi> was endorsed.' in audit


def test_without_a_mentor_the_holder_is_pointed_to_asking_for_one(client, make_person, app):
    person = make_person()
    with app.test_request_context():
        finish(person, level_rows(person))
    sign_in(client, person)
    page = client.get("/badges/").get_data(as_text=True)
    assert "You have no mentor at the moment." in page and "/requests/new" in page


def test_not_yet_needs_a_note_and_shows_it_to_the_holder(client, waiting):
    pair, row = waiting
    sign_in(client, pair.mentor)
    url = f"/badges/endorsements/{row.id}/not-yet"
    assert client.post(url, data={"not-yet-comment": ""}).status_code == 422
    assert client.post(url, data={"not-yet-comment": "Add sources"}).status_code == 303
    sign_in(client, pair.mentee)
    assert "Add sources" in client.get("/badges/").get_data(as_text=True)
    assert client.post("/badges/endorsements/ask/emerging").status_code == 303
    assert row.state == EndorsementState.PENDING


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/ld+json"
    return json.loads(response.get_data(as_text=True))


def test_the_assertion_links_a_valid_hosted_endorsement(client, waiting, login_as):
    pair, row = waiting
    badge = endorse_on_the_page(client, pair, row)
    assertion = get_json(client, f"/badges/assertions/{badge.public_id}.json")
    [url] = assertion["endorsement"]
    endorsement = get_json(client, url.removeprefix("http://localhost"))
    assert endorsement.keys() >= ENDORSEMENT_REQUIRED
    assert endorsement["@context"] == CONTEXT and endorsement["type"] == "Endorsement"
    assert endorsement["id"] == url and endorsement["verification"] == {"type": "hosted"}
    assert endorsement["claim"]["id"] == assertion["id"]
    assert endorsement["issuer"].endswith("/badges/issuer.json")
    assert endorsement["issuedOn"].endswith("+00:00")
    comment = endorsement["claim"]["endorsementComment"]
    assert "Careful, well-sourced edits." in comment and "Mentor" not in comment
    assert "What I did" not in json.dumps(assertion) + json.dumps(endorsement)

    with transaction():
        pair.mentor.public_profile = pair.mentee.public_profile = True
    named = get_json(client, url.removeprefix("http://localhost"))
    assert "Mentor" in named["claim"]["endorsementComment"]

    coordinator = login_as(RoleName.COORDINATOR)
    with transaction():
        recognition.revoke_badge(coordinator, badge, "Issued in error")
    gone = get_json(client, url.removeprefix("http://localhost"), 410)
    assert gone["revoked"] is True and gone["type"] == "Endorsement"


def test_a_badge_nobody_endorsed_has_no_endorsement(client, app, make_person):
    person = make_person()
    with app.test_request_context(), transaction():
        badge = recognition.issue_level_badge(person, "fundamental")
    assert "endorsement" not in get_json(client, f"/badges/assertions/{badge.public_id}.json")
    assert client.get(f"/badges/assertions/{badge.public_id}/endorsement.json").status_code == 404


def test_the_showcase_shows_only_what_holders_chose_and_coordinators_can_hide(
    client, app, make_person, login_as
):
    shown, kept = make_person(username="Shown"), make_person(username="Kept")
    with app.test_request_context(), transaction():
        badge = recognition.issue_level_badge(shown, "fundamental")
        recognition.issue_level_badge(kept, "fundamental")
    sign_in(client, shown)
    url = f"/badges/{badge.public_id}/showcase"
    assert client.post(url, data={"story": "x" * 1001}).status_code == 422
    assert client.post(url, data={"story": "<b>I learned</b>"}).status_code == 303
    with client.session_transaction() as session:
        session.clear()
    page = client.get("/showcase/").get_data(as_text=True)
    assert "<bdi>&lt;b&gt;I learned&lt;/b&gt;</bdi>" in page
    assert "Shown" in page and "Kept" not in page and "<form" not in page.split("<main")[1]

    login_as(RoleName.COORDINATOR)
    entry = db.session.get(Badge, badge.id).showcase
    assert client.post(f"/showcase/{entry.id}/hide", data={}).status_code == 422
    hidden = client.post(f"/showcase/{entry.id}/hide", data={f"hide-{entry.id}-reason": "Spam"})
    assert hidden.status_code == 303
    assert "I learned" not in client.get("/showcase/").get_data(as_text=True)

    sign_in(client, shown)
    assert client.post(f"{url}/withdraw").status_code == 303
    assert count(ShowcaseEntry) == 0
