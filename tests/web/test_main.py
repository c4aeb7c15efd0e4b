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
