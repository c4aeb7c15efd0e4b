"""The Capacity Exchange profile through the API: read in CapX's shape, import (or only
preview) one, and refusals naming the field."""

import pytest

from pathways.ladder import Stance
from pathways.services import plans
from tests.test_capx import PROFILE

URL = "/api/v1/me/profile/capx"


def test_a_preview_writes_nothing_and_an_import_writes(client, make_person, bearer):
    person = make_person()
    headers = bearer(person, "read", "write")
    preview = client.post(f"{URL}?preview=true", json=PROFILE, headers=headers)
    assert preview.status_code == 200
    body = preview.get_json()
    assert body["applied"] is False
    assert body["stances"]["mentoring"] == "can_teach"
    assert body["unmapped_skills"] == ["budgeting", "unknown CapX skill #999999"]
    assert body["languages"] == ["fr", "hi"] and body["unknown_languages"] == ["#4242"]
    assert body["interests"] == "Conflict management; Grant proposals"
    assert plans.stances_of(person) == {}
    imported = client.post(URL, json=PROFILE, headers=headers)
    assert imported.get_json()["applied"] is True
    assert plans.stances_of(person)["mentoring"] == Stance.CAN_TEACH
    exported = client.get(URL, headers=headers).get_json()
    assert exported["skills_available"] == [69]
    assert client.post(URL, json=exported, headers=headers).get_json()["stances"] == {}


def test_importing_needs_the_write_scope(client, make_person, bearer):
    response = client.post(URL, json=PROFILE, headers=bearer(make_person(), "read"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"skills_known": "48"}, "skills_known"),
        ({"skills_known": ["48"]}, "skills_known.0"),
        ({"skills_wanted": [1.5]}, "skills_wanted.0"),
        ({"language": [{"id": "three"}]}, "language.0.id"),
        ({"language": [{"proficiency": "1"}]}, "language"),
        ({"language": [{"id": 3, "proficiency": "7"}]}, "language"),
    ],
)
def test_bad_profiles_are_a_422_naming_the_field(client, make_person, bearer, body, field):
    person = make_person()
    response = client.post(URL, json=body, headers=bearer(person, "read", "write"))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert plans.stances_of(person) == {}


def test_a_body_that_is_not_json_is_refused(client, make_person, bearer):
    headers = {**bearer(make_person(), "write"), "Content-Type": "application/json"}
    response = client.post(URL, data="{nope", headers=headers)
    assert response.status_code in {400, 422}
    assert "error" in response.get_json()
