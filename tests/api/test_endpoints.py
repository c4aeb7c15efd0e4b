"""Each API operation, as each kind of person: the same answers and refusals as the web."""

from datetime import date

import pytest

from pathways.extensions import db
from pathways.models import MentorRequest, RequestState, RoleName
from pathways.services import plans, transaction
from tests.helpers import count, snapshot

READ_WRITE = ("read", "write")


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) >= {"code", "message", "fields"}
    return body["error"]


@pytest.mark.parametrize("name", ["levels", "pillars", "skills", "roles"])
def test_the_catalog_is_public_and_paginated(client, name):
    first = client.get(f"/api/v1/catalog/{name}?per_page=2").get_json()
    second = client.get(f"/api/v1/catalog/{name}?per_page=2&page=2").get_json()
    assert first["total"] == second["total"] >= 3
    assert len(first["items"]) == 2 and first["items"] != second["items"]
    everything = client.get(f"/api/v1/catalog/{name}?per_page=100").get_json()["items"]
    assert everything[:4] == first["items"] + second["items"]


def test_the_catalog_speaks_the_accept_language(client):
    english = client.get("/api/v1/catalog/skills").get_json()["items"][0]["name"]
    spanish = client.get("/api/v1/catalog/skills", headers={"Accept-Language": "es"})
    assert spanish.get_json()["items"][0]["name"] != english


