"""One-time sign-in links for imported people: made by a coordinator or the CLI, used once."""

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pathways.config import REPO_ROOT
from pathways.extensions import db
from pathways.models import Person, ProgramEvent, RoleName, SignInLink, utcnow
from pathways.services import DomainError, NotAllowed, accounts, signin_links, transaction
from tests.helpers import PASSWORD, empty_all_tables, make_app

NEW_PASSWORD = "a long new passphrase"


@contextmanager
def app_with(database_url: str, instance_path, **config) -> Iterator:
    """An app with other settings than the `app` fixture's, emptied afterwards like it."""
    app = make_app(database_url, str(instance_path), **config)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            empty_all_tables()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def imported(runner) -> Person:
    result = runner.invoke(args=["profiles", "import", str(REPO_ROOT / "data/demo/program.csv")])
    assert result.exit_code == 0, result.output
    return accounts.find_by_username("Lucía-Mapas")


def make_link(person: Person, actor: Person | None = None, hours: int = 72) -> str:
    with transaction():
        return signin_links.create_link(actor, person, hours)


def signed_in_name(client) -> str | None:
    match = re.search(
        r'href="/auth/settings"><bdi>([^<]+)<', client.get("/").get_data(as_text=True)
    )
    return match[1] if match else None


def test_imported_people_have_no_usable_password(client, imported):
    assert imported.password_hash is None
    for password in ("", PASSWORD, "None"):
        response = client.post(
            "/auth/login", data={"username": imported.username, "password": password}
        )
        assert response.status_code == 422
    assert signed_in_name(client) is None


