"""Export and delete: a person takes all their data, or leaves without a trace of their name."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from pathways import usernames
from pathways.extensions import db
from pathways.models import (
    CheckIn,
    MatchProposal,
    MentorOffer,
    MentorRequest,
    MentorshipState,
    Notification,
    Person,
    PersonLanguage,
    Plan,
    PlanStep,
    ProgramEvent,
    ProposalState,
    RequestState,
    RoleName,
    ShowcaseEntry,
    SignInLink,
    SkillStance,
    Stance,
    StepStatus,
    ThankYou,
    utcnow,
)
from pathways.services import (
    DomainError,
    accounts,
    mentor_requests,
    mentorships,
    privacy,
    recognition,
    showcase,
    transaction,
)
from tests.helpers import PASSWORD, build_pair, count

TODAY = date.today()


@pytest.fixture
def pair(make_person):
    """An active mentorship where both sides wrote something, with an e-mail on each side."""
    pair = build_pair(make_person, email="mentor@example.org")
    mentee = pair.mentee
    coordinator = make_person(RoleName.COORDINATOR, username="Coord")
    with transaction():
        mentee.email = "mentee@example.org"
        mentee.interests = "local history"
        mentee.stances.append(SkillStance(skill_id="referencing", stance=Stance.LEARNING))
        db.session.add(
            Plan(
                person_id=mentee.id,
                goal_roles=["editor"],
                hours_per_week=3,
                steps=[
                    PlanStep(
                        skill_id="referencing",
                        position=1,
                        status=StepStatus.DONE,
                        reflection="Sources matter",
                    )
                ],
            )
        )
        db.session.add(SignInLink(person_id=mentee.id, token_hash="x" * 64, expires_at=utcnow()))
    with transaction():
        mentorships.save_agreement(mentee, pair, "Cite well", "Weekly", 7)
    with transaction():
        mentorships.log_checkin(mentee, pair, TODAY, 30, "mentee's notes", TODAY)
    with transaction():
        mentorships.log_checkin(pair.mentor, pair, TODAY, 20, "mentor's private-ish notes", TODAY)
    with transaction():
        mentorships.send_thanks(mentee, pair.mentor, "Thank you!")
    with transaction():
        mentorships.report_problem(mentee, pair, "Slow answers")
    with transaction():
        mentorships.send_thanks(coordinator, pair.mentor, "From the team")
    return pair


def test_export_holds_my_data_and_nothing_secret_or_of_others(pair):
    data = privacy.export_data(pair.mentee)
    text = json.dumps(data)
    assert data["account"]["username"] == "Mentee"
    assert data["account"]["email"] == "mentee@example.org"
    assert data["account"]["interests"] == "local history"
    assert data["roles"] == ["volunteer"]
    assert data["languages"] == ["en"]
    assert data["self_assessment"] == {"referencing": "learning"}
    assert data["plan"]["steps"][0]["reflection"] == "Sources matter"
    (mentorship,) = data["mentorships"]
    assert (mentorship["role"], mentorship["other"], mentorship["goals"]) == (
        "mentee",
        "Mentor",
        "Cite well",
    )
    assert [c["notes"] for c in mentorship["my_checkins"]] == ["mentee's notes"]
    assert (mentorship["checkin_overdue_on"], mentorship["graduation_offered_on"]) == (None, None)
    assert data["thanks_sent"] == [
        {
            "to": "Mentor",
            "message": "Thank you!",
            "created_at": data["thanks_sent"][0]["created_at"],
        }
    ]
    assert [r["text"] for r in data["problem_reports"]] == ["Slow answers"]
    assert {n["kind"] for n in data["notifications"]} == {"checkin_logged"}
    assert "problem_reported" in {a["kind"] for a in data["activity"]}
    assert "password" not in text and "argon2" not in text
    assert "mentor@example.org" not in text
    assert "mentor's private-ish notes" not in text


def test_export_of_the_mentor_holds_thanks_received_and_offer(pair):
    data = privacy.export_data(pair.mentor)
    assert {t["from"] for t in data["thanks_received"]} == {"Mentee", "Coord"}
    assert data["mentor_offer"]["capacity"] == 2
    assert data["mentor_offer"]["back_on"] is None
    assert data["mentorships"][0]["other"] == "Mentee"
    assert "mentee@example.org" not in json.dumps(data)
    assert "Slow answers" not in json.dumps(data)


def delete(person):
    with transaction():
        privacy.delete_account(person)


def test_delete_anonymises_and_removes_personal_rows(pair):
    mentee = pair.mentee
    with transaction():
        mentee.last_login_at, mentee.last_seen_on = utcnow(), date.today()
    events_before = count(ProgramEvent, ProgramEvent.actor_id == mentee.id)
    delete(mentee)
    db.session.expire_all()
    stand_in = privacy.stand_in_name(mentee.id)
    assert (mentee.username, mentee.username_key) == (stand_in, usernames.key(stand_in))
    assert mentee.email is None and mentee.password_hash is None and mentee.interests == ""
    assert mentee.last_login_at is None and mentee.last_seen_on is None
    assert mentee.deleted_at is not None and not mentee.is_active
    assert count(PersonLanguage, PersonLanguage.person_id == mentee.id) == 0
    assert count(SkillStance, SkillStance.person_id == mentee.id) == 0
    assert count(Plan) == 0 and count(PlanStep) == 0
    assert count(Notification, Notification.person_id == mentee.id) == 0
    assert count(SignInLink) == 0
    # the audit trail keeps its rows, under the stand-in, plus the deletion itself
    assert count(ProgramEvent, ProgramEvent.actor_id == mentee.id) == events_before + 2
    kinds = set(db.session.scalars(select(ProgramEvent.kind)))
    assert {"account_deleted", "mentorship_ended", "problem_reported"} <= kinds
    assert accounts.authenticate("Mentee", PASSWORD) is None
    assert accounts.authenticate(stand_in, PASSWORD) is None


def test_delete_ends_the_mentorship_and_the_other_side_sees_the_stand_in(pair):
    mentor = pair.mentor
    delete(pair.mentee)
    db.session.expire_all()
    assert pair.state == MentorshipState.ENDED
    assert pair.end_reason == privacy.ACCOUNT_DELETED
    stand_in = privacy.stand_in_name(pair.mentee_id)
    ended = db.session.scalars(
        select(Notification).where(
            Notification.person_id == mentor.id, Notification.kind == "mentorship_ended"
        )
    ).one()
    assert ended.params == {"other": stand_in}
    # earlier notifications that named the person now name the stand-in
    names = [n.params.get("other") for n in db.session.scalars(select(Notification))]
    assert "Mentee" not in names
    assert names.count(stand_in) >= 3
    # check-ins and thanks they wrote stay with the mentor, signed by the stand-in
    authors = {c.author.username for c in db.session.scalars(select(CheckIn))}
    assert authors == {stand_in, "Mentor"}


def test_deleting_a_mentor_retires_the_offer_and_drops_thanks_received(pair):
    mentor = pair.mentor
    delete(mentor)
    db.session.expire_all()
    offer = db.session.scalar(select(MentorOffer))
    assert offer.retired_at is not None and offer.intro == ""
    assert count(ThankYou) == 0
    assert pair.state == MentorshipState.ENDED


def test_delete_withdraws_an_open_request_and_frees_pending_proposals(make_mentor, make_person):
    mentor = make_mentor(skills=("referencing",), username="Ment")
    mentee = make_person(username="Vol")
    with transaction():
        request = mentor_requests.request_mentor(mentee, ["referencing"], "please help", None)
    other = make_person(username="Other")
    with transaction():
        other_request = mentor_requests.request_mentor(other, ["referencing"], "me too", None)
    assert other_request.state == RequestState.PROPOSED
    delete(mentee)
    delete(mentor)
    db.session.expire_all()
    assert request.state == RequestState.WITHDRAWN and request.note == ""
    assert other_request.state == RequestState.OPEN
    assert {p.state for p in other_request.proposals} == {ProposalState.SUPERSEDED}
    assert count(MatchProposal, MatchProposal.state == ProposalState.PENDING) == 0
    assert count(MentorRequest) == 2


def test_deleting_twice_is_refused(make_person):
    person = make_person()
    delete(person)
    with pytest.raises(DomainError):
        delete(person)


def test_a_real_username_cannot_take_the_stand_in(make_person):
    person = make_person()
    with pytest.raises(DomainError):
        accounts.check_username(privacy.stand_in_name(person.id))
    assert db.session.get(Person, person.id).username != privacy.stand_in_name(person.id)


def test_names_with_accents_are_replaced_too(make_person):
    person = make_person(username="José")
    friend = make_person()
    with transaction():
        db.session.add(Notification(person_id=friend.id, kind="thanked", params={"other": "José"}))
    delete(person)
    db.session.expire_all()
    (notice,) = db.session.scalars(select(Notification)).all()
    assert notice.params == {"other": privacy.stand_in_name(person.id)}


@pytest.fixture
def backed_up(pair, make_mentor):
    """``pair`` with a backup mentor, "Backup"."""
    from pathways.services import backups

    backup = make_mentor(username="Backup")
    coordinator = db.session.scalar(select(Person).where(Person.username == "Coord"))
    with transaction():
        backups.assign_backup(coordinator, pair, backup, TODAY)
    return backup


def test_export_names_the_backup_and_holds_what_a_backup_backs_up(pair, backed_up):
    (mine,) = privacy.export_data(pair.mentee)["mentorships"]
    assert mine["backup"] == "Backup"
    (backing,) = privacy.export_data(backed_up)["mentorships"]
    assert (backing["role"], backing["other"], backing["backup"]) == ("backup", "Mentee", None)
    assert backing["my_checkins"] == []
    assert privacy.export_data(backed_up)["mentor_offer"]["backup_capacity"] == 1


def test_deleting_a_backup_frees_the_mentorship_of_them(pair, backed_up):
    delete(backed_up)
    db.session.refresh(pair)
    assert pair.backup_id is None
    assert pair.state == MentorshipState.ACTIVE


def test_a_showcase_story_is_exported_and_deletion_takes_it_off_the_showcase(pair, app):
    mentee = pair.mentee
    with app.test_request_context(), transaction():
        badge = recognition.issue_level_badge(mentee, "fundamental")
        showcase.show(mentee, badge, "How I learned to cite")
    [exported] = privacy.export_data(mentee)["badges"]
    assert exported["showcase_story"] == "How I learned to cite"
    delete(mentee)
    assert count(ShowcaseEntry) == 0
    assert showcase.shown_entries(1, 20).items == []