def test_my_ladder_read_and_a_step_marked(client, make_person, bearer):
    person = make_person()
    with transaction():
        plan = plans.build_plan(person, ["newcomer"], "", ["en"], 3)
    headers = bearer(person, *READ_WRITE)
    ladder = client.get("/api/v1/me/ladder", headers=headers).get_json()
    assert ladder["goal_roles"] == ["newcomer"]
    step_id = ladder["steps"][0]["id"]
    assert step_id == plan.steps[0].id
    response = client.post(
        f"/api/v1/me/ladder/steps/{step_id}",
        json={"status": "done", "reflection": "went well"},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.get_json()["step"]["status"] == "done"


def test_a_level_finished_through_the_api_waits_for_endorsement(client, make_person, bearer):
    person = make_person()
    with transaction():
        plan = plans.onboard(person, {"wiki-basics": "confident"}, ["editor"], "", ["en"], 3)
    emerging = next(r for r in plans.progress_by_rung(plan) if r.level_id == "emerging")
    headers = bearer(person, *READ_WRITE)
    answers = [
        client.post(f"/api/v1/me/ladder/steps/{row.id}", json={"status": "done"}, headers=headers)
        for row in emerging.steps
    ]
    assert [a.get_json()["badge_level"] for a in answers] == [None] * len(answers)
    rungs = client.get("/api/v1/me/ladder", headers=headers).get_json()["rungs"]
    assert {r["level"]: r["endorsement"] for r in rungs}["emerging"] == "pending"


def test_a_ladder_before_onboarding_is_a_404(client, make_person, bearer):
    response = client.get("/api/v1/me/ladder", headers=bearer(make_person()))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_someone_elses_step_is_refused(client, make_person, bearer):
    owner = make_person()
    with transaction():
        plan = plans.build_plan(owner, ["newcomer"], "", ["en"], 3)
    response = client.post(
        f"/api/v1/me/ladder/steps/{plan.steps[0].id}",
        json={"status": "done"},
        headers=bearer(make_person(), *READ_WRITE),
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_mentors_show_only_what_each_mentor_chose(client, make_mentor, make_person, bearer):
    from pathways.services import offers

    shy = make_mentor(username="Shy", skills=("referencing",))
    make_mentor(username="Open", skills=("referencing",))
    with transaction():
        offers.save_offer(shy, 2, "", "", ["referencing"], False, False, True)
    body = client.get("/api/v1/mentors", headers=bearer(make_person())).get_json()
    by_name = {m["username"]: m for m in body["items"]}
    assert by_name["Shy"]["skills"] is None and by_name["Shy"]["languages"] is None
    assert by_name["Open"]["skills"] == ["referencing"]
    assert "email" not in by_name["Open"] and "capacity" not in by_name["Open"]
    one = client.get(f"/api/v1/mentors/{shy.id}", headers=bearer(make_person())).get_json()
    assert one["skills"] is None


def test_request_withdraw_and_a_second_request(client, make_mentor, make_person, bearer):
    mentor = make_mentor()
    mentee = make_person()
    headers = bearer(mentee, *READ_WRITE)
    body = {"skills": ["referencing"], "note": "help", "preferred_mentor_id": mentor.id}
    created = client.post("/api/v1/me/requests", json=body, headers=headers)
    assert created.status_code == 201
    request = created.get_json()
    assert request["state"] == "proposed" and request["proposals"][0]["mentor"]["id"] == mentor.id
    again = client.post("/api/v1/me/requests", json=body, headers=headers)
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"
    mine = client.get("/api/v1/me/requests", headers=headers).get_json()
    assert [r["id"] for r in mine["items"]] == [request["id"]]
    one = client.get(f"/api/v1/me/requests/{request['id']}", headers=headers)
    assert one.get_json() == request
    others = client.get(f"/api/v1/me/requests/{request['id']}", headers=bearer(mentor))
    assert others.status_code == 403
    out_of_range = client.get("/api/v1/me/requests/2147483648", headers=headers)
    assert out_of_range.status_code == 404
    withdrawn = client.post(f"/api/v1/me/requests/{request['id']}/withdraw", headers=headers)
    assert withdrawn.get_json()["state"] == "withdrawn"
    twice = client.post(f"/api/v1/me/requests/{request['id']}/withdraw", headers=headers)
    assert twice.status_code == 409


def test_a_request_for_a_peer_circle_waits_for_the_batch(client, make_mentor, make_person, bearer):
    make_mentor()
    headers = bearer(make_person(), *READ_WRITE)
    body = {"skills": ["referencing"], "wants_group": True}
    created = client.post("/api/v1/me/requests", json=body, headers=headers).get_json()
    assert created["wants_group"] is True
    assert created["state"] == "open" and created["proposals"] == []


def test_a_coordinator_approves_and_rejects(client, make_mentor, make_person, bearer):
    mentor, other = make_mentor(), make_mentor(username="Other")
    first, second = make_person(), make_person()
    coordinator = bearer(make_person(RoleName.COORDINATOR), "read", "coordinate")
    for person in (first, second):
        client.post(
            "/api/v1/me/requests",
            json={"skills": ["referencing"], "preferred_mentor_id": mentor.id},
            headers=bearer(person, "write"),
        )
    queue = client.get("/api/v1/coordinator/queue", headers=coordinator).get_json()
    assert queue["total"] == 2 and queue["per_page"] == 25
    to_approve, to_reject = (r["proposals"][0]["id"] for r in queue["items"])
    approved = client.post(
        f"/api/v1/coordinator/proposals/{to_approve}/approve", headers=coordinator
    )
    assert approved.status_code == 201 and approved.get_json()["mentorship_id"]
    twice = client.post(f"/api/v1/coordinator/proposals/{to_approve}/approve", headers=coordinator)
    assert twice.status_code == 409
    no_reason = client.post(
        f"/api/v1/coordinator/proposals/{to_reject}/reject", json={}, headers=coordinator
    )
    assert no_reason.status_code == 422 and "reason" in error_of(no_reason)["fields"]
    rejected = client.post(
        f"/api/v1/coordinator/proposals/{to_reject}/reject",
        json={"reason": "not a fit"},
        headers=coordinator,
    )
    assert rejected.status_code == 200
    assert other.id in [p["mentor"]["id"] for p in rejected.get_json()["proposals"]]
    figures = client.get("/api/v1/coordinator/dashboard", headers=coordinator).get_json()
    assert figures["waiting"] == 1 and sum(m["count"] for m in figures["matches_per_month"]) == 1


def test_coordinator_operations_need_the_role_and_the_scope(client, make_person, bearer):
    volunteer = bearer(make_person(), "read", "write")
    assert client.get("/api/v1/coordinator/queue", headers=volunteer).status_code == 403
    without_scope = bearer(make_person(RoleName.COORDINATOR), "read", "write")
    response = client.get("/api/v1/coordinator/queue", headers=without_scope)
    assert response.status_code == 403 and "coordinate" in error_of(response)["message"]


def test_mentorships_and_check_ins(client, world, bearer):
    from pathways.models import Person

    mentor = db.session.get(Person, world.people["mentor"])
    outsider = db.session.get(Person, world.people["outsider"])
    headers = bearer(mentor, *READ_WRITE)
    mine = client.get("/api/v1/me/mentorships", headers=headers).get_json()
    assert world.mentorship_id in [m["id"] for m in mine["items"]]
    url = f"/api/v1/mentorships/{world.mentorship_id}/checkins"
    body = {"happened_on": date.today().isoformat(), "minutes": 30, "notes": "good"}
    added = client.post(url, json=body, headers=headers)
    assert added.status_code == 201 and added.get_json()["minutes"] == 30
    assert client.get(url, headers=headers).get_json()["total"] == 1
    future = client.post(url, json={**body, "happened_on": "2999-01-01"}, headers=headers)
    assert future.status_code == 422 and "happened_on" in error_of(future)["fields"]
    stranger = bearer(outsider, *READ_WRITE)
    assert client.get(url, headers=stranger).status_code == 403
    assert client.post(url, json=body, headers=stranger).status_code == 403
    assert (
        client.get(f"/api/v1/mentorships/{world.mentorship_id}", headers=headers).status_code == 200
    )


# Tokens at the door ---------------------------------------------------------------------


def test_wrong_expired_and_revoked_tokens_are_401(client, make_person, bearer):
    from datetime import timedelta

    from pathways.models import AccessToken, utcnow

    person = make_person()
    for headers in (
        {"Authorization": "Bearer pw_wrong"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ):
        response = client.get("/api/v1/me/requests", headers=headers)
        assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"
    headers = bearer(person)
    token = db.session.scalars(db.select(AccessToken)).one()
    with transaction():
        token.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/v1/me/requests", headers=headers).status_code == 401
    with transaction():
        token.expires_at, token.revoked_at = utcnow() + timedelta(days=1), utcnow()
    assert client.get("/api/v1/me/requests", headers=headers).status_code == 401
    assert client.get("/api/v1/catalog/levels", headers=headers).status_code == 401
    assert client.get("/api/v1/me/requests").status_code == 401


def test_a_read_token_cannot_write(client, make_mentor, make_person, bearer):
    make_mentor()
    response = client.post(
        "/api/v1/me/requests", json={"skills": ["referencing"]}, headers=bearer(make_person())
    )
    assert response.status_code == 403 and "write" in error_of(response)["message"]
    assert count(MentorRequest) == 0


def test_a_session_cookie_alone_does_not_authorise_the_api(client, login_as):
    login_as()
    response = client.post("/api/v1/me/requests", json={"skills": ["referencing"]})
    assert response.status_code == 401
    assert client.get("/api/v1/me/requests").status_code == 401


def test_the_api_is_rate_limited(other_app, make_person, bearer):
    app = other_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        headers = bearer(make_person())
        answers = [client.get("/api/v1/me/requests", headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert error_of(answers[-1])["code"] == "too_many_requests"


def test_each_request_counts_once_however_many_apps_the_process_made(
    other_app, make_person, bearer
):
    apps = [other_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute") for _ in range(3)]
    client = apps[-1].test_client()
    with apps[-1].app_context():
        headers = bearer(make_person())
        answers = [client.get("/api/v1/me/requests", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]


# Bad input ------------------------------------------------------------------------------


@pytest.fixture
def writer(make_person, make_mentor, bearer):
    make_mentor()
    return bearer(make_person(), *READ_WRITE)


@pytest.mark.parametrize("body", ["{not json", "[" * 5000])  # too deep: a RecursionError
def test_malformed_json_is_a_400(client, writer, body):
    response = client.post(
        "/api/v1/me/requests",
        data=body,
        headers={**writer, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and error_of(response)["code"] == "bad_request"


def test_a_refusal_of_a_body_too_deep_to_read_is_still_the_refusal(client, writer):
    """The refusal reads the body for the names sent (it raised: a 500)."""
    created = client.post("/api/v1/me/requests", json={"skills": ["referencing"]}, headers=writer)
    withdraw = f"/api/v1/me/requests/{created.get_json()['id']}/withdraw"
    assert client.post(withdraw, headers=writer).status_code == 200
    again = client.post(
        withdraw, data="[" * 5000, headers={**writer, "Content-Type": "application/json"}
    )
    assert again.status_code == 409 and error_of(again)["code"] != "server_error"


@pytest.mark.parametrize("character", ["\x00", "\ud800", "\x1b"])
@pytest.mark.parametrize("field", ["note", "notes"])
def test_a_control_character_or_lone_surrogate_in_a_body_is_a_422_naming_the_field(
    client, world, bearer, field, character
):
    """PostgreSQL refuses NUL and no database writes a lone surrogate: both were 500s."""
    from pathways.models import Person

    url, body, author = {
        "note": ("/api/v1/me/requests", {"skills": ["referencing"]}, "outsider"),
        "notes": (
            f"/api/v1/mentorships/{world.mentorship_id}/checkins",
            {"happened_on": date.today().isoformat(), "minutes": 30},
            "mentor",
        ),
    }[field]
    headers = bearer(db.session.get(Person, world.people[author]), *READ_WRITE)
    before = snapshot()
    response = client.post(url, json={**body, field: f"a {character} b"}, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert "U+" in error_of(response)["fields"][field]
    assert snapshot() == before


def test_api_text_loses_bidi_scope_controls_as_a_form_field_does(client, writer):
    body = {"skills": ["referencing"], "note": "old \u202emaps\u200f"}
    created = client.post("/api/v1/me/requests", json=body, headers=writer)
    assert created.status_code == 201 and created.get_json()["note"] == "old maps\u200f"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"skills": "referencing"}, "skills"),
        ({"skills": [1]}, "skills.0"),
        ({"skills": ["referencing"], "colour": "blue"}, "colour"),
        ({"skills": ["referencing"], "preferred_mentor_id": 2**31}, "preferred_mentor_id"),
        ({"skills": ["referencing"], "preferred_mentor_id": 0}, "preferred_mentor_id"),
        ({"skills": ["no-such-skill"]}, "skills"),
        ({"skills": []}, "skills"),
        ({}, "skills"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, writer, body, field):
    response = client.post("/api/v1/me/requests", json=body, headers=writer)
    assert response.status_code == 422, response.get_json()
    error = error_of(response)
    assert error["code"] == "invalid" and field in error["fields"]
    assert count(MentorRequest, MentorRequest.state != RequestState.WITHDRAWN) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/me/requests/2147483648/withdraw",
        "/api/v1/me/requests/99999/withdraw",
        "/api/v1/mentorships/2147483648/checkins",
    ],
)
def test_ids_out_of_range_or_unknown_are_404(client, writer, url):
    response = client.post(url, json={}, headers=writer)
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("query", ["page=0", "page=2147483648", "per_page=101", "page=x"])
def test_bad_paging_is_a_422_naming_the_parameter(client, query):
    response = client.get(f"/api/v1/catalog/skills?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in error_of(response)["fields"]


def test_unknown_api_paths_and_methods_answer_in_the_error_shape(client):
    assert error_of(client.get("/api/v1/nothing"))["code"] == "not_found"
    assert error_of(client.delete("/api/v1/catalog/skills"))["code"] == "method_not_allowed"


def test_the_openapi_document_and_the_docs_page(client):
    from pathways.api import api

    assert api._undocumented, "the app's start documents no view: the first read does"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert not api._undocumented
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/me/requests" in spec["paths"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "POST /api/v1/me/requests" in page and "cdn" not in page.lower()
