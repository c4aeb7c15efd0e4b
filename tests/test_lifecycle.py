"""The lifecycle sweep: each step, twice in a row changes nothing, the days are settings,
and a sweep next to a coordinator's approval never leaves an active mentorship with an
away mentor."""

import threading
import time
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from pathways.extensions import db
from pathways.models import (
    MatchProposal,
    Mentorship,
    MentorshipState,
    Notification,
    Person,
    PlanStep,
    ProgramEvent,
    RoleName,
    StepStatus,
    utcnow,
)
from pathways.services import (
    DomainError,
    lifecycle,
    mentor_requests,
    mentorships,
    offers,
    plans,
    transaction,
)
from pathways.services.lifecycle import SweepSummary
from tests.helpers import count, sign_in, slow_down_approvals

TODAY = date.today()
NOTHING = SweepSummary(back=[], away=[], overdue=[], cleared=[], graduation=[])


def sweep(today: date = TODAY) -> SweepSummary:
    with transaction():
        return lifecycle.sweep(today)


def days_ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def idle(person: Person, days: int = 40) -> None:
    """No sign-in for ``days`` days, and an account older than that."""
    with transaction():
        person.created_at = person.last_login_at = days_ago(days)


def started(mentorship: Mentorship, days: int) -> None:
    with transaction():
        mentorship.started_at = days_ago(days)


@pytest.fixture
def coordinator(make_person) -> Person:
    return make_person(RoleName.COORDINATOR, username="Coord")


@pytest.fixture
def pair(make_mentor, make_person, coordinator):
    """A mentorship of Learner (whose ladder holds the skill asked for) with Teacher."""
    mentee = make_person(username="Learner")
    with transaction():
        plan = plans.build_plan(mentee, ["editor"], "", ["en"], 3)
    skill = plan.steps[0].skill_id
    mentor = make_mentor(username="Teacher", skills=(skill,))
    with transaction():
        request = mentor_requests.request_mentor(mentee, [skill], "", mentor.id)
        mentorship = mentor_requests.approve_proposal(coordinator, request.proposals[0], TODAY)
    return mentorship


def notifications(person_id: int, kind: str) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.person_id == person_id, Notification.kind == kind
            )
        )
    )


def test_an_empty_database_is_swept_twice_without_error(app, runner):
    assert sweep() == NOTHING
    assert sweep() == NOTHING
    for _ in range(2):
        result = runner.invoke(args=["lifecycle", "sweep"])
        assert result.exit_code == 0, result.output
        assert "Mentors set away for want of activity: 0." in result.output


def test_an_idle_mentor_is_set_away_once_told_why_and_mentees_told(app, pair):
    idle(pair.mentor)
    summary = sweep()
    assert summary.away == ["Teacher"]
    db.session.expire_all()
    offer = offers.offer_of(pair.mentor)
    assert (offer.away_from, offer.away_until) == (TODAY, None)
    assert pair.state == MentorshipState.PAUSED
    [notice] = notifications(pair.mentor_id, "mentor_set_away")
    assert (notice.subject_id, notice.params) == (pair.mentor_id, {"days": 10})
    assert len(notifications(pair.mentee_id, "mentor_away")) == 1
    event = db.session.scalar(select(ProgramEvent).where(ProgramEvent.kind == "mentor_set_away"))
    assert (event.actor_id, event.subject_id) == (None, pair.mentor_id)
    assert event.data == {"inactive_days": 10}
    assert sweep().away == []
    assert len(notifications(pair.mentor_id, "mentor_set_away")) == 1


def test_a_sign_in_a_check_in_or_a_new_account_keeps_a_mentor_present(app, pair, make_mentor):
    make_mentor(username="Newcomer")  # never signed in, but the account is new
    with transaction():
        pair.mentor.created_at = days_ago(40)
        pair.mentor.last_login_at = days_ago(3)
    assert sweep().away == []
    idle(pair.mentor)
    with transaction():
        mentorships.log_checkin(pair.mentee, pair, TODAY, 30, "", TODAY)
    assert sweep().away == [], "a check-in in the mentor's mentorships counts"


