"""Sign in with a Wikimedia account, run end to end against a loopback OAuth 2 provider."""

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from pathways.config import Config, complete
from pathways.extensions import db
from pathways.models import Person, RoleName, WikimediaAccount
from pathways.wikimedia import user_agent
from tests.helpers import count, emptied_afterwards, make_app, sign_in, snapshot
from tests.oauth_provider import CLIENT_ID, CLIENT_SECRET, PATH, Running, WikiUser

BASE_URL = "http://127.0.0.1:5000"
CALLBACK = BASE_URL + "/auth/wikimedia/callback"
CONTACT = "pathways-ops@example.org"
TOOL_URL = "https://pathways.toolforge.org"


@pytest.fixture(scope="module")
def wiki_server() -> Iterator[Running]:
    running = Running(CALLBACK)
    yield running
    running.stop()


@pytest.fixture
def wiki(wiki_server: Running):
    provider = wiki_server.provider
    provider.user, provider.consent = WikiUser(4242, "Wiki Newcomer"), True
    provider.codes.clear(), provider.tokens.clear(), provider.user_agents.clear()
    return provider


def wiki_settings(url: str) -> dict:
    return {
        "WIKIMEDIA_OAUTH_URL": url,
        "WIKIMEDIA_OAUTH_CLIENT_ID": CLIENT_ID,
        "WIKIMEDIA_OAUTH_CLIENT_SECRET": CLIENT_SECRET,
        "BASE_URL": BASE_URL,
        "TOOL_URL": TOOL_URL,
        "OPERATOR_CONTACT": CONTACT,
    }


@pytest.fixture
def app(migrated_database: str, tmp_path, wiki) -> Iterator[Flask]:
    """The app with sign-in through the loopback wiki."""
    with emptied_afterwards(
        make_app(migrated_database, str(tmp_path), **wiki_settings(wiki.url))
    ) as app:
        yield app


def start(client, wiki, url="/auth/wikimedia") -> str:
    """Press the button and consent on the wiki: the callback path the wiki sends back to."""
    response = client.post(url)
    assert response.status_code == 302
    authorize = response.headers["Location"]
    assert authorize.startswith(f"{wiki.url}{PATH}/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert "scope" not in query  # identity only: no e-mail
    consent = requests.get(authorize, allow_redirects=False, timeout=5)
    back = consent.headers["Location"]
    assert back.startswith(CALLBACK + "?")
    return back.removeprefix(BASE_URL)


def callback_with(path: str, **changes) -> str:
    query = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()} | changes
    query = {k: v for k, v in query.items() if v is not None}
    return "/auth/wikimedia/callback?" + urlencode(query)


def signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def wiki_account(sub="4242") -> WikimediaAccount | None:
    db.session.expire_all()
    return db.session.scalar(select(WikimediaAccount).where(WikimediaAccount.wiki_user_id == sub))


# The flow ---------------------------------------------------------------------------------


def test_a_new_wiki_account_becomes_a_volunteer_and_starts_its_ladder(client, wiki):
    response = client.get(start(client, wiki))
    assert response.status_code == 302
    assert response.headers["Location"] == "/ladder/start"
    account = wiki_account()
    person = account.person
    assert person.username == "Wiki Newcomer" and person.password_hash is None
    assert person.role_names == {RoleName.VOLUNTEER}
    assert signed_in_as(client) == person.get_id()
    page = client.get("/ladder/start")
    assert page.status_code == 200 and "Welcome" in page.get_data(as_text=True)


def test_every_request_to_the_wiki_names_the_tool_and_its_operator(client, wiki):
    client.get(start(client, wiki))
    sent = wiki.user_agents[1:]  # the first is the browser's visit to the consent page
    assert len(sent) == 2  # the token, then the profile
    for agent in sent:
        assert agent.startswith("Pathways/") and TOOL_URL in agent and CONTACT in agent


def test_a_returning_wiki_account_signs_in_to_the_same_person(client, wiki):
    client.get(start(client, wiki))
    first = wiki_account().person_id
    client.post("/auth/logout")
    wiki.user.username = "Wiki Renamed"
    response = client.get(start(client, wiki))
    assert response.headers["Location"] == "/"
    assert count(Person) == 1
    account = wiki_account()
    assert account.person_id == first and account.wiki_username == "Wiki Renamed"
    assert signed_in_as(client) == account.person.get_id()


def test_a_local_account_of_the_same_name_is_connected_in_settings(client, wiki, make_person):
    local = make_person(username="Wiki Newcomer")
    sign_in(client, local)
    assert "Connect my Wikimedia account" in client.get("/auth/settings").get_data(as_text=True)
    response = client.get(start(client, wiki, "/auth/wikimedia/link"))
    assert response.headers["Location"] == "/auth/settings"
    assert wiki_account().person_id == local.id
    client.post("/auth/logout")
    client.get(start(client, wiki))
    assert signed_in_as(client) == db.session.get(Person, local.id).get_id()
    assert count(Person) == 1


# Refusals: a clear message, nothing written -----------------------------------------------


def refused(client, path: str, status: int, says: str) -> None:
    before = snapshot()
    response = client.get(path)
    assert response.status_code == status
    assert says in response.get_data(as_text=True)
    db.session.expire_all()
    assert snapshot() == before


