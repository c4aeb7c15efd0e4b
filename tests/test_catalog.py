"""Tests of the framework catalog: its data (against the source text) and its loader."""

from __future__ import annotations

import ast
import copy
import dataclasses
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from pathways.catalog import (
    DEFAULT_PATH,
    Catalog,
    CatalogError,
    get_catalog,
    load_catalog,
    parse_catalog,
)

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "data" / "framework" / "leadership-framework.txt"

DESKTOP_HEADINGS = {
    "Design for Access": "access",
    "Build for a Community of Practice": "community",
    "Develop skills and capacities to support the Movement": "skills",
}
LIST_HEADINGS = {
    "Design for Access - List[edit]": "access",
    "Build for a Community of Practice - List[edit]": "community",
    "Support for skill development/learning - List[edit]": "skills",
}
BULLET = "  • "


def source_sections() -> list[tuple[str, list[str]]]:
    """Return (pillar, exact wordings of its bullets) for the six list sections, in order."""
    sections: list[tuple[str, list[str]]] = []
    in_list_sections = False
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        heading = line.strip()
        if heading in LIST_HEADINGS:
            sections.append((LIST_HEADINGS[heading], []))
            in_list_sections = True
        elif heading in DESKTOP_HEADINGS and not in_list_sections:
            sections.append((DESKTOP_HEADINGS[heading], []))
        elif line.startswith(BULLET):
            assert sections, f"bullet before any section: {line!r}"
            sections[-1][1].append(line[len(BULLET) :].strip())
    return sections


def source_bullets() -> list[tuple[str, str]]:
    """Return (pillar, exact wording) for every bullet of the six list sections."""
    return [(pillar, wording) for pillar, wordings in source_sections() for wording in wordings]


def fold(text: str) -> str:
    """Normalise a wording for comparison: NFKC, casefold, spaces, trailing punctuation."""
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return re.sub(r"[\s.,;:!?]+$", "", folded)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def entries_by_pillar(catalog: Catalog) -> dict[str, list]:
    grouped: dict[str, list] = {"skills": list(catalog.skills.values())}
    for recommendation in catalog.recommendations.values():
        grouped.setdefault(recommendation.pillar, []).append(recommendation)
    return grouped


# --- the source text ---------------------------------------------------------------------


def test_source_copy_is_parsed_into_six_sections():
    sections = [(pillar, len(wordings)) for pillar, wordings in source_sections()]
    assert sections == [
        ("access", 41),
        ("community", 38),
        ("skills", 62),
        ("access", 43),
        ("community", 38),
        ("skills", 62),
    ]
    text = SOURCE.read_text(encoding="utf-8")
    assert text.count("•") == sum(count for _, count in sections)


def test_every_source_item_matches_exactly_one_entry_of_its_pillar(catalog):
    grouped = entries_by_pillar(catalog)
    all_entries = [entry for entries in grouped.values() for entry in entries]
    for pillar, wording in source_bullets():
        matches = [e for e in all_entries if fold(wording) in {fold(v) for v in e.variants}]
        assert len(matches) == 1, f"{wording!r} matches {[e.id for e in matches]}"
        assert matches[0] in grouped[pillar], f"{wording!r} is filed under the wrong pillar"


def test_every_source_wording_is_listed_verbatim_and_no_variant_is_invented(catalog):
    for pillar, entries in entries_by_pillar(catalog).items():
        source = {wording for p, wording in source_bullets() if p == pillar}
        variants = [v for entry in entries for v in entry.variants]
        assert len(variants) == len(set(variants)), f"{pillar}: a variant is listed twice"
        assert set(variants) - source == set(), f"{pillar}: variants not in the source"
        assert source - set(variants) == set(), f"{pillar}: source wordings missing"


def test_no_two_entries_share_a_variant(catalog):
    owners: dict[str, str] = {}
    for entries in entries_by_pillar(catalog).values():
        for entry in entries:
            for variant in {fold(v) for v in entry.variants}:
                assert owners.setdefault(variant, entry.id) == entry.id, variant


def test_known_merges_and_splits(catalog):
    assert catalog.find_skill("Writing reports").id == "report-writing"
    assert catalog.find_skill("Report writing").id == "report-writing"
    assert catalog.find_skill("Retention strategies").variants == ("Retention strategies",)
    assert catalog.find_skill("Storytelling (communication").name == "Storytelling (communication)"
    by_text = {fold(v): r.id for r in catalog.recommendations.values() for v in r.variants}
    hotline = by_text[fold("Offer a Question/answer hotline or group")]
    assert by_text[fold("Offer a Q&A hotline")] == hotline
    awareness = "Create awareness and encourage participation in movement trainings & workshops"
    grants = "Provide more grants for participating in movement trainings/workshops"
    assert by_text[fold(awareness)] != by_text[fold(grants)]


