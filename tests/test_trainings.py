"""Trainings: what a host may post, sign-up within the places, attendance as ladder
progress, iCalendar files, the privacy export and deletion, and the community directory."""

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import Community, Person, RoleName, StepStatus, Training, TrainingSignup
from pathways.services import (
    DomainError,
    NotAllowed,
    communities,
    plans,
    privacy,
    trainings,
    transaction,
)
from tests.helpers import count

NEXT_WEEK = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=7)
DRAFT = trainings.TrainingDraft(
    title="Taller: tus primeras referencias",
    description="Trae tu portátil.",
    online=True,
    venue="",
    link="https://meet.example.org/taller",
    language="es",
    skills=["referencing", "wiki-basics"],
    starts_local=NEXT_WEEK.replace(hour=18, minute=0, second=0),
    timezone="America/Mexico_City",
    minutes=90,
    places=2,
)


def post(host: Person, **changes) -> Training:
    with transaction():
        return trainings.post_training(host, replace(DRAFT, **changes))


def move_to_past(training: Training) -> None:
    """A training that already happened (a host cannot post one; tests need one)."""
    with transaction():
        training.starts_at = trainings.utcnow() - timedelta(hours=3)


@pytest.fixture
def host(make_mentor) -> Person:
    return make_mentor(username="Anfitriona")


# Posting ----------------------------------------------------------------------------------


