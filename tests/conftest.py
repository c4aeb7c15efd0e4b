"""Fixtures: a migrated database per test session, emptied after every test.

The database comes from ``TEST_DATABASE_URL`` (CI sets it to PostgreSQL for the
second run); without it, a SQLite file in a temporary folder. If the URL is set
and the server does not answer, the run stops with an error — never a skip.
"""

import os
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask, g, request
from flask.testing import FlaskClient

from pathways import create_app
from pathways.extensions import db
from pathways.models import Person, RoleName
from pathways.services import accounts, transaction

PASSWORD = "correct horse battery"
REQUESTED_ENDPOINTS: set[str] = set()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def make_app(database_url: str, instance_path: str, **overrides) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-only-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        **overrides,
    }
    app = create_app(config)
    app.instance_path = instance_path

    @app.before_request
    def note_endpoint():
        REQUESTED_ENDPOINTS.add(request.endpoint or "")

    @app.teardown_request
    def forget_the_request(_error):
        """Tests keep one app context open across requests; a server does not. Its ``g``
        must not carry the signed-in person, nor the language, to the next request."""
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    return app


def reset_schema(app: Flask) -> None:
    """Drop every table, then bring the empty database to head with the migrations."""
    from flask_migrate import upgrade

    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


@pytest.fixture(scope="session")
def migrated_database(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    app = make_app(database_url, str(tmp_path_factory.mktemp("instance")))
    try:
        reset_schema(app)
    except sa.exc.OperationalError as error:
        pytest.exit(f"The test database at {database_url} does not answer: {error}", returncode=3)
    with app.app_context():
        db.engine.dispose()
    return database_url


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(migrated_database: str, tmp_path) -> Iterator[Flask]:
    app = make_app(migrated_database, str(tmp_path))
    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def other_app(app: Flask, migrated_database: str, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Make apps with ``settings`` on ``app``'s database; their connections close afterwards."""
    made: list[Flask] = []

    def make(**settings) -> Flask:
        made.append(make_app(migrated_database, str(tmp_path), **settings))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def own_catalogs(app: Flask) -> Iterator[None]:
    """For a test serving other catalogs (``BABEL_TRANSLATION_DIRECTORIES``): flask-babel
    keeps the catalogs it loaded for the whole process, shared by every app, so the test
    starts and ends without any."""
    from pathways.extensions import babel

    loaded = babel.domain_instance.cache
    loaded.clear()
    yield
    loaded.clear()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make_person(app: Flask) -> Callable[..., Person]:
    """A saved account with the given roles."""
    counter = iter(range(1, 10_000))

    def make(
        *roles: RoleName,
        username: str | None = None,
        languages: tuple[str, ...] = ("en",),
        email: str | None = None,
    ) -> Person:
        with transaction():
            person = accounts.create_person(
                username or f"person{next(counter)}",
                PASSWORD,
                set(roles) or {RoleName.VOLUNTEER},
                email=email,
                languages=list(languages),
            )
        return person

    return make


def count(model, *where) -> int:
    """Rows of a model (matching ``where``): what an action wrote, or left untouched."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def sign_in(client: FlaskClient, person: Person) -> Person:
    """Make the test client's session that of ``person``, as Flask-Login does."""
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    return person


@pytest.fixture
def login_as(client: FlaskClient, make_person) -> Callable[..., Person]:
    """Sign the test client in as a new person holding ``roles``."""

    def login(*roles: RoleName, **kwargs) -> Person:
        return sign_in(client, make_person(*roles, **kwargs))

    return login


@pytest.fixture
def make_mentor(make_person) -> Callable[..., Person]:
    """A mentor with an offer and a current term, ready to be matched."""
    from datetime import date, timedelta

    from pathways.services import mentoring

    def make(
        skills: tuple[str, ...] = ("referencing",),
        capacity: int = 2,
        languages: tuple[str, ...] = ("en",),
        intro: str = "",
        **kwargs,
    ) -> Person:
        person = make_person(RoleName.VOLUNTEER, RoleName.MENTOR, languages=languages, **kwargs)
        today = date.today()
        with transaction():
            mentoring.save_offer(person, capacity, intro, "Wikipedia", list(skills))
            mentoring.add_term(person, today - timedelta(days=1), today + timedelta(days=300))
        return person

    return make


@pytest.fixture
def world(make_person, make_mentor):
    """People in every role and a record of every kind, for route-wide tests."""
    from tests.helpers import build_world

    return build_world(make_person, make_mentor)


def _runs_whole_suite(config: pytest.Config) -> bool:
    everything = not config.args or config.args == ["tests"]
    filtered = (
        config.option.keyword
        or config.option.markexpr
        or config.getoption("lf", False)
        or config.option.deselect
    )
    return everything and not filtered


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a whole-suite run if any route of the app was never requested by a test."""
    if exitstatus != 0 or not _runs_whole_suite(session.config):
        return
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    untested = {rule.endpoint for rule in app.url_map.iter_rules()} - REQUESTED_ENDPOINTS
    if untested:
        session.config.get_terminal_writer().line(
            f"Routes no test requests: {', '.join(sorted(untested))}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