# --- the catalog data --------------------------------------------------------------------


def test_levels_are_the_four_framework_levels(catalog):
    assert [(lv.id, lv.name, lv.rank) for lv in catalog.levels.values()] == [
        ("fundamental", "Fundamental", 1),
        ("emerging", "Emerging", 2),
        ("deepening", "Deepening", 3),
        ("elevated", "Elevated", 4),
    ]
    assert "Expanding" in catalog.levels["deepening"].aliases
    assert set(catalog.pillars) == {"access", "community", "skills"}
    assert 5 <= len(catalog.tracks) <= 7


def test_ids_are_unique_within_each_kind():
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    for section, entries in raw.items():
        ids = [entry["id"] for entry in entries]
        assert len(ids) == len(set(ids)), section


def test_every_level_holds_several_skills(catalog):
    for level in catalog.levels:
        assert len(catalog.skills_at(level)) >= 5, level


def test_prerequisites_are_sparse_acyclic_and_not_above_the_skill(catalog):
    for skill in catalog.skills.values():
        assert len(skill.prerequisites) <= 3, skill.id
        for prerequisite in skill.prerequisites:
            assert catalog.level_rank(prerequisite) <= catalog.level_rank(skill.id), skill.id
        closure = catalog.prerequisite_closure([skill.id])
        assert closure[-1] == skill.id
        assert closure.count(skill.id) == 1


def test_skills_are_complete_and_plausible(catalog):
    for skill in catalog.skills.values():
        assert skill.name and skill.description and skill.variants, skill.id
        assert 1 <= len(skill.activities) <= 3, skill.id
        assert 1 <= skill.effort_hours <= 40, skill.id
        assert skill.track in catalog.tracks and skill.level in catalog.levels, skill.id
    givers = {skill.id for skill in catalog.skills.values() if skill.gives_back}
    assert {"teaching-others", "mentoring", "developing-others", "developing-ladders"} <= givers
    assert len(catalog.skills) == 60


def test_roles_form_a_ladder_of_existing_skills(catalog):
    ranks = [role.rank for role in catalog.roles.values()]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    for required in ("newcomer", "editor", "event-organizer", "trainer", "mentor"):
        assert required in catalog.roles
    assert {"affiliate-leader", "functionary"} <= set(catalog.roles)
    for role in catalog.roles.values():
        assert role.skills and set(role.skills) <= set(catalog.skills), role.id


def test_every_recommendation_has_a_feature_or_a_reason(catalog):
    assert {r.pillar for r in catalog.recommendations.values()} == {"access", "community"}
    for recommendation in catalog.recommendations.values():
        has_feature = recommendation.feature is not None
        assert has_feature != (recommendation.out_of_scope is not None), recommendation.id
        if has_feature:
            assert recommendation.feature in catalog.features
        else:
            assert recommendation.how is None


def test_every_covered_recommendation_names_an_existing_page(app, catalog):
    """The coverage map is honest: each covered item links to a real page of the app,
    one that needs no argument so /framework can link to it."""
    routes = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    covered = [r for r in catalog.recommendations.values() if r.feature is not None]
    for recommendation in covered:
        rule = routes.get(recommendation.page)
        assert rule is not None, recommendation.id
        assert "GET" in rule.methods and not rule.arguments, recommendation.id


def test_the_coverage_map_covers_resources_trainings_and_communities(catalog):
    covered = [r for r in catalog.recommendations.values() if r.page is not None]
    assert len(covered) >= 50  # 40 before resources, trainings and communities
    assert {r.id for r in covered if r.feature == "resources"} >= {
        "guidance-and-tutorials",
        "translate-resources",
        "record-trainings",
    }
    assert {r.id for r in covered if r.feature == "trainings"} >= {
        "list-trainings-and-events",
        "training-awareness",
        "newcomer-meetups",
    }
    assert {r.id for r in covered if r.feature == "communities"} >= {"find-local-community"}


# --- the loader's helpers ----------------------------------------------------------------


def test_find_skill_resolves_ids_names_and_variants_loosely(catalog):
    assert catalog.find_skill("using-sandbox").id == "using-sandbox"
    assert catalog.find_skill("USING THE SANDBOX").id == "using-sandbox"
    assert catalog.find_skill("  using\tSandbox ").id == "using-sandbox"
    assert catalog.find_skill("ｕｓｉｎｇ ｓａｎｄｂｏｘ").id == "using-sandbox"
    assert catalog.find_skill("open source/THE WORLD of open").id == "open-source"
    assert catalog.find_skill("knitting") is None
    assert catalog.find_skill("") is None


