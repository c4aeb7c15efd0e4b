"""succession and backup mentors: one current mentorship per mentee, and a backup

Revision ID: c5d9e2f4a1b8
Revises: c7e2a9d4f1b8
Create Date: 2026-12-04 12:40:00

A mentee has at most one current (active or paused) mentorship as primary: a partial
unique index on SQLite and PostgreSQL; on MariaDB, which has no partial index, a stored
generated column holds the mentee's id while the mentorship is current (NULL otherwise,
and NULLs never collide) under a unique index of the same name, as for open requests.

A mentorship may name a backup mentor; backup places are counted against the offer's
own ``backup_capacity``, never against its capacity for primary mentees.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c5d9e2f4a1b8'
down_revision = 'c7e2a9d4f1b8'
branch_labels = None
depends_on = None

CURRENT_STATES = "state IN ('active', 'paused')"
MARIADB = ('mysql', 'mariadb')  # the dialect's name follows the URL's scheme


def upgrade():
    with op.batch_alter_table('mentor_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backup_capacity', sa.Integer(), server_default='1',
                                      nullable=False))
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backup_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_mentorship_backup_id'), ['backup_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_mentorship_backup_id_person'), 'person',
                                    ['backup_id'], ['id'], ondelete='SET NULL')
    _create_one_current_mentorship_index()


def downgrade():
    _drop_one_current_mentorship_index()
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mentorship_backup_id_person'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_mentorship_backup_id'))
        batch_op.drop_column('backup_id')
    with op.batch_alter_table('mentor_offer', schema=None) as batch_op:
        batch_op.drop_column('backup_capacity')


def _create_one_current_mentorship_index():
    if op.get_bind().dialect.name in MARIADB:
        op.execute(
            "ALTER TABLE mentorship ADD COLUMN current_mentee_id INTEGER AS "
            f"(CASE WHEN {CURRENT_STATES} THEN mentee_id END) PERSISTENT, "
            "ADD UNIQUE INDEX uq_one_current_mentorship_per_mentee (current_mentee_id)"
        )
        return
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.create_index('uq_one_current_mentorship_per_mentee', ['mentee_id'], unique=True,
                              sqlite_where=sa.text(CURRENT_STATES),
                              postgresql_where=sa.text(CURRENT_STATES))


def _drop_one_current_mentorship_index():
    if op.get_bind().dialect.name in MARIADB:
        op.execute("ALTER TABLE mentorship DROP INDEX uq_one_current_mentorship_per_mentee, "
                   "DROP COLUMN current_mentee_id")
        return
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.drop_index('uq_one_current_mentorship_per_mentee',
                            sqlite_where=sa.text(CURRENT_STATES),
                            postgresql_where=sa.text(CURRENT_STATES))
