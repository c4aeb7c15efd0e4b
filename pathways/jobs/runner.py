"""Starting, running and retrying jobs: the same code path whether a job runs on the RQ
queue (``REDIS_URL`` set) or in the process that starts it.

A job's work and its ``finished`` state commit in one transaction, so a worker killed
mid-job leaves nothing half-written: the job stays ``running`` until it is seen to be
stale (:func:`is_stale`), then it can be retried. Progress is written beside the work,
in short transactions of its own, for the status page and the command line to follow.
"""

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..models import Job, JobState, Person, utcnow
from ..services import DomainError, transaction
from ..services.events import record
from . import queue
from .kinds import FORGOTTEN_WHEN_FINISHED, KINDS, Kind, Progress

PROGRESS_SHARES = 4  # progress is written as the work crosses each quarter of its total
SQLITE_PROGRESS_WAIT_MS = 100
REFUSAL_DETAILS_SHOWN = 5
SEND_GRACE = timedelta(seconds=30)


class JobRefused(DomainError):
    """Another job holds the same work (a batch while a batch runs); ``running`` is it."""

    def __init__(self, running: Job) -> None:
        super().__init__(
            _(
                "%(kind)s is already running (job %(id)d, started %(when)s by %(name)s). "
                "Wait until it ends; its page shows how far it is.",
                kind=KINDS[running.kind].label,
                id=running.id,
                when=format_datetime(running.created_at),
                name=starter_name(running),
            )
        )
        self.running = running


def starter_name(job: Job) -> str:
    return job.started_by.username if job.started_by else _("the command line")


def start(
    kind: str,
    params: dict,
    person: Person | None,
    progress: Progress | None = None,
    here: bool = False,
) -> Job:
    """Record a job and send it off: onto the queue when Redis is configured (unless
    ``here``), else run it now in this process, telling ``progress`` as it goes.

    Raises :class:`queue.QueueUnavailable` when Redis does not answer (nothing written),
    and :class:`JobRefused` while another job holds the same work.
    """
    redis = None if here else queue.connection()
    if redis is not None:
        queue.check(redis)
    spec = KINDS[kind]
    job = _record(spec, params, person, queued=redis is not None)
    return _dispatch(job, redis, progress)


