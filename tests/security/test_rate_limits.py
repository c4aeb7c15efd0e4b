"""Rate limits that stop guessing without locking out the people who know their password.

Every test runs with the limits counted in memory, or in Redis when ``TEST_REDIS_URL``
is set (see ``conftest.py``).
"""

import re

from flask.testing import FlaskClient
from limits.storage import MemoryStorage, RedisStorage

from pathways import rate_limits
from pathways.extensions import limiter
from pathways.models import Person, RoleName
from tests.helpers import PASSWORD, sign_in

from .conftest import REDIS_URL

ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}


def sign_in_status(client: FlaskClient, username: str, password: str = "wrong", **kwargs) -> int:
    response = client.post(
        "/auth/login", data={"username": username, "password": password}, **kwargs
    )
    return response.status_code


def lock_out(client: FlaskClient, username: str, failures: int, **kwargs) -> None:
    """Fail ``failures`` times as ``username``, then see the next attempt refused."""
    codes = [sign_in_status(client, username, **kwargs) for _ in range(failures + 1)]
    assert codes == [422] * failures + [429]


def test_limits_count_in_the_configured_storage(limited_app):
    limited_app()
    assert isinstance(limiter.storage, RedisStorage if REDIS_URL else MemoryStorage)


def test_failures_on_one_username_do_not_refuse_another_username(limited_app, make_person):
    make_person(username="Ada")
    make_person(username="Grace")
    client = limited_app(SIGN_IN_RATE_LIMIT="3 per minute").test_client()
    lock_out(client, "Ada", 3)
    assert sign_in_status(client, "Grace") == 422
    assert sign_in_status(client, "Grace", PASSWORD) == 302


def test_a_locked_username_stays_locked_even_with_the_right_password(limited_app, make_person):
    make_person(username="Ada")
    client = limited_app(SIGN_IN_RATE_LIMIT="3 per minute").test_client()
    lock_out(client, "Ada", 3)
    assert sign_in_status(client, "ada", PASSWORD) == 429


def test_failures_from_one_address_do_not_refuse_another_address(limited_app, make_person):
    make_person(username="Ada")
    client = limited_app(SIGN_IN_RATE_LIMIT="3 per minute").test_client()
    lock_out(client, "Ada", 3)
    assert sign_in_status(client, "Ada", PASSWORD, environ_base=ELSEWHERE) == 302


def test_behind_trusted_proxies_the_client_address_comes_from_x_forwarded_for(
    limited_app, make_person
):
    make_person(username="Ada")
    client = limited_app(SIGN_IN_RATE_LIMIT="3 per minute", TRUSTED_PROXIES=1).test_client()
    lock_out(client, "Ada", 3, headers={"X-Forwarded-For": "203.0.113.5"})
    other_volunteer = {"X-Forwarded-For": "203.0.113.77"}
    assert sign_in_status(client, "Ada", PASSWORD, headers=other_volunteer) == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(limited_app, make_person):
    make_person(username="Ada")
    client = limited_app(SIGN_IN_RATE_LIMIT="3 per minute", TRUSTED_PROXIES=0).test_client()
    codes = [
        sign_in_status(client, "Ada", headers={"X-Forwarded-For": f"203.0.113.{n}"})
        for n in range(4)
    ]
    assert codes == [422, 422, 422, 429]


def test_only_failed_sign_ins_count(limited_app, make_person):
    make_person(username="Ada")
    client = limited_app(SIGN_IN_RATE_LIMIT="3 per minute").test_client()
    assert [sign_in_status(client, "Ada", PASSWORD) for _ in range(5)] == [302] * 5


def test_one_address_cannot_try_unlimited_usernames(limited_app):
    client = limited_app(SIGN_IN_ADDRESS_RATE_LIMIT="5 per hour").test_client()
    codes = [sign_in_status(client, f"guess{n}") for n in range(6)]
    assert codes == [422] * 5 + [429]
    assert sign_in_status(client, "guess9", environ_base=ELSEWHERE) == 422


