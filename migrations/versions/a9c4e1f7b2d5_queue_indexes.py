"""Indexes for the pages that list requests and proposals: the coordinators' queue (the
waiting requests, oldest first), a request's proposals, and a mentee's requests

Revision ID: a9c4e1f7b2d5
Revises: 64de67f59c5d
Create Date: 2026-12-04 15:25:00
"""

from alembic import op

revision = "a9c4e1f7b2d5"
down_revision = "64de67f59c5d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_mentor_request_state_created_at", "mentor_request", ["state", "created_at", "id"]
    )
    op.create_index("ix_mentor_request_mentee_id", "mentor_request", ["mentee_id"])
    op.create_index("ix_match_proposal_request_id", "match_proposal", ["request_id"])


# MariaDB gives a foreign key an index of the key's name unless another index serves it,
# and drops that one when ours is made: downgrading puts it back, or ours could not go.
FOREIGN_KEY_INDEXES = {
    "ix_match_proposal_request_id": (
        "match_proposal",
        "request_id",
        "fk_match_proposal_request_id_mentor_request",
    ),
    "ix_mentor_request_mentee_id": (
        "mentor_request",
        "mentee_id",
        "fk_mentor_request_mentee_id_person",
    ),
}


def downgrade():
    mariadb = op.get_bind().dialect.name == "mysql"
    for index, (table, column, foreign_key) in FOREIGN_KEY_INDEXES.items():
        if mariadb:
            op.create_index(foreign_key, table, [column])
        op.drop_index(index, table_name=table)
    op.drop_index("ix_mentor_request_state_created_at", table_name="mentor_request")
