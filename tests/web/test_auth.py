import pytest
from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import Person, RoleName
from tests.helpers import PASSWORD, make_app


def sign_up(client, username="Ada", password=PASSWORD, again=None, **extra):
    data = {
        "username": username,
        "password": password,
        "password_again": again if again is not None else password,
        "languages": "en, es",
        **extra,
    }
    return client.post("/auth/signup", data=data)


def people_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def test_signup_with_username_only_creates_volunteer_and_signs_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    person = db.session.scalar(select(Person))
    assert person.username == "Ada"
    assert person.email is None
    assert person.role_names == {RoleName.VOLUNTEER}
    assert person.language_codes == ["en", "es"]
    assert person.password_hash.startswith("$argon2id$")
    assert "Ada" in client.get("/").get_data(as_text=True)


def test_signup_refuses_taken_username_case_insensitively_and_nfkc(client):
    assert sign_up(client, username="Ada").status_code == 302
    client.post("/auth/logout")
    response = sign_up(client, username="ＡＤＡ")
    assert response.status_code == 422
    assert "This username is taken, or looks too much like one" in response.get_data(as_text=True)
    assert people_count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "x"}, "A username has 2 to 64 characters."),
        ({"username": "bad/name"}, "Use letters and digits in any script"),
        ({"password": "short", "again": "short"}, "Use at least 10 characters."),
        ({"again": "something else"}, "The passwords differ."),
        ({"languages": "english!!"}, "is not a language code"),
        ({"email": "not-an-address"}, "Invalid email address."),
    ],
)
def test_signup_invalid_input_rerenders_with_field_error(client, data, message):
    again = data.pop("again", None)
    response = sign_up(client, again=again, **data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'aria-invalid="true"' in body
    assert people_count() == 0


def test_login_and_logout(client, make_person):
    make_person(username="Grace")
    response = client.post("/auth/login", data={"username": "grace", "password": PASSWORD})
    assert response.status_code == 302
    assert "Grace" in client.get("/").get_data(as_text=True)
    assert client.post("/auth/logout").status_code == 302
    assert "Grace" not in client.get("/").get_data(as_text=True)


def test_login_rejects_wrong_password_without_saying_which_part(client, make_person):
    make_person(username="Grace")
    for username, password in (("Grace", "wrong password"), ("Nobody", PASSWORD)):
        response = client.post("/auth/login", data={"username": username, "password": password})
        assert response.status_code == 422
        assert "Unknown username or wrong password." in response.get_data(as_text=True)


def test_login_redirects_only_to_local_next(client, make_person):
    make_person(username="Grace")
    data = {"username": "Grace", "password": PASSWORD}
    response = client.post("/auth/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"
    client.post("/auth/logout")
    response = client.post("/auth/login?next=/auth/settings", data=data)
    assert response.headers["Location"] == "/auth/settings"


def test_settings_needs_login(client):
    response = client.get("/auth/settings")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_settings_saves_and_validates(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    assert client.get("/auth/settings").status_code == 200
    response = client.post(
        "/auth/settings",
        data={"locale": "ar", "email": "", "timezone": "Africa/Cairo", "languages": "ar, fr"},
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.locale, person.timezone, person.language_codes) == (
        "ar",
        "Africa/Cairo",
        ["ar", "fr"],
    )
    response = client.post(
        "/auth/settings?lang=en",
        data={"locale": "ar", "email": "", "timezone": "Mars/Olympus", "languages": "ar"},
    )
    assert response.status_code == 422
    assert "“Mars/Olympus” is not a time zone" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.timezone == "Africa/Cairo"


def test_session_cookie_is_httponly_and_samesite(client, make_person):
    make_person(username="Grace")
    response = client.post("/auth/login", data={"username": "Grace", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_post_without_csrf_token_is_refused_with_clear_message(migrated_database, tmp_path):
    app = make_app(migrated_database, str(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        response = app.test_client().post(
            "/auth/signup",
            data={"username": "Ada", "password": PASSWORD, "password_again": PASSWORD},
        )
        assert response.status_code == 400
        assert "security token is missing" in response.get_data(as_text=True)
        assert people_count() == 0
        db.session.remove()
        db.engine.dispose()


def test_sign_in_is_rate_limited(migrated_database, tmp_path):
    app = make_app(
        migrated_database, str(tmp_path), RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute"
    )
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post("/auth/login", data={"username": "x", "password": "y"}).status_code
            for _ in range(4)
        ]
        assert codes == [422, 422, 422, 429]
        db.session.remove()
        db.engine.dispose()


def test_role_required_refuses_other_roles(app, client, login_as):
    from pathways.auth import role_required

    @app.get("/only-coordinators")
    @role_required(RoleName.COORDINATOR)
    def only_coordinators():
        return "ok"

    assert client.get("/only-coordinators").status_code == 302
    login_as(RoleName.VOLUNTEER, RoleName.MENTOR)
    assert client.get("/only-coordinators").status_code == 403
    login_as(RoleName.COORDINATOR)
    assert client.get("/only-coordinators").get_data(as_text=True) == "ok"


def test_create_coordinator_cli(runner):
    result = runner.invoke(args=["create-coordinator", "Chief"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    person = db.session.scalar(select(Person))
    assert person.role_names == {RoleName.VOLUNTEER, RoleName.COORDINATOR}
    result = runner.invoke(args=["create-coordinator", "x"], input="pw1234567890\npw1234567890\n")
    assert result.exit_code == 2
    assert "username" in result.output


def test_fields_carry_no_empty_aria_attributes(client):
    page = client.get("/auth/signup").get_data(as_text=True)
    assert '="None"' not in page
    assert 'aria-describedby="username-hint"' in page


def test_settings_link_to_data_export_and_deletion(client, login_as):
    login_as(RoleName.VOLUNTEER)
    page = client.get("/auth/settings").get_data(as_text=True)
    assert 'href="/account/export"' in page and 'href="/account/delete"' in page


def test_settings_posted_without_some_fields_keep_the_saved_values(client, login_as):
    """A post that leaves fields out (an old form, a script) is checked like any other."""
    person = login_as(RoleName.VOLUNTEER, languages=("es", "en"))
    response = client.post("/auth/settings", data={"locale": ""})
    assert response.status_code == 302
    db.session.refresh(person)
    assert set(person.language_codes) == {"es", "en"}
