"""The lifecycle sweep: what the calendar changes on its own, applied by
``flask lifecycle sweep`` (daily, from cron) or as a job. Running it twice changes
nothing the second time.

Today it brings mentors back from a wiki-break whose return date has passed: their
offer is open again and their paused mentorships resume, as if they had pressed
"I'm back" themselves.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import MentorOffer
from .offers import come_back


@dataclass(frozen=True)
class SweepSummary:
    back: list[str]


def sweep(today: date, progress: Callable[[int, int], None] | None = None) -> SweepSummary:
    """Apply every change due by ``today``; ``progress(done, total)`` after each mentor."""
    due = db.session.scalars(
        select(MentorOffer)
        .where(MentorOffer.away_until < today)
        .options(selectinload(MentorOffer.person))
        .order_by(MentorOffer.id)
    ).all()
    for done, offer in enumerate(due, 1):
        come_back(offer.person)
        if progress:
            progress(done, len(due))
    return SweepSummary(back=[offer.person.username for offer in due])
