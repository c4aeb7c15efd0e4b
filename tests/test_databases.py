"""The three supported databases: what the app asks of each, and text in every script."""

import pytest
from sqlalchemy import select

from pathways import create_app
from pathways.config import engine_options
from pathways.extensions import db
from pathways.models import Badge, Person
from pathways.services import recognition, transaction
from tests.helpers import count


@pytest.mark.parametrize(
    "url", ["oracle://scott@db/orcl", "mssql+pyodbc://sa@db/pathways", "mongodb://db/pathways"]
)
def test_an_unsupported_database_is_refused_at_start_naming_the_supported_ones(url):
    with pytest.raises(RuntimeError) as refusal:
        create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    assert all(name in str(refusal.value) for name in ("SQLite", "PostgreSQL", "MariaDB"))


@pytest.mark.parametrize("scheme", ["mysql+pymysql", "mariadb+pymysql"])
def test_mariadb_reads_committed_rows_in_strict_utf8mb4(scheme):
    """Under MariaDB's default REPEATABLE READ a count after a row lock would miss the
    other transaction's commit; READ COMMITTED is what PostgreSQL does."""
    options = engine_options(f"{scheme}://tool@tools.db.svc.wikimedia.cloud/s12345__pathways")
    assert options["isolation_level"] == "READ COMMITTED"
    assert options["connect_args"]["charset"] == "utf8mb4"
    assert "STRICT_ALL_TABLES" in options["connect_args"]["init_command"]
    assert options["pool_pre_ping"] and options["pool_recycle"] < 300


def test_the_suites_database_runs_with_those_settings(app):
    if db.engine.dialect.name in ("mysql", "mariadb"):
        isolation = db.session.scalar(select(db.text("@@session.tx_isolation")))
        sql_mode = db.session.scalar(select(db.text("@@session.sql_mode")))
        assert (isolation, "STRICT_ALL_TABLES" in sql_mode) == ("READ-COMMITTED", True)
    else:
        assert "isolation_level" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.mark.parametrize(
    "interests",
    ["हिंदी विकिपीडिया पर लेख", "ويكيبيديا العربية", "𝐁𝐨𝐥𝐝 and emoji 🌍🧑🏽‍🏫", "日本語の記事"],
)
def test_text_in_every_script_comes_back_as_written(app, make_person, interests):
    person = make_person()
    with transaction():
        person.interests = interests
    db.session.expire_all()
    assert db.session.get(Person, person.id).interests == interests


def test_a_savepoint_after_a_read_is_rolled_back_with_its_transaction(app, make_person):
    """On SQLite, Python's sqlite3 begins no transaction before a read or a SAVEPOINT:
    the savepoint would then open one of its own, and its RELEASE commit the badge."""
    person = make_person()
    with app.test_request_context(), pytest.raises(RuntimeError), transaction():
        assert recognition.badge_of(person, "emerging") is None
        recognition.issue_level_badge(person, "emerging")
        raise RuntimeError("the action fails after the badge is issued")
    assert count(Badge) == 0