def test_cli_link_signs_in_once_then_asks_for_a_password(client, runner, imported):
    result = runner.invoke(args=["profiles", "link", "lucía-mapas"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://127.0.0.1:5000/auth/link/")
    path = url.removeprefix("http://127.0.0.1:5000")

    for _ in range(2):  # a mail scanner's GET does not use the link up
        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["Referrer-Policy"] == "same-origin"
        assert "no-store" in page.headers["Cache-Control"]
        assert 'method="post"' in page.get_data(as_text=True)
    assert signed_in_name(client) is None

    response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/password"
    assert signed_in_name(client) == "Lucía-Mapas"

    response = client.post(
        "/auth/password", data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert response.status_code == 302
    client.post("/auth/logout")

    again = client.post(path)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert signed_in_name(client) is None
    response = client.post(
        "/auth/login", data={"username": "Lucía-Mapas", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    kinds = db.session.scalars(select(ProgramEvent.kind).order_by(ProgramEvent.id)).all()
    assert kinds[-3:] == ["signin_link_created", "signin_link_used", "password_set"]


def test_only_the_hash_of_the_token_is_stored(app, imported):
    token = make_link(imported)
    assert len(token) >= 43
    link = db.session.scalar(select(SignInLink))
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in link.token_hash
    assert link.created_by_id is None
    assert timedelta(hours=71) < link.expires_at - utcnow() <= timedelta(hours=72)


def test_expired_link_is_refused(client, imported):
    token = make_link(imported)
    link = db.session.scalar(select(SignInLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for response in (client.get(f"/auth/link/{token}"), client.post(f"/auth/link/{token}")):
        assert response.status_code == 410
        assert "expired" in response.get_data(as_text=True)
    assert signed_in_name(client) is None
    assert db.session.scalar(select(SignInLink)).used_at is None


@pytest.mark.parametrize("token", ["not-a-token", "x" * 500])
def test_unknown_link_is_refused(client, imported, token):
    make_link(imported)
    response = client.post(f"/auth/link/{token}")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)
    assert signed_in_name(client) is None


def test_redeem_twice_in_the_service_is_refused(app, imported):
    token = make_link(imported)
    with transaction():
        assert signin_links.redeem(token).id == imported.id
    with pytest.raises(signin_links.LinkGone), transaction():
        signin_links.redeem(token)


def test_a_new_link_replaces_the_unused_one(app, imported):
    first = make_link(imported)
    second = make_link(imported)
    assert db.session.scalar(select(func.count()).select_from(SignInLink)) == 1
    with pytest.raises(DomainError, match="not valid"):
        signin_links.find_link(first)
    assert signin_links.find_link(second).person_id == imported.id


def test_coordinators_make_links_and_others_may_not(app, imported, make_person):
    coordinator = make_person(RoleName.COORDINATOR)
    make_link(imported, coordinator)
    assert db.session.scalar(select(SignInLink)).created_by_id == coordinator.id
    event = db.session.scalar(
        select(ProgramEvent).where(ProgramEvent.kind == "signin_link_created")
    )
    assert (event.actor_id, event.subject_id) == (coordinator.id, imported.id)
    with pytest.raises(NotAllowed):
        make_link(imported, make_person(RoleName.VOLUNTEER, RoleName.MENTOR))


def test_no_link_for_an_account_with_a_password(app, runner, make_person):
    person = make_person(username="Grace")
    with pytest.raises(DomainError, match="has a password"):
        make_link(person)
    result = runner.invoke(args=["profiles", "link", "Grace"])
    assert result.exit_code == 1
    assert "Grace has a password and signs in with it." in result.output
    assert db.session.scalar(select(func.count()).select_from(SignInLink)) == 0


def test_cli_link_for_unknown_person_or_bad_hours_fails_clearly(app, runner, imported):
    result = runner.invoke(args=["profiles", "link", "Nobody"])
    assert result.exit_code == 1
    assert "No person is called 'Nobody'." in result.output
    result = runner.invoke(args=["profiles", "link", "--hours", "0", imported.username])
    assert result.exit_code == 1
    assert "A link lasts 1 to 336 hours." in result.output


def test_base_url_is_used_for_cli_links(migrated_database, tmp_path):
    with app_with(migrated_database, tmp_path, BASE_URL="https://pathways.example.org/p") as app:
        with transaction():
            accounts.create_person("Hana", None, {RoleName.VOLUNTEER})
        result = app.test_cli_runner().invoke(args=["profiles", "link", "Hana"])
        assert result.output.startswith("https://pathways.example.org/p/auth/link/")


def test_changing_a_password_asks_for_the_current_one(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    assert "Current password" in client.get("/auth/password").get_data(as_text=True)
    new = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    wrong = client.post("/auth/password", data={**new, "current_password": "not it at all"})
    assert wrong.status_code == 422
    assert "This is not your current password." in wrong.get_data(as_text=True)
    assert accounts.authenticate(person.username, NEW_PASSWORD) is None
    right = client.post("/auth/password", data={**new, "current_password": PASSWORD})
    assert right.status_code == 302
    assert accounts.authenticate(person.username, NEW_PASSWORD) == person


def test_password_rules_apply_after_a_link(client, imported):
    token = make_link(imported)
    client.post(f"/auth/link/{token}")
    page = client.get("/auth/password")
    assert page.status_code == 200
    assert 'autocomplete="new-password"' in page.get_data(as_text=True)
    response = client.post("/auth/password", data={"password": "short", "password_again": "short"})
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    response = client.post(
        "/auth/password", data={"password": NEW_PASSWORD, "password_again": "different one!"}
    )
    assert response.status_code == 422
    assert "The passwords differ." in response.get_data(as_text=True)
    db.session.refresh(imported)
    assert imported.password_hash is None


def test_link_post_needs_the_csrf_token_and_is_not_used_up_without_it(migrated_database, tmp_path):
    with app_with(migrated_database, tmp_path, WTF_CSRF_ENABLED=True) as app:
        with transaction():
            person = accounts.create_person("Ines", None, {RoleName.VOLUNTEER})
            token = signin_links.create_link(None, person)
        client = app.test_client()
        response = client.post(f"/auth/link/{token}")
        assert response.status_code == 400
        assert db.session.scalar(select(SignInLink)).used_at is None
        page = client.get(f"/auth/link/{token}").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        response = client.post(f"/auth/link/{token}", data={"csrf_token": csrf})
        assert response.status_code == 302
