"""Learning resources: the list, adding and suggesting, review, merging duplicates, the
ladder and skill pages, the missing-in-your-language list, the API and privacy."""

import re

import pytest
from sqlalchemy import select

from pathways.demo import add_resources
from pathways.extensions import db
from pathways.models import Person, Resource, RoleName
from pathways.services import DomainError, privacy, resources, transaction
from pathways.services.resources import add_resource, approve_resource, normalise_link
from tests.helpers import PASSWORD, count
from tests.web.test_volunteers import onboarding_data

ES_INTRO = "https://es.wikipedia.org/wiki/Ayuda:Introducción"
EN_INTRO = "https://en.wikipedia.org/wiki/Help:Introduction"


def resource_data(**overrides) -> dict:
    return {
        "skill": "wiki-basics",
        "title": "Help:Introduction",
        "link": EN_INTRO,
        "language": "en",
        "format": "guide",
        "level": "fundamental",
    } | overrides


def add(person: Person, **overrides) -> Resource:
    data = resource_data(**overrides)
    with transaction():
        resource, _ = add_resource(
            person,
            skill_id=data["skill"],
            title=data["title"],
            language=data["language"],
            format=data["format"],
            level_id=data["level"],
            link=data["link"],
            translation_of_id=data.get("translation_of"),
        )
    return resource


# Links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "https://es.wikipedia.org/wiki/Ayuda:Introducci%C3%B3n",
        "HTTPS://ES.Wikipedia.org:443/wiki/Ayuda:Introducción#Editar",
        "http://es.wikipedia.org/wiki/Ayuda:Introducción",
    ],
)
def test_spellings_of_one_page_share_a_key(spelling):
    assert normalise_link(spelling)[1] == normalise_link(ES_INTRO)[1]


def test_a_link_to_an_ipv6_host_keeps_its_brackets():
    assert normalise_link("https://[2001:DB8::1]:8443/wiki")[0] == "https://[2001:db8::1]:8443/wiki"
    assert normalise_link("http://[::1]/")[0] == "http://[::1]/"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "https://[oops/",
        "ftp://example.org/file",
        "data:text/html,hi",
        "https://",
        "https://user:secret@example.org/",
        "https://example.org:99999/",
        "//example.org/page",
    ],
)
def test_only_http_links_with_a_host_are_taken(link):
    with pytest.raises(DomainError) as refused:
        normalise_link(link)
    assert refused.value.field == "link"


# Adding, suggesting, reviewing ----------------------------------------------------------


def test_a_mentor_adds_and_the_resource_is_listed_with_safe_link(client, login_as):
    login_as(RoleName.MENTOR)
    response = client.post("/resources/new", data=resource_data(title="<b>Intro</b>"))
    assert response.status_code == 302
    body = client.get("/resources/").get_data(as_text=True)
    assert f'href="{EN_INTRO}" rel="nofollow ugc noopener"' in body
    assert "&lt;b&gt;Intro&lt;/b&gt;" in body and "<b>Intro</b>" not in body


def test_a_volunteer_suggests_and_a_coordinator_approves(client, login_as, make_person):
    login_as(RoleName.VOLUNTEER)
    response = client.post("/resources/new", data=resource_data(), follow_redirects=True)
    assert "A coordinator will review your suggestion" in response.get_data(as_text=True)
    assert EN_INTRO not in client.get("/resources/").get_data(as_text=True)
    suggestion = db.session.scalar(select(Resource))
    assert suggestion.approved_at is None

    login_as(RoleName.COORDINATOR)
    assert EN_INTRO in client.get("/resources/review").get_data(as_text=True)
    assert client.post(f"/resources/{suggestion.id}/approve").status_code == 302
    assert EN_INTRO in client.get("/resources/").get_data(as_text=True)
    assert client.post(f"/resources/{suggestion.id}/approve").status_code == 409
    assert client.post(f"/resources/{suggestion.id}/reject").status_code == 409


def test_a_coordinator_turns_a_suggestion_down_and_its_link_is_free(client, login_as):
    login_as(RoleName.VOLUNTEER)
    client.post("/resources/new", data=resource_data())
    suggestion = db.session.scalar(select(Resource))
    login_as(RoleName.COORDINATOR)
    assert client.post(f"/resources/{suggestion.id}/reject").status_code == 302
    assert count(Resource) == 0
    assert client.post("/resources/999999/approve").status_code == 404


