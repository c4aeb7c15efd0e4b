"""The extension objects, created here and bound to an app in ``create_app``.

Chosen libraries: Flask-SQLAlchemy (session per request, typed 2.0 models),
Flask-Migrate (Alembic behind ``flask db``; bound on demand by :func:`init_migrations`,
since importing Alembic costs a web worker or any other command a noticeable part of a
second for nothing), Flask-Login (session cookies, login
required), Flask-WTF (forms and CSRF on every POST), Flask-Babel (locale and
translations), Flask-Limiter (the rate limits of ``rate_limits.py``, keyed by client
address unless a limit says otherwise; counted in memory for one process, or in Redis
shared by every worker: its client is a dependency, so ``RATELIMIT_STORAGE_URI=redis://…``
works after a plain install). Security headers and trusted proxies need no extension:
``security.py`` says why not Flask-Talisman.
"""

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Connection, MetaData, event
from sqlalchemy.orm import DeclarativeBase

from .config import REPO_ROOT

MIGRATIONS_DIR = str(REPO_ROOT / "migrations")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def init_database(app: Flask) -> None:
    """Bind ``db`` to ``app``; on SQLite, a savepoint always sits inside a transaction.

    Python 3.11's sqlite3 (its legacy transaction control) begins a transaction only at
    the first INSERT, UPDATE or DELETE, never before a SAVEPOINT: a service's
    ``begin_nested()`` before any write would open SQLite's own transaction, and its
    RELEASE commit what the failed action's rollback must take back. So BEGIN goes
    first. Reads still run outside a transaction until the first write: SQLAlchemy's
    recipe (BEGIN on every transaction) makes each read hold its lock until commit,
    and two requests that read then write then deadlock, one failing at once with
    "database is locked" where today it waits its turn (tests/security/test_races.py).
    """
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "savepoint", _begin_before_the_first_savepoint)


def _begin_before_the_first_savepoint(connection: Connection, _name: str) -> None:
    sqlite = connection.connection.dbapi_connection
    if not sqlite.in_transaction:
        sqlite.execute("BEGIN")


def init_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to ``app`` (once): for ``flask db`` and the tests' schema set-up."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(
            app,
            db,
            directory=MIGRATIONS_DIR,
            render_as_batch=True,
            include_object=compared_with_the_models,
        )


# One open request per mentee, and one current mentorship per mentee, are partial unique
# indexes on SQLite and PostgreSQL and, as MariaDB has no partial index, generated columns
# under unique indexes there (see the initial and the succession migrations): autogenerate
# leaves them alone, on every database, so neither dialect's form is taken for drift. The
# race and constraint tests check the rules themselves.
EMULATED_RULES = {
    ("column", "open_mentee_id"),
    ("index", "uq_one_open_request_per_mentee"),
    ("column", "current_mentee_id"),
    ("index", "uq_one_current_mentorship_per_mentee"),
}


def compared_with_the_models(schema_object, name, type_, reflected, compare_to) -> bool:
    """Whether autogenerate compares this part of the schema with the models."""
    return (type_, name) not in EMULATED_RULES
