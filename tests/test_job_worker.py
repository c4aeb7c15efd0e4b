"""A worker killed mid-job leaves nothing half-written, and the job can be retried.

With ``TEST_REDIS_URL`` (CI), ``flask --app wsgi worker`` really runs as a subprocess on
this test's database and is killed with SIGKILL, work horse and all, while the job is
slowed down in its progress steps (``JOB_STEP_DELAY``). Without it, the same story runs
on an in-memory Redis with the crash simulated in this process: the job's work is
interrupted by an exception no handler of the job catches, as a kill would.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pathways.extensions import db
from pathways.jobs import runner as jobs
from pathways.models import Job, JobState, MatchProposal, MentorRequest, RoleName
from pathways.services import mentor_requests, transaction
from tests.helpers import count, sign_in

REPO = Path(__file__).resolve().parents[1]
REAL_REDIS = os.environ.get("TEST_REDIS_URL")
WAIT_SECONDS = 60


class Killed(BaseException):
    """What a kill looks like from inside: nothing of the job's own handles it."""


@pytest.fixture
def program(make_person, make_mentor):
    coordinator = make_person(RoleName.COORDINATOR, username="Coord")
    for _ in range(3):
        make_mentor(capacity=2)
    for number in range(6):
        with transaction():
            mentor_requests.request_mentor(make_person(), ["referencing"], f"n{number}", None)
    return coordinator


def written() -> dict:
    """What a batch would write: its proposals, and the requests' states."""
    db.session.expire_all()
    return {
        "batch proposals": count(MatchProposal, MatchProposal.batch_id.is_not(None)),
        "requests": sorted(db.session.scalars(sa.select(MentorRequest.state))),
    }


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        db.session.expire_all()
        found = condition()
        if found:
            return found
        db.session.rollback()
        time.sleep(0.1)
    pytest.fail(f"waited {WAIT_SECONDS} s for {what}")


def worker_process(app, *args: str, delay: float = 0.0) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REAL_REDIS,
        "JOB_QUEUE": app.config["JOB_QUEUE"],
        "JOB_STEP_DELAY": str(delay),
        "SECRET_KEY": "test-only-secret",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args]
    return subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)


def children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


def kill_a_real_worker_mid_job(app, job: Job) -> None:
    worker = worker_process(app, delay=1.0)
    try:
        wait_for(lambda: db.session.get(Job, job.id).done > 0, "the job to make progress")
        horses = children(worker.pid)
        for pid in (worker.pid, *horses):
            os.kill(pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
        worker.stderr.close()
    assert horses, "the job ran in a work horse, killed with its worker"


def crash_mid_job(work_off, monkeypatch) -> None:
    steps = []

    def crash(recorder, done, total):
        steps.append(done)
        if len(steps) == 2:
            raise Killed()

    monkeypatch.setattr(jobs.ProgressRecorder, "__call__", crash)
    work_off()
    monkeypatch.undo()
    assert len(steps) == 2, "the crash came mid-job"


def test_a_worker_killed_mid_job_leaves_nothing_half_written_and_the_retry_finishes(
    app, client, job_redis, work_off, program, monkeypatch
):
    before = written()
    job = jobs.start("batch_pairing", {}, program)
    if REAL_REDIS:
        kill_a_real_worker_mid_job(app, job)
    else:
        crash_mid_job(work_off, monkeypatch)

    assert written() == before, "nothing of the job's work was saved"
    job = db.session.get(Job, job.id)
    assert job.state == JobState.RUNNING, "nobody was left to record the end"
    if REAL_REDIS:
        # What RQ does once the dead worker's heartbeat has expired (a minute or more).
        from rq import Queue
        from rq.registry import StartedJobRegistry

        queue = Queue(app.config["JOB_QUEUE"], connection=job_redis)
        StartedJobRegistry(queue=queue).cleanup(timestamp=time.time() + 3600)
    assert jobs.is_stale(job)

    sign_in(client, program)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "stopped before it ended" in page and 'http-equiv="refresh"' not in page
    assert client.post(f"/jobs/{job.id}/retry").status_code == 302
    db.session.expire_all()
    retried = db.session.get(Job, job.id)
    assert retried.state == JobState.QUEUED and retried.attempts == 2
    if REAL_REDIS:
        finisher = worker_process(app, "--burst")
        assert finisher.wait(timeout=WAIT_SECONDS) == 0, finisher.stderr.read()
        finisher.stderr.close()
    else:
        work_off()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.state, job.holds, job.error) == (JobState.FINISHED, None, None)
    assert written()["batch proposals"] == job.result["proposed"] > 0
