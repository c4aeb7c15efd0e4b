import pytest
from sqlalchemy import select

from pathways.catalog import get_catalog
from pathways.extensions import db
from pathways.models import (
    Badge,
    Notification,
    Plan,
    PlanStep,
    ProfileVersion,
    ProgramEvent,
    SkillStance,
    StepStatus,
)
from pathways.services import DomainError, NotAllowed, plans, transaction
from tests.helpers import count


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def onboard(person, stances=None, goal_roles=("event-organizer",), hours=3, interests=""):
    with transaction():
        return plans.onboard(
            person,
            stances if stances is not None else {"wiki-basics": "not_yet"},
            list(goal_roles),
            interests,
            ["en"],
            hours,
        )


def skill_ids(plan: Plan) -> list[str]:
    return [row.skill_id for row in plan.steps]


def test_newcomer_aiming_for_event_organizer_starts_with_on_wiki_basics(make_person):
    catalog = get_catalog()
    plan = onboard(make_person())
    ids = skill_ids(plan)
    assert ids[0] == "wiki-basics"
    assert catalog.skills[ids[0]].track == "on-wiki"
    levels = [catalog.level_rank(s) for s in ids]
    assert levels == sorted(levels)
    for role_skill in catalog.roles["event-organizer"].skills:
        assert role_skill in ids
        for prerequisite in catalog.skills[role_skill].prerequisites:
            assert ids.index(prerequisite) < ids.index(role_skill)
    assert [row.position for row in plan.steps] == list(range(1, len(ids) + 1))
    assert db.session.scalar(select(ProfileVersion.value)) >= 1


def test_confident_skills_leave_the_ladder(make_person):
    plan = onboard(make_person(), {"referencing": "confident", "using-sandbox": "confident"})
    assert "referencing" not in skill_ids(plan)
    assert "using-sandbox" not in skill_ids(plan)
    assert "running-events" in skill_ids(plan)


@pytest.mark.parametrize(
    ("stances", "message"),
    [
        ({}, "Mark at least one skill"),
        ({"no-such-skill": "confident"}, "Unknown skill: no-such-skill"),
        ({"referencing": "expert"}, "Unknown stance: expert"),
    ],
)
def test_save_assessment_refuses_bad_stances(make_person, stances, message):
    person = make_person()
    with pytest.raises(DomainError) as caught, transaction():
        plans.save_assessment(person, stances)
    assert caught.value.field == "stances"
    assert message in str(caught.value.message)
    assert count(SkillStance) == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"goal_roles": ["wizard"]}, "goal_roles"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": 500}, "hours_per_week"),
        ({"hours_per_week": float("nan")}, "hours_per_week"),
        ({"interests": "x" * 100_000}, "interests"),
        ({"languages": []}, "languages"),
        ({"languages": ["not a code"]}, "languages"),
    ],
)
def test_onboarding_with_bad_input_saves_nothing(make_person, kwargs, field):
    person = make_person()
    values = {
        "stances": {"referencing": "confident"},
        "goal_roles": ["editor"],
        "interests": "photos",
        "languages": ["fr"],
        "hours_per_week": 3,
    } | kwargs
    with pytest.raises(DomainError) as caught, transaction():
        plans.onboard(person, **values)
    assert caught.value.field == field
    db.session.refresh(person)
    assert count(SkillStance) == count(Plan) == count(PlanStep) == 0
    assert person.interests == "" and person.language_codes == ["en"]


def test_build_plan_saves_interests_and_languages(make_person):
    person = make_person()
    with transaction():
        plans.save_assessment(person, {"wiki-basics": "confident"})
        plans.build_plan(person, ["editor"], "  photographs of monuments ", ["fr", "en"], 2)
    db.session.refresh(person)
    assert person.interests == "photographs of monuments"
    assert person.language_codes == ["en", "fr"]
    assert plans.plan_of(person).hours_per_week == 2


def test_a_skill_marked_learning_starts_as_started_and_keeps_later_progress(
    make_person, request_context
):
    person = make_person()
    plan = onboard(person, {"wiki-basics": "learning", "referencing": "not_yet"})
    rows = {row.skill_id: row for row in plan.steps}
    assert plans.current_ladder(person).steps[0].in_progress
    assert (rows["wiki-basics"].status, rows["referencing"].status) == (
        StepStatus.STARTED,
        StepStatus.NOT_STARTED,
    )
    assert rows["wiki-basics"].started_at is not None
    with transaction():
        plans.mark_step(person, rows["wiki-basics"].id, "done")
        plan = plans.build_plan(person, ["event-organizer"], "", ["en"], 3)
    kept = next(row for row in plan.steps if row.skill_id == "wiki-basics")
    assert kept.status == StepStatus.DONE


