"""coordinator terms and hand-overs

Revision ID: 64de67f59c5d
Revises: c5d9e2f4a1b8
Create Date: 2026-12-04 15:09:55

Coordinators serve in terms (``role_term``, one row per term; none means open-ended) and
hand over to a successor they invite (``handover``). The terms of one person in one role
never overlap: the service checks under the person's row lock.
"""
import sqlalchemy as sa
from alembic import op

revision = '64de67f59c5d'
down_revision = 'c5d9e2f4a1b8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('volunteer', 'mentor', 'coordinator', name='rolename', native_enum=False, length=20), nullable=False),
    sa.Column('outgoing_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'accepted', 'declined', 'cancelled', name='handoverstate', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['outgoing_id'], ['person.id'], name=op.f('fk_handover_outgoing_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['successor_id'], ['person.id'], name=op.f('fk_handover_successor_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover'))
    )
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_outgoing_id'), ['outgoing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_successor_id'), ['successor_id'], unique=False)

    op.create_table('role_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('volunteer', 'mentor', 'coordinator', name='rolename', native_enum=False, length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('successor_asked_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_role_term_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_term'))
    )
    with op.batch_alter_table('role_term', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_term_person_id'), ['person_id'], unique=False)


def downgrade():
    # Dropping a table drops its indexes: MariaDB refuses to drop one a foreign key uses.
    op.drop_table('role_term')
    op.drop_table('handover')
