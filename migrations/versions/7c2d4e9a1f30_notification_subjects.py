"""notifications say what they are about (kind and subject id), not a URL

Revision ID: 7c2d4e9a1f30
Revises: 5a1e0c3d9b21
Create Date: 2026-12-04 01:30:00

The services no longer build web links: a notification keeps the id of its subject
and the web layer resolves the link from its kind. Existing rows get the id that
ended their stored link (``/mentorships/12``, ``/mentors/3``…; a badge certificate's
public id is looked up).
"""
import re

from alembic import op
import sqlalchemy as sa


revision = '7c2d4e9a1f30'
down_revision = '5a1e0c3d9b21'
branch_labels = None
depends_on = None

LAST_ID = re.compile(r"/(\d+)$")
BADGE = re.compile(r"/badges/([0-9a-f-]{36})$")


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
    _subjects_from_links()
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('link')


def _subjects_from_links():
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, link FROM notification WHERE link IS NOT NULL"))
    for notification_id, link in rows.all():
        connection.execute(
            sa.text("UPDATE notification SET subject_id = :subject WHERE id = :id"),
            {"subject": _subject(connection, link), "id": notification_id},
        )


def _subject(connection, link: str) -> int | None:
    badge = BADGE.search(link)
    if badge:
        return connection.scalar(
            sa.text("SELECT id FROM badge WHERE public_id = :public_id"),
            {"public_id": badge.group(1)},
        )
    number = LAST_ID.search(link)
    return int(number.group(1)) if number else None


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link', sa.String(length=255), nullable=True))
        batch_op.drop_column('subject_id')
