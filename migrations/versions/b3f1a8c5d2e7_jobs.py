"""jobs: long work (batch pairing, large imports, succession, the lifecycle sweep) with
its state, progress and result

Revision ID: b3f1a8c5d2e7
Revises: d4f7a9c1e2b3
Create Date: 2026-12-04 08:00:00

``holds`` is unique and NULL once a job ends: the database itself refuses a second
job of a kind that must not run twice at once (NULLs never collide on SQLite,
PostgreSQL or MariaDB).
"""
import sqlalchemy as sa
from alembic import op

revision = 'b3f1a8c5d2e7'
down_revision = 'd4f7a9c1e2b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'finished', 'failed', name='jobstate', native_enum=False, length=20), nullable=False),
    sa.Column('holds', sa.String(length=40), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.String(length=64), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['person.id'], name=op.f('fk_job_started_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    sa.UniqueConstraint('holds', name=op.f('uq_job_holds'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_started_by_id'), ['started_by_id'], unique=False)


def downgrade():
    op.drop_table('job')  # with its indexes (MariaDB keeps a foreign key's index to the end)
