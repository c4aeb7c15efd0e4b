"""safe online: session versions, look-alike-proof usernames, public profiles,
badges without e-mail, terms that cannot overlap

Revision ID: 5a1e0c3d9b21
Revises: 0f5720d5dc0c
Create Date: 2026-12-03 23:30:00

Username keys are recomputed with ``pathways.usernames`` (TR39 skeletons). Terms of
one offer cannot overlap: PostgreSQL gets an exclusion constraint over the offer id
and the date range (``int4range`` for the id, so no ``btree_gist`` extension is
needed); SQLite and MariaDB, which have none, get triggers that abort the write. The
triggers check committed rows only: concurrent terms of one offer are serialised by the
offer's row lock the service takes first (``lock_offer``), and the trigger stops any
writer that skips it. MariaDB's trigger reports error 1062 (a duplicate entry), which
drivers raise as an IntegrityError, as the other databases' refusals are.
"""
import sqlalchemy as sa
from alembic import op

from pathways import usernames

revision = '5a1e0c3d9b21'
down_revision = '0f5720d5dc0c'
branch_labels = None
depends_on = None

OVERLAP = (
    "SELECT 1 FROM term WHERE offer_id = NEW.offer_id AND {other_row}"
    " AND starts_on <= NEW.ends_on AND NEW.starts_on <= ends_on"
)
SQLITE_TRIGGER = """
CREATE TRIGGER term_no_overlap_{event} BEFORE {event} ON term
WHEN EXISTS ({overlap})
BEGIN SELECT RAISE(ABORT, 'ex_term_no_overlap: terms of one offer overlap'); END
"""
MARIADB_TRIGGER = """
CREATE TRIGGER term_no_overlap_{event} BEFORE {event} ON term FOR EACH ROW
BEGIN
  IF EXISTS ({overlap}) THEN
    SIGNAL SQLSTATE '23000' SET MYSQL_ERRNO = 1062,
      MESSAGE_TEXT = 'ex_term_no_overlap: terms of one offer overlap';
  END IF;
END
"""
# The trigger of each dialect, and how it says "another row than the one written".
TRIGGERS = {
    'sqlite': (SQLITE_TRIGGER, "id IS NOT NEW.id"),
    'mysql': (MARIADB_TRIGGER, "NOT (id <=> NEW.id)"),
    'mariadb': (MARIADB_TRIGGER, "NOT (id <=> NEW.id)"),
}
POSTGRESQL_CONSTRAINT = (
    "ALTER TABLE term ADD CONSTRAINT ex_term_no_overlap EXCLUDE USING gist "
    "(int4range(offer_id, offer_id, '[]') WITH &&, daterange(starts_on, ends_on, '[]') WITH &&)"
)


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('username_key', existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=False)
        batch_op.add_column(sa.Column('username_skeleton', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('public_profile', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    _recompute_username_keys()
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('username_skeleton', existing_type=sa.String(length=255),
                              nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_person_username_skeleton'),
                                          ['username_skeleton'])

    with op.batch_alter_table('badge', schema=None) as batch_op:
        batch_op.drop_column('recipient_hash')
        batch_op.drop_column('recipient_type')

    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(POSTGRESQL_CONSTRAINT)
    else:
        trigger, other_row = TRIGGERS[dialect]
        for event in ('INSERT', 'UPDATE'):
            op.execute(trigger.format(event=event, overlap=OVERLAP.format(other_row=other_row)))


def _recompute_username_keys():
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('username', sa.String),
                      sa.column('username_key', sa.String),
                      sa.column('username_skeleton', sa.String))
    connection = op.get_bind()
    for row in connection.execute(sa.select(person.c.id, person.c.username)).all():
        connection.execute(
            person.update().where(person.c.id == row.id).values(
                username_key=usernames.key(row.username),
                username_skeleton=usernames.skeleton(row.username),
            )
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE term DROP CONSTRAINT ex_term_no_overlap")
    else:
        for event in ('INSERT', 'UPDATE'):
            op.execute(f"DROP TRIGGER term_no_overlap_{event}")

    # The hashes cannot be rebuilt here; badges issued before this revision come back
    # with an empty identity and must be re-issued.
    with op.batch_alter_table('badge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_type', sa.String(length=10), server_default='url',
                                      nullable=False))
        batch_op.add_column(sa.Column('recipient_hash', sa.String(length=80), server_default='',
                                      nullable=False))

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_person_username_skeleton'), type_='unique')
        batch_op.drop_column('public_profile')
        batch_op.drop_column('session_version')
        batch_op.drop_column('username_skeleton')
        batch_op.alter_column('username_key', existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=False)
