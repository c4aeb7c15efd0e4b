"""person.last_seen_on: the day a signed-in person last opened a page, so the lifecycle
sweep does not set away a mentor who stays signed in

Revision ID: f1a2b3c4d5e6
Revises: e6c1d2b4a9f8
Create Date: 2026-12-04 12:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f1a2b3c4d5e6'
down_revision = 'e6c1d2b4a9f8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('last_seen_on')
