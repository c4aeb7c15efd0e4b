"""``flask db``: Flask-Migrate's commands (``upgrade``, ``migrate``, ``downgrade``…).

Alembic is imported only when one of them runs, not to list the commands.
"""

import click
from flask import current_app

from ..extensions import init_migrations


class MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's ``db`` group in the list of commands; once ``db`` is
    chosen, Flask-Migrate's own group parses and runs the rest."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        init_migrations(current_app)
        from flask_migrate.cli import db

        return db.make_context(info_name, args, parent=parent, **extra)


database = MigrationCommands("db", help="Perform database migrations (Flask-Migrate, Alembic).")
