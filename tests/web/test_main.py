from datetime import date

from markupsafe import escape

from pathways.catalog import get_catalog
from pathways.extensions import db
from pathways.models import MentorshipState
from pathways.services import lifecycle, offers, transaction
from tests.helpers import build_pair, sign_in


def test_start_page_invites_sign_up(client):
    page = client.get("/").get_data(as_text=True)
    assert "Start with a username" in page


def test_skills_page_lists_every_skill_by_level(client):
    page = client.get("/skills").get_data(as_text=True)
    catalog = get_catalog()
    for level in catalog.levels.values():
        assert f'id="level-{level.id}"' in page
    for skill in catalog.skills.values():
        assert f'href="/skills/{skill.id}"' in page


def test_skill_page_shows_practice_prerequisites_and_roles(client):
    catalog = get_catalog()
    skill = next(s for s in catalog.skills.values() if s.prerequisites)
    page = client.get(f"/skills/{skill.id}").get_data(as_text=True)
    for text in (skill.name, skill.activities[0], catalog.skills[skill.prerequisites[0]].name):
        assert str(escape(text)) in page


def test_unknown_skill_is_a_styled_404(client):
    response = client.get("/skills/no-such-skill")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "<html" in response.get_data(as_text=True)


def test_unknown_url_is_a_styled_404_or_json_for_api_clients(client):
    assert "Page not found" in client.get("/nowhere").get_data(as_text=True)
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_roles_page_lists_the_ladder_of_engagement(client):
    page = client.get("/roles").get_data(as_text=True)
    for role in get_catalog().roles.values():
        assert str(escape(role.name)) in page


def test_coverage_map_names_a_feature_or_a_reason_for_every_recommendation(client):
    page = client.get("/framework").get_data(as_text=True)
    catalog = get_catalog()
    for rec in catalog.recommendations.values():
        assert str(escape(rec.text)) in page
    assert page.count("Out of scope:") == sum(
        1 for r in catalog.recommendations.values() if r.out_of_scope
    )


def test_stylesheet_is_served_locally(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert "margin-inline" in response.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.replace("http://localhost", "") and "https://" not in page


def test_an_away_mentor_comes_back_from_the_start_page_in_one_click(client, make_person):
    pair = build_pair(make_person)
    sign_in(client, pair.mentor)
    assert "I am back" not in client.get("/").get_data(as_text=True)
    with transaction():
        pair.mentor.created_at = pair.mentor.last_login_at = pair.started_at
        pair.mentor.last_seen_on = pair.started_at.date()  # as if the page above was long ago
        assert lifecycle.sweep(date.today()).away == ["Mentor"]
    body = client.get("/").get_data(as_text=True)
    assert "You are away." in body
    assert 'action="/mentors/me/back"' in body and "I am back" in body
    assert client.post("/mentors/me/back").status_code == 302
    db.session.expire_all()
    assert offers.offer_of(pair.mentor).away_from is None
    assert pair.state == MentorshipState.ACTIVE
    assert "I am back" not in client.get("/").get_data(as_text=True)


def start_page(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_start_page_shows_a_volunteer_their_next_steps(client, login_as, make_mentor):
    from pathways.models import RoleName
    from pathways.services import mentor_requests, plans, transaction

    make_mentor()
    volunteer = login_as(RoleName.VOLUNTEER)
    page = start_page(client)
    assert "Build my ladder" in page and "Ask for a mentor" in page
    with transaction():
        plan = plans.onboard(volunteer, {"wiki-basics": "not_yet"}, ["editor"], "", ["en"], 3)
        mentor_requests.request_mentor(volunteer, ["referencing"], "", None)
    page = start_page(client)
    assert f"{len(plan.steps)} steps left on your ladder." in page
    assert "See my request" in page and "Ask for a mentor" not in page


def test_start_page_shows_a_mentor_agreements_and_overdue_checkins(client, make_person):
    from datetime import date

    from pathways.extensions import db
    from pathways.models import CheckIn, RoleName, utcnow
    from tests.helpers import build_pair, sign_in

    sign_in(client, make_person(RoleName.VOLUNTEER, RoleName.MENTOR))
    assert "Offer to mentor" in start_page(client)
    mentorship = build_pair(make_person, started_days_ago=30)
    sign_in(client, mentorship.mentor)
    page = start_page(client)
    assert "1 agreement to confirm." in page and "1 check-in overdue." in page
    assert "Edit my offer" in page and "Offer to mentor" not in page
    mentorship.agreed_by_mentor_at = utcnow()
    db.session.add(CheckIn(mentorship_id=mentorship.id, happened_on=date.today()))
    db.session.commit()
    page = start_page(client)
    assert "0 agreements to confirm." in page and "0 check-ins overdue." in page


def test_start_page_shows_a_coordinator_the_work_waiting_in_few_queries(
    client, login_as, make_mentor, make_person, count_queries
):
    from pathways.models import RoleName
    from pathways.services import mentor_requests, transaction

    login_as(RoleName.COORDINATOR)
    queries = []
    for number in (1, 3):
        make_mentor(capacity=5)
        for _ in range(number):
            with transaction():
                mentor_requests.request_mentor(make_person(), ["referencing"], "", None)
        start_page(client)
        with count_queries() as counted:
            page = start_page(client)
        queries.append(counted.n)
    assert "4 requests waiting." in page and "4 proposals to review." in page
    assert "0 open reports" in page
    assert queries[0] == queries[1]
