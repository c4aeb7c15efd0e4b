"""people sign in with their Wikimedia account (OAuth 2 on Meta-Wiki)

Revision ID: b3e8f1a2c4d6
Revises: 7c2d4e9a1f30
Create Date: 2026-12-05 10:00:00

One row per linked wiki account: the provider's ``sub`` (the central user id, kept
across renames) and the name it had when last seen. Both unique columns are short
strings, so MariaDB can index them under utf8mb4.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3e8f1a2c4d6'
down_revision = '7c2d4e9a1f30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'wikimedia_account',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('wiki_user_id', sa.String(length=64), nullable=False),
        sa.Column('wiki_username', sa.String(length=255), nullable=False),
        sa.Column('linked_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['person_id'],
            ['person.id'],
            name=op.f('fk_wikimedia_account_person_id_person'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wikimedia_account')),
        sa.UniqueConstraint('person_id', name=op.f('uq_wikimedia_account_person_id')),
        sa.UniqueConstraint('wiki_user_id', name=op.f('uq_wikimedia_account_wiki_user_id')),
    )


def downgrade():
    op.drop_table('wikimedia_account')
