import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pathways.badges import (
    OPEN_BADGES_CONTEXT,
    assertion_document,
    badge_class_document,
    evidence_object,
    hash_identity,
    issuer_document,
    new_salt,
    recipient_object,
    revoked_document,
)
from tests.openbadges_spec import (
    ASSERTION_REQUIRED,
    BADGE_CLASS_REQUIRED,
    EVIDENCE_PROPERTIES,
    IDENTITY_REQUIRED,
    ISSUER_REQUIRED,
)

ISSUER_URL = "https://pathways.example.org/badges/issuer"
BADGE_URL = "https://pathways.example.org/badges/levels/fundamental"
ASSERTION_URL = "https://pathways.example.org/badges/assertions/42"
PROFILE_URL = "https://pathways.example.org/people/Ada"
ISSUED_ON = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def make_issuer(**overrides):
    values = {
        "issuer_url": ISSUER_URL,
        "name": "Pathways",
        "website_url": "https://pathways.example.org/",
    }
    return issuer_document(**values | overrides)


def make_badge_class(**overrides):
    values = {
        "badge_class_url": BADGE_URL,
        "name": "Fundamental",
        "description": "First steps on the wikis.",
        "image_url": "https://pathways.example.org/static/badges/fundamental.svg",
        "criteria_narrative": "Completed every Fundamental step of a Pathways ladder.",
        "issuer_url": ISSUER_URL,
    }
    return badge_class_document(**values | overrides)


def make_assertion(**overrides):
    values = {
        "assertion_url": ASSERTION_URL,
        "badge_class_url": BADGE_URL,
        "recipient": recipient_object(profile_url=PROFILE_URL, salt="pepper"),
        "issued_on": ISSUED_ON,
    }
    return assertion_document(**values | overrides)


def test_issuer_has_every_required_property():
    document = make_issuer()
    assert document.keys() >= ISSUER_REQUIRED
    assert document["@context"] == OPEN_BADGES_CONTEXT
    assert document["type"] == "Issuer"
    assert document["id"] == ISSUER_URL


def test_issuer_leaves_out_optional_properties_that_are_not_given():
    assert make_issuer().keys() == ISSUER_REQUIRED
    document = make_issuer(email="badges@example.org", description="A learning ladder.")
    assert document["email"] == "badges@example.org"
    assert document["description"] == "A learning ladder."


def test_badge_class_has_every_required_property():
    document = make_badge_class()
    assert document.keys() >= BADGE_CLASS_REQUIRED
    assert document["@context"] == OPEN_BADGES_CONTEXT
    assert document["type"] == "BadgeClass"
    assert document["issuer"] == ISSUER_URL


def test_badge_class_criteria_carry_a_narrative_and_an_optional_link():
    assert make_badge_class()["criteria"] == {
        "narrative": "Completed every Fundamental step of a Pathways ladder."
    }
    criteria = make_badge_class(criteria_url="https://pathways.example.org/levels/fundamental")[
        "criteria"
    ]
    assert criteria["id"] == "https://pathways.example.org/levels/fundamental"
    assert criteria["narrative"]


def test_badge_class_tags_are_a_list():
    assert "tags" not in make_badge_class()
    assert make_badge_class(tags=("fundamental", "wikimedia"))["tags"] == [
        "fundamental",
        "wikimedia",
    ]


def test_assertion_has_every_required_property_for_hosted_verification():
    document = make_assertion()
    assert document.keys() >= ASSERTION_REQUIRED
    assert document["@context"] == OPEN_BADGES_CONTEXT
    assert document["type"] == "Assertion"
    assert document["badge"] == BADGE_URL
    assert document["verification"] == {"type": "hosted"}
    assert document["recipient"].keys() >= IDENTITY_REQUIRED


def test_assertion_issued_on_is_iso_8601_with_offset():
    issued_on = make_assertion()["issuedOn"]
    assert datetime.fromisoformat(issued_on) == ISSUED_ON
    assert issued_on.endswith("+00:00")
    other_zone = datetime(2025, 3, 14, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    assert make_assertion(issued_on=other_zone)["issuedOn"] == "2025-03-14T12:00:00+03:00"


def test_assertion_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        make_assertion(issued_on=datetime(2025, 3, 14, 9, 30))


def test_assertion_evidence_is_an_optional_list_of_evidence_objects():
    assert "evidence" not in make_assertion()
    steps = evidence_object(narrative="Organised two editathons.", url="https://w.example/e")
    endorsed = evidence_object(narrative="Ada ran both events well.", genre="Endorsement")
    document = make_assertion(evidence=(steps, endorsed))
    assert document["evidence"] == [
        {"type": "Evidence", "id": "https://w.example/e", "narrative": "Organised two editathons."},
        {"type": "Evidence", "narrative": "Ada ran both events well.", "genre": "Endorsement"},
    ]
    assert all(item.keys() <= EVIDENCE_PROPERTIES for item in document["evidence"])


def test_evidence_must_say_something():
    with pytest.raises(ValueError):
        evidence_object()
    assert evidence_object(url="https://w.example/e") == {
        "type": "Evidence",
        "id": "https://w.example/e",
    }


def test_documents_are_json_serialisable():
    for document in (make_issuer(), make_badge_class(), make_assertion()):
        assert json.loads(json.dumps(document)) == document


def test_hash_identity_follows_the_spec_format():
    expected = hashlib.sha256(b"ada@example.org" + b"deadsea").hexdigest()
    assert hash_identity("ada@example.org", "deadsea") == "sha256$" + expected


def test_recipient_is_the_salted_hash_of_the_profile_url():
    salt = new_salt()
    recipient = recipient_object(profile_url=PROFILE_URL, salt=salt)
    assert recipient == {
        "type": "url",
        "hashed": True,
        "salt": salt,
        "identity": "sha256$" + hashlib.sha256((PROFILE_URL + salt).encode()).hexdigest(),
    }


def test_assertion_does_not_reveal_the_recipient():
    serialised = json.dumps(
        make_assertion(recipient=recipient_object(profile_url=PROFILE_URL, salt=new_salt()))
    )
    assert "/people/Ada" not in serialised


def test_new_salt_is_fresh_each_time():
    salts = {new_salt() for _ in range(20)}
    assert len(salts) == 20
    assert all(len(salt) >= 32 for salt in salts)


def test_revoked_assertion_says_so_with_its_reason():
    document = revoked_document(url=ASSERTION_URL, reason="Issued in error")
    assert document["id"] == ASSERTION_URL
    assert document["revoked"] is True
    assert document["revocationReason"] == "Issued in error"
    assert "recipient" not in document


def test_revoked_assertion_reason_is_optional():
    document = revoked_document(url=ASSERTION_URL, reason=None)
    assert document["revoked"] is True
    assert "revocationReason" not in document
