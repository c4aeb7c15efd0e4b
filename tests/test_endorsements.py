"""A level's badge that waits for a mentor's word: who may endorse, the refusals, and
that finishing, unfinishing and answering keep one row and one badge."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from pathways.extensions import db
from pathways.models import (
    Badge,
    BadgeEndorsement,
    EndorsementState,
    MentorshipState,
    Notification,
    ProgramEvent,
    RoleName,
    utcnow,
)
from pathways.services import DomainError, NotAllowed, endorsements, plans, transaction
from pathways.services.privacy import delete_account, export_data
from tests.helpers import build_pair, count


@pytest.fixture
def pair(app, make_person):
    with app.test_request_context():
        yield build_pair(make_person)


def level_rows(person, level_id="emerging"):
    """The person's ladder steps on one level (a plan aimed at it)."""
    with transaction():
        plan = plans.onboard(person, {"wiki-basics": "confident"}, ["editor"], "", ["en"], 3)
    rows = [r for r in plans.progress_by_rung(plan) if r.level_id == level_id]
    return list(rows[0].steps)


def finish(person, rows):
    for row in rows:
        with transaction():
            plans.mark_step(person, row.id, "done", "What I did")


def test_finishing_a_level_that_needs_endorsement_asks_for_it_and_tells_the_mentor(pair):
    mentee = pair.mentee
    rows = level_rows(mentee)
    finish(mentee, rows)
    assert count(Badge) == 0
    row = endorsements.endorsement_of(mentee, "emerging")
    assert row.state == EndorsementState.PENDING
    told = db.session.scalars(select(Notification).where(Notification.person_id == pair.mentor_id))
    assert [n.kind for n in told] == ["endorsement_requested"]
    assert endorsements.awaiting(pair.mentor) == [row]
    assert endorsements.awaiting(mentee) == []


def test_toggling_a_step_withdraws_and_asks_again_with_one_row(pair):
    mentee = pair.mentee
    rows = level_rows(mentee)
    finish(mentee, rows)
    with transaction():
        plans.mark_step(mentee, rows[0].id, "started")
    assert endorsements.endorsement_of(mentee, "emerging") is None
    finish(mentee, rows[:1])
    finish(mentee, rows[:1])
    assert count(BadgeEndorsement) == 1


def test_fundamental_needs_no_endorsement_by_default(app):
    assert app.config["BADGE_ENDORSEMENT_LEVELS"] == {"emerging", "deepening", "elevated"}
    assert not endorsements.needs_endorsement("fundamental")


def test_who_may_endorse(pair, make_person):
    mentor, mentee = pair.mentor, pair.mentee
    coordinator = make_person(RoleName.COORDINATOR)
    backup = make_person(RoleName.MENTOR)
    outsider = make_person(RoleName.MENTOR)
    assert endorsements.may_endorse(mentor, mentee)
    assert endorsements.may_endorse(coordinator, mentee)
    assert not endorsements.may_endorse(mentee, mentee)
    assert not endorsements.may_endorse(outsider, mentee)
    with transaction():
        pair.backup_id = backup.id
    assert not endorsements.may_endorse(backup, mentee)  # not standing in
    with transaction():
        pair.state = MentorshipState.PAUSED
    assert endorsements.may_endorse(backup, mentee)
    with transaction():
        pair.state = MentorshipState.ENDED
        pair.ended_at = utcnow()
    assert endorsements.may_endorse(mentor, mentee)  # a past mentor still knows the work
    assert not endorsements.may_endorse(backup, mentee)


def test_endorsing_issues_the_badge_in_the_same_transaction(pair):
    mentee, mentor = pair.mentee, pair.mentor
    finish(mentee, level_rows(mentee))
    row = endorsements.endorsement_of(mentee, "emerging")
    with transaction():
        badge = endorsements.endorse(mentor, row, "  Careful sources.  ")
    assert badge.level_id == "emerging" and row.badge_id == badge.id
    assert row.state == EndorsementState.ENDORSED and row.comment == "Careful sources."
    assert row.endorser_id == mentor.id
    kinds = set(db.session.scalars(select(ProgramEvent.kind)))
    assert {"badge_endorsed", "badge_issued"} <= kinds
    assert "badge_issued" in {n.kind for n in db.session.scalars(select(Notification))}
    with pytest.raises(DomainError, match="already endorsed"), transaction():
        endorsements.endorse(mentor, row, "")
    assert count(Badge) == 1


def test_a_failed_endorsement_writes_nothing(pair, monkeypatch):
    mentee = pair.mentee
    finish(mentee, level_rows(mentee))
    row = endorsements.endorsement_of(mentee, "emerging")

    def broken(*args, **kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(endorsements, "record", broken)
    with pytest.raises(RuntimeError), transaction():
        endorsements.endorse(pair.mentor, row, "")
    db.session.expire_all()
    assert count(Badge) == 0
    assert endorsements.endorsement_of(mentee, "emerging").state == EndorsementState.PENDING


def test_refusals_name_their_reason(pair, make_person):
    mentee = pair.mentee
    rows = level_rows(mentee)
    finish(mentee, rows)
    row = endorsements.endorsement_of(mentee, "emerging")
    with pytest.raises(NotAllowed), transaction():
        endorsements.endorse(make_person(RoleName.MENTOR), row, "")
    with pytest.raises(DomainError, match="Say what") as refused, transaction():
        endorsements.not_yet(pair.mentor, row, "  ")
    assert refused.value.field == "comment"
    with pytest.raises(DomainError) as refused, transaction():
        endorsements.endorse(pair.mentor, row, "x" * 1001)
    assert refused.value.field == "comment"
    with transaction():
        plans.mark_step(mentee, rows[0].id, "done", "")
        row.state = EndorsementState.NOT_YET
        plans.mark_step(mentee, rows[0].id, "started", "")
    with pytest.raises(DomainError, match="Not every step"), transaction():
        endorsements.endorse(pair.mentor, row, "")
    assert count(Badge) == 0


def test_not_yet_tells_the_holder_and_asking_again_waits_again(pair):
    mentee = pair.mentee
    finish(mentee, level_rows(mentee))
    row = endorsements.endorsement_of(mentee, "emerging")
    with transaction():
        endorsements.not_yet(pair.mentor, row, "Cite one more source.")
    assert row.state == EndorsementState.NOT_YET and row.comment == "Cite one more source."
    note = db.session.scalar(select(Notification).where(Notification.person_id == mentee.id))
    assert note.kind == "endorsement_not_yet"
    assert endorsements.awaiting(pair.mentor) == []
    with transaction():
        row.requested_at -= timedelta(days=1)
        endorsements.ask_again(mentee, "emerging")
    assert row.state == EndorsementState.PENDING
    with pytest.raises(DomainError), transaction():
        endorsements.ask_again(mentee, "emerging")


def test_export_holds_endorsements_and_deletion_removes_them(pair):
    mentee = pair.mentee
    finish(mentee, level_rows(mentee))
    row = endorsements.endorsement_of(mentee, "emerging")
    with transaction():
        endorsements.not_yet(pair.mentor, row, "Cite one more source.")
    asked = export_data(mentee)["endorsements_asked"]
    assert asked[0]["comment"] == "Cite one more source." and asked[0]["by"] == "Mentor"
    given = export_data(pair.mentor)["endorsements_given"]
    assert given[0]["to"] == "Mentee" and given[0]["state"] == "not_yet"
    with transaction():
        delete_account(mentee)
    assert count(BadgeEndorsement) == 0
