"""The demo program: a believable, living program in an empty database, and only there."""

import yaml
from sqlalchemy import func, select

from pathways.catalog import get_catalog
from pathways.demo import DEMO_PASSWORD, RESOURCES_PATH
from pathways.extensions import db
from pathways.models import (
    BadgeEndorsement,
    Circle,
    CirclePost,
    CircleState,
    EndorsementState,
    MatchProposal,
    MentorOffer,
    MentorRequest,
    Mentorship,
    Person,
    PersonRole,
    Plan,
    Resource,
    RoleName,
    ShowcaseEntry,
)
from pathways.services import accounts, communities, trainings
from tests.helpers import count


def people_with(role: RoleName) -> int:
    return count(PersonRole, PersonRole.role == role)


def test_demo_load_fills_an_empty_database_with_a_living_program(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert people_with(RoleName.VOLUNTEER) >= 30
    assert people_with(RoleName.MENTOR) >= 10
    assert people_with(RoleName.COORDINATOR) == 1
    capacities = set(db.session.scalars(select(MentorOffer.capacity)))
    assert len(capacities) >= 3
    mentor_languages = {
        tuple(p.language_codes)
        for p in db.session.scalars(select(Person).where(Person.roles.any(role=RoleName.MENTOR)))
    }
    assert len(mentor_languages) >= 4
    assert count(MatchProposal) > 0 and count(Mentorship) > 0 and count(Plan) > 0
    assert count(Circle, Circle.state == CircleState.ACTIVE) == 1 and count(CirclePost) == 3
    assert count(MentorRequest, MentorRequest.wants_group.is_(True)) == 2
    for username in ("demo-volunteer", "demo-mentor", "demo-coordinator"):
        assert accounts.authenticate(username, DEMO_PASSWORD) is not None
    states = sorted(db.session.scalars(select(BadgeEndorsement.state)))
    assert states == [EndorsementState.ENDORSED, EndorsementState.PENDING]
    [entry] = db.session.scalars(select(ShowcaseEntry))
    assert entry.story and entry.badge.endorsement is not None


def test_demo_lists_every_seed_resource_once_with_its_translations(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    seeds = yaml.safe_load(RESOURCES_PATH.read_text(encoding="utf-8"))
    assert count(Resource) == len(seeds)
    assert count(Resource, Resource.approved_at.is_(None)) == 0
    assert all(seed["link"].startswith("https://") for seed in seeds)
    translated = sum(1 for seed in seeds if "translation_of" in seed)
    assert count(Resource, Resource.translation_of_id.is_not(None)) == translated
    fundamentals_in_spanish = {
        r.skill_id for r in db.session.scalars(select(Resource).where(Resource.language == "es"))
    }
    assert {"wiki-basics", "referencing", "using-sandbox"} <= fundamentals_in_spanish


def test_demo_load_refuses_a_database_with_people(runner, make_person):
    make_person()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "only into an empty one" in result.output
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_demo_load_adds_upcoming_trainings_and_the_community_directory(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    upcoming = trainings.upcoming()
    assert len({t.language for t in upcoming}) >= 5
    fundamentals = {s.id for s in get_catalog().skills_at("fundamental")}
    assert all(set(t.skills) <= fundamentals for t in upcoming)
    spanish = trainings.upcoming(language="es")
    assert spanish and "wiki-basics" in {s for t in spanish for s in t.skills}
    assert "Wikimedia España" in [c.name for c in communities.in_languages(["es"])]
