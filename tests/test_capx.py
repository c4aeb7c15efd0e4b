"""Capacity Exchange profiles: the mapping, reading, the preview, the import page and the
export in CapX's shape."""

import io
import json

import pytest

from pathways.catalog import get_catalog
from pathways.ladder import MAX_INTERESTS_LENGTH, Stance
from pathways.services import DomainError, capx, plans, transaction

# CapX ids: 48 storytelling, 69 mentorship, 59 conflict management, 21 grant proposal,
# 12 budgeting (no counterpart here); languages 3 en, 5 fr, 7 ja.
PROFILE = {
    "user": {"username": "Someone"},
    "display_name": "Someone on CapX",
    "wikidata_qid": "Q42",
    "skills_known": [48, 12],
    "skills_available": [69],
    "skills_wanted": [59, 21, 999999],
    "language": [
        {"id": 3, "proficiency": "n"},
        {"id": 5, "proficiency": "3"},
        {"id": 7, "proficiency": "0"},
        {"code": "HI", "proficiency": ""},
        {"id": 4242, "proficiency": "2"},
    ],
}


def test_every_mapped_capacity_is_a_catalog_skill_and_ids_are_unique():
    mapping = capx.get_mapping()
    catalog = get_catalog()
    assert len(mapping.skills) == 134
    assert {i for s in mapping.skills.values() for i in s.catalog_ids} <= set(catalog.skills)
    assert mapping.skills[69].name == "mentorship"
    assert mapping.skills[69].catalog_ids == ("mentoring",)


def test_the_preview_maps_each_list_onto_a_stance_and_names_what_it_cannot_carry(app):
    plan = capx.plan_import(capx.parse_profile(PROFILE), {}, ["en"])
    assert plan.stances == {
        "storytelling": Stance.CONFIDENT,
        "mentoring": Stance.CAN_TEACH,
        "conflict-management": Stance.LEARNING,
        "grant-proposals": Stance.LEARNING,
    }
    assert plan.unmapped_skills == ["budgeting", "unknown CapX skill #999999"]
    assert plan.languages == ["fr", "hi"]  # en is there already; ja is "no proficiency"
    assert plan.unknown_languages == ["#4242"]
    assert plan.interests == "Conflict management; Grant proposals"


def test_wanted_skills_join_the_interests_once_and_within_their_limit():
    profile = capx.parse_profile({"skills_wanted": [59, 21]})
    assert capx.plan_import(profile, {}, [], "sources").interests == (
        "sources; Conflict management; Grant proposals"
    )
    assert capx.plan_import(profile, {}, [], "conflict management, grant proposals").interests == ""
    full = "x" * (MAX_INTERESTS_LENGTH - len("; Grant proposals"))
    assert capx.plan_import(profile, {}, [], full).interests == full + "; Grant proposals"


def test_an_import_only_raises_stances():
    profile = capx.parse_profile({"skills_wanted": [48, 69], "skills_known": [59]})
    current = {"storytelling": Stance.CAN_TEACH, "mentoring": Stance.NOT_YET}
    plan = capx.plan_import(profile, current, [])
    assert plan.stances == {"mentoring": Stance.LEARNING, "conflict-management": Stance.CONFIDENT}


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ([1, 2], "profile", "JSON object"),
        ({"skills_known": "48"}, "skills_known", "list"),
        ({"skills_available": [1, "2"]}, "skills_available", "Entry 2"),
        ({"skills_wanted": [True]}, "skills_wanted", "Entry 1"),
        ({"skills_known": list(range(capx.MAX_LIST_ITEMS + 1))}, "skills_known", "At most"),
        ({"language": ["en"]}, "language", "Entry 1"),
        ({"language": [{"proficiency": "1"}]}, "language", "language id"),
        ({"language": [{"code": "not a code"}]}, "language", "language id"),
        ({"language": [{"id": 3, "proficiency": "9"}]}, "language", "proficiency"),
    ],
)
def test_bad_profiles_are_refused_naming_the_field(app, data, field, words):
    with pytest.raises(DomainError) as refused:
        capx.parse_profile(data)
    assert refused.value.field == field
    assert words in str(refused.value.message)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", "not JSON"),
        (b"\xff\xfe{}", "not JSON"),
        ("[" * 20_000, "larger than"),
        ("[" * 5000, "Nesting too deep"),  # within the size, it raised a RecursionError
    ],
)
def test_text_that_is_not_a_profile_is_refused(app, text, words):
    with pytest.raises(DomainError) as refused:
        capx.read_profile(text)
    assert refused.value.field == "profile" and words in str(refused.value.message)


