"""Liveness and readiness: what a platform asks before sending people to a process."""

import pytest

from tests.helpers import make_app


def test_liveness_touches_no_store_and_sets_no_cookie(client, count_queries):
    with count_queries() as counted:
        response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert counted.n == 0
    assert "Set-Cookie" not in response.headers


def test_readiness_asks_the_database(client):
    response = client.get("/readyz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert "Set-Cookie" not in response.headers


def test_health_checks_do_not_count_against_rate_limits(other_app):
    app = other_app(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    for path in ("/healthz", "/readyz"):
        assert {client.get(path).status_code for _ in range(5)} == {200}


@pytest.fixture
def missing_folder(tmp_path):
    """A SQLite file in a folder that does not exist yet: the database is down until the
    folder appears, as a server is down until it starts."""
    return tmp_path / "not-yet"


def test_a_database_that_does_not_answer_is_named_then_ready_again(tmp_path, missing_folder):
    app = make_app(f"sqlite:///{missing_folder}/db.sqlite", str(tmp_path))
    client = app.test_client()
    down = client.get("/readyz")
    assert (down.status_code, down.get_json()) == (
        503,
        {"status": "unavailable", "down": ["database"]},
    )
    missing_folder.mkdir()
    assert client.get("/readyz").status_code == 200


def test_pages_answer_a_translated_503_while_the_database_is_down(tmp_path, missing_folder):
    app = make_app(f"sqlite:///{missing_folder}/db.sqlite", str(tmp_path))
    response = app.test_client().get("/people/Ada")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "cannot reach its database" in body and "Traceback" not in body
    spanish = app.test_client().get("/people/Ada?lang=es")
    assert spanish.status_code == 503 and '<html lang="es"' in spanish.get_data(as_text=True)


def test_a_configured_redis_that_does_not_answer_is_named(other_app):
    app = other_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    response = app.test_client().get("/readyz")
    assert (response.status_code, response.get_json()["down"]) == (503, ["redis"])