def test_skill_text_holds_the_words_used_for_matching(catalog):
    text = catalog.skill_text("storytelling")
    for part in ("Storytelling (communication)", "blog", "Community and communication"):
        assert part in text


def test_prerequisite_closure_puts_prerequisites_first(catalog):
    closure = catalog.prerequisite_closure(["sharing-power", "referencing"])
    assert set(closure) >= {"sharing-power", "referencing", "using-sandbox", "wiki-basics"}
    for position, skill_id in enumerate(closure):
        for prerequisite in catalog.skills[skill_id].prerequisites:
            assert closure.index(prerequisite) < position
    assert closure == catalog.prerequisite_closure(["referencing", "sharing-power"])
    assert closure[0] == "wiki-basics"


def test_prerequisite_closure_rejects_unknown_ids(catalog):
    with pytest.raises(KeyError):
        catalog.prerequisite_closure(["no-such-skill"])


def test_objects_and_mappings_are_immutable(catalog):
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.skills["referencing"].name = "Changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.levels["fundamental"].rank = 9
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.skills = {}
    with pytest.raises(TypeError):
        catalog.skills["new"] = catalog.skills["referencing"]


def test_get_catalog_is_cached():
    assert get_catalog() is get_catalog()


def test_loader_is_pure():
    tree = ast.parse((REPO / "pathways" / "catalog.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." if node.level else (node.module or "").split(".")[0])
    assert not imported & {"flask", "pathways", "."}


# --- the loader rejects bad catalogs -----------------------------------------------------


def minimal() -> dict:
    """A small valid catalog, one skill per level."""

    def skill(skill_id: str, level: str, prerequisites: list[str]) -> dict:
        return {
            "id": skill_id,
            "name": skill_id.title(),
            "level": level,
            "track": "basics",
            "description": "A skill.",
            "prerequisites": prerequisites,
            "effort_hours": 2,
            "activities": ["Do it."],
            "variants": [f"Variant of {skill_id}"],
        }

    levels = ["fundamental", "emerging", "deepening", "elevated"]
    return {
        "levels": [
            {"id": lv, "name": lv.title(), "rank": n, "description": "A level."}
            for n, lv in enumerate(levels, 1)
        ],
        "pillars": [
            {"id": p, "name": p.title(), "description": "A pillar."}
            for p in ("access", "community", "skills")
        ],
        "tracks": [{"id": "basics", "name": "Basics", "description": "A track."}],
        "features": [{"id": "plans", "name": "Plans"}],
        "skills": [
            skill("alpha", "fundamental", []),
            skill("beta", "emerging", ["alpha"]),
            skill("gamma", "deepening", ["beta"]),
            skill("delta", "elevated", ["gamma", "alpha"]),
        ],
        "roles": [
            {
                "id": "newcomer",
                "name": "Newcomer",
                "rank": 1,
                "description": "New.",
                "skills": ["alpha"],
            },
        ],
        "recommendations": [
            {
                "id": "rec-one",
                "pillar": "access",
                "level": "fundamental",
                "text": "Do this.",
                "variants": ["Do this"],
                "feature": "plans",
                "page": "volunteers.ladder",
            },
            {
                "id": "rec-two",
                "pillar": "community",
                "level": "elevated",
                "text": "Do that.",
                "variants": ["Do that"],
                "out_of_scope": "Not an app's job.",
            },
        ],
    }


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def skill_named(data: dict, skill_id: str) -> dict:
    return next(s for s in data["skills"] if s["id"] == skill_id)


def test_minimal_catalog_loads(tmp_path):
    catalog = load_catalog(write(tmp_path, minimal()))
    assert list(catalog.skills) == ["alpha", "beta", "gamma", "delta"]
    assert catalog.prerequisite_closure(["delta"]) == ("alpha", "beta", "gamma", "delta")
    assert catalog.find_skill("variant of GAMMA").id == "gamma"


def test_levels_are_returned_in_rank_order(tmp_path):
    data = minimal()
    data["levels"].reverse()
    assert list(load_catalog(write(tmp_path, data)).levels) == [
        "fundamental",
        "emerging",
        "deepening",
        "elevated",
    ]


def test_closure_order_is_stable_by_level_then_file_order():
    data = minimal()
    zeta = {**skill_named(data, "alpha"), "id": "zeta", "name": "Zeta", "variants": ["Z"]}
    data["skills"].insert(0, zeta)
    skill_named(data, "delta")["prerequisites"] = ["gamma", "zeta"]
    catalog = parse_catalog(data)
    assert catalog.prerequisite_closure(["delta"]) == ("zeta", "alpha", "beta", "gamma", "delta")


def add_cycle(data: dict) -> None:
    beta = skill_named(data, "beta")
    epsilon = {**beta, "id": "epsilon", "name": "Epsilon", "variants": ["E"]}
    epsilon["prerequisites"] = ["beta"]
    data["skills"].append(epsilon)
    beta["prerequisites"] = ["alpha", "epsilon"]


def breaks(change):
    data = minimal()
    change(data)
    return data


BAD_CATALOGS = {
    "cycle": (
        breaks(lambda d: skill_named(d, "beta").update(prerequisites=["alpha", "beta"])),
        "itself",
        "beta",
    ),
    "longer-cycle": (
        breaks(add_cycle),
        "cycle beta -> epsilon -> beta",
        "beta",
    ),
    "duplicate-id": (
        breaks(lambda d: d["skills"].append({**copy.deepcopy(d["skills"][1]), "variants": ["X"]})),
        "duplicate",
        "beta",
    ),
    "unknown-prerequisite": (
        breaks(lambda d: skill_named(d, "beta").update(prerequisites=["omega"])),
        "omega",
        "beta",
    ),
    "higher-level-prerequisite": (
        breaks(lambda d: skill_named(d, "beta").update(prerequisites=["delta"])),
        "higher level",
        "beta",
    ),
    "missing-field": (
        breaks(lambda d: skill_named(d, "gamma").pop("description")),
        "description",
        "gamma",
    ),
    "unknown-field": (
        breaks(lambda d: skill_named(d, "gamma").update(colour="blue")),
        "colour",
        "gamma",
    ),
    "wrong-type": (
        breaks(lambda d: skill_named(d, "gamma").update(effort_hours="lots")),
        "effort_hours",
        "gamma",
    ),
    "zero-effort": (
        breaks(lambda d: skill_named(d, "gamma").update(effort_hours=0)),
        "effort_hours",
        "gamma",
    ),
    "too-many-activities": (
        breaks(lambda d: skill_named(d, "gamma").update(activities=["a", "b", "c", "d"])),
        "activities",
        "gamma",
    ),
    "no-activities": (
        breaks(lambda d: skill_named(d, "gamma").update(activities=[])),
        "activities",
        "gamma",
    ),
    "unknown-level": (
        breaks(lambda d: skill_named(d, "gamma").update(level="expert")),
        "expert",
        "gamma",
    ),
    "unknown-track": (
        breaks(lambda d: skill_named(d, "gamma").update(track="cooking")),
        "cooking",
        "gamma",
    ),
    "empty-level": (
        breaks(lambda d: skill_named(d, "gamma").update(level="elevated")),
        "no skill",
        "deepening",
    ),
    "unknown-role-skill": (
        breaks(lambda d: d["roles"][0].update(skills=["alpha", "omega"])),
        "omega",
        "newcomer",
    ),
    "both-feature-and-out-of-scope": (
        breaks(lambda d: d["recommendations"][0].update(out_of_scope="Also no.")),
        "exactly one",
        "rec-one",
    ),
    "covered-without-page": (
        breaks(lambda d: d["recommendations"][0].pop("page")),
        "names the page",
        "rec-one",
    ),
    "page-without-feature": (
        breaks(lambda d: d["recommendations"][1].update(page="main.index")),
        "only allowed with a feature",
        "rec-two",
    ),
    "neither-feature-nor-out-of-scope": (
        breaks(lambda d: d["recommendations"][1].pop("out_of_scope")),
        "exactly one",
        "rec-two",
    ),
    "unknown-feature": (
        breaks(lambda d: d["recommendations"][0].update(feature="teleport")),
        "teleport",
        "rec-one",
    ),
    "unknown-pillar": (
        breaks(lambda d: d["recommendations"][0].update(pillar="skills")),
        "pillar",
        "rec-one",
    ),
    "shared-name": (
        breaks(lambda d: skill_named(d, "beta").update(name="ALPHA")),
        "also names",
        "beta",
    ),
    "shared-variant": (
        breaks(lambda d: skill_named(d, "beta").update(variants=["variant OF alpha"])),
        "variant",
        "beta",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_CATALOGS))
def test_loader_rejects_bad_catalogs(tmp_path, name):
    data, problem, offender = BAD_CATALOGS[name]
    with pytest.raises(CatalogError) as caught:
        load_catalog(write(tmp_path, data))
    message = str(caught.value)
    assert problem in message and offender in message, message


def test_loader_rejects_invalid_yaml(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text("levels: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog(path)


def test_the_showcase_serves_showing_community_work(catalog):
    served = {r.id: r for r in catalog.recommendations.values() if r.feature == "showcase"}
    assert set(served) == {"elevate-community-work"}
    assert served["elevate-community-work"].page == "showcase.index"
