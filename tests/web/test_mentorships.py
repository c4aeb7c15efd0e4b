"""The mentorship pages: who may see and do what, and what a refusal leaves behind."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pathways.extensions import db
from pathways.models import (
    CheckIn,
    MentorOffer,
    Mentorship,
    MentorshipState,
    Notification,
    Person,
    Plan,
    PlanStep,
    ProblemReport,
    RoleName,
    StepStatus,
    ThankYou,
)
from pathways.services import mentor_requests, mentorships, transaction
from pathways.services.accounts import grant_role
from tests.helpers import build_pair, checkin_data, count, sign_in
from tests.helpers import mentorship_url as url

TODAY = date.today()


def notifications_of(person: Person, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.person_id == person.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


@pytest.fixture
def pair(make_person) -> Mentorship:
    return build_pair(make_person)


AGREEMENT = {"goals": "Cite sources well", "expectations": "Weekly chat", "checkin_every_days": 7}


# Seeing ----------------------------------------------------------------------------------


def test_index_lists_my_mentorships_on_each_side_with_hours(client, make_person, pair):
    sign_in(client, pair.mentor)
    with transaction():
        pair.checkins.append(CheckIn(author_id=pair.mentee_id, happened_on=TODAY, minutes=90))
    body = client.get("/mentorships/").get_data(as_text=True)
    assert "As mentor" in body and "As mentee" not in body
    assert "Mentee" in body and f"/mentorships/{pair.id}" in body
    assert "1.5" in body
    sign_in(client, pair.mentee)
    body = client.get("/mentorships/").get_data(as_text=True)
    assert "As mentee" in body and "As mentor" not in body
    sign_in(client, make_person())
    assert "You have no mentorships yet." in client.get("/mentorships/").get_data(as_text=True)


def test_pages_need_sign_in(client, pair):
    for path in ("/mentorships/", url(pair), url(pair, "end"), url(pair, "report")):
        response = client.get(path)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_show_for_both_sides_and_coordinators_with_agreement_and_due_date(
    client, make_person, pair
):
    for person in (pair.mentor, pair.mentee, make_person(RoleName.COORDINATOR)):
        sign_in(client, person)
        response = client.get(url(pair))
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "Mentorship of Mentee with Mentor" in body
        assert "Every 14 days" in body
        assert "Overdue" in body  # started 30 days ago, never checked in
    assert client.get("/mentorships/99999").status_code == 404


def test_due_date_follows_the_last_checkin(client, pair):
    with transaction():
        pair.checkins.append(CheckIn(author_id=pair.mentor_id, happened_on=TODAY, minutes=30))
    sign_in(client, pair.mentee)
    body = client.get(url(pair)).get_data(as_text=True)
    assert "Next check-in due on" in body
    assert "Overdue" not in body


def test_paused_mentorship_shows_the_away_banner(client, pair):
    offer = db.session.scalar(select(MentorOffer))
    with transaction():
        offer.away_from, offer.away_until = TODAY, date(2099, 1, 31)
        pair.state = MentorshipState.PAUSED
    sign_in(client, pair.mentee)
    body = client.get(url(pair)).get_data(as_text=True)
    assert "<bdi>Mentor</bdi> is on a wiki-break until" in body
    assert "2099" in body


def test_mentor_sees_the_mentees_ladder_progress(client, pair):
    with transaction():
        db.session.add(
            Plan(
                person_id=pair.mentee_id,
                goal_roles=[],
                hours_per_week=2,
                steps=[
                    PlanStep(skill_id="referencing", position=1, status=StepStatus.DONE),
                    PlanStep(skill_id="using-sandbox", position=2),
                ],
            )
        )
    sign_in(client, pair.mentor)
    assert "1 of 2 steps done." in client.get(url(pair)).get_data(as_text=True)


ROUTES = [
    ("get", ""),
    ("get", "end"),
    ("get", "report"),
    ("post", "agreement"),
    ("post", "confirm"),
    ("post", "checkins"),
    ("post", "thanks"),
    ("post", "end"),
    ("post", "report"),
]
FORM = AGREEMENT | checkin_data() | {"message": "Thanks!", "reason": "done", "text": "bad"}


@pytest.mark.parametrize("third", ["volunteer", "other mentor"])
def test_a_third_person_is_refused_everywhere_and_nothing_changes(client, make_person, pair, third):
    roles = (RoleName.VOLUNTEER,) if third == "volunteer" else (RoleName.MENTOR,)
    sign_in(client, make_person(*roles))
    before = (count(Notification), count(CheckIn), count(ThankYou), count(ProblemReport))
    for method, action in ROUTES:
        response = getattr(client, method)(url(pair, action), data=FORM)
        assert response.status_code == 403, (method, action)
    db.session.refresh(pair)
    assert pair.state == MentorshipState.ACTIVE and pair.goals == ""
    assert (count(Notification), count(CheckIn), count(ThankYou), count(ProblemReport)) == before


# The agreement ---------------------------------------------------------------------------


@pytest.mark.parametrize("author", ["mentor", "mentee"])
def test_agreement_by_either_side_then_confirmed_by_the_other(client, pair, author):
    writer, reader = (
        (pair.mentor, pair.mentee) if author == "mentor" else (pair.mentee, pair.mentor)
    )
    sign_in(client, writer)
    response = client.post(url(pair, "agreement"), data=AGREEMENT)
    assert response.status_code == 303
    assert response.headers["Location"] == url(pair)
    db.session.refresh(pair)
    assert (pair.goals, pair.expectations, pair.checkin_every_days) == (
        "Cite sources well",
        "Weekly chat",
        7,
    )
    mine, theirs = (
        (pair.agreed_by_mentor_at, pair.agreed_by_mentee_at)
        if author == "mentor"
        else (pair.agreed_by_mentee_at, pair.agreed_by_mentor_at)
    )
    assert mine is not None and theirs is None
    (notice,) = notifications_of(reader, "agreement_changed")
    assert notice.subject_id == pair.id

    sign_in(client, reader)
    body = client.get(url(pair)).get_data(as_text=True)
    assert "I agree to this" in body
    assert client.post(url(pair, "confirm")).status_code == 303
    db.session.refresh(pair)
    assert pair.agreed_by_mentor_at and pair.agreed_by_mentee_at
    assert "I agree to this" not in client.get(url(pair)).get_data(as_text=True)


def test_changing_the_agreement_resets_both_confirmations(client, pair):
    sign_in(client, pair.mentor)
    client.post(url(pair, "agreement"), data=AGREEMENT)
    sign_in(client, pair.mentee)
    client.post(url(pair, "confirm"))
    client.post(url(pair, "agreement"), data=AGREEMENT | {"goals": "Cite and summarise"})
    db.session.refresh(pair)
    assert pair.goals == "Cite and summarise"
    assert pair.agreed_by_mentee_at is not None
    assert pair.agreed_by_mentor_at is None
    assert "<bdi>Mentor</bdi> has not confirmed it yet." in client.get(url(pair)).get_data(
        as_text=True
    )


@pytest.mark.parametrize("every", [0, 91])
def test_agreement_with_a_bad_cadence_is_a_field_error(client, pair, every):
    sign_in(client, pair.mentor)
    response = client.post(url(pair, "agreement"), data=AGREEMENT | {"checkin_every_days": every})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Check in every 1 to 90 days." in body
    assert 'aria-invalid="true"' in body
    db.session.refresh(pair)
    assert pair.goals == "" and pair.checkin_every_days == 14
    assert notifications_of(pair.mentee) == []


def test_confirming_without_goals_is_refused(client, pair):
    sign_in(client, pair.mentee)
    response = client.post(url(pair, "confirm"))
    assert response.status_code == 409
    assert "Write down the goals first." in response.get_data(as_text=True)
    db.session.refresh(pair)
    assert pair.agreed_by_mentee_at is None


# Check-ins -------------------------------------------------------------------------------


@pytest.mark.parametrize("author", ["mentor", "mentee"])
def test_either_side_logs_a_checkin_and_the_other_is_told(client, pair, author):
    writer, reader = (
        (pair.mentor, pair.mentee) if author == "mentor" else (pair.mentee, pair.mentor)
    )
    sign_in(client, writer)
    response = client.post(url(pair, "checkins"), data=checkin_data())
    assert response.status_code == 303
    (checkin,) = db.session.scalars(select(CheckIn)).all()
    assert (checkin.author_id, checkin.minutes, checkin.happened_on) == (writer.id, 45, TODAY)
    assert len(notifications_of(reader, "checkin_logged")) == 1
    body = client.get(url(pair)).get_data(as_text=True)
    assert "Went through WP:RS" in body
    assert "Overdue" not in body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"happened_on": (TODAY + timedelta(days=2)).isoformat()}, "cannot be in the future"),
        ({"happened_on": (TODAY - timedelta(days=60)).isoformat()}, "before the mentorship"),
        ({"minutes": -5}, "Minutes run from 0 to 1440."),
        ({"minutes": 2000}, "Minutes run from 0 to 1440."),
        ({"minutes": "lots"}, "Not a valid integer value."),
        ({"happened_on": ""}, "This field is required."),
    ],
)
def test_bad_checkin_is_a_field_error_and_nothing_is_saved(client, pair, changes, message):
    sign_in(client, pair.mentee)
    response = client.post(url(pair, "checkins"), data=checkin_data(**changes))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'aria-invalid="true"' in body
    assert count(CheckIn) == 0
    assert notifications_of(pair.mentor) == []


def test_coordinator_can_view_but_not_log_checkins_or_change_the_agreement(
    client, make_person, pair
):
    sign_in(client, make_person(RoleName.COORDINATOR))
    body = client.get(url(pair)).get_data(as_text=True)
    assert "Log the check-in" not in body
    assert "Report a problem" not in body
    assert "End this mentorship" in body
    for action, data in (("checkins", checkin_data()), ("agreement", AGREEMENT), ("confirm", {})):
        assert client.post(url(pair, action), data=data).status_code == 403
    assert client.get(url(pair, "report")).status_code == 403
    assert count(CheckIn) == 0 and count(Notification) == 0


# The end ---------------------------------------------------------------------------------


def test_end_form_is_built_from_the_current_template(client, make_person, pair):
    coordinator = make_person(RoleName.COORDINATOR)
    with transaction():
        mentorships.save_offboarding_template(coordinator, ["What went well?", "Who takes over?"])
    sign_in(client, pair.mentee)
    body = client.get(url(pair, "end")).get_data(as_text=True)
    assert "What went well?" in body and "Who takes over?" in body
    assert "What was learned?" not in body

    response = client.post(
        url(pair, "end"),
        data={"reason": "Goals reached", "q1": "Citations", "q2": "Nobody, it is done"},
    )
    assert response.status_code == 303
    db.session.refresh(pair)
    assert pair.state == MentorshipState.ENDED
    assert pair.ended_by_id == pair.mentee_id and pair.end_reason == "Goals reached"
    assert pair.offboarding.answers == {
        "What went well?": "Citations",
        "Who takes over?": "Nobody, it is done",
    }
    (notice,) = notifications_of(pair.mentor, "mentorship_ended")
    assert notice.params == {"other": "Mentee"}
    assert notifications_of(pair.mentee, "mentorship_ended") == []

    body = client.get(url(pair)).get_data(as_text=True)
    assert "How it ended" in body and "Citations" in body
    assert "Log the check-in" not in body and "End this mentorship" not in body
    again = client.get(url(pair, "end"))
    assert again.status_code == 303 and again.headers["Location"] == url(pair)


def test_mentor_ends_with_the_default_questions(client, pair):
    sign_in(client, pair.mentor)
    body = client.get(url(pair, "end")).get_data(as_text=True)
    assert "What was learned?" in body
    data = {"reason": "Term over", "learned": "Sources", "handed_on": "-", "open_threads": ""}
    assert client.post(url(pair, "end"), data=data).status_code == 303
    db.session.refresh(pair)
    assert pair.offboarding.answers["What was learned?"] == "Sources"
    assert len(notifications_of(pair.mentee, "mentorship_ended")) == 1


def test_coordinator_ends_and_both_sides_are_told(client, make_person, pair):
    sign_in(client, make_person(RoleName.COORDINATOR, username="Coord"))
    assert client.get(url(pair, "end")).status_code == 200
    assert client.post(url(pair, "end"), data={"reason": "Mentor left"}).status_code == 303
    db.session.refresh(pair)
    assert pair.state == MentorshipState.ENDED
    for party in (pair.mentor, pair.mentee):
        (notice,) = notifications_of(party, "mentorship_ended")
        assert notice.params == {"other": "Coord"}
    assert "Ended on" in client.get(url(pair)).get_data(as_text=True)


def test_ending_needs_a_reason_and_keeps_answers_short(client, pair):
    sign_in(client, pair.mentor)
    response = client.post(url(pair, "end"), data={"reason": "", "learned": "x"})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    response = client.post(url(pair, "end"), data={"reason": "ok", "learned": "x" * 4001})
    assert response.status_code == 422
    db.session.refresh(pair)
    assert pair.state == MentorshipState.ACTIVE and pair.offboarding is None


def test_actions_on_an_ended_mentorship_are_refused(client, pair):
    with transaction():
        mentorships.end_mentorship(pair.mentor, pair, "done", {})
    sign_in(client, pair.mentee)
    response = client.post(url(pair, "checkins"), data=checkin_data())
    assert response.status_code == 409
    assert "This mentorship has ended." in response.get_data(as_text=True)
    assert client.post(url(pair, "agreement"), data=AGREEMENT).status_code == 409
    assert count(CheckIn) == 0


# Problems and thanks ---------------------------------------------------------------------


def test_report_reaches_coordinators_only(client, make_person, pair):
    coordinator = make_person(RoleName.COORDINATOR)
    sign_in(client, pair.mentee)
    assert "Only coordinators read this." in client.get(url(pair, "report")).get_data(as_text=True)
    response = client.post(url(pair, "report"), data={"text": "My mentor never answers."})
    assert response.status_code == 303
    (report,) = db.session.scalars(select(ProblemReport)).all()
    assert (report.reporter_id, report.mentorship_id) == (pair.mentee_id, pair.id)
    assert len(notifications_of(coordinator, "problem_reported")) == 1
    assert notifications_of(pair.mentor) == []
    sign_in(client, pair.mentor)
    assert "never answers" not in client.get(url(pair)).get_data(as_text=True)
    assert "never answers" not in client.get("/notifications/").get_data(as_text=True)


def test_mentor_can_report_too_and_an_empty_report_is_refused(client, make_person, pair):
    make_person(RoleName.COORDINATOR)
    sign_in(client, pair.mentor)
    response = client.post(url(pair, "report"), data={"text": "  "})
    assert response.status_code == 422
    assert count(ProblemReport) == 0
    assert client.post(url(pair, "report"), data={"text": "Mentee is rude"}).status_code == 303
    assert count(ProblemReport) == 1


def test_mentee_thanks_the_mentor(client, pair):
    sign_in(client, pair.mentee)
    assert "Thank <bdi>Mentor</bdi>" in client.get(url(pair)).get_data(as_text=True)
    response = client.post(url(pair, "thanks"), data={"message": "You made citing fun!"})
    assert response.status_code == 303
    (thanks,) = db.session.scalars(select(ThankYou)).all()
    assert (thanks.mentor_id, thanks.sender_id) == (pair.mentor_id, pair.mentee_id)
    (notice,) = notifications_of(pair.mentor, "thanked")
    assert notice.params == {"other": "Mentee"}


def test_coordinator_can_thank_but_the_mentor_cannot_thank_themselves(client, make_person, pair):
    sign_in(client, pair.mentor)
    assert "Send thanks" not in client.get(url(pair)).get_data(as_text=True)
    assert client.post(url(pair, "thanks"), data={"message": "me!"}).status_code == 403
    with transaction():
        grant_role(pair.mentor, RoleName.COORDINATOR)
    sign_in(client, pair.mentor)  # the new role ended the session
    assert client.post(url(pair, "thanks"), data={"message": "me!"}).status_code == 403
    assert count(ThankYou) == 0
    sign_in(client, make_person(RoleName.COORDINATOR))
    assert client.post(url(pair, "thanks"), data={"message": "Great work"}).status_code == 303
    assert count(ThankYou) == 1


def test_empty_thanks_is_a_field_error(client, pair):
    sign_in(client, pair.mentee)
    response = client.post(url(pair, "thanks"), data={"message": ""})
    assert response.status_code == 422
    assert "Write a few words." in response.get_data(as_text=True)
    assert count(ThankYou) == 0


# The whole path --------------------------------------------------------------------------


def test_approved_match_links_both_sides_to_the_mentorship(client, make_mentor, make_person):
    mentor = make_mentor(skills=("referencing",), username="Ment")
    mentee = make_person(RoleName.VOLUNTEER, username="Vol")
    coordinator = make_person(RoleName.COORDINATOR)
    with transaction():
        request = mentor_requests.request_mentor(mentee, ["referencing"], "cite", None)
    (proposal,) = request.proposals
    with transaction():
        mentorship = mentor_requests.approve_proposal(coordinator, proposal, TODAY)
    (notice,) = notifications_of(mentee, "matched")
    sign_in(client, mentee)
    followed = client.get(f"/notifications/{notice.id}")
    assert followed.headers["Location"] == url(mentorship)
    body = client.get(followed.headers["Location"]).get_data(as_text=True)
    assert "Mentorship of Vol with Ment" in body
    sign_in(client, mentor)
    assert client.post(url(mentorship, "checkins"), data=checkin_data()).status_code == 303


# Graduation ------------------------------------------------------------------------------


def offer_graduation(pair: Mentorship) -> None:
    with transaction():
        pair.graduation_offered_on = TODAY


def test_graduation_offered_shows_a_graduate_button_to_both_sides(client, make_person, pair):
    for person in (pair.mentor, pair.mentee):
        sign_in(client, person)
        assert "Ready to graduate" not in client.get(url(pair)).get_data(as_text=True)
    offer_graduation(pair)
    for person in (pair.mentor, pair.mentee):
        sign_in(client, person)
        body = client.get(url(pair)).get_data(as_text=True)
        assert "Ready to graduate" in body and f'href="{url(pair, "graduate")}"' in body
    sign_in(client, make_person(RoleName.COORDINATOR))
    assert "Ready to graduate" not in client.get(url(pair)).get_data(as_text=True)


def test_graduate_leads_to_the_offboarding_form_and_ends_as_graduated(client, pair):
    offer_graduation(pair)
    sign_in(client, pair.mentee)
    form = client.get(url(pair, "graduate"))
    body = form.get_data(as_text=True)
    assert form.status_code == 200
    assert "What was learned?" in body and 'name="reason"' not in body
    done = client.post(url(pair, "graduate"), data={"learned": "Citing sources"})
    assert done.status_code == 303
    db.session.expire_all()
    assert (pair.state, pair.end_reason) == (MentorshipState.ENDED, "graduated")
    assert pair.offboarding.answers["What was learned?"] == "Citing sources"
    assert [n.kind for n in notifications_of(pair.mentor)] == ["mentorship_ended"]
    assert "<bdi>Mentee</bdi> graduated." in client.get(url(pair)).get_data(as_text=True)


def test_graduating_an_ended_mentorship_is_a_409_that_says_so(client, pair):
    offer_graduation(pair)
    sign_in(client, pair.mentee)
    client.post(url(pair, "graduate"), data={})
    for method in ("get", "post"):
        response = getattr(client, method)(url(pair, "graduate"))
        assert response.status_code == 409
        assert "already ended" in response.get_data(as_text=True)
    assert count(Mentorship, Mentorship.state == MentorshipState.ENDED) == 1


def test_graduation_not_offered_is_a_409_and_ends_nothing(client, pair):
    sign_in(client, pair.mentee)
    response = client.post(url(pair, "graduate"), data={})
    assert response.status_code == 409
    assert "every skill the mentee asked help with" in response.get_data(as_text=True)
    db.session.expire_all()
    assert pair.state == MentorshipState.ACTIVE


def test_an_invalid_offboarding_answer_refuses_graduation(client, pair):
    offer_graduation(pair)
    sign_in(client, pair.mentee)
    response = client.post(url(pair, "graduate"), data={"learned": "x" * 4001})
    assert response.status_code == 422
    db.session.expire_all()
    assert pair.state == MentorshipState.ACTIVE


def test_a_check_in_clears_the_overdue_flag(client, pair):
    with transaction():
        pair.checkin_overdue_on = TODAY
    sign_in(client, pair.mentor)
    assert client.post(url(pair, "checkins"), data=checkin_data()).status_code == 303
    db.session.expire_all()
    assert pair.checkin_overdue_on is None
