"""Personal access tokens: made, listed and revoked on the account page, stored hashed."""

import hashlib
import re
from datetime import timedelta

import pytest

from pathways.extensions import db
from pathways.models import AccessToken, RoleName, utcnow
from pathways.services import DomainError, access_tokens, privacy, transaction

TOKEN = re.compile(r"pw_[A-Za-z0-9_-]{43}")


def _create(client, **data):
    form = {"name": "my spreadsheet", "scopes": ["read"], "days": 90, **data}
    return client.post("/account/tokens", data=form)


def test_a_new_token_is_shown_once_and_stored_only_hashed(client, login_as):
    person = login_as()
    response = _create(client, scopes=["read", "write"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = TOKEN.search(response.get_data(as_text=True)).group()
    row = db.session.scalars(db.select(AccessToken)).one()
    assert row.person_id == person.id
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.scopes == "read write"
    assert secret[:10] == row.prefix
    assert timedelta(days=89) < row.expires_at - utcnow() <= timedelta(days=90)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "my spreadsheet" in listing and row.prefix in listing
    assert secret not in listing


def test_the_settings_page_links_to_the_tokens(client, login_as):
    login_as()
    assert "/account/tokens" in client.get("/auth/settings").get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [{"name": ""}, {"scopes": []}, {"scopes": ["admin"]}, {"days": 0}, {"days": 366}],
)
def test_a_token_form_with_a_mistake_makes_nothing(client, login_as, data):
    login_as()
    assert _create(client, **data).status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(AccessToken)) == 0


def test_only_a_coordinator_can_give_the_coordinate_scope(client, login_as, make_person):
    login_as()
    assert _create(client, scopes=["coordinate"]).status_code == 422
    volunteer = make_person()
    with pytest.raises(DomainError) as refused, transaction():
        access_tokens.create_token(volunteer, "x", ["coordinate"])
    assert refused.value.field == "scopes"
    login_as(RoleName.COORDINATOR)
    assert TOKEN.search(_create(client, scopes=["coordinate"]).get_data(as_text=True))


def test_revoking_a_token_ends_it_and_keeps_it_listed(client, login_as):
    person = login_as()
    with transaction():
        token, secret = access_tokens.create_token(person, "bot", ["read"])
    assert access_tokens.authenticate(secret) is not None
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 303
    assert access_tokens.authenticate(secret) is None
    assert "revoked" in client.get("/account/tokens").get_data(as_text=True)


def test_nobody_revokes_someone_elses_token(client, login_as, make_person):
    owner = make_person()
    with transaction():
        token, secret = access_tokens.create_token(owner, "bot", ["read"])
    login_as()
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 403
    assert client.post("/account/tokens/2147483648/revoke").status_code == 404
    assert access_tokens.authenticate(secret) is not None


def test_expired_unknown_and_malformed_tokens_authenticate_nobody(make_person):
    person = make_person()
    with transaction():
        token, secret = access_tokens.create_token(person, "bot", ["read"], days=1)
    assert access_tokens.authenticate(secret, now=utcnow() + timedelta(days=2)) is None
    other_last = "B" if secret.endswith("A") else "A"  # one token in 64 ends with A
    assert access_tokens.authenticate(secret[:-1] + other_last) is None
    assert access_tokens.authenticate("not-a-token") is None
    assert access_tokens.authenticate("pw_" + "a" * 500) is None
    assert access_tokens.authenticate(secret).last_used_at is not None


def test_the_export_lists_tokens_without_secrets_and_deletion_removes_them(make_person):
    person = make_person()
    with transaction():
        token, secret = access_tokens.create_token(person, "bot", ["read", "write"])
    exported = privacy.export_data(person)["access_tokens"]
    assert exported[0]["name"] == "bot" and exported[0]["scopes"] == ["read", "write"]
    assert secret not in str(exported) and token.token_hash not in str(exported)
    with transaction():
        privacy.delete_account(person)
    assert db.session.scalar(db.select(db.func.count()).select_from(AccessToken)) == 0
    assert access_tokens.authenticate(secret) is None
