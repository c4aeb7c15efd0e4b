"""Jobs: the same work in the process that starts it (no ``REDIS_URL``) or on the RQ queue;
one of a kind at a time, enforced by the database; failures that save nothing and can be
retried; Redis down refuses before anything is written."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from pathways.extensions import db
from pathways.jobs import queue
from pathways.jobs import runner as jobs
from pathways.models import (
    Job,
    JobState,
    MatchProposal,
    MentorshipState,
    Person,
    RoleName,
    utcnow,
)
from pathways.services import DomainError, mentor_requests, offers, transaction
from tests.helpers import ask_for_mentors, count, snapshot

TODAY = date.today()
DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def coordinator(make_person):
    return make_person(RoleName.COORDINATOR, username="Coord")


@pytest.fixture
def waiting(make_person, make_mentor):
    """Two mentors with one place each, and three requests waiting."""
    for _ in range(2):
        make_mentor(capacity=1)
    ask_for_mentors(make_person, "Ana", "Bea", "Cai")


def age(job: Job) -> None:
    """Make the job's last sign of life older than the time a new job gets to be sent."""
    with transaction():
        job.updated_at = utcnow() - jobs.SEND_GRACE
    db.session.refresh(job)


def batch_proposals() -> int:
    """Proposals made by a batch (requests get one proposal each as they are made)."""
    return count(MatchProposal, MatchProposal.batch_id.is_not(None))


def test_without_redis_a_job_runs_here_and_ends_with_its_result(app, coordinator, waiting):
    seen = []
    job = jobs.start("batch_pairing", {}, coordinator, progress=lambda d, t: seen.append(d))
    assert job.state == JobState.FINISHED
    assert (job.holds, job.queue_id, job.error) == (None, None, None)
    assert job.done == job.total > 0 and seen
    batches = db.session.scalars(sa.select(MatchProposal.batch_id).distinct()).all()
    assert set(batches) == {None, job.result["batch_id"]}
    assert (job.result["proposed"], job.result["unmatched"]) == (2, 1)


def test_a_queued_batch_waits_for_a_worker_then_finishes(
    app, job_redis, coordinator, waiting, work_off
):
    job = jobs.start("batch_pairing", {}, coordinator)
    assert job.state == JobState.QUEUED and job.queue_id
    assert batch_proposals() == 0, "the page answers before any work is done"
    assert not jobs.is_stale(job)
    work_off()
    job = db.session.get(Job, job.id)
    assert job.state == JobState.FINISHED
    assert count(MatchProposal, MatchProposal.batch_id == job.result["batch_id"]) == 2
    assert not jobs.is_stale(job)


def test_redis_down_refuses_and_writes_nothing(app, coordinator, waiting):
    app.config["REDIS_URL"] = DOWN
    before = snapshot()
    with pytest.raises(queue.QueueUnavailable) as refused:
        jobs.start("batch_pairing", {}, coordinator)
    assert "Redis" in str(refused.value.message)
    db.session.rollback()
    assert snapshot() == before


def test_redis_gone_between_the_check_and_the_send_fails_the_job_and_frees_its_work(
    app, job_redis, coordinator, waiting, monkeypatch
):
    def down(*args):
        raise queue.QueueUnavailable()

    monkeypatch.setattr(queue, "send", down)
    with pytest.raises(queue.QueueUnavailable):
        jobs.start("batch_pairing", {}, coordinator)
    job = db.session.scalar(sa.select(Job))
    assert (job.state, job.holds) == (JobState.FAILED, None)
    assert "Redis" in job.error
    assert batch_proposals() == 0


