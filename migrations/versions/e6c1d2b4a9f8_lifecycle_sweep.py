"""lifecycle sweep: when a mentor came back from a break, which mentorships are overdue
for a check-in, and which were offered graduation

Revision ID: e6c1d2b4a9f8
Revises: b3f1a8c5d2e7
Create Date: 2026-12-04 12:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e6c1d2b4a9f8'
down_revision = 'b3f1a8c5d2e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentor_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('back_on', sa.Date(), nullable=True))
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_overdue_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('graduation_offered_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('mentorship', schema=None) as batch_op:
        batch_op.drop_column('graduation_offered_on')
        batch_op.drop_column('checkin_overdue_on')
    with op.batch_alter_table('mentor_offer', schema=None) as batch_op:
        batch_op.drop_column('back_on')
