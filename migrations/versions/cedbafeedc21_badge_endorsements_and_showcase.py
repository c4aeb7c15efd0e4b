"""badge endorsements and the showcase

Revision ID: cedbafeedc21
Revises: a9c4e7f2b1d3
Create Date: 2026-12-04 15:09:19

A level's badge may wait for a mentor's word: one ``badge_endorsement`` row per holder and
level (pending, not yet, endorsed), naming the badge it led to. A holder may show a badge
on the public showcase with a short story (``showcase_entry``); a coordinator may hide it.
"""
import sqlalchemy as sa
from alembic import op

revision = 'cedbafeedc21'
down_revision = 'a9c4e7f2b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badge_endorsement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Enum('pending', 'not_yet', 'endorsed', name='endorsementstate', native_enum=False, length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('endorser_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('badge_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['badge_id'], ['badge.id'], name=op.f('fk_badge_endorsement_badge_id_badge'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['endorser_id'], ['person.id'], name=op.f('fk_badge_endorsement_endorser_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_badge_endorsement_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_endorsement')),
    sa.UniqueConstraint('badge_id', name=op.f('uq_badge_endorsement_badge_id')),
    sa.UniqueConstraint('person_id', 'level_id', name=op.f('uq_badge_endorsement_person_id'))
    )
    op.create_table('showcase_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('story', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('hidden_at', sa.DateTime(), nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['badge_id'], ['badge.id'], name=op.f('fk_showcase_entry_badge_id_badge'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_showcase_entry')),
    sa.UniqueConstraint('badge_id', name=op.f('uq_showcase_entry_badge_id'))
    )
    with op.batch_alter_table('showcase_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_showcase_entry_created_at'), ['created_at'], unique=False)


def downgrade():
    op.drop_table('showcase_entry')  # with its index
    op.drop_table('badge_endorsement')