def test_sign_up_is_limited_per_address(limited_app):
    client = limited_app(SIGN_UP_RATE_LIMIT="2 per hour").test_client()

    def sign_up(username: str, **kwargs) -> int:
        data = {"username": username, "password": PASSWORD, "password_again": PASSWORD}
        return client.post("/auth/signup", data={**data, "languages": "en"}, **kwargs).status_code

    assert [sign_up("Ada"), sign_up("Grace"), sign_up("Hedy")] == [302, 302, 429]
    assert sign_up("Hedy", environ_base=ELSEWHERE) == 302


def test_sign_in_link_failures_are_limited_per_address(limited_app):
    client = limited_app(SIGN_IN_ADDRESS_RATE_LIMIT="3 per hour").test_client()
    codes = [client.post(f"/auth/link/guess{n}").status_code for n in range(4)]
    assert codes == [404, 404, 404, 429]


MISMATCHED = {"password": "one long passphrase", "password_again": "another one"}


def may_set_password(client: FlaskClient, person: Person) -> FlaskClient:
    """Signed in as ``person`` right after a sign-in link, free to choose a password."""
    sign_in(client, person)
    with client.session_transaction() as session:
        session["may_set_password"] = True
    return client


def test_password_changes_are_limited_per_person(limited_app, make_person):
    ada, grace = make_person(username="Ada"), make_person(username="Grace")
    client = limited_app(PASSWORD_CHANGE_RATE_LIMIT="2 per hour").test_client()
    may_set_password(client, ada)
    codes = [client.post("/auth/password", data=MISMATCHED).status_code for _ in range(3)]
    assert codes == [422, 422, 429]
    may_set_password(client, grace)
    assert client.post("/auth/password", data=MISMATCHED).status_code == 422


def test_another_password_form_shares_the_password_change_count(limited_app, make_person):
    limited = limited_app(PASSWORD_CHANGE_RATE_LIMIT="2 per hour")

    @rate_limits.password_change
    def change_password():
        return "", 204

    limited.add_url_rule("/settings/password", view_func=change_password, methods=["POST"])
    client = may_set_password(limited.test_client(), make_person(username="Ada"))
    assert client.post("/auth/password", data=MISMATCHED).status_code == 422
    codes = [client.post("/settings/password").status_code for _ in range(2)]
    assert codes == [204, 429]


def test_request_creation_is_limited_per_person(limited_app, make_person):
    volunteer = make_person(RoleName.VOLUNTEER)
    client = limited_app(REQUEST_CREATION_RATE_LIMIT="2 per hour").test_client()
    sign_in(client, volunteer)
    codes = [
        client.post("/requests/new", data={"skills": ["no-such-skill"]}).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 429]
    sign_in(client, make_person(RoleName.VOLUNTEER))
    assert client.post("/requests/new", data={"skills": ["no-such-skill"]}).status_code == 422


def test_the_refusal_says_how_long_to_wait(limited_app):
    client = limited_app(SIGN_IN_RATE_LIMIT="1 per minute").test_client()
    sign_in_status(client, "Ada")
    response = client.post("/auth/login", data={"username": "Ada", "password": "wrong"})
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert re.search(r"Wait (\d+ seconds?|1 minute) and try again", page), page


def test_json_clients_get_the_wait_in_json(limited_app):
    client = limited_app(SIGN_IN_RATE_LIMIT="1 per minute").test_client()
    sign_in_status(client, "Ada")
    response = client.post(
        "/auth/login",
        data={"username": "Ada", "password": "wrong"},
        headers={"Accept": "application/json"},
    )
    error = response.get_json()["error"]
    assert (response.status_code, error["status"]) == (429, 429)
    assert 0 < error["retry_after"] <= 60
    assert abs(error["retry_after"] - int(response.headers["Retry-After"])) <= 1
    assert "try again" in error["message"]
