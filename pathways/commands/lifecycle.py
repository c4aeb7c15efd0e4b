"""``flask lifecycle sweep``: what the calendar changes on its own, once a day."""

from datetime import date

import click
from flask.cli import AppGroup

from .jobs import run_job

lifecycle = AppGroup("lifecycle", help="Apply what the calendar changes (run daily).")

# What each step of the sweep did, as the job's result names it.
STEPS = (
    ("back", "Mentors back from a wiki-break"),
    ("away", "Mentors set away for want of activity"),
    ("overdue", "Mentorships flagged for want of a check-in"),
    ("cleared", "Mentorships no longer overdue"),
    ("graduation", "Mentees offered graduation"),
    ("terms_ending", "Coordinators reminded that their term ends soon"),
    ("terms_ended", "Coordinators whose term ended, thanked"),
    ("successor_needed", "Coordinators whose term ended, kept as nobody else coordinates"),
)


def _named(item: str | list[str]) -> str:
    """A mentor's name, or a mentorship as "mentee with mentor"."""
    return item if isinstance(item, str) else " with ".join(item)


@lifecycle.command("sweep")
def sweep() -> None:
    """Bring mentors back whose wiki-break has ended, set idle mentors away
    (MENTOR_INACTIVE_DAYS), flag mentorships overdue for a check-in (CHECKIN_OVERDUE_DAYS),
    offer graduation to mentees done with what they asked, remind coordinators before
    their term ends (COORDINATOR_TERM_REMINDER_DAYS) and end ended coordinator terms.
    Runs as a job (on a worker when REDIS_URL is set); running it twice changes nothing
    more."""
    job = run_job("lifecycle_sweep", {"today": date.today().isoformat()}, "Sweeping")
    for key, label in STEPS:
        done = job.result[key]
        names = f": {', '.join(_named(item) for item in done)}" if done else ""
        click.echo(f"{label}: {len(done)}{names}.")
