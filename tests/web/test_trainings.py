"""The /events and /communities pages, the ladder's trainings and communities, the
sign-up page's communities, and the API's trainings and communities."""

import re
from datetime import timedelta

import icalendar
import pytest

from pathways.models import RoleName, StepStatus, Training, TrainingSignup
from pathways.services import communities, plans, trainings, transaction
from tests.helpers import count, sign_in
from tests.test_trainings import DRAFT, NEXT_WEEK, move_to_past, post

LINK_REL = 'rel="nofollow ugc noopener"'


def form_data(**changes) -> dict:
    data = {
        "title": "Taller de referencias",
        "description": "<script>alert(1)</script>",
        "skills": ["referencing"],
        "language": "es",
        "starts_at": NEXT_WEEK.strftime("%Y-%m-%dT18:00"),
        "timezone": "Europe/Madrid",
        "minutes": "90",
        "places": "10",
        "online": "y",
        "venue": "",
        "link": "https://meet.example.org/taller",
    }
    return data | changes


@pytest.fixture
def directory(app) -> None:
    with transaction():
        communities.load_directory()


def test_a_mentor_posts_a_training_and_its_text_is_escaped(client, make_mentor):
    sign_in(client, make_mentor())
    assert client.get("/events/new").status_code == 200
    response = client.post("/events/new", data=form_data())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f'<a href="https://meet.example.org/taller" {LINK_REL}>' in page
    assert "Europe/Madrid" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": "2001-02-03T10:00"}, "A training starts in the future."),
        # Past the program's dates: west of UTC, the year 10000 (an OverflowError, a 500)
        ({"starts_at": "9999-12-31T23:59", "timezone": "America/New_York"}, "must be a date"),
        ({"places": "-3"}, "Give a whole number from 1 to 1000."),
        ({"timezone": "Nowhere/Atlantis"}, "is not a time zone"),
        ({"link": "javascript:alert(1)"}, "Give a web address starting with https://"),
        ({"link": "https://[oops"}, "Give a web address starting with https://"),
        ({"title": "x" * 201}, "200 characters"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(client, make_mentor, changes, message):
    sign_in(client, make_mentor())
    response = client.post("/events/new", data=form_data(**changes))
    assert response.status_code == 422
    field = next(iter(changes))
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert count(Training) == 0


def test_a_volunteer_may_not_post(client, make_person):
    sign_in(client, make_person())
    assert client.get("/events/new").status_code == 403
    assert client.post("/events/new", data=form_data()).status_code == 403


def test_sign_up_cancel_and_the_host_confirms_attendance(client, make_mentor, make_person):
    host = make_mentor()
    training = post(host)
    volunteer = make_person(languages=("es",))
    with transaction():
        plan = plans.build_plan(volunteer, ["newcomer"], "", ["es"], 3)
    sign_in(client, volunteer)
    url = f"/events/{training.id}"
    assert "Take a place" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/signup").status_code == 302
    assert client.post(f"{url}/signup").status_code == 409
    assert client.post(f"{url}/cancel").status_code == 302
    assert client.post(f"{url}/cancel").status_code == 409
    client.post(f"{url}/signup")
    (signup,) = trainings.signups_of(volunteer)
    assert client.post(f"{url}/attendance/{signup.id}").status_code == 403
    move_to_past(training)
    sign_in(client, host)
    page = client.get(url).get_data(as_text=True)
    assert volunteer.username in page and "Confirm attendance" in page
    assert client.post(f"{url}/attendance/{signup.id}").status_code == 302
    assert client.post(f"{url}/attendance/{signup.id + 1}").status_code == 409
    step = next(row for row in plan.steps if row.skill_id == "referencing")
    assert step.status == StepStatus.STARTED
    sign_in(client, volunteer)
    ladder = client.get("/ladder/").get_data(as_text=True)
    assert "Evidence, trainings attended:" in ladder and DRAFT.title in ladder


def test_the_list_filters_by_language_and_skill_and_shows_my_sign_ups(client, make_mentor):
    host = make_mentor()
    spanish = post(host)
    french = post(host, language="fr", title="Atelier", skills=["using-sandbox"])
    assert {spanish.title, french.title} <= set(titles(client, "/events/"))
    assert titles(client, "/events/?language=fr") == [french.title]
    assert titles(client, "/events/?skill=using-sandbox") == [french.title]
    assert client.get("/events/?skill=no-such-skill").status_code == 404
    sign_in(client, host)
    with transaction():
        trainings.sign_up(host, spanish)
    move_to_past(french)
    page = client.get("/events/").get_data(as_text=True)
    assert "My sign-ups" in page and "Post a training" in page
    hosted = page.split('id="hosted-heading"')[1].split("</section>")[0]
    assert french.title in hosted and spanish.title in hosted  # past ones too


def titles(client, url: str) -> list[str]:
    page = client.get(url).get_data(as_text=True)
    return re.findall(r'<h3><a href="/events/\d+"><bdi>([^<]*)</bdi></a>', page)


def test_icalendar_of_one_training_and_of_my_sign_ups(client, make_mentor, make_person):
    training = post(make_mentor())
    response = client.get(f"/events/{training.id}.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["summary"]) == DRAFT.title
    volunteer = sign_in(client, make_person())
    with transaction():
        trainings.sign_up(volunteer, training)
    mine = icalendar.Calendar.from_ical(client.get("/events/mine.ics").data)
    assert [str(e["summary"]) for e in mine.walk("VEVENT")] == [DRAFT.title]


def test_a_spanish_newcomer_sees_the_training_and_the_community_on_the_first_rung(
    client, make_mentor, directory
):
    post(make_mentor())
    post(make_mentor(), language="fr", title="Atelier en français")
    signed_up = client.post(
        "/auth/signup?lang=es",
        data={
            "username": "Nueva",
            "password": "una-contraseña-larga",
            "password_again": "una-contraseña-larga",
            "locale": "es",
            "languages": "es",
        },
    )
    assert signed_up.status_code == 302
    client.post(
        "/ladder/start",
        data={
            "goal_roles": ["newcomer"],
            "hours_per_week": "3",
            "languages": "es",
            "interests": "",
            "stances-wiki-basics": "not_yet",
        },
    )
    ladder = client.get("/ladder/").get_data(as_text=True)
    first_rung = ladder.split('class="rung-section"')[1]
    assert "Comunidades en tu idioma" in first_rung
    assert "Wikimedia España" in first_rung and "Wikimédia France" not in ladder
    assert DRAFT.title in first_rung and "Atelier en français" not in ladder
    assert f'href="https://www.wikimedia.es/" {LINK_REL}' in first_rung


def test_the_sign_up_page_and_the_directory_show_communities_by_language(client, directory):
    signup = client.get("/auth/signup?lang=fr").get_data(as_text=True)
    assert "Wikimédia France" in signup and "Wikimedia España" not in signup
    page = client.get("/communities/?language=pt").get_data(as_text=True)
    assert "Esplanada" in page and "Wikimedia España" not in page
    assert page.count(LINK_REL) == 2
    everything = client.get("/communities/").get_data(as_text=True)
    assert everything.count(LINK_REL) == len(communities.directory())


def test_the_api_lists_trainings_and_communities_and_signs_up(
    client, make_mentor, make_person, bearer, directory
):
    training = post(make_mentor(), places=1)
    listed = client.get("/api/v1/trainings?language=es").get_json()
    assert [t["id"] for t in listed["items"]] == [training.id]
    assert listed["items"][0]["places_taken"] == 0
    assert client.get("/api/v1/trainings?language=fr").get_json()["total"] == 0
    spanish = client.get("/api/v1/communities?language=es").get_json()
    assert "Wikimedia España" in [c["name"] for c in spanish["items"]]
    first, second = make_person(), make_person()
    url = f"/api/v1/trainings/{training.id}/signup"
    taken = client.post(url, headers=bearer(first, "read", "write"))
    assert taken.status_code == 200 and taken.get_json()["places_taken"] == 1
    refused = client.post(url, headers=bearer(second, "read", "write"))
    assert refused.status_code == 409
    assert count(TrainingSignup) == 1


def test_a_cancelled_training_offers_no_place(client, make_mentor, make_person):
    training = post(make_mentor())
    with transaction():
        training.cancelled_at = training.starts_at - timedelta(days=1)
    sign_in(client, make_person())
    page = client.get(f"/events/{training.id}").get_data(as_text=True)
    assert "This training is cancelled." in page and "Take a place" not in page


def test_a_coordinator_sees_no_attendee_list_of_another_hosts_training(
    client, make_mentor, make_person
):
    training = post(make_mentor())
    volunteer = make_person()
    with transaction():
        trainings.sign_up(volunteer, training)
    sign_in(client, make_person(RoleName.MENTOR))
    assert volunteer.username not in client.get(f"/events/{training.id}").get_data(as_text=True)


def test_the_time_is_shown_in_the_trainings_zone_and_the_readers(client, make_mentor):
    training = post(make_mentor())  # 18:00 in Mexico City is 01:00 the next day in Madrid
    reader = sign_in(client, make_mentor())
    with transaction():
        reader.timezone = "Europe/Madrid"
    page = client.get(f"/events/{training.id}").get_data(as_text=True)
    assert "6:00\u202fPM" in page and "America/Mexico_City" in page
    assert "1:00\u202fAM your time" in page
    with transaction():
        reader.timezone = "America/Mexico_City"
    assert "your time" not in client.get(f"/events/{training.id}").get_data(as_text=True)