def test_replan_keeps_progress_of_surviving_steps_and_drops_the_others(
    make_person, request_context
):
    person = make_person()
    plan = onboard(person, goal_roles=["event-organizer"])
    rows = {row.skill_id: row for row in plan.steps}
    with transaction():
        plans.mark_step(person, rows["wiki-basics"].id, "done", "Took the tour.")
        plans.mark_step(person, rows["running-events"].id, "started")
    kept_id = rows["wiki-basics"].id
    with transaction():
        plan = plans.build_plan(person, ["editor"], "", ["en"], 3)
    ids = skill_ids(plan)
    assert "running-events" not in ids
    assert "civil-discourse" in ids
    kept = next(row for row in plan.steps if row.skill_id == "wiki-basics")
    assert (kept.id, kept.status, kept.reflection) == (kept_id, StepStatus.DONE, "Took the tour.")
    assert count(PlanStep) == len(ids)
    ladder = plans.current_ladder(person)
    assert [s.skill_id for s in ladder.steps] == ids
    assert not plans.plan_is_stale(plan, ladder)


def test_mark_step_records_times_and_refuses_others_steps(make_person, request_context):
    person, other = make_person(), make_person()
    plan = onboard(person)
    row = plan.steps[0]
    with transaction():
        plans.mark_step(person, row.id, "started")
    assert row.started_at is not None and row.done_at is None
    with transaction():
        plans.mark_step(person, row.id, "done", "note")
    assert row.done_at is not None
    with pytest.raises(NotAllowed), transaction():
        plans.mark_step(other, row.id, "not_started")
    with pytest.raises(DomainError) as caught, transaction():
        plans.mark_step(person, row.id, "finished")
    assert caught.value.field == "status"
    with pytest.raises(DomainError) as caught, transaction():
        plans.mark_step(person, row.id, "done", "x" * 5000)
    assert caught.value.field == "reflection"


def test_finishing_a_level_issues_exactly_one_badge(make_person, request_context):
    person = make_person(email="Ada@Example.org")
    plan = onboard(person)
    fundamentals = [r for r in plans.progress_by_rung(plan) if r.level_id == "fundamental"][0]
    issued = []
    for row in fundamentals.steps:
        with transaction():
            issued.append(plans.mark_step(person, row.id, "done"))
    assert [b for b in issued if b is not None] == [issued[-1]]
    assert issued[-1].level_id == "fundamental"
    with transaction():
        again = plans.mark_step(person, fundamentals.steps[0].id, "done", "again")
    assert again is None
    assert count(Badge) == 1
    assert db.session.scalar(select(ProgramEvent.kind)) == "badge_issued"
    assert db.session.scalar(select(Notification.kind)) == "badge_issued"
    progress = plans.progress_by_rung(plan)
    assert progress[0].complete and progress[0].done == progress[0].total
    assert not progress[1].complete


def test_knows_everything_gets_an_empty_ladder_suggesting_mentoring(make_person):
    person = make_person()
    plan = onboard(person, {s: "can_teach" for s in get_catalog().skills}, goal_roles=["trainer"])
    assert plan.steps == []
    ladder = plans.current_ladder(person)
    assert ladder.complete and ladder.suggest_mentor_role
    assert plans.progress_by_rung(plan) == []


def test_the_ladder_of_a_plan_is_the_engines_for_its_inputs_now(make_person):
    """The ladder page's engine run is kept for the same inputs, and only for them."""
    from pathways.ladder import LadderRequest, build_ladder
    from pathways.models import Stance

    person = make_person()
    plan = onboard(person, {"referencing": "learning"}, interests="photos")
    first = plans.current_ladder(person, plan)
    assert plans.current_ladder(person, plan) == first
    assert first == build_ladder(
        get_catalog(),
        LadderRequest(
            stances={"referencing": Stance.LEARNING},
            goal_roles=("event-organizer",),
            interests="photos",
            languages=("en",),
            hours_per_week=3,
        ),
    )
    with transaction():
        plans.save_assessment(person, {"referencing": "confident"})
    changed = plans.current_ladder(person, plan)
    assert "referencing" in [s.skill_id for s in first.steps]
    assert "referencing" not in [s.skill_id for s in changed.steps]
    assert plans.plan_is_stale(plan, changed)
