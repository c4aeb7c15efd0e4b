from datetime import timedelta

from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import (
    MentorRequest,
    Mentorship,
    MentorshipState,
    RequestState,
    RoleName,
    utcnow,
)
from pathways.services import transaction


def request_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MentorRequest))


def test_preview_shows_suggested_mentors_with_reasons_and_saves_nothing(
    client, login_as, make_mentor
):
    make_mentor(username="Citer", skills=("referencing",))
    login_as(RoleName.VOLUNTEER)
    page = client.get("/requests/new?skills=referencing").get_data(as_text=True)
    assert "Citer" in page
    assert "Teaches Referencing" in page
    assert request_count() == 0
    # fit is a label, with the score on hover, never a raw percentage
    assert 'class="fit" title="score 0.' in page
    assert any(label in page for label in ("Strong fit", "Good fit", "Possible fit"))
    assert "%" not in page.partition("Citer")[2].partition("</li>")[0]
    assert "Teaches none of the requested skills" not in page


def test_the_preview_never_suggests_a_mentor_the_person_had_before(client, login_as, make_mentor):
    former = make_mentor(username="Former", skills=("referencing",))
    make_mentor(username="Citer", skills=("referencing",))
    volunteer = login_as(RoleName.VOLUNTEER)
    with transaction():
        db.session.add(
            Mentorship(
                mentor_id=former.id,
                mentee_id=volunteer.id,
                state=MentorshipState.ENDED,
                started_at=utcnow() - timedelta(days=90),
                ended_at=utcnow() - timedelta(days=10),
            )
        )
    page = client.get("/requests/new?skills=referencing").get_data(as_text=True)
    assert "Citer" in page
    assert "Former" not in page  # the batch run would never propose them again either


def test_send_request_with_a_preference(client, login_as, make_mentor):
    mentor = make_mentor(username="Citer", skills=("referencing",))
    volunteer = login_as(RoleName.VOLUNTEER)
    response = client.post(
        "/requests/new",
        data={"skills": ["referencing"], "note": "sources", "preferred_mentor": str(mentor.id)},
    )
    assert response.status_code == 302
    request = db.session.scalar(select(MentorRequest))
    assert (request.mentee_id, request.preferred_mentor_id) == (volunteer.id, mentor.id)
    assert request.state == RequestState.PROPOSED
    page = client.get("/requests/").get_data(as_text=True)
    assert "Mentor proposed" in page and "Referencing" in page
    assert client.get("/requests/new").status_code == 302


def test_unticking_every_skill_is_an_error_even_with_a_ladder(client, login_as):
    from pathways.services import plans, transaction

    person = login_as(RoleName.VOLUNTEER)
    with transaction():
        plans.build_plan(person, ["newcomer"], "", ["en"], 3)
    assert "checked" in client.get("/requests/new").get_data(as_text=True)
    response = client.post("/requests/new", data={"skills": [], "note": "hi"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="error" id="skills-error">Choose at least one skill.</p>' in page
    skills = page.partition("<legend>How would you like to learn?")[0]
    assert "checked" not in skills  # the ladder's skills are not ticked again behind the error
    assert request_count() == 0


def test_a_volunteer_may_ask_for_a_peer_circle_and_no_mentor_is_proposed(
    client, login_as, make_mentor
):
    mentor = make_mentor(username="Citer", skills=("referencing",))
    login_as(RoleName.VOLUNTEER)
    response = client.post(
        "/requests/new",
        data={"skills": ["referencing"], "help_as": "circle", "preferred_mentor": str(mentor.id)},
    )
    assert response.status_code == 302
    request = db.session.scalar(select(MentorRequest))
    assert request.wants_group and request.preferred_mentor_id is None
    assert request.state == RequestState.OPEN and request.proposals == []


def test_request_form_errors(client, login_as):
    login_as(RoleName.VOLUNTEER)
    response = client.post("/requests/new", data={"skills": []})
    assert response.status_code == 422
    assert "Choose at least one skill." in response.get_data(as_text=True)
    response = client.post("/requests/new", data={"skills": ["nope"]})
    assert response.status_code == 422
    assert "is not a valid choice" in response.get_data(as_text=True)
    response = client.post("/requests/new", data={"skills": ["referencing"], "note": "x" * 4001})
    assert response.status_code == 422
    assert request_count() == 0


def test_withdraw_own_request_only(client, login_as, make_person):
    from pathways.services import mentor_requests, transaction

    other = make_person()
    with transaction():
        theirs = mentor_requests.request_mentor(other, ["referencing"], "", None)
    login_as(RoleName.VOLUNTEER)
    assert client.post(f"/requests/{theirs.id}/withdraw").status_code == 403
    db.session.refresh(theirs)
    assert theirs.state == RequestState.OPEN
    client.post("/requests/new", data={"skills": ["referencing"]})
    mine = db.session.scalar(select(MentorRequest).where(MentorRequest.id != theirs.id))
    assert client.post(f"/requests/{mine.id}/withdraw").status_code == 302
    db.session.refresh(mine)
    assert mine.state == RequestState.WITHDRAWN
    response = client.post(f"/requests/{mine.id}/withdraw")
    assert response.status_code == 409
    assert "already withdrawn" in response.get_data(as_text=True)
    assert client.post("/requests/999999/withdraw").status_code == 404


def test_skill_levels_fold_away_unless_something_in_them_is_chosen(client, login_as):
    import re

    from pathways.catalog import get_catalog

    login_as(RoleName.VOLUNTEER)
    emerging = get_catalog().skills_at("emerging")[0].id
    page = client.get(f"/requests/new?skills={emerging}").get_data(as_text=True)
    opened = re.findall(r'<details class="skill-group"( open)?>\s*<summary>([^<·]+)', page)
    assert [(name.strip(), bool(is_open)) for is_open, name in opened] == [
        ("Fundamental", True),
        ("Emerging", True),
        ("Deepening", False),
        ("Elevated", False),
    ]
    assert "1 chosen" in page