def test_a_second_batch_while_one_is_queued_is_refused_naming_it(
    app, job_redis, coordinator, waiting, make_mentor
):
    first = jobs.start("batch_pairing", {}, coordinator)
    for kind, params in (("batch_pairing", {}), ("succession", {"mentor_id": 1})):
        with pytest.raises(jobs.JobRefused) as refused:
            jobs.start(kind, params, coordinator)
        assert refused.value.running.id == first.id
        assert f"job {first.id}" in str(refused.value.message)
        assert "Coord" in str(refused.value.message)
    assert count(Job) == 1
    sweep = jobs.start("lifecycle_sweep", {"today": TODAY.isoformat()}, coordinator)
    assert sweep.state == JobState.QUEUED, "other work is not held up"


def test_the_database_refuses_two_jobs_holding_the_same_work(app):
    with transaction():
        db.session.add(Job(kind="batch_pairing", holds="pairing"))
    with pytest.raises(IntegrityError), transaction():
        db.session.add(Job(kind="succession", holds="pairing"))
    with transaction():
        db.session.add_all([Job(kind="batch_pairing"), Job(kind="batch_pairing")])
    assert count(Job) == 3, "ended jobs hold nothing"


def test_a_failing_job_saves_nothing_says_why_and_a_retry_finishes(
    app, coordinator, waiting, monkeypatch
):
    real = mentor_requests.run_batch_pairing

    def breaks_after_writing(actor, progress=None):
        real(actor, progress)
        raise RuntimeError("the machine broke")

    monkeypatch.setattr(mentor_requests, "run_batch_pairing", breaks_after_writing)
    job = jobs.start("batch_pairing", {}, coordinator)
    assert (job.state, job.holds) == (JobState.FAILED, None)
    assert "error on our side" in job.error
    assert batch_proposals() == 0, "one transaction: nothing half-written"
    monkeypatch.setattr(mentor_requests, "run_batch_pairing", real)
    job = jobs.retry(job, coordinator)
    assert (job.state, job.attempts, job.error) == (JobState.FINISHED, 2, None)
    assert batch_proposals() == 2


def test_a_refusal_by_the_rules_fails_the_job_with_its_message(app, coordinator):
    job = jobs.start("succession", {"mentor_id": 999}, coordinator)
    assert job.state == JobState.FAILED
    assert job.error == "This mentor's account no longer exists."


def test_finished_and_running_jobs_are_not_retried(app, job_redis, coordinator, waiting):
    done = jobs.start("lifecycle_sweep", {"today": TODAY.isoformat()}, coordinator, here=True)
    with pytest.raises(DomainError, match="finished"):
        jobs.retry(done, coordinator)
    queued = jobs.start("batch_pairing", {}, coordinator)
    with pytest.raises(DomainError, match="still running"):
        jobs.retry(queued, coordinator)


def test_a_job_whose_queue_entry_is_lost_is_stale_gives_way_and_can_be_retried(
    app, job_redis, coordinator, waiting, work_off
):
    from rq.job import Job as QueuedJob

    lost = jobs.start("batch_pairing", {}, coordinator)
    QueuedJob.fetch(lost.queue_id, connection=job_redis).delete()
    assert not jobs.is_stale(lost), "a job just recorded may not be on the queue yet"
    age(lost)
    assert jobs.is_stale(lost)
    retried = jobs.retry(lost, coordinator)
    assert retried.state == JobState.QUEUED and retried.attempts == 2
    QueuedJob.fetch(retried.queue_id, connection=job_redis).delete()
    age(retried)
    newer = jobs.start("batch_pairing", {}, coordinator)
    db.session.refresh(lost)
    assert (lost.state, lost.holds) == (JobState.FAILED, None)
    assert "Stopped" in lost.error
    work_off()
    assert db.session.get(Job, newer.id).state == JobState.FINISHED


def test_an_old_attempt_delivered_again_does_nothing(app, job_redis, coordinator, waiting):
    job = jobs.start("batch_pairing", {}, coordinator)
    assert jobs.execute(job.id, attempt=job.attempts + 1).state == JobState.QUEUED
    assert jobs.execute(job.id, attempt=job.attempts).state == JobState.FINISHED
    assert jobs.execute(job.id, attempt=job.attempts).state == JobState.FINISHED
    assert batch_proposals() == 2


