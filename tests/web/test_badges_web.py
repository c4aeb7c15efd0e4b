import hashlib
import json

import pytest
from sqlalchemy import select

from pathways.catalog import get_catalog
from pathways.extensions import db
from pathways.models import Badge, Notification, ProgramEvent, RoleName, utcnow
from pathways.services import plans, transaction
from tests.helpers import hosted_training, sign_in
from tests.openbadges_spec import (
    ASSERTION_REQUIRED,
    BADGE_CLASS_REQUIRED,
    CONTEXT,
    EVIDENCE_PROPERTIES,
    IDENTITY_REQUIRED,
    ISSUER_REQUIRED,
)


@pytest.fixture
def earn_fundamental(client, make_person):
    """A volunteer who finished every Fundamental step through the web form."""

    def earn(email: str | None = "Ada@Example.org"):
        person = make_person(username="Ada", email=email)
        sign_in(client, person)
        client.post(
            "/ladder/start",
            data={
                "stances-wiki-basics": "not_yet",
                "goal_roles": ["editor"],
                "languages": "en",
                "hours_per_week": "3",
            },
        )
        rung = plans.progress_by_rung(plans.plan_of(person))[0]
        for row in rung.steps:
            client.post(f"/ladder/steps/{row.id}", data={f"step-{row.id}-status": "done"})
        with client.session_transaction() as session:
            session.clear()
        return person, db.session.scalar(select(Badge).where(Badge.person_id == person.id))

    return earn


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, url
    assert response.mimetype == "application/ld+json"
    return response.get_json(force=True)


