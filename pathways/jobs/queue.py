"""The RQ side of jobs: the connection to ``REDIS_URL``, sending a job, and asking
whether a job sent earlier is still alive. Redis and RQ load on first use, never with
every command.
"""

import os
import sys
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..services import DomainError

if TYPE_CHECKING:
    from redis import Redis

CONNECTION = "pathways.redis"
CONNECT_TIMEOUT_SECONDS = 2.0
RESULT_TTL_SECONDS = 24 * 3600
ENDED = ("finished", "failed", "stopped", "canceled")


class QueueUnavailable(DomainError):
    """Redis is configured for jobs and does not answer: nothing was queued or written."""

    def __init__(self) -> None:
        super().__init__(
            _l(
                "The job queue (Redis) does not answer, so nothing was started and nothing "
                "was changed. Try again in a few minutes; if it keeps failing, tell the "
                "site's administrators that Redis is down."
            )
        )


def connection() -> "Redis | None":
    """The app's Redis for jobs, or None when ``REDIS_URL`` is not set (jobs then run in
    the process that starts them). Tests put a fake one in ``app.extensions``."""
    if CONNECTION in current_app.extensions:
        _rq_keys_under_the_prefix()
        return current_app.extensions[CONNECTION]
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    _rq_keys_under_the_prefix()
    from redis import Redis

    redis = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
    return current_app.extensions.setdefault(CONNECTION, redis)


def _rq_keys_under_the_prefix() -> None:
    """RQ reads its key prefix once, when it is imported (``RQ_KEY_PREFIX``): set it
    first, so every key of the queue starts with ``REDIS_KEY_PREFIX`` like the app's
    other keys, never in a place of a shared Redis that others read."""
    wanted = f"{current_app.config['REDIS_KEY_PREFIX']}:rq"
    if "rq" not in sys.modules:
        os.environ["RQ_KEY_PREFIX"] = wanted
        return
    from rq.defaults import RQ_KEY_PREFIX

    if wanted != RQ_KEY_PREFIX:
        raise RuntimeError(
            "RQ was loaded before the app set its key prefix: import pathways.jobs.worker "
            "only through pathways.jobs.queue (or set RQ_KEY_PREFIX to REDIS_KEY_PREFIX:rq)"
        )


def _queue(redis: "Redis"):
    from rq import Queue

    return Queue(current_app.config["JOB_QUEUE"], connection=redis)


def check(redis: "Redis") -> None:
    """Raise :class:`QueueUnavailable` unless Redis answers."""
    from redis import RedisError

    try:
        redis.ping()
    except RedisError as error:
        raise QueueUnavailable() from error


def send(redis: "Redis", queue_id: str, job_id: int, attempt: int) -> None:
    """Put one attempt of a recorded job on the queue, under its own RQ id."""
    from redis import RedisError

    from .worker import perform

    try:
        _queue(redis).enqueue(
            perform,
            job_id,
            attempt,
            job_id=queue_id,
            job_timeout=current_app.config["JOB_TIMEOUT"],
            result_ttl=RESULT_TTL_SECONDS,
            failure_ttl=RESULT_TTL_SECONDS,
        )
    except RedisError as error:
        raise QueueUnavailable() from error


def is_lost(redis: "Redis", queue_id: str) -> bool:
    """Whether nothing will run this attempt any more: its RQ job is gone, failed or
    stopped, or ended while its job is still open. A worker killed mid-job counts once
    RQ sees its heartbeat has stopped (RQ's own clean-up of the started-job registry,
    run here first)."""
    from redis import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as QueuedJob
    from rq.registry import StartedJobRegistry

    try:
        StartedJobRegistry(queue=_queue(redis)).cleanup()
        status = QueuedJob.fetch(queue_id, connection=redis).get_status()
    except NoSuchJobError:
        return True
    except RedisError as error:
        raise QueueUnavailable() from error
    return status in ENDED