def test_a_training_is_stored_in_utc_with_its_own_time_zone(host):
    training = post(host)
    # 18:00 in Mexico City (UTC-6, no daylight saving since 2022) is 00:00 UTC the next day.
    assert training.starts_at == DRAFT.starts_local + timedelta(hours=6)
    assert training.timezone == "America/Mexico_City"
    assert training.skills == ["referencing", "wiki-basics"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_local": NEXT_WEEK - timedelta(days=14)}, "starts_at"),
        ({"places": -1}, "places"),
        ({"places": 0}, "places"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "data:text/html,hi"}, "link"),
        ({"link": "//evil.example"}, "link"),
        ({"link": "https://exa mple.org"}, "link"),
        ({"title": "x" * 201}, "title"),
        ({"title": "  "}, "title"),
        ({"description": "x" * 4001}, "description"),
        ({"skills": []}, "skills"),
        ({"skills": ["no-such-skill"]}, "skills"),
        ({"language": "not a code"}, "language"),
        ({"online": False, "venue": ""}, "venue"),
        ({"minutes": 5}, "minutes"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(host, changes, field):
    with pytest.raises(DomainError) as refused:
        post(host, **changes)
    assert refused.value.field == field
    assert count(Training) == 0


def test_only_mentors_and_coordinators_post(make_person):
    with pytest.raises(NotAllowed):
        post(make_person())
    assert post(make_person(RoleName.COORDINATOR)).id


# Sign-up ---------------------------------------------------------------------------------------


def test_sign_up_takes_a_place_and_refuses_when_none_is_left(host, make_person):
    training = post(host, places=1)
    first, second = make_person(), make_person()
    with transaction():
        trainings.sign_up(first, training)
    with pytest.raises(DomainError, match="already signed up"), transaction():
        trainings.sign_up(first, training)
    with pytest.raises(DomainError, match="No place is left"), transaction():
        trainings.sign_up(second, training)
    with transaction():
        trainings.cancel_signup(first, training)
        trainings.sign_up(second, training)
    assert [s.person_id for s in trainings.signups_of(second)] == [second.id]
    assert trainings.signups_of(first) == []


def test_no_sign_up_or_cancel_once_started_or_cancelled(host, make_person):
    training = post(host)
    volunteer = make_person()
    with transaction():
        trainings.sign_up(volunteer, training)
    move_to_past(training)
    with pytest.raises(DomainError, match="already started"), transaction():
        trainings.cancel_signup(volunteer, training)
    with pytest.raises(DomainError, match="already started"), transaction():
        trainings.sign_up(make_person(), training)
    cancelled = post(host)
    with transaction():
        cancelled.cancelled_at = trainings.utcnow()
    with pytest.raises(DomainError, match="cancelled"), transaction():
        trainings.sign_up(volunteer, cancelled)


def test_concurrent_sign_ups_never_exceed_the_places(app, host, make_person, monkeypatch):
    """Real transactions on real connections: without the row lock both would count a
    free place (the count is slowed down) and both would write a sign-up."""
    training_id = post(host, places=1).id
    people = [make_person().id for _ in range(2)]
    counted = trainings.taken_places

    def slow_count(training_id: int) -> int:
        taken = counted(training_id)
        time.sleep(0.4)
        return taken

    monkeypatch.setattr(trainings, "taken_places", slow_count)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def sign_up(person_id: int) -> None:
        with app.app_context():
            person = db.session.get(Person, person_id)
            row = db.session.get(Training, training_id)
            start.wait()
            try:
                with transaction():
                    trainings.sign_up(person, row)
                outcomes.append("signed up")
            except DomainError as error:
                outcomes.append(str(error.message))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["No place is left at this training.", "signed up"]
    db.session.expire_all()
    assert count(TrainingSignup) == 1


# Attendance -------------------------------------------------------------------------------


def test_confirmed_attendance_starts_the_ladder_steps_it_teaches(host, make_person):
    volunteer = make_person(languages=("es",))
    with transaction():
        plan = plans.build_plan(volunteer, ["newcomer"], "", ["es"], 3)
    steps = {row.skill_id: row for row in plan.steps}
    assert {"referencing", "wiki-basics"} <= set(steps)
    with transaction():
        plans.mark_step(volunteer, steps["wiki-basics"].id, "done", "")
    training = post(host)
    with transaction():
        signup = trainings.sign_up(volunteer, training)
    with pytest.raises(DomainError, match="once the training has started"), transaction():
        trainings.confirm_attendance(host, training, signup.id)
    move_to_past(training)
    with pytest.raises(NotAllowed), transaction():
        trainings.confirm_attendance(make_person(RoleName.MENTOR), training, signup.id)
    with transaction():
        touched = trainings.confirm_attendance(host, training, signup.id)
    assert {row.skill_id for row in touched} == {"referencing", "wiki-basics"}
    assert steps["referencing"].status == StepStatus.STARTED
    assert steps["wiki-basics"].status == StepStatus.DONE  # a finished step stays finished
    evidence = trainings.for_ladder(volunteer, plan)
    assert evidence.attended == {"referencing": [training], "wiki-basics": [training]}
    with pytest.raises(DomainError, match="already confirmed"), transaction():
        trainings.confirm_attendance(host, training, signup.id)


def test_a_coordinator_may_confirm_for_the_host(host, make_person):
    training = post(host)
    volunteer = make_person()
    with transaction():
        signup = trainings.sign_up(volunteer, training)
    move_to_past(training)
    with transaction():
        trainings.confirm_attendance(make_person(RoleName.COORDINATOR), training, signup.id)
    assert signup.attended_at is not None


def test_the_ladder_shows_upcoming_trainings_in_the_persons_languages(host, make_person):
    spanish = post(host)
    post(host, language="fr")
    volunteer = make_person(languages=("es",))
    with transaction():
        plan = plans.build_plan(volunteer, ["newcomer"], "", ["es"], 3)
        trainings.sign_up(volunteer, spanish)
    shown = trainings.for_ladder(volunteer, plan)
    assert shown.upcoming["referencing"] == [spanish]
    assert shown.signed_up == {spanish.id}


# iCalendar --------------------------------------------------------------------------------


def test_the_icalendar_file_holds_the_training_in_its_own_zone(host):
    training = post(host)
    calendar = icalendar.Calendar.from_ical(trainings.calendar_of([training], "pathways.test"))
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "America/Mexico_City"
    assert start.replace(tzinfo=None) == DRAFT.starts_local
    assert event.decoded("dtend") - start == timedelta(minutes=90)
    assert str(event["summary"]) == DRAFT.title
    assert str(event["uid"]) == f"training-{training.id}@pathways.test"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/Mexico_City"]


# Privacy ----------------------------------------------------------------------------------


def test_export_and_delete_take_the_sign_ups_and_cancel_hosted_trainings(host, make_person):
    training = post(host)
    volunteer = make_person()
    with transaction():
        trainings.sign_up(volunteer, training)
    exported = privacy.export_data(volunteer)["trainings"]
    assert [s["training"] for s in exported["signups"]] == [DRAFT.title]
    assert privacy.export_data(host)["trainings"]["hosted"][0]["places"] == 2
    with transaction():
        privacy.delete_account(volunteer)
        privacy.delete_account(host)
    assert count(TrainingSignup) == 0
    assert training.cancelled_at is not None
    assert trainings.upcoming() == []


# Community directory ----------------------------------------------------------------------


def test_the_directory_loads_with_web_links_only_and_again_by_key(app, tmp_path):
    with transaction():
        loaded = communities.load_directory()
        assert communities.load_directory() == loaded
    assert db.session.scalar(select(func.count()).select_from(Community)) == loaded
    assert all(c.link.startswith(("https://", "http://")) for c in communities.directory())
    spanish = communities.in_languages(["es"])
    assert "Wikimedia España" in [c.name for c in spanish]
    assert all("es" in c.languages for c in spanish)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "communities:\n  - {key: x, name: X, kind: channel, languages: [es],"
        " link: 'javascript:alert(1)'}\n"
    )
    with pytest.raises(DomainError) as refused, transaction():
        communities.load_directory(bad)
    assert refused.value.field == "link"
