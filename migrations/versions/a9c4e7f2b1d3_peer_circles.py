"""peer circles: circles of volunteers on one rung with a facilitator, their members,
the facilitators' terms, the board's posts and their reports; a request may ask for a
circle (``wants_group``)

Revision ID: a9c4e7f2b1d3
Revises: a9c4e1f7b2d5
Create Date: 2026-12-04 15:09:37
"""

import sqlalchemy as sa
from alembic import op

revision = "a9c4e7f2b1d3"
down_revision = "a9c4e1f7b2d5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "circle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level_id", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "proposed", "active", "ended", name="circlestate", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("meets_at", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["facilitator_id"],
            ["person.id"],
            name=op.f("fk_circle_facilitator_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle")),
    )
    with op.batch_alter_table("circle", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circle_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_circle_facilitator_id"), ["facilitator_id"], unique=False
        )

    op.create_table(
        "circle_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_circle_member_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_circle_member_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["mentor_request.id"],
            name=op.f("fk_circle_member_request_id_mentor_request"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_member")),
        sa.UniqueConstraint("circle_id", "person_id", name=op.f("uq_circle_member_circle_id")),
    )
    with op.batch_alter_table("circle_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circle_member_person_id"), ["person_id"], unique=False)

    op.create_table(
        "circle_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["person.id"],
            name=op.f("fk_circle_post_author_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_circle_post_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["person.id"],
            name=op.f("fk_circle_post_hidden_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_post")),
    )
    with op.batch_alter_table("circle_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_circle_post_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_circle_post_circle_id"), ["circle_id"], unique=False)

    op.create_table(
        "facilitator_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circle.id"],
            name=op.f("fk_facilitator_term_circle_id_circle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_facilitator_term_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitator_term")),
    )
    with op.batch_alter_table("facilitator_term", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilitator_term_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "circle_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["circle_post.id"],
            name=op.f("fk_circle_report_post_id_circle_post"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["person.id"],
            name=op.f("fk_circle_report_reporter_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_report")),
    )
    with op.batch_alter_table("circle_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_circle_report_reporter_id"), ["reporter_id"], unique=False
        )

    with op.batch_alter_table("mentor_request", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("wants_group", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    # Dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key
    # needs while the table stands.
    with op.batch_alter_table("mentor_request", schema=None) as batch_op:
        batch_op.drop_column("wants_group")
    for table in ("circle_report", "facilitator_term", "circle_post", "circle_member", "circle"):
        op.drop_table(table)
