"""trainings and communities: events that teach skills, their sign-ups, and the
community directory

Revision ID: c7e2a9d4f1b8
Revises: e5c1d7b9a3f2
Create Date: 2026-12-04 12:30:00

A training's ``starts_at`` is UTC and ``timezone`` the zone it was written in.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c7e2a9d4f1b8'
down_revision = 'e5c1d7b9a3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('community',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('region', sa.String(length=120), nullable=False),
    sa.Column('topics', sa.String(length=255), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('how_to_join', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_community')),
    sa.UniqueConstraint('key', name=op.f('uq_community_key'))
    )
    op.create_table('training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.Column('venue', sa.String(length=255), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['host_id'], ['person.id'], name=op.f('fk_training_host_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training'))
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_host_id'), ['host_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_starts_at'), ['starts_at'], unique=False)

    op.create_table('training_signup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('training_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('signed_up_at', sa.DateTime(), nullable=False),
    sa.Column('attended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_training_signup_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['training_id'], ['training.id'], name=op.f('fk_training_signup_training_id_training'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_signup')),
    sa.UniqueConstraint('training_id', 'person_id', name=op.f('uq_training_signup_training_id'))
    )
    with op.batch_alter_table('training_signup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_signup_person_id'), ['person_id'], unique=False)


def downgrade():
    # each table goes with its indexes (MariaDB keeps a foreign key's index to the end)
    op.drop_table('training_signup')
    op.drop_table('training')
    op.drop_table('community')
