"""Coordinators' terms and hand-overs: the mentors' term rules (overlap, length, terms in
a row), the hand-over's answers, the sweep's reminder and end of term — never leaving the
program without a coordinator — and what privacy exports and deletes."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pathways.extensions import db
from pathways.models import (
    Handover,
    HandoverState,
    Notification,
    Person,
    ProgramEvent,
    RoleName,
    RoleTerm,
)
from pathways.services import (
    DomainError,
    NotAllowed,
    accounts,
    coordinator_terms,
    lifecycle,
    privacy,
    rules,
    transaction,
)
from tests.helpers import count

TODAY = date.today()
COORDINATOR = RoleName.COORDINATOR


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def add_term(person: Person, starts_on: date, ends_on: date, actor: Person | None = None):
    with transaction():
        return coordinator_terms.add_coordinator_term(
            actor or person, person, starts_on, ends_on, TODAY
        )


def refused(field: str, action, *args) -> DomainError:
    with pytest.raises(DomainError) as error, transaction():
        action(*args)
    assert error.value.field == field
    return error.value


def kinds_of(person: Person) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.person_id == person.id)
            .order_by(Notification.id)
        )
    )


def events(kind: str) -> list[ProgramEvent]:
    return list(db.session.scalars(select(ProgramEvent).where(ProgramEvent.kind == kind)))


def sweep(today: date = TODAY) -> lifecycle.SweepSummary:
    with transaction():
        return lifecycle.sweep(today)


@pytest.fixture
def coordinator(make_person) -> Person:
    return make_person(RoleName.VOLUNTEER, COORDINATOR, username="Coord")


@pytest.fixture
def colleague(make_person) -> Person:
    return make_person(COORDINATOR, username="Colleague")


# Terms ------------------------------------------------------------------------------------


def test_a_coordinator_adds_a_term_and_a_colleague_adds_one_for_them(coordinator, colleague):
    add_term(coordinator, TODAY, days(200))
    add_term(coordinator, days(300), days(400), actor=colleague)
    assert [
        (t.starts_on, t.ends_on)
        for t in coordinator_terms.terms_of([coordinator.id])[coordinator.id]
    ] == [(TODAY, days(200)), (days(300), days(400))]
    assert kinds_of(coordinator) == ["coordinator_term_added"]  # only the colleague's
    [event, _] = events("coordinator_term_added")
    assert (event.actor_id, event.subject_id) == (coordinator.id, coordinator.id)
    assert event.data == {"starts_on": TODAY.isoformat(), "ends_on": days(200).isoformat()}


def test_terms_follow_the_mentors_rules_each_naming_its_field(app, coordinator):
    add_term(coordinator, TODAY, days(100))
    add = coordinator_terms.add_coordinator_term
    overlap = refused("starts_on", add, coordinator, coordinator, days(50), days(150), TODAY)
    assert "overlaps" in str(overlap)
    refused("starts_on", add, coordinator, coordinator, days(-1), days(150), TODAY)
    refused("ends_on", add, coordinator, coordinator, days(200), days(199), TODAY)
    too_long = refused(
        "ends_on", add, coordinator, coordinator, days(200), days(200 + 3 * 366), TODAY
    )
    assert "2 years at most" in str(too_long)
    add_term(coordinator, days(101), days(101 + 2 * 366))  # two years: the setting allows
    beyond = refused("starts_on", add, coordinator, coordinator, days(900), days(950), TODAY)
    assert "After 2 terms in a row" in str(beyond)
    after_break = days(101 + 2 * 366 + rules.BREAK_DAYS + 1)
    add_term(coordinator, after_break, after_break + timedelta(days=30))
    assert count(RoleTerm) == 3


def test_the_limit_of_terms_in_a_row_is_a_setting(app, coordinator):
    app.config["COORDINATOR_MAX_CONSECUTIVE_TERMS"] = 1
    add_term(coordinator, TODAY, days(10))
    refused(
        "starts_on",
        coordinator_terms.add_coordinator_term,
        coordinator,
        coordinator,
        days(20),
        days(30),
        TODAY,
    )


def test_only_a_coordinator_gets_a_coordinator_term(coordinator, make_person):
    volunteer = make_person(username="Volunteer")
    refused(
        "person_id",
        coordinator_terms.add_coordinator_term,
        coordinator,
        volunteer,
        TODAY,
        days(10),
        TODAY,
    )
    assert count(RoleTerm) == 0


def test_standings_tell_open_ended_current_upcoming_and_ended(coordinator, colleague, make_person):
    later = make_person(COORDINATOR, username="Later")
    add_term(colleague, TODAY, days(10))
    add_term(later, days(5), days(10))
    with transaction():
        db.session.add(
            RoleTerm(person_id=later.id, role=COORDINATOR, starts_on=days(-9), ends_on=days(-2))
        )
    found = {s.person.username: s for s in coordinator_terms.standings(TODAY)}
    assert list(found) == ["Colleague", "Coord", "Later"]
    assert found["Coord"].open_ended
    assert found["Colleague"].term.ends_on == days(10)
    assert not (found["Colleague"].upcoming or found["Colleague"].ended)
    assert found["Later"].upcoming
    assert coordinator_terms.standings(days(11))[2].ended


# Hand-over --------------------------------------------------------------------------------


A_YEAR_ON = days(365)


def nominate(outgoing: Person, username: str, ends_on: date = A_YEAR_ON, note: str = "Hi"):
    with transaction():
        return coordinator_terms.nominate_successor(outgoing, username, ends_on, note, TODAY)


@pytest.fixture
def successor(make_person) -> Person:
    return make_person(RoleName.VOLUNTEER, RoleName.MENTOR, username="Next")


def test_a_successor_accepts_gains_the_role_a_term_and_both_are_told(coordinator, successor):
    version = successor.session_version
    handover = nominate(coordinator, "next", note="The queue is yours.")
    assert coordinator_terms.invitation_for(successor) == handover
    assert kinds_of(successor) == ["handover_offered"]
    with transaction():
        coordinator_terms.accept_handover(successor, handover, TODAY)
    db.session.expire_all()
    assert successor.role_names == {RoleName.VOLUNTEER, RoleName.MENTOR, COORDINATOR}
    assert successor.session_version == version + 1
    [term] = coordinator_terms.terms_of([successor.id])[successor.id]
    assert (term.starts_on, term.ends_on) == (TODAY, days(365))
    assert handover.state == HandoverState.ACCEPTED and handover.decided_at is not None
    assert kinds_of(coordinator) == ["handover_accepted"]
    assert kinds_of(successor) == ["handover_offered", "coordinator_welcome"]
    assert [e.kind for e in db.session.scalars(select(ProgramEvent))] == [
        "handover_offered",
        "handover_accepted",
    ]
    assert coordinator_terms.invitation_for(successor) is None
    with pytest.raises(DomainError, match="no longer open"), transaction():
        coordinator_terms.accept_handover(successor, handover, TODAY)


def test_a_successor_declines_and_the_outgoing_coordinator_is_told(coordinator, successor):
    handover = nominate(coordinator, "Next")
    with transaction():
        coordinator_terms.decline_handover(successor, handover)
    assert handover.state == HandoverState.DECLINED
    assert not successor.has_role(COORDINATOR)
    assert kinds_of(coordinator) == ["handover_declined"]
    assert count(RoleTerm) == 0


def test_the_outgoing_coordinator_withdraws_and_nobody_else_answers(
    coordinator, colleague, successor
):
    handover = nominate(coordinator, "Next")
    with pytest.raises(NotAllowed), transaction():
        coordinator_terms.cancel_handover(colleague, handover)
    with pytest.raises(NotAllowed), transaction():
        coordinator_terms.accept_handover(colleague, handover, TODAY)
    with transaction():
        coordinator_terms.cancel_handover(coordinator, handover)
    assert kinds_of(successor) == ["handover_offered", "handover_cancelled"]
    with pytest.raises(DomainError, match="no longer open"), transaction():
        coordinator_terms.accept_handover(successor, handover, TODAY)
    assert not successor.has_role(COORDINATOR)
    nominate(coordinator, "Next")  # a new invitation once the first is withdrawn


def test_a_nomination_names_the_field_at_fault(coordinator, successor, make_person):
    deleted = make_person(username="Gone")
    with transaction():
        privacy.delete_account(deleted)
    nominate_ = coordinator_terms.nominate_successor
    for username in ("Nobody", "Coord", privacy.stand_in_name(deleted.id)):
        refused("successor", nominate_, coordinator, username, days(30), "", TODAY)
    refused("note", nominate_, coordinator, "Next", days(30), "x" * 2001, TODAY)
    refused("ends_on", nominate_, coordinator, "Next", days(3 * 366), "", TODAY)
    refused("ends_on", nominate_, coordinator, "Next", TODAY, "", TODAY)
    nominate(coordinator, "Next")
    refused("successor", nominate_, coordinator, "Next", days(30), "", TODAY)
    assert count(Handover) == 1


def test_accepting_keeps_to_the_successors_term_limit(app, coordinator, successor):
    app.config["COORDINATOR_MAX_CONSECUTIVE_TERMS"] = 1
    handover = nominate(coordinator, "Next", ends_on=days(30))
    with transaction():
        db.session.add(
            RoleTerm(
                person_id=successor.id, role=COORDINATOR, starts_on=days(-40), ends_on=days(-10)
            )
        )
    with pytest.raises(DomainError, match="in a row"), transaction():
        coordinator_terms.accept_handover(successor, handover, TODAY)
    db.session.expire_all()
    assert handover.state == HandoverState.PENDING
    assert not successor.has_role(COORDINATOR)


# The sweep ----------------------------------------------------------------------------------


def test_the_sweep_reminds_once_before_the_last_term_ends(coordinator, colleague):
    add_term(coordinator, TODAY, days(14))
    add_term(colleague, TODAY, days(14))
    add_term(colleague, days(15), days(100))  # the next term is already there
    assert sweep().terms_ending == ["Coord"]
    assert kinds_of(coordinator) == ["coordinator_term_ending"]
    assert sweep().terms_ending == []
    assert kinds_of(coordinator) == ["coordinator_term_ending"]
    assert kinds_of(colleague) == []


def test_the_reminder_comes_as_many_days_before_as_the_setting_says(app, coordinator):
    app.config["COORDINATOR_TERM_REMINDER_DAYS"] = 3
    add_term(coordinator, TODAY, days(5))
    assert sweep().terms_ending == []
    assert sweep(days(2)).terms_ending == ["Coord"]


def test_an_ended_term_ends_the_role_with_thanks_and_other_roles_stay(coordinator, colleague):
    add_term(coordinator, TODAY, days(10))
    version = coordinator.session_version
    summary = sweep(days(11))
    assert (summary.terms_ended, summary.successor_needed) == (["Coord"], [])
    db.session.expire_all()
    assert coordinator.role_names == {RoleName.VOLUNTEER}
    assert coordinator.session_version == version + 1
    assert kinds_of(coordinator)[-1] == "coordinator_term_ended"
    [event] = events("coordinator_term_ended")
    assert (event.actor_id, event.subject_id) == (None, coordinator.id)
    assert colleague.has_role(COORDINATOR)  # open-ended: no term at all
    assert sweep(days(11)) == lifecycle.SweepSummary([], [], [], [], [])


def test_the_last_coordinator_stays_asked_once_for_a_successor(coordinator, successor):
    add_term(coordinator, TODAY, days(10))
    summary = sweep(days(11))
    assert (summary.terms_ended, summary.successor_needed) == ([], ["Coord"])
    assert coordinator.has_role(COORDINATOR)
    assert kinds_of(coordinator)[-1] == "coordinator_successor_needed"
    assert sweep(days(12)) == lifecycle.SweepSummary([], [], [], [], [])
    assert kinds_of(coordinator).count("coordinator_successor_needed") == 1
    handover = nominate(coordinator, "Next", ends_on=days(300))
    with transaction():
        coordinator_terms.accept_handover(successor, handover, TODAY)
    assert sweep(days(12)).terms_ended == ["Coord"]
    db.session.expire_all()
    assert [p.username for p in accounts.coordinators()] == ["Next"]


def test_when_every_term_has_ended_nobody_is_removed(coordinator, colleague):
    add_term(coordinator, TODAY, days(10))
    add_term(colleague, TODAY, days(20))
    assert sweep(days(15)).terms_ended == ["Coord"]
    assert sweep(days(21)).successor_needed == ["Colleague"]
    assert [p.username for p in accounts.coordinators()] == ["Colleague"]


# Privacy ------------------------------------------------------------------------------------


def test_export_holds_terms_and_hand_overs(coordinator, successor):
    add_term(coordinator, TODAY, days(10))
    nominate(coordinator, "Next", ends_on=days(30), note="Keys are in the drawer.")
    exported = privacy.export_data(coordinator)
    assert exported["coordinator_terms"] == [
        {"starts_on": TODAY.isoformat(), "ends_on": days(10).isoformat()}
    ]
    [handover] = exported["handovers"]
    assert handover["from"] == "Coord" and handover["to"] == "Next"
    assert handover["note"] == "Keys are in the drawer." and handover["state"] == "pending"
    assert privacy.export_data(successor)["handovers"] == [handover]


def test_deleting_a_coordinator_removes_terms_and_cancels_their_hand_over(coordinator, successor):
    add_term(coordinator, TODAY, days(10))
    nominate(coordinator, "Next")
    with transaction():
        privacy.delete_account(coordinator)
    assert count(RoleTerm) == count(Handover) == 0
    assert kinds_of(successor)[-1] == "handover_cancelled"
    assert coordinator_terms.invitation_for(successor) is None


def test_a_coordinator_between_two_terms_keeps_the_role(coordinator, colleague):
    add_term(coordinator, TODAY, days(10))
    add_term(coordinator, days(30), days(60))
    assert sweep(days(20)).terms_ended == []
    assert coordinator.has_role(COORDINATOR)
    [standing] = [s for s in coordinator_terms.standings(days(20)) if s.person == coordinator]
    assert standing.upcoming