def test_a_job_run_here_is_stale_after_a_silence(app, coordinator):
    with transaction():
        job = Job(kind="batch_pairing", holds="pairing", state=JobState.RUNNING)
        db.session.add(job)
    assert not jobs.is_stale(job)
    job.updated_at = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    assert jobs.is_stale(job)


def test_progress_is_written_beside_the_work_for_others_to_read(app, coordinator, waiting):
    read = []

    def look(done, total):
        with db.engine.connect() as other:
            read.append(other.scalar(sa.select(Job.done).order_by(Job.id.desc()).limit(1)))

    jobs.start("batch_pairing", {}, coordinator, progress=look)
    assert max(read) > 0


def test_the_lifecycle_sweep_brings_mentors_back_once(
    app, runner, coordinator, make_mentor, make_person
):
    mentor = make_mentor(username="Away")
    mentee = make_person(username="Waiting")
    with transaction():
        request = mentor_requests.request_mentor(mentee, ["referencing"], "", mentor.id)
        mentorship = mentor_requests.approve_proposal(coordinator, request.proposals[0], TODAY)
        offers.go_away(mentor, TODAY, "a week off", TODAY - timedelta(days=3))
    assert mentorship.state == MentorshipState.PAUSED
    first = runner.invoke(args=["lifecycle", "sweep"])
    assert first.exit_code == 0, first.output
    assert "Mentors back from a wiki-break: 0." in first.output, "back only after the day"
    with transaction():
        offer = offers.offer_of(mentor)
        offer.away_until = TODAY - timedelta(days=1)
    second = runner.invoke(args=["lifecycle", "sweep"])
    assert "Mentors back from a wiki-break: 1: Away." in second.output
    db.session.expire_all()
    assert mentorship.state == MentorshipState.ACTIVE
    assert offers.offer_of(mentor).away_from is None
    third = runner.invoke(args=["lifecycle", "sweep"])
    assert "Mentors back from a wiki-break: 0." in third.output
    assert count(Job, Job.state == JobState.FINISHED) == 3


def test_two_batches_started_at_the_same_moment_make_one_job(app, job_redis, make_person, waiting):
    """Real transactions on their own connections, one thread each: the database's
    unique ``holds`` lets exactly one in, the other is refused naming it."""
    import threading

    coordinators = [make_person(RoleName.COORDINATOR).id for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def begin(person_id: int) -> None:
        with app.app_context():
            person = db.session.get(Person, person_id)
            start.wait()
            try:
                outcomes.append(f"started {jobs.start('batch_pairing', {}, person).id}")
            except jobs.JobRefused as refused:
                outcomes.append(f"refused for {refused.running.id}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=begin, args=(c,)) for c in coordinators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    job_id = db.session.scalar(sa.select(Job.id))
    assert sorted(outcomes) == [f"refused for {job_id}", f"started {job_id}"]
    assert count(Job) == 1


def test_a_retry_is_in_the_audit_trail_and_a_second_retry_at_once_is_refused(app, coordinator):
    from pathways.models import ProgramEvent

    job = jobs.start("succession", {"mentor_id": 999}, coordinator)
    jobs.retry(job, coordinator)
    event = db.session.scalar(sa.select(ProgramEvent).where(ProgramEvent.kind == "job_retried"))
    assert (event.actor_id, event.subject_id, event.data["attempt"]) == (coordinator.id, job.id, 2)
    with db.engine.begin() as other:  # another coordinator retries it, unseen by this page
        other.execute(sa.update(Job).values(attempts=3).where(Job.id == job.id))
    with pytest.raises(DomainError, match="retried this job a moment ago"):
        jobs.retry(job, coordinator)
    db.session.expire_all()
    assert count(ProgramEvent, ProgramEvent.kind == "job_retried") == 1