def test_a_mentor_who_stays_signed_in_and_opens_pages_is_present(app, pair, client):
    idle(pair.mentor)
    sign_in(client, pair.mentor)  # an old session cookie: no new sign-in
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, pair.mentor_id).last_seen_on == TODAY
    assert sweep().away == []
    assert sweep(TODAY + timedelta(days=11)).away == ["Teacher"]


def test_the_day_seen_is_written_once_a_day(app, pair, client, count_queries):
    def person_updates(counted) -> list[str]:
        return [s for s in counted.statements if s.lstrip().upper().startswith("UPDATE PERSON")]

    sign_in(client, pair.mentee)
    with count_queries() as first:
        client.get("/")
    with count_queries() as second:
        client.get("/")
    assert len(person_updates(first)) == 1
    assert person_updates(second) == []


def test_coming_back_restarts_the_count(app, pair):
    idle(pair.mentor)
    assert sweep().away == ["Teacher"]
    with transaction():
        offers.come_back(pair.mentor, TODAY)
    assert offers.offer_of(pair.mentor).back_on == TODAY
    assert sweep() == NOTHING, "still no sign-in, but back today: not idle"
    assert sweep(TODAY + timedelta(days=11)).away == ["Teacher"]


def test_a_wiki_break_that_ended_is_not_counted_as_idleness(app, pair):
    idle(pair.mentor)
    with transaction():
        offers.go_away(pair.mentor, TODAY - timedelta(days=1), "exams", TODAY - timedelta(days=30))
    summary = sweep()
    assert (summary.back, summary.away) == (["Teacher"], [])
    db.session.expire_all()
    assert pair.state == MentorshipState.ACTIVE


def test_the_idle_days_are_a_setting(app, pair):
    idle(pair.mentor, days=40)
    app.config["MENTOR_INACTIVE_DAYS"] = 45
    assert sweep().away == []
    app.config["MENTOR_INACTIVE_DAYS"] = 35
    assert sweep().away == ["Teacher"]
    assert notifications(pair.mentor_id, "mentor_set_away")[0].params == {"days": 35}


def test_a_mentorship_without_check_ins_is_flagged_once_and_a_check_in_clears_it(app, pair):
    started(pair, 31)
    summary = sweep()
    assert summary.overdue == [("Learner", "Teacher")]
    assert pair.checkin_overdue_on == TODAY
    assert sweep().overdue == []
    assert [m.id for m in mentorships.overdue_mentorships()] == [pair.id]
    with transaction():
        mentorships.log_checkin(pair.mentor, pair, TODAY, 20, "", TODAY)
    assert pair.checkin_overdue_on is None
    assert sweep() == NOTHING
    assert mentorships.overdue_mentorships() == []


def test_overdue_waits_twice_the_agreed_interval_when_that_is_longer(app, pair):
    started(pair, 50)
    with transaction():
        pair.checkin_every_days = 25
    assert sweep().overdue == [], "50 days is not more than 2 × 25"
    assert sweep(TODAY + timedelta(days=1)).overdue == [("Learner", "Teacher")]


def test_the_overdue_days_are_a_setting(app, pair):
    started(pair, 31)
    app.config["CHECKIN_OVERDUE_DAYS"] = 40
    assert sweep().overdue == []
    app.config["CHECKIN_OVERDUE_DAYS"] = 30
    assert sweep().overdue == [("Learner", "Teacher")]


def test_a_flag_clears_when_the_mentorship_pauses(app, pair):
    started(pair, 31)
    assert sweep().overdue == [("Learner", "Teacher")]
    with transaction():
        offers.go_away(pair.mentor, None, "", TODAY)
    summary = sweep()
    assert (summary.overdue, summary.cleared) == ([], [("Learner", "Teacher")])
    assert sweep() == NOTHING


def done(mentee_id: int) -> None:
    with transaction():
        for step in db.session.scalars(select(PlanStep)):
            if step.plan.person_id == mentee_id:
                step.status = StepStatus.DONE


