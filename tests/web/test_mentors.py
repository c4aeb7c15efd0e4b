import re
from datetime import date, timedelta

from sqlalchemy import select

from pathways.extensions import db
from pathways.models import MentorOffer, RoleName, SkillStance, Stance, ThankYou
from pathways.services import offers
from tests.helpers import sign_in

TODAY = date.today()


def offer_data(**overrides):
    data = {
        "teach_skills": ["referencing", "using-sandbox"],
        "capacity": "3",
        "intro": "I help with sources.",
        "wiki_projects": "Wikipedia",
        "show_languages": "y",
        "show_skills": "y",
        "show_thanks": "y",
    }
    data.update(overrides)
    return data


def test_volunteer_becomes_a_mentor_by_saving_an_offer(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    assert client.get("/mentors/me").status_code == 200
    response = client.post("/mentors/me", data=offer_data())
    assert response.status_code == 302
    offer = db.session.scalar(select(MentorOffer))
    assert (offer.person_id, offer.capacity) == (person.id, 3)
    assert person.has_role(RoleName.MENTOR)
    taught = set(
        db.session.scalars(
            select(SkillStance.skill_id).where(SkillStance.stance == Stance.CAN_TEACH)
        )
    )
    assert taught == {"referencing", "using-sandbox"}
    page = client.get("/mentors/me").get_data(as_text=True)
    assert 'value="referencing" checked' in page


def test_offer_form_shows_field_errors_and_saves_nothing(client, login_as):
    login_as(RoleName.VOLUNTEER)
    for data, message in (
        (offer_data(capacity="0"), "Number must be between 1 and 10."),
        (offer_data(capacity="-1"), "Number must be between 1 and 10."),
        (offer_data(teach_skills=[]), "Choose at least one skill you can teach."),
        (offer_data(teach_skills=["made-up"]), "is not a valid choice"),
    ):
        response = client.post("/mentors/me", data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(MentorOffer)) is None


def test_terms_are_added_and_checked(client, login_as):
    login_as(RoleName.VOLUNTEER)
    client.post("/mentors/me", data=offer_data())
    start = TODAY + timedelta(days=1)
    response = client.post(
        "/mentors/me/terms",
        data={
            "term-starts_on": start.isoformat(),
            "term-ends_on": (start - timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "A term ends after it starts." in response.get_data(as_text=True)
    response = client.post(
        "/mentors/me/terms",
        data={
            "term-starts_on": start.isoformat(),
            "term-ends_on": (start + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert len(db.session.scalar(select(MentorOffer)).terms) == 1


def test_wiki_break_and_return(client, login_as):
    login_as(RoleName.VOLUNTEER)
    client.post("/mentors/me", data=offer_data())
    until = TODAY + timedelta(days=10)
    response = client.post(
        "/mentors/me/away", data={"away-away_until": until.isoformat(), "away-away_reason": "exams"}
    )
    assert response.status_code == 302
    offer = db.session.scalar(select(MentorOffer))
    assert (offer.away_from, offer.away_until) == (TODAY, until)
    assert "You are away until" in client.get("/mentors/me").get_data(as_text=True)
    past = (TODAY - timedelta(days=3)).isoformat()
    client.post("/mentors/me/back")
    response = client.post("/mentors/me/away", data={"away-away_until": past})
    assert response.status_code == 422
    assert "The return date is in the past." in response.get_data(as_text=True)
    db.session.refresh(offer)
    assert offer.away_from is None


def test_leaving_mentoring_removes_the_mentor_from_the_list(client, login_as):
    person = login_as(RoleName.VOLUNTEER, username="Leaver")
    client.post("/mentors/me", data=offer_data())
    profile_link = f'href="/mentors/{person.id}"'
    assert profile_link in client.get("/mentors/").get_data(as_text=True)
    assert client.post("/mentors/me/retire", data={"retire-reason": "new job"}).status_code == 302
    assert db.session.scalar(select(MentorOffer)).retired_at is not None
    assert profile_link not in client.get("/mentors/").get_data(as_text=True)


def test_mentor_list_and_profile_show_only_what_the_mentor_chose(client, login_as, make_mentor):
    mentor = make_mentor(username="Quiet", languages=("es",))
    offer = offers.offer_of(mentor)
    offer.show_languages = False
    offer.show_thanks = False
    db.session.add(ThankYou(mentor_id=mentor.id, sender_id=None, message="Gracias por todo"))
    db.session.commit()
    login_as(RoleName.VOLUNTEER)
    listing = client.get("/mentors/").get_data(as_text=True)
    assert "Quiet" in listing and "Languages:" not in listing
    profile = client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert "Referencing" in profile
    assert "Gracias por todo" not in profile
    assert "Mentoring hours" not in profile
    assert client.get("/mentors/999999").status_code == 404


def test_mentor_sees_own_hours_and_thanks(client, make_mentor):
    mentor = make_mentor(username="Open")
    db.session.add(ThankYou(mentor_id=mentor.id, sender_id=None, message="Thank you!"))
    offers.offer_of(mentor).show_thanks = False
    db.session.commit()
    sign_in(client, mentor)
    page = client.get(f"/mentors/{mentor.id}").get_data(as_text=True)
    assert "Thank you!" in page
    assert "Time mentoring, logged in check-ins: 0 hours" in page


def test_mentor_list_shows_one_page_at_a_time_in_the_same_queries(
    client, login_as, make_mentor, count_queries
):
    login_as(RoleName.VOLUNTEER)
    mentors = {make_mentor().username for _ in range(2)}
    client.get("/mentors/")  # warm-up: reloads the signed-in person that building expired
    with count_queries() as few:
        client.get("/mentors/")
    mentors |= {make_mentor().username for _ in range(offers.MENTORS_PAGE_SIZE)}
    client.get("/mentors/")
    with count_queries() as first:
        page = client.get("/mentors/").get_data(as_text=True)
    with count_queries() as last:
        last_page = client.get("/mentors/?page=2").get_data(as_text=True)

    def names(body: str) -> set[str]:
        return set(re.findall(r'/mentors/\d+"><bdi>([^<]+)</bdi>', body))

    assert len(names(page)) == offers.MENTORS_PAGE_SIZE and "Page 1 of 2" in page
    assert len(names(last_page)) == 2 and 'href="/mentors/?page=1"' in last_page
    assert names(page) | names(last_page) == mentors
    assert few.n == first.n == last.n
    assert client.get("/mentors/?page=0").status_code == 404
