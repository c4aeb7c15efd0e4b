"""The worker's side: the function RQ runs, and RQ workers that run it inside the app.

``flask --app wsgi worker`` starts :class:`AppWorker` on ``REDIS_URL``'s queue. Each job
runs in a forked work horse (its memory is returned when it ends) with database
connections of its own: a forked process must not share its parent's. The worker loads
what jobs need first (`warm_up`), so each work horse starts with it.
"""

from flask import Flask
from rq import SimpleWorker, Worker

import matcher

from ..catalog import get_catalog
from ..extensions import db
from . import runner


def warm_up() -> None:
    """Load once, before any job is forked, what each job would load again on its own:
    the matcher's numerical libraries (~1 s of CPU) and the framework catalog."""
    matcher.preload()
    get_catalog()


def perform(job_id: int, attempt: int) -> dict | None:
    """The queued function: run one attempt of a recorded job (see :func:`runner.execute`)."""
    job = runner.execute(job_id, attempt)
    return job.result if job is not None else None


class _InApp:
    """Runs every job inside ``app``'s context."""

    def __init__(self, *args, app: Flask, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.app = app

    def perform_job(self, *args, **kwargs) -> bool:
        with self.app.app_context():
            if getattr(self, "_is_horse", False):
                db.engine.dispose(close=False)
            try:
                return super().perform_job(*args, **kwargs)
            finally:
                db.session.remove()


class AppWorker(_InApp, Worker):
    """A forking RQ worker for the app (``flask worker``)."""


class AppSimpleWorker(_InApp, SimpleWorker):
    """Runs jobs in the worker's own process: for tests with an in-memory Redis."""
