"""personal access tokens for the JSON API

Revision ID: d4f7a9c1e2b3
Revises: b3e8f1a2c4d6
Create Date: 2026-12-08 10:00:00

Only the token's SHA-256 is stored (64 hex characters, unique, so MariaDB can index
it under utf8mb4); the person's tokens go with the person.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd4f7a9c1e2b3'
down_revision = 'b3e8f1a2c4d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'access_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('scopes', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['person_id'],
            ['person.id'],
            name=op.f('fk_access_token_person_id_person'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_access_token_token_hash')),
    )
    with op.batch_alter_table('access_token', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_access_token_person_id'), ['person_id'], unique=False
        )


def downgrade():
    # The table takes its index with it; MariaDB refuses to drop an index its foreign
    # key needs on its own.
    op.drop_table('access_token')