def test_the_import_writes_stances_and_languages_and_the_export_gives_them_back(app, make_person):
    person = make_person(languages=("en",))
    with transaction():
        plans.save_assessment(person, {"referencing": "confident"})
        capx.apply_import(person, capx.parse_profile(PROFILE))
    assert plans.stances_of(person) == {
        "referencing": Stance.CONFIDENT,
        "storytelling": Stance.CONFIDENT,
        "mentoring": Stance.CAN_TEACH,
        "conflict-management": Stance.LEARNING,
        "grant-proposals": Stance.LEARNING,
    }
    assert person.language_codes == ["en", "fr", "hi"]
    assert person.interests == "Conflict management; Grant proposals"
    exported = capx.export_profile(person)
    assert exported == {
        "user": {"username": person.username},
        "skills_known": [48],  # referencing has no CapX counterpart
        "skills_available": [69],
        "skills_wanted": [21, 59],
        "language": [
            {"id": 3, "proficiency": ""},
            {"id": 5, "proficiency": ""},
            {"code": "hi", "proficiency": ""},
        ],
    }
    assert not capx.preview(person, capx.parse_profile(exported)).changes_anything


def test_a_refused_import_writes_nothing(app, make_person, monkeypatch):
    person = make_person()
    monkeypatch.setattr(capx, "set_languages", _refuse)
    with pytest.raises(DomainError), transaction():
        capx.apply_import(person, capx.parse_profile(PROFILE))
    assert plans.stances_of(person) == {}
    assert person.language_codes == ["en"]


def _refuse(*_args):
    raise DomainError("refused", "languages")


# The page -------------------------------------------------------------------------------


def test_the_page_previews_then_imports_on_confirm(client, login_as):
    person = login_as()
    text = json.dumps(PROFILE)
    page = client.post("/account/capx", data={"profile": text})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Storytelling" in html and "Can teach others" in html
    assert "budgeting" in html and "unknown CapX skill #999999" in html
    assert "#4242" in html and 'name="confirm"' in html
    assert plans.stances_of(person) == {}  # a preview writes nothing
    done = client.post("/account/capx", data={"profile": text, "confirm": "1"})
    assert done.status_code == 303
    assert plans.stances_of(person)["mentoring"] == Stance.CAN_TEACH
    again = client.post("/account/capx", data={"profile": text}).get_data(as_text=True)
    assert "Nothing changes" in again and 'name="confirm"' not in again


def test_the_page_takes_a_file(client, login_as):
    login_as()
    upload = (io.BytesIO(json.dumps({"skills_known": [48]}).encode()), "capx.json")
    page = client.post("/account/capx", data={"upload": upload, "profile": ""})
    assert page.status_code == 200
    assert "Storytelling" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("nope", "This is not JSON"),
        ('{"skills_known": ["x"]}', "skills_known: Entry 1"),
        ("[" * 5000, "This is not JSON"),  # a 500
    ],
)
def test_the_page_names_what_is_wrong(client, login_as, text, words):
    person = login_as()
    page = client.post("/account/capx", data={"profile": text, "confirm": "1"})
    assert page.status_code == 422
    assert words in page.get_data(as_text=True)
    assert plans.stances_of(person) == {}


def test_the_export_in_capx_shape_and_an_unknown_format(client, login_as):
    person = login_as()
    response = client.get("/account/export?format=capx")
    assert response.status_code == 200
    assert "capx-profile.json" in response.headers["Content-Disposition"]
    assert response.get_json()["user"] == {"username": person.username}
    assert client.get("/account/export?format=xml").status_code == 404
    assert "pathways-my-data.json" in client.get("/account/export").headers["Content-Disposition"]