def test_the_same_link_spelt_differently_is_merged_not_repeated(client, login_as):
    login_as(RoleName.MENTOR)
    client.post("/resources/new", data=resource_data(link=ES_INTRO, language="es"))
    again = resource_data(link="http://ES.wikipedia.org/wiki/Ayuda:Introducci%C3%B3n#top")
    response = client.post("/resources/new", data=again, follow_redirects=True)
    assert "already on the list" in response.get_data(as_text=True)
    assert count(Resource) == 1


def test_a_link_listed_meanwhile_is_merged_not_a_500(make_person, monkeypatch):
    """Two people add one page at once: the later insert hits the unique key and merges."""
    first = add(make_person(RoleName.MENTOR))
    real = resources.find_by_link
    calls = iter([None])
    monkeypatch.setattr(resources, "find_by_link", lambda link: next(calls, real(link)))
    assert add(make_person(RoleName.MENTOR), link=EN_INTRO + "#again").id == first.id
    assert count(Resource) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("link", "javascript:alert(1)", "starts with https://"),
        ("title", "x" * 201, "200"),
        ("language", "español", "is not a language code"),
        ("skill", "no-such-skill", "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, login_as, field, value, message):
    login_as(RoleName.MENTOR)
    response = client.post("/resources/new", data=resource_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Resource) == 0


def test_only_coordinators_review(client, login_as, make_person):
    volunteer = make_person(RoleName.VOLUNTEER)
    suggestion = add(volunteer)
    login_as(RoleName.MENTOR)
    assert client.get("/resources/review").status_code == 403
    assert client.post(f"/resources/{suggestion.id}/approve").status_code == 403


# Reading -------------------------------------------------------------------------------


def test_the_list_filters_and_puts_the_readers_language_first(client, make_person):
    mentor = make_person(RoleName.MENTOR)
    add(mentor)
    add(mentor, title="Ayuda:Introducción", link=ES_INTRO, language="es")
    add(mentor, skill="referencing", title="Vídeo", link="https://example.org/v", format="video")
    body = client.get("/resources/?lang=es").get_data(as_text=True)
    assert body.index("Ayuda:Introducción") < body.index("Help:Introduction")
    only_video = client.get("/resources/?format=video").get_data(as_text=True)
    assert "Vídeo" in only_video and "Help:Introduction" not in only_video
    english = client.get("/resources/?language=EN&skill=wiki-basics").get_data(as_text=True)
    assert "Help:Introduction" in english and "Ayuda:Introducción" not in english
    assert "Help:Introduction" in client.get("/resources/?skill=nope&format=nope").get_data(
        as_text=True
    )


def test_the_skill_page_shows_its_resources_and_links_to_the_form(client, make_person):
    add(make_person(RoleName.MENTOR))
    body = client.get("/skills/wiki-basics").get_data(as_text=True)
    assert "Help:Introduction" in body
    assert "/resources/new?skill=wiki-basics" in body


def test_the_form_is_prefilled_from_a_skill_or_an_original(client, login_as, make_person):
    original = add(make_person(RoleName.MENTOR))
    login_as(RoleName.VOLUNTEER)
    body = client.get("/resources/new?skill=referencing").get_data(as_text=True)
    assert '<option selected value="referencing">' in body
    body = client.get(f"/resources/new?translation_of={original.id}&lang=es").get_data(as_text=True)
    assert f'name="translation_of" type="hidden" value="{original.id}"' in body
    assert re.search(r'<input[^>]*name="language"[^>]*value="es"', body)


def test_a_spanish_newcomer_sees_a_spanish_resource_on_the_first_rung(client, make_person):
    with transaction():
        add_resources(make_person(RoleName.COORDINATOR))
    signup = {
        "username": "Lucía",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "languages": "es",
        "locale": "es",
    }
    assert client.post("/auth/signup?lang=es", data=signup).status_code == 302
    start = onboarding_data(goal_roles=["editor"], languages="es")
    assert client.post("/ladder/start", data=start).status_code == 302
    body = client.get("/ladder/").get_data(as_text=True)
    first_rung = body[body.index('id="rung-fundamental"') : body.index("</section>")]
    assert 'lang="es"' in first_rung
    assert "Ayuda:Introducción" in first_rung or "Wikipedia:Referencias" in first_rung


def test_missing_in_my_language_invites_a_translation_that_counts(client, login_as, make_person):
    original = add(make_person(RoleName.MENTOR))
    translator = login_as(RoleName.VOLUNTEER)
    body = client.get("/resources/missing?lang=es").get_data(as_text=True)
    assert "Help:Introduction" in body and f"translation_of={original.id}" in body
    translation = resource_data(
        title="Ayuda:Introducción", link=ES_INTRO, language="es", translation_of=original.id
    )
    assert client.post("/resources/new", data=translation).status_code == 302
    with transaction():
        suggestion = db.session.scalar(select(Resource).where(Resource.language == "es"))
        approve_resource(make_person(RoleName.COORDINATOR), suggestion)
    body = client.get("/resources/missing?lang=es").get_data(as_text=True)
    assert "Help:Introduction" not in body
    assert "1 traducción aprobada" in body
    assert suggestion.translation_of_id == original.id and suggestion.added_by_id == translator.id


@pytest.mark.parametrize("original", ["99999999999999999999", "abc", "424242"])
def test_an_unknown_original_is_refused_not_a_500(client, login_as, original):
    login_as(RoleName.MENTOR)
    assert client.get(f"/resources/new?translation_of={original}").status_code == 200
    data = resource_data(language="es", translation_of=original)
    response = client.post("/resources/new", data=data)
    assert response.status_code == 422
    assert "The resource to translate is not on the list." in response.get_data(as_text=True)


def test_a_translation_in_the_originals_language_is_refused(client, login_as, make_person):
    original = add(make_person(RoleName.MENTOR))
    login_as(RoleName.MENTOR)
    data = resource_data(link="https://example.org/other", translation_of=original.id)
    response = client.post("/resources/new", data=data)
    assert response.status_code == 422
    assert "another language than the original" in response.get_data(as_text=True)


# API, privacy, coverage -----------------------------------------------------------------


def test_the_api_lists_approved_resources(client, make_person):
    mentor = make_person(RoleName.MENTOR)
    listed = add(mentor)
    pending = add(make_person(RoleName.VOLUNTEER), link=ES_INTRO, language="es")
    page = client.get("/api/v1/resources?skill=wiki-basics&format=guide").get_json()
    assert [item["id"] for item in page["items"]] == [listed.id]
    assert page["items"][0]["link"] == EN_INTRO
    assert client.get(f"/api/v1/resources/{listed.id}").get_json()["language"] == "en"
    assert client.get(f"/api/v1/resources/{pending.id}").status_code == 404
    assert client.get("/api/v1/resources?format=podcast").status_code == 422


def test_export_holds_my_resources_and_deletion_drops_pending_ones(make_person):
    volunteer = make_person(RoleName.VOLUNTEER)
    pending = add(volunteer)
    exported = privacy.export_data(volunteer)
    assert [r["link"] for r in exported["resources"]] == [EN_INTRO]
    with transaction():
        privacy.delete_account(volunteer)
    assert db.session.get(Resource, pending.id) is None


def test_deletion_keeps_approved_resources_under_the_stand_in(make_person):
    mentor = make_person(RoleName.MENTOR)
    resource = add(mentor)
    with transaction():
        privacy.delete_account(mentor)
    assert db.session.get(Resource, resource.id).added_by.username.startswith("deleted")


def test_the_framework_page_links_each_covered_item_to_its_page(client):
    body = client.get("/framework").get_data(as_text=True)
    assert 'href="/resources/missing"' in body
    assert 'href="/resources/"' in body


@pytest.mark.parametrize("url", ["/resources/review", "/resources/", "/resources/missing?lang=es"])
def test_list_pages_ask_the_same_queries_for_few_and_many(
    client, login_as, make_person, count_queries, url
):
    login_as(RoleName.COORDINATOR)
    mentor, volunteer = make_person(RoleName.MENTOR), make_person(RoleName.VOLUNTEER)
    counts = []
    for size in (2, 6):
        while count(Resource) < 2 * size:
            n = count(Resource)
            original = add(mentor, link=f"https://example.org/{n}")
            add(
                volunteer,
                link=f"https://example.org/{n}/es",
                language="es",
                translation_of=original.id,
            )
        client.get(url)
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1]
