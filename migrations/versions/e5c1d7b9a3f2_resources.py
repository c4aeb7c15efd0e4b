"""resources: learning resources per skill, suggested, approved, and translated

Revision ID: e5c1d7b9a3f2
Revises: f1a2b3c4d5e6
Create Date: 2026-12-04 12:40:00

The link is unique through ``link_key``, the SHA-256 of the normalised link: MariaDB
cannot put a unique index on a long text column, and the hash is the same length on
every database.
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5c1d7b9a3f2'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=12), nullable=False),
    sa.Column('format', sa.Enum('guide', 'video', 'course', 'wiki_page', name='resourceformat', native_enum=False, length=20), nullable=False),
    sa.Column('level_id', sa.String(length=20), nullable=False),
    sa.Column('link', sa.Text(), nullable=False),
    sa.Column('link_key', sa.String(length=64), nullable=False),
    sa.Column('translation_of_id', sa.Integer(), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['person.id'], name=op.f('fk_resource_added_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['person.id'], name=op.f('fk_resource_reviewed_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['translation_of_id'], ['resource.id'], name=op.f('fk_resource_translation_of_id_resource'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource')),
    sa.UniqueConstraint('link_key', name=op.f('uq_resource_link_key'))
    )
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_added_by_id'), ['added_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_reviewed_by_id'), ['reviewed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_skill_id'), ['skill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_translation_of_id'), ['translation_of_id'], unique=False)


def downgrade():
    op.drop_table('resource')  # with its indexes (MariaDB keeps a foreign key's index to the end)
