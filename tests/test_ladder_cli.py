import json

from sqlalchemy import func, select

from pathways.catalog import get_catalog
from pathways.extensions import db
from pathways.models import Plan, SkillStance, StepStatus
from pathways.services import plans, transaction


def plan_for(person, goal_roles=("event-organizer",)):
    with transaction():
        return plans.onboard(person, {"wiki-basics": "not_yet"}, list(goal_roles), "", ["en"], 4)


def test_show_prints_the_saved_ladder_with_progress(app, runner, make_person):
    person = make_person(username="Ada")
    plan = plan_for(person)
    with app.test_request_context(), transaction():
        plans.mark_step(person, plan.steps[0].id, "done")
    result = runner.invoke(args=["ladder", "show", "ada"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Ladder of Ada"
    assert "Goals: Event organizer; 4 hours a week" in result.output
    assert "   1. [x] Wiki basics (tutorials, editing, policies)" in result.output
    assert "Needed to become Event organizer" in result.output
    assert "Comes before Running events" in result.output
    assert "Nothing was saved" not in result.output


def test_show_json_is_parseable_and_matches_the_plan(runner, make_person):
    person = make_person(username="Ada")
    plan = plan_for(person)
    result = runner.invoke(args=["ladder", "show", "Ada", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["username"] == "Ada" and data["saved"] is True and data["stale"] is False
    assert data["goal_roles"] == ["event-organizer"]
    steps = [step for rung in data["rungs"] for step in rung["steps"]]
    assert [s["skill_id"] for s in steps] == [row.skill_id for row in plan.steps]
    assert {s["status"] for s in steps} == {StepStatus.NOT_STARTED.value}
    assert data["rungs"][0]["level_id"] == "fundamental"
    assert steps[0]["reasons"][0]["kind"] in {"foundation", "prerequisite_of", "goal_role"}


def test_show_without_a_plan_builds_one_from_stances_and_saves_nothing(runner, make_person):
    person = make_person(username="Grace")
    with transaction():
        plans.save_assessment(person, {"referencing": "confident"})
    text = runner.invoke(args=["ladder", "show", "Grace"])
    assert text.exit_code == 0
    assert "No saved plan" in text.output and "Nothing was saved." in text.output
    data = json.loads(runner.invoke(args=["ladder", "show", "Grace", "--json"]).output)
    assert data["saved"] is False and data["goal_roles"] == []
    skill_ids = [step["skill_id"] for rung in data["rungs"] for step in rung["steps"]]
    assert "referencing" not in skill_ids and "recognizing-harassment" in skill_ids
    assert db.session.scalar(select(func.count()).select_from(Plan)) == 0


def test_show_knows_everything(runner, make_person):
    person = make_person(username="Sage")
    with transaction():
        plans.save_assessment(person, {s: "can_teach" for s in get_catalog().skills})
    result = runner.invoke(args=["ladder", "show", "Sage"])
    assert "Nothing left to learn: this person could mentor others." in result.output
    data = json.loads(runner.invoke(args=["ladder", "show", "Sage", "--json"]).output)
    assert data["complete"] is True and data["suggest_mentor_role"] is True
    assert db.session.scalar(select(func.count()).select_from(SkillStance)) == len(
        get_catalog().skills
    )


def test_show_unknown_username_fails_clearly(runner):
    result = runner.invoke(args=["ladder", "show", "Nobody"])
    assert result.exit_code != 0
    assert "No account is named 'Nobody'." in result.output
