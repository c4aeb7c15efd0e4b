"""The migrations bring an empty database to the models' schema, and back down.

Runs on a fresh SQLite file, or on a fresh PostgreSQL or MariaDB database (created next
to the one in TEST_DATABASE_URL) when the suite runs on one of them.
"""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from pathways.extensions import compared_with_the_models, db, init_migrations
from tests.helpers import make_app


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def schema_drift() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": compared_with_the_models}
        )
        return compare_metadata(context, db.metadata)


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
