"""The pages that start jobs answer at once with the job's page; it follows the job
without JavaScript and links to the result; Redis down and a second batch are refused
with a message that names them. And the same from the command line."""

import re

import pytest
import sqlalchemy as sa

from pathways.extensions import db
from pathways.jobs import runner as jobs
from pathways.models import Job, JobState, RoleName
from pathways.services import mentor_requests
from tests.helpers import ask_for_mentors, count, snapshot, write_csv

DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def coordinator(login_as):
    return login_as(RoleName.COORDINATOR, username="Coord")


@pytest.fixture
def waiting(make_person, make_mentor):
    make_mentor(capacity=1)
    ask_for_mentors(make_person, "Ana", "Bea")


def test_a_queued_batch_answers_at_once_with_a_page_that_refreshes_itself(
    client, coordinator, waiting, job_redis
):
    response = client.post("/coordinators/batch")
    assert response.status_code == 302
    job = db.session.scalar(sa.select(Job))
    assert response.headers["Location"] == f"/jobs/{job.id}"
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<progress" in page and "Waiting for a worker" in page
    assert "Batch pairing" in page and "Coord" in page
    with db.engine.begin() as other:
        other.execute(
            sa.update(Job).values(state=JobState.RUNNING, done=3, total=8).where(Job.id == job.id)
        )
    db.session.expire_all()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<progress value="3" max="8">' in page and "3 of 8 steps done." in page


def test_a_finished_batch_links_to_its_review_and_stops_refreshing(client, coordinator, waiting):
    location = client.post("/coordinators/batch").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "http-equiv" not in page
    assert "1 pair proposed." in page and "1 person stays unmatched." in page
    review = re.search(r'href="(/coordinators/batch/[^"]+)"', page).group(1)
    assert client.get(review).status_code == 200


def test_a_second_batch_is_refused_naming_the_running_one(client, coordinator, waiting, job_redis):
    first = client.post("/coordinators/batch").headers["Location"]
    second = client.post("/coordinators/batch", follow_redirects=True)
    assert second.request.path == first
    text = second.get_data(as_text=True)
    job_id = db.session.scalar(sa.select(Job.id))
    assert f"Batch pairing is already running (job {job_id}, started" in text
    assert count(Job) == 1


def test_redis_down_is_a_page_naming_it_and_nothing_is_written(app, client, coordinator, waiting):
    app.config["REDIS_URL"] = DOWN
    before = snapshot()
    response = client.post("/coordinators/batch")
    assert response.status_code == 503
    assert "The job queue (Redis) does not answer" in response.get_data(as_text=True)
    db.session.expire_all()
    assert snapshot() == before


def test_a_failed_job_offers_a_retry_that_finishes(client, coordinator, waiting, monkeypatch):
    real = mentor_requests.run_batch_pairing

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(mentor_requests, "run_batch_pairing", broken)
    location = client.post("/coordinators/batch").headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "This job failed" in page and "Retry" in page
    monkeypatch.setattr(mentor_requests, "run_batch_pairing", real)
    assert client.post(f"{location}/retry").headers["Location"] == location
    assert "1 pair proposed." in client.get(location).get_data(as_text=True)
    assert client.post(f"{location}/retry").status_code == 409


def test_succession_for_many_mentees_is_a_job_too(app, client, coordinator, job_redis, make_mentor):
    mentor = make_mentor()
    app.config["SUCCESSION_JOB_MIN_MENTEES"] = 0
    location = client.post(f"/coordinators/succession/{mentor.id}").headers["Location"]
    assert db.session.scalar(sa.select(Job.state)) == JobState.QUEUED
    assert "Succession" in client.get(location).get_data(as_text=True)


def test_only_the_starter_and_coordinators_see_a_job(client, coordinator, login_as):
    job = jobs.start("lifecycle_sweep", {"today": "2026-01-01"}, coordinator)
    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 200
    assert "0 mentors were set away for want of activity." in page.get_data(as_text=True)
    assert "0 mentees were offered graduation." in page.get_data(as_text=True)
    login_as(RoleName.MENTOR)
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert client.get("/jobs/999").status_code == 404


# The command line ------------------------------------------------------------------------


def test_the_command_line_names_redis_when_it_is_down(app, runner, waiting):
    app.config["REDIS_URL"] = DOWN
    for args in (["match", "propose"], ["lifecycle", "sweep"], ["worker", "--burst"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "The job queue (Redis) does not answer" in result.output
    assert count(Job) == 0


def test_the_worker_needs_redis(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


def test_the_command_line_refuses_a_second_batch(runner, waiting, job_redis, make_person):
    job = jobs.start("batch_pairing", {}, make_person(RoleName.COORDINATOR, username="Coord"))
    result = runner.invoke(args=["match", "propose"])
    assert result.exit_code == 1
    assert f"Batch pairing is already running (job {job.id}, started" in result.output


def test_a_large_import_is_a_job_and_keeps_no_copy_of_the_file(app, runner, tmp_path):
    app.config["IMPORT_JOB_MIN_ROWS"] = 2
    path = write_csv(
        tmp_path,
        "Ana,mentor,es,,historia,referencing,,2,",
        "Bea,mentee,es,,museos,,referencing,,",
    )
    result = runner.invoke(args=["profiles", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2 people from people.csv: 1 mentors" in result.output
    job = db.session.scalar(sa.select(Job))
    assert (job.kind, job.state) == ("profiles_import", JobState.FINISHED)
    assert job.result == {"source": "people.csv", "mentors": 1, "mentees": 1, "requests": 1}
    assert "text" not in job.params


def test_the_queue_links_to_the_batch_running(client, coordinator, waiting, job_redis):
    assert "is running (job" not in client.get("/coordinators/").get_data(as_text=True)
    location = client.post("/coordinators/batch").headers["Location"]
    page = client.get("/coordinators/").get_data(as_text=True)
    job_id = location.rsplit("/", 1)[1]
    assert f'<a href="{location}">Batch pairing is running (job {job_id}): follow it.</a>' in page