def test_open_badges_documents_have_every_required_field(client, earn_fundamental):
    person, badge = earn_fundamental()
    assert badge.level_id == "fundamental"
    assert db.session.scalars(select(Badge)).all() == [badge]

    assertion = get_json(client, f"/badges/assertions/{badge.public_id}.json")
    assert assertion.keys() >= ASSERTION_REQUIRED
    assert assertion["@context"] == CONTEXT and assertion["type"] == "Assertion"
    assert assertion["id"] == f"http://localhost/badges/assertions/{badge.public_id}.json"
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["issuedOn"].endswith("+00:00")
    recipient = assertion["recipient"]
    assert recipient.keys() >= IDENTITY_REQUIRED and recipient["hashed"] is True
    assert recipient["type"] == "url"
    assert "Ada" not in str(assertion) and "example.org" not in str(assertion)

    badge_class = get_json(client, assertion["badge"].removeprefix("http://localhost"))
    assert badge_class.keys() >= BADGE_CLASS_REQUIRED
    assert badge_class["type"] == "BadgeClass" and badge_class["id"] == assertion["badge"]
    assert badge_class["criteria"]["narrative"]
    image = client.get(badge_class["image"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"

    issuer = get_json(client, badge_class["issuer"].removeprefix("http://localhost"))
    assert issuer.keys() >= ISSUER_REQUIRED
    assert issuer["type"] == "Issuer" and issuer["id"] == badge_class["issuer"]


@pytest.mark.parametrize("email", [None, "ada@example.org"])
def test_the_recipient_is_the_hashed_profile_url_never_the_email(
    app, client, earn_fundamental, email
):
    _person, badge = earn_fundamental(email=email)
    recipient = get_json(client, f"/badges/assertions/{badge.public_id}.json")["recipient"]
    assert recipient["type"] == "url"
    identity = app.config["BASE_URL"] + "/people/Ada" + recipient["salt"]
    assert recipient["identity"] == "sha256$" + hashlib.sha256(identity.encode()).hexdigest()


def test_the_assertion_carries_the_steps_and_a_public_holders_trainings_never_reflections(
    client, earn_fundamental, make_person
):
    person, badge = earn_fundamental()
    host = make_person(username="Host")
    on_level, signup = hosted_training(host, person)
    elsewhere, other_signup = hosted_training(host, person)
    _, not_attended = hosted_training(host, person)
    with transaction():
        on_level.title = "Citing sources"
        elsewhere.skills = ["representing-community"]
        signup.attended_at = other_signup.attended_at = utcnow()
        for row in plans.plan_of(person).steps:
            row.reflection = "My private thoughts"

    url = f"/badges/assertions/{badge.public_id}.json"
    [steps] = get_json(client, url)["evidence"]  # anonymous: a host could tell who came
    with transaction():
        person.public_profile = True
    assertion = get_json(client, url)
    steps, trainings = assertion["evidence"]
    assert all(item.keys() <= EVIDENCE_PROPERTIES for item in assertion["evidence"])
    done = plans.progress_by_rung(plans.plan_of(person))[0].steps
    skills = get_catalog().skills
    assert steps["narrative"].splitlines()[2:] == [f"- {skills[r.skill_id].name}" for r in done]
    assert trainings["narrative"].splitlines()[2:] == ["- Citing sources"]
    assert "My private thoughts" not in json.dumps(assertion)
    assert not_attended.attended_at is None


def test_unknown_badge_documents_are_404(client):
    assert client.get("/badges/levels/wizardry.json").status_code == 404
    assert client.get("/badges/levels/wizardry.svg").status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/badges/assertions/{unknown}.json").status_code == 404
    assert client.get(f"/badges/{unknown}").status_code == 404


def test_certificate_is_printable_and_public(client, earn_fundamental):
    person, badge = earn_fundamental()
    person.public_profile = True
    db.session.commit()
    client.post("/auth/logout")
    response = client.get(f"/badges/{badge.public_id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Certificate: Fundamental level" in body
    assert '<a href="/people/Ada"><bdi>Ada</bdi></a>' in body
    assert f"http://localhost/badges/assertions/{badge.public_id}.json" in body
    assert "css/ladder.css" in body
    assert "Revoke this badge" not in body


@pytest.mark.parametrize("role", [RoleName.VOLUNTEER, RoleName.MENTOR])
def test_only_coordinators_can_revoke(client, earn_fundamental, login_as, role):
    _person, badge = earn_fundamental()
    login_as(role)
    response = client.post(f"/badges/{badge.public_id}/revoke", data={"reason": "no"})
    assert response.status_code == 403
    db.session.refresh(badge)
    assert badge.revoked_at is None


def test_revoking_needs_a_reason(client, earn_fundamental, login_as):
    _person, badge = earn_fundamental()
    login_as(RoleName.COORDINATOR)
    assert "Revoke this badge" in client.get(f"/badges/{badge.public_id}").get_data(as_text=True)
    response = client.post(f"/badges/{badge.public_id}/revoke", data={"reason": "  "})
    assert response.status_code == 422
    assert "Say why the badge is revoked." in response.get_data(as_text=True)
    db.session.refresh(badge)
    assert badge.revoked_at is None


def test_revoked_assertion_answers_410_with_the_revocation(client, earn_fundamental, login_as):
    person, badge = earn_fundamental()
    coordinator = login_as(RoleName.COORDINATOR)
    response = client.post(
        f"/badges/{badge.public_id}/revoke", data={"reason": "Steps were not really done."}
    )
    assert response.status_code == 302
    document = get_json(client, f"/badges/assertions/{badge.public_id}.json", status=410)
    assert document["revoked"] is True
    assert document["revocationReason"] == "Steps were not really done."
    assert document["id"].endswith(f"/badges/assertions/{badge.public_id}.json")
    assert "recipient" not in document
    event = db.session.scalar(select(ProgramEvent).where(ProgramEvent.kind == "badge_revoked"))
    assert (event.actor_id, event.subject_id) == (coordinator.id, badge.id)
    assert event.reason == "Steps were not really done."
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.person_id == person.id)
    ).all()
    assert sorted(kinds) == ["badge_issued", "badge_revoked"]
    certificate = client.get(f"/badges/{badge.public_id}")
    assert certificate.status_code == 410
    assert "This certificate was revoked" in certificate.get_data(as_text=True)
    again = client.post(f"/badges/{badge.public_id}/revoke", data={"reason": "twice"})
    assert again.status_code == 422
    assert "already revoked" in again.get_data(as_text=True)


def test_my_badges_lists_own_badges_only(client, earn_fundamental, login_as, make_person):
    person, badge = earn_fundamental()
    login_as(RoleName.VOLUNTEER)
    body = client.get("/badges/").get_data(as_text=True)
    assert "No certificate yet." in body and badge.public_id not in body
    sign_in(client, person)
    body = client.get("/badges/").get_data(as_text=True)
    assert f"/badges/{badge.public_id}" in body
    assert "Fundamental certificate" in body


def test_my_badges_needs_sign_in(client):
    assert client.get("/badges/").status_code == 302


def test_issuing_twice_keeps_one_badge(app, make_person):
    from pathways.services import recognition

    person = make_person()
    with app.test_request_context():
        with transaction():
            first = recognition.issue_level_badge(person, "emerging")
        with transaction():
            second = recognition.issue_level_badge(person, "emerging")
    assert first.id == second.id
    assert len(db.session.scalars(select(Badge)).all()) == 1
