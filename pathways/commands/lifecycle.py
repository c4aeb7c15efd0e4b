"""``flask lifecycle sweep``: what the calendar changes on its own, once a day."""

from datetime import date

import click
from flask.cli import AppGroup

from .jobs import run_job

lifecycle = AppGroup("lifecycle", help="Apply what the calendar changes (run daily).")


@lifecycle.command("sweep")
def sweep() -> None:
    """Bring mentors back whose wiki-break has ended, resuming their mentorships. Runs as a
    job (on a worker when REDIS_URL is set); running it twice changes nothing more."""
    job = run_job("lifecycle_sweep", {"today": date.today().isoformat()}, "Sweeping")
    back = job.result["back"]
    names = f": {', '.join(back)}" if back else ""
    click.echo(f"Mentors back from a wiki-break: {len(back)}{names}.")