def retry(job: Job, person: Person, progress: Progress | None = None) -> Job:
    """Run a failed or stale job again, as a new attempt of the same job; the audit
    trail says who retried it."""
    if job.state == JobState.FINISHED:
        raise DomainError(_l("This job has finished; there is nothing to retry."))
    if not job.ended and not is_stale(job):
        raise DomainError(_l("This job is still running."))
    redis = queue.connection() if job.queue_id else None
    if redis is not None:
        queue.check(redis)
    attempt = job.attempts + 1
    try:
        with transaction():
            retried = db.session.execute(
                update(Job)
                .where(Job.id == job.id, Job.attempts == job.attempts)
                .values(
                    state=JobState.QUEUED,
                    holds=KINDS[job.kind].holds,
                    attempts=attempt,
                    queue_id=_queue_id(job.id, attempt) if redis is not None else None,
                    error=None,
                    done=0,
                    total=0,
                    started_at=None,
                    finished_at=None,
                    updated_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if retried != 1:
                raise DomainError(_l("Someone retried this job a moment ago."))
            record(person, "job_retried", job.id, job_kind=job.kind, attempt=attempt)
    except IntegrityError:
        raise JobRefused(_holder(KINDS[job.kind].holds)) from None
    db.session.refresh(job)
    return _dispatch(job, redis, progress)


def is_stale(job: Job) -> bool:
    """Queued or running, but nothing will finish it: its queue entry is gone or failed
    (a worker killed mid-job, once RQ sees its heartbeat stopped), or, run without a
    queue, no progress for ``JOB_STALE_SECONDS``. Unknown while Redis does not answer."""
    if job.ended:
        return False
    if job.state == JobState.QUEUED and utcnow() - job.updated_at < SEND_GRACE:
        return False  # just recorded: its queue entry may not be sent yet
    redis = queue.connection() if job.queue_id else None
    if redis is None:
        silence = timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
        return utcnow() - job.updated_at > silence
    try:
        return queue.is_lost(redis, job.queue_id)
    except queue.QueueUnavailable:
        return False


def execute(job_id: int, attempt: int | None = None, progress: Progress | None = None) -> Job:
    """Run one attempt of a recorded job here (a worker, or the process that started it).

    The work and the job's end commit together; a refusal by the rules (a
    :class:`DomainError`) fails the job with its message. Any other error fails it too,
    then propagates, for the worker's log.
    """
    if not _claim(job_id, attempt):
        return db.session.get(Job, job_id)
    recorder = ProgressRecorder(job_id, progress)
    try:
        with transaction():
            job = db.session.get(Job, job_id)
            result = KINDS[job.kind].run(dict(job.params), job.started_by, recorder)
            _end(job, result, recorder)
    except DomainError as refusal:
        _fail(job_id, _refusal_text(refusal))
    except Exception:
        _fail(job_id, _("An error on our side stopped this job. Its log says more."))
        raise
    return db.session.get(Job, job_id)


def _record(spec: Kind, params: dict, person: Person | None, queued: bool) -> Job:
    """Write the job, holding its work; a stale holder is given up once, then retried."""
    for _attempt in range(2):
        try:
            with transaction():
                job = Job(kind=spec.name, holds=spec.holds, params=params, started_by=person)
                db.session.add(job)
                db.session.flush()
                job.queue_id = _queue_id(job.id, 1) if queued else None
            return job
        except IntegrityError:
            holder = _holder(spec.holds)
            if holder is not None and not is_stale(holder):
                raise JobRefused(holder) from None
            if holder is not None:
                _fail(holder.id, _("Stopped: its worker or process ended before it did."))
    raise JobRefused(_holder(spec.holds))


def _dispatch(job: Job, redis, progress: Progress | None) -> Job:
    if redis is None:
        return _execute_here(job, progress)
    try:
        queue.send(redis, job.queue_id, job.id, job.attempts)
    except queue.QueueUnavailable:
        _fail(job.id, _("Not queued: the job queue (Redis) did not answer."))
        raise
    return job


def _execute_here(job: Job, progress: Progress | None) -> Job:
    """Run the job in this process; an unexpected error fails the job and is logged, and
    the job's page (or the command) says so, as it would for a worker."""
    try:
        return execute(job.id, job.attempts, progress)
    except Exception:
        current_app.logger.exception("Job %d (%s) failed", job.id, job.kind)
        return db.session.get(Job, job.id)


def running(holds: str) -> Job | None:
    """The job queued or running that holds this work (``pairing``), if any."""
    return _holder(holds)


def _queue_id(job_id: int, attempt: int) -> str:
    """Unique even if job ids start over (a database restored or reset)."""
    return f"pathways-job-{job_id}-{attempt}-{uuid.uuid4().hex[:12]}"


def _holder(holds: str) -> Job | None:
    return db.session.scalar(
        select(Job).where(Job.holds == holds).execution_options(populate_existing=True)
    )


def _claim(job_id: int, attempt: int | None) -> bool:
    """Move a queued attempt to running; False if it is not that attempt or not queued."""
    where = [Job.id == job_id, Job.state == JobState.QUEUED]
    if attempt is not None:
        where.append(Job.attempts == attempt)
    with transaction():
        claimed = db.session.execute(
            update(Job)
            .where(*where)
            .values(state=JobState.RUNNING, started_at=utcnow(), updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    return claimed == 1


def _end(job: Job, result: dict, recorder: "ProgressRecorder") -> None:
    job.state, job.result, job.holds = JobState.FINISHED, result, None
    job.params = {k: v for k, v in job.params.items() if k not in FORGOTTEN_WHEN_FINISHED}
    job.done = job.total = max(recorder.total, recorder.done, 1)
    job.finished_at = job.updated_at = utcnow()


def _fail(job_id: int, message: str) -> None:
    db.session.rollback()
    with transaction():
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                state=JobState.FAILED,
                holds=None,
                error=message,
                finished_at=utcnow(),
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
    db.session.expire_all()


def _refusal_text(refusal: DomainError) -> str:
    details = [str(error) for error in getattr(refusal, "errors", [])[:REFUSAL_DETAILS_SHOWN]]
    return " ".join([str(refusal.message), *details])


class ProgressRecorder:
    """The ``progress(done, total)`` a job's work is given: written to the job's row in a
    short transaction of its own each time the work crosses one of `PROGRESS_SHARES`
    equal shares of its total (the work's transaction does not see it), and passed on to
    ``also`` (the command line's bar). By share, not by time: the same work makes the same
    writes however long it takes and however many rows it has (a total of at least
    `PROGRESS_SHARES` steps makes exactly that many writes).

    On SQLite, whose one write lock the work may hold, a progress write waits a tenth of a
    second at most; when it cannot, progress is kept for the end. ``JOB_STEP_DELAY``
    slows every step (for tests that stop a worker mid-job, and for demonstrations).
    """

    def __init__(self, job_id: int, also: Progress | None = None) -> None:
        self.job_id = job_id
        self.also = also
        self.done = self.total = 0
        self.delay = current_app.config["JOB_STEP_DELAY"]
        self.written_share = 0
        self.writable = True

    def __call__(self, done: int, total: int) -> None:
        if self.delay:
            time.sleep(self.delay)
        self.done, self.total = done, total
        if self.also:
            self.also(done, total)
        share = PROGRESS_SHARES if done >= total else done * PROGRESS_SHARES // total
        if self.writable and share > self.written_share:
            self.written_share = share
            self._write(done, total)

    def _write(self, done: int, total: int) -> None:
        try:
            with db.engine.connect() as connection, _impatient(connection):
                connection.execute(
                    update(Job)
                    .where(Job.id == self.job_id)
                    .values(done=done, total=total, updated_at=utcnow())
                )
                connection.commit()
        except OperationalError:
            self.writable = False


@contextmanager
def _impatient(connection) -> Iterator[None]:
    """On SQLite, wait briefly for the write lock instead of the usual five seconds."""
    if connection.dialect.name != "sqlite":
        yield
        return
    usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_PROGRESS_WAIT_MS}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual)}")


def follow(job: Job, progress: Progress, poll_seconds: float = 0.2) -> Job:
    """Wait for a queued job to end, telling ``progress`` what its row says meanwhile."""
    while True:
        db.session.expire_all()
        job = db.session.get(Job, job.id)
        if job.total:
            progress(job.done, job.total)
        if job.ended or is_stale(job):
            return job
        db.session.rollback()
        time.sleep(poll_seconds)
