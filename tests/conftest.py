"""Fixtures: a migrated database per test session, emptied after every test.

The database comes from ``TEST_DATABASE_URL`` (CI sets it to PostgreSQL for the
second run); without it, a SQLite file in a temporary folder. If the URL is set
and the server does not answer, the run stops with an error — never a skip.
"""

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

# RQ reads its key prefix when first imported, and test modules import the worker before
# any app exists: the prefix of the apps under test (REDIS_KEY_PREFIX "pathways").
os.environ.setdefault("RQ_KEY_PREFIX", "pathways:rq")

from pathways import create_app
from pathways.extensions import db
from pathways.models import Person, RoleName
from pathways.services import access_tokens, accounts, transaction
from tests.helpers import (
    PASSWORD,
    REQUESTED_ENDPOINTS,
    emptied_afterwards,
    make_app,
    reset_schema,
    sign_in,
)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """A new, empty database next to the suite's (a SQLite file when the suite runs on
    SQLite), dropped afterwards: for migrations and processes started from scratch."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgresql", "mysql", "mariadb")):
        yield "sqlite:///" + str(tmp_path / "empty.sqlite")
        return
    name = f"pathways_empty_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    quoted = server.dialect.identifier_preparer.quote(name)
    with server.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if server.dialect.name == "postgresql" else ""
        with server.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE {quoted}{force}"))
        server.dispose()


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


@pytest.fixture
def app(migrated_database: str, tmp_path) -> Iterator[Flask]:
    with emptied_afterwards(make_app(migrated_database, str(tmp_path))) as app:
        yield app


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

    from pathways.services import offers

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
            offers.save_offer(person, capacity, intro, "Wikipedia", list(skills))
            offers.add_term(person, today - timedelta(days=1), today + timedelta(days=300))
        return person

    return make


@pytest.fixture
def world(make_person, make_mentor):
    """People in every role and a record of every kind, for route-wide tests."""
    from tests.helpers import build_world

    return build_world(make_person, make_mentor)


@pytest.fixture
def count_queries(app):
    """Count (and keep) the SQL statements run inside a ``with count_queries() as counted:``
    block."""

    class Counter:
        def __init__(self):
            self.n = 0
            self.statements: list[str] = []

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self._count)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._count)

        def _count(self, connection, cursor, statement, *args):
            self.n += 1
            self.statements.append(statement)

    return Counter


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


@pytest.fixture
def job_redis(app: Flask) -> Iterator:
    """Jobs go onto a queue of this test's own: in the Redis of ``TEST_REDIS_URL`` when
    set (CI), else in an in-memory one (fakeredis), so queue tests never skip."""
    from uuid import uuid4

    from pathways.jobs.queue import CONNECTION

    url = os.environ.get("TEST_REDIS_URL")
    if url:
        import redis

        connection = redis.Redis.from_url(url)
        connection.ping()
    else:
        import fakeredis

        connection = fakeredis.FakeRedis()
    app.config.update(REDIS_URL=url or "redis://fake", JOB_QUEUE=f"pathways-test-{uuid4().hex}")
    app.extensions[CONNECTION] = connection
    yield connection
    del app.extensions[CONNECTION]
    for pattern in (f"*{app.config['JOB_QUEUE']}*", "*:rq:*pathways-job-*"):
        for key in connection.scan_iter(pattern):
            connection.delete(key)
    connection.close()


@pytest.fixture
def work_off(app: Flask, job_redis) -> Callable[[], None]:
    """Run every queued job, as ``flask worker --burst`` would, in this process; RQ's
    signal handlers are put back afterwards, so a later Ctrl-C still stops the run."""
    import signal

    from pathways.jobs.worker import AppSimpleWorker

    def work() -> None:
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            worker = AppSimpleWorker([app.config["JOB_QUEUE"]], connection=job_redis, app=app)
            worker.work(burst=True)
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
        db.session.expire_all()

    return work


@pytest.fixture
def bearer():
    """``Authorization`` headers carrying a new token of ``person`` with ``scopes``."""

    def make(person, *scopes: str, days: int = 90) -> dict[str, str]:
        with transaction():
            _, secret = access_tokens.create_token(person, "test", list(scopes or ["read"]), days)
        return {"Authorization": f"Bearer {secret}"}

    return make
