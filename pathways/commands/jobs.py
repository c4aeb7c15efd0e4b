"""Jobs from the command line: start one and follow it with a progress bar, wherever it
runs (here, or on a worker when ``REDIS_URL`` is set); ``flask worker`` runs them."""

import sys
from contextlib import ExitStack

import click
from flask import current_app
from flask.cli import with_appcontext

from ..jobs import runner
from ..models import Job, JobState
from ..services import DomainError


class JobProgress:
    """Feeds ``click.progressbar`` (on stderr) from a job's ``progress(done, total)``.

    The bar appears only once a run has enough steps to be worth watching; ``done`` only
    ever moves forward.
    """

    MIN_STEPS = 4

    def __init__(self, label: str = "Pairing", enabled: bool = True) -> None:
        self.label = label
        self.enabled = enabled
        self.done = 0
        self._stack = ExitStack()
        self.bar = None

    def __enter__(self) -> "JobProgress":
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.MIN_STEPS:
            return
        if self.bar is None:
            bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar = self._stack.enter_context(bar)
        self.bar.length = max(self.bar.length, total)
        if done > self.done:
            self.bar.update(done - self.done)
            self.done = done


def run_job(kind: str, params: dict, label: str, bar: bool = True, here: bool = False) -> Job:
    """Start a job and wait until it ends, showing its progress; the finished job, or a
    :class:`click.ClickException` saying why not (Redis down, the same work running,
    the job failed or its worker stopped)."""
    with JobProgress(label, enabled=bar) as progress:
        try:
            job = runner.start(kind, params, None, progress=progress, here=here)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from error
        if not job.ended:
            click.echo(
                f"Job {job.id} is queued; a worker ('flask --app wsgi worker') runs it. "
                "Waiting for it (Ctrl-C stops waiting, not the job).",
                err=True,
            )
            job = runner.follow(job, progress)
    if job.state == JobState.FAILED:
        raise click.ClickException(f"Job {job.id} failed: {job.error}")
    if job.state != JobState.FINISHED:
        raise click.ClickException(
            f"Job {job.id} stopped: its worker is gone and nothing was saved. "
            f"Retry it from its page, /jobs/{job.id}."
        )
    return job


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run jobs from the queue at REDIS_URL until stopped (Ctrl-C ends it after the job
    at hand)."""
    from ..jobs import queue

    redis = queue.connection()
    if redis is None:
        raise click.ClickException(
            "REDIS_URL is not set: every job runs in the process that starts it, "
            "so there is nothing for a worker to do."
        )
    try:
        queue.check(redis)
    except queue.QueueUnavailable as error:
        raise click.ClickException(str(error.message)) from error
    from ..jobs.worker import AppWorker, warm_up  # after queue.connection() set RQ's prefix

    warm_up()
    app = current_app._get_current_object()
    AppWorker([app.config["JOB_QUEUE"]], connection=redis, app=app).work(burst=burst)