def test_a_wiki_name_held_by_a_local_account_is_not_taken_over(client, wiki, make_person):
    make_person(username="wiki newcomer")
    path = start(client, wiki)
    refused(client, path, 409, "connect your Wikimedia account from your settings")
    assert signed_in_as(client) is None


def test_a_wiki_name_that_reads_like_another_local_name_is_refused(client, wiki, make_person):
    make_person(username="WikiI")
    wiki.user = WikiUser(7, "Wikil")
    refused(client, start(client, wiki), 409, "looks too much like")


def test_a_wiki_name_outside_the_username_rules_is_refused(client, wiki):
    wiki.user = WikiUser(8, "O'Brien")
    refused(client, start(client, wiki), 409, "cannot be a Pathways username")


def test_a_name_in_a_refusal_is_isolated(client, wiki, make_person):
    make_person(username="نور")
    wiki.user = WikiUser(9, "نور")
    refused(client, start(client, wiki), 409, "<bdi>نور</bdi>")


def test_only_an_account_of_the_same_name_is_connected(client, wiki, make_person):
    sign_in(client, make_person(username="Someone Else"))
    refused(client, start(client, wiki, "/auth/wikimedia/link"), 409, "same name")


def test_a_wiki_account_connected_elsewhere_is_not_connected_again(client, wiki, make_person):
    client.get(start(client, wiki))
    client.post("/auth/logout")
    sign_in(client, make_person(username="Another"))
    wiki.user.username = "Another"
    refused(client, start(client, wiki, "/auth/wikimedia/link"), 409, "another Pathways account")


def test_denied_consent_goes_back_to_sign_in_and_changes_nothing(client, wiki):
    wiki.consent = False
    path = start(client, wiki)
    assert "error=access_denied" in path
    before = snapshot()
    response = client.get(path, follow_redirects=True)
    assert response.request.path == "/auth/login"
    assert "did not let Pathways see your Wikimedia account" in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize("state", ["forged", None])
def test_a_forged_or_missing_state_is_refused(client, wiki, state):
    path = callback_with(start(client, wiki), state=state)
    refused(client, path, 400, "did not start on this site")


def test_a_callback_nobody_started_is_refused(client, wiki):
    refused(client, "/auth/wikimedia/callback?code=abc&state=xyz", 400, "Nothing has changed")


def test_a_code_is_used_once(client, wiki):
    first = start(client, wiki)
    client.get(first)
    client.post("/auth/logout")
    refused(client, first, 400, "already used")
    replay = callback_with(start(client, wiki), code=parse_qs(urlsplit(first).query)["code"][0])
    refused(client, replay, 400, "already used")
    assert count(Person) == 1


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_wiki_that_does_not_answer_is_a_clear_message(client, other_app):
    down = other_app(**wiki_settings(f"http://127.0.0.1:{closed_port()}"))
    browser = down.test_client()
    authorize = browser.post("/auth/wikimedia").headers["Location"]
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    refused(browser, callback_with("/", code="abc", state=state), 502, "did not answer")


# Settings and limits ---------------------------------------------------------------------


def test_without_a_consumer_there_is_no_button_and_no_flow(other_app):
    plain = other_app().test_client()
    assert "Wikimedia" not in plain.get("/auth/login").get_data(as_text=True)
    assert plain.post("/auth/wikimedia").status_code == 404
    assert plain.get("/auth/wikimedia/callback?code=a&state=b").status_code == 404


def test_the_sign_in_pages_offer_the_button(client):
    for page in ("/auth/login", "/auth/signup"):
        assert "Sign in with your Wikimedia account" in client.get(page).get_data(as_text=True)


def test_refused_callbacks_count_towards_the_sign_in_ceiling(other_app, wiki):
    limited = other_app(
        **wiki_settings(wiki.url), RATELIMIT_ENABLED=True, SIGN_IN_ADDRESS_RATE_LIMIT="2 per hour"
    )
    browser = limited.test_client()
    statuses = [browser.get("/auth/wikimedia/callback?code=a&state=b").status_code for _ in "abc"]
    assert statuses == [400, 400, 429]


def test_a_deleted_account_lets_go_of_its_wiki_account(client, wiki):
    client.get(start(client, wiki))
    client.post("/account/delete", data={"username": "Wiki Newcomer"})
    assert wiki_account() is None
    client.get(start(client, wiki))
    assert wiki_account().person.username == "Wiki Newcomer"


def test_the_user_agent_follows_wikimedia_policy():
    config = {"BASE_URL": BASE_URL, "TOOL_URL": None, "OPERATOR_CONTACT": CONTACT}
    assert user_agent(config).startswith(f"Pathways/0.1.0 ({BASE_URL}; {CONTACT}) Authlib/")


def test_production_refuses_a_wiki_client_that_names_no_operator(tmp_path):
    config = Flask(__name__).config
    config.from_object(Config)
    config.from_mapping(
        PATHWAYS_ENV="production",
        SECRET_KEY="s",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        WIKIMEDIA_OAUTH_CLIENT_ID="id",
        OPERATOR_CONTACT=None,
    )
    with pytest.raises(RuntimeError, match="OPERATOR_CONTACT"):
        complete(config, str(tmp_path))