def test_graduation_is_offered_once_when_every_skill_asked_for_is_done(app, pair):
    assert sweep().graduation == []
    done(pair.mentee_id)
    assert sweep().graduation == [("Learner", "Teacher")]
    assert pair.graduation_offered_on == TODAY
    [notice] = notifications(pair.mentee_id, "graduation_offered")
    assert (notice.subject_id, notice.params) == (pair.id, {"mentor": "Teacher"})
    assert sweep() == NOTHING
    assert len(notifications(pair.mentee_id, "graduation_offered")) == 1


def test_graduation_ends_the_mentorship_as_graduated_and_only_once(app, pair):
    with pytest.raises(DomainError, match="once every skill"), transaction():
        mentorships.graduate(pair.mentee, pair, {})
    done(pair.mentee_id)
    sweep()
    with transaction():
        mentorships.graduate(pair.mentee, pair, {"learned": "sources"})
    assert (pair.state, pair.end_reason) == (MentorshipState.ENDED, "graduated")
    assert pair.offboarding.answers["What was learned?"] == "sources"
    with pytest.raises(DomainError, match="already ended"), transaction():
        mentorships.graduate(pair.mentee, pair, {})
    assert sweep() == NOTHING, "an ended mentorship is neither flagged nor offered again"


def test_every_step_at_once_then_twice_changes_nothing(app, runner, pair, make_mentor):
    idle(make_mentor(username="Quiet"))
    started(pair, 31)
    done(pair.mentee_id)
    first = runner.invoke(args=["lifecycle", "sweep"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-8:] == [  # after the progress bar
        "Mentors back from a wiki-break: 0.",
        "Mentors set away for want of activity: 1: Quiet.",
        "Mentorships flagged for want of a check-in: 1: Learner with Teacher.",
        "Mentorships no longer overdue: 0.",
        "Mentees offered graduation: 1: Learner with Teacher.",
        "Coordinators reminded that their term ends soon: 0.",
        "Coordinators whose term ended, thanked: 0.",
        "Coordinators whose term ended, kept as nobody else coordinates: 0.",
    ]
    before = every_row_but_jobs()
    second = runner.invoke(args=["lifecycle", "sweep"])
    assert second.exit_code == 0, second.output
    assert all(line.endswith(": 0.") for line in second.output.splitlines()[-8:])
    assert every_row_but_jobs() == before


def every_row_but_jobs() -> dict[str, list]:
    """Every value of every row (but the jobs' own): what a sweep with nothing to do
    must leave as it is."""
    db.session.expire_all()
    return {
        table.name: sorted(map(repr, db.session.execute(select(table)).all()))
        for table in db.metadata.sorted_tables
        if table.name != "job"
    }


def test_a_sweep_while_a_coordinator_approves_leaves_no_active_mentorship_of_an_away_mentor(
    app, make_mentor, make_person, coordinator, monkeypatch
):
    """Real transactions on their own connections: whichever goes first, the mentor ends
    away and no mentorship of theirs is active."""
    mentor = make_mentor(username="Busy")
    idle(mentor)
    with transaction():
        request = mentor_requests.request_mentor(make_person(), ["referencing"], "", mentor.id)
    proposal_id = request.proposals[0].id
    slow_down_approvals(monkeypatch)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve() -> None:
        with app.app_context():
            proposal = db.session.get(MatchProposal, proposal_id)
            person = db.session.get(Person, coordinator.id)
            start.wait()
            try:
                with transaction():
                    mentor_requests.approve_proposal(person, proposal, TODAY)
                outcomes.append("approved")
            except DomainError as error:
                outcomes.append(str(error.message))
            finally:
                db.session.remove()

    def sweep_in_parallel() -> None:
        with app.app_context():
            start.wait()
            time.sleep(0.1)
            try:
                outcomes.append(f"away: {sweep().away}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve), threading.Thread(target=sweep_in_parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert "away: ['Busy']" in outcomes and len(outcomes) == 2, outcomes
    db.session.expire_all()
    states = db.session.scalars(select(Mentorship.state).where(Mentorship.mentor_id == mentor.id))
    assert MentorshipState.ACTIVE not in list(states)
    assert count(Mentorship) == (1 if "approved" in outcomes else 0)
