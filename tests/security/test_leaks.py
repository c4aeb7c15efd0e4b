"""No leaks: hidden skills stay hidden, redirects stay on this site, private text stays
out of URLs."""

import re

import pytest

from pathways.models import RoleName
from pathways.services import mentor_requests, offers, transaction
from tests.helpers import PASSWORD


@pytest.fixture
def hidden_mentor(make_mentor):
    mentor = make_mentor(username="Quiet", skills=("referencing",))
    offers.offer_of(mentor).show_skills = False
    return mentor


@pytest.mark.parametrize(
    "url", ["/requests/new?skills=referencing", "/requests/new?skills=referencing&skills=x"]
)
def test_hidden_skills_are_not_revealed_by_trying_skills(client, login_as, hidden_mentor, url):
    login_as(RoleName.VOLUNTEER)
    page = client.get(url).get_data(as_text=True)
    assert "Quiet" not in page


def test_hidden_skills_are_not_revealed_by_the_preview_either(client, login_as, hidden_mentor):
    login_as(RoleName.VOLUNTEER)
    page = client.post("/requests/new", data={"skills": ["referencing"], "preview": "1"})
    assert page.status_code == 200
    assert "Quiet" not in page.get_data(as_text=True)


def test_mentors_who_show_their_skills_are_still_suggested(client, login_as, make_mentor):
    make_mentor(username="Open", skills=("referencing",))
    login_as(RoleName.VOLUNTEER)
    page = client.get("/requests/new?skills=referencing").get_data(as_text=True)
    assert "Open" in page and "Teaches Referencing" in page


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example", "/a\nb"],
)
def test_approve_and_reject_never_redirect_off_site(
    client, make_person, make_mentor, login_as, target
):
    make_mentor()
    with transaction():
        first = mentor_requests.request_mentor(make_person(), ["referencing"], "", None)
        second = mentor_requests.request_mentor(make_person(), ["referencing"], "", None)
    login_as(RoleName.COORDINATOR)
    approved = client.post(
        f"/coordinators/proposals/{first.proposals[0].id}/approve", data={"next": target}
    )
    rejected = client.post(
        f"/coordinators/proposals/{second.proposals[0].id}/reject",
        data={"next": target, "reason": "Not this one"},
    )
    for response in (approved, rejected):
        assert response.status_code in (302, 303)
        assert response.headers["Location"] == "/coordinators/"


def test_sign_in_never_redirects_off_site(client, make_person):
    person = make_person()
    response = client.post(
        "/auth/login?next=/\\evil.example/",
        data={"username": person.username, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_the_request_form_never_puts_its_note_or_token_in_a_url(client, login_as):
    login_as(RoleName.VOLUNTEER)
    page = client.get("/requests/new").get_data(as_text=True)
    form = re.search(r"<form[^>]*>.*?</form>", page, re.S)[0]
    assert 'method="post"' in form
    assert 'formmethod="get"' not in form
    private = client.get("/requests/new?skills=referencing&note=my+secret+note")
    assert "my secret note" not in private.get_data(as_text=True)
