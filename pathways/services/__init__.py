"""Use cases: each public function is one action of one person and runs inside
one transaction opened by its caller with :func:`transaction`. Services never
commit on their own, so an HTML view, a CLI command and an API view share them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask_babel import lazy_ngettext as _ln

from ..extensions import db


class DomainError(Exception):
    """A rule of the program refused an action; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The person may not act on this record (someone else's request or mentorship)."""


def too_long(limit: int) -> str:
    """The refusal of a text longer than ``limit`` characters."""
    return _ln("Keep this under %(num)d character.", "Keep this under %(num)d characters.", limit)


def iso(value: date | None) -> str | None:
    """A date or a time as ISO 8601 text, for exports; no value stays None."""
    return value.isoformat() if value is not None else None


@contextmanager
def transaction() -> Iterator[None]:
    """Commit everything done inside, or nothing at all."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
