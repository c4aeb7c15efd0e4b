"""The migrations bring an empty database to the models' schema, and back down.

Runs on a fresh SQLite file, and on a fresh PostgreSQL database (created next to
the one in TEST_DATABASE_URL) when the suite runs on PostgreSQL.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from pathways.extensions import db, init_migrations
from tests.helpers import make_app


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path / "empty.sqlite")
        return
    name = f"pathways_migrations_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def schema_drift() -> list:
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(empty_database_url, tmp_path):
    app = make_app(empty_database_url, str(tmp_path))
    init_migrations(app)
    with app.app_context():
        assert table_names() == set()
        upgrade()
        assert table_names() == set(db.metadata.tables)
        assert schema_drift() == []
        downgrade(revision="base")
        assert table_names() == set()
        upgrade()
        assert table_names() == set(db.metadata.tables)
        db.engine.dispose()
