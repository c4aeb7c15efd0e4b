"""``flask ladder show USERNAME [--json]``: a person's ladder, for support and scripts.

With a saved plan, the ladder is the plan's, with each step's progress. Without
one, it is built from the person's self-assessment and interests with no goal
role and the default hours, and nothing is saved; the output says so
(``"saved": false`` in JSON).
"""

import json

import click
from flask.cli import AppGroup

from ..catalog import get_catalog
from ..labels import describe_reason
from ..ladder import Ladder, ladder_to_dict
from ..models import Person, Plan
from ..services import DomainError, accounts, plans

ladder = AppGroup("ladder", help="Show volunteers' learning ladders.")


@ladder.command("show")
@click.argument("username")
@click.option("--json", "as_json", is_flag=True, help="Print the ladder as JSON.")
def show(username: str, as_json: bool) -> None:
    """Print USERNAME's ladder: rungs, steps, reasons and progress."""
    person = accounts.find_by_username(username)
    if person is None:
        raise click.ClickException(f"No account is named {username!r}.")
    plan = plans.plan_of(person)
    try:
        built = plans.current_ladder(person, plan) if plan else plans.default_ladder(person)
    except DomainError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    if as_json:
        click.echo(json.dumps(_as_dict(person, plan, built), indent=2, ensure_ascii=False))
    else:
        click.echo(_as_text(person, plan, built))


def _statuses(plan: Plan | None) -> dict[str, str]:
    return {row.skill_id: row.status.value for row in plan.steps} if plan else {}


def _as_dict(person: Person, plan: Plan | None, built: Ladder) -> dict:
    data = ladder_to_dict(built)
    statuses = _statuses(plan)
    for rung in data["rungs"]:
        for step in rung["steps"]:
            step["status"] = statuses.get(step["skill_id"], "not_started")
    return {
        "username": person.username,
        "saved": plan is not None,
        "goal_roles": list(plan.goal_roles) if plan else [],
        "stale": plans.plan_is_stale(plan, built) if plan else False,
        **data,
    }


def _as_text(person: Person, plan: Plan | None, built: Ladder) -> str:
    catalog = get_catalog()
    statuses = _statuses(plan)
    goals = ", ".join(catalog.roles[r].name for r in plan.goal_roles) if plan else ""
    lines = [f"Ladder of {person.username}"]
    if plan is None:
        lines.append(
            "No saved plan: built from the self-assessment with no goal role and "
            f"{built.hours_per_week:g} hours a week. Nothing was saved."
        )
    lines.append(f"Goals: {goals or '(none)'}; {built.hours_per_week:g} hours a week")
    if built.complete:
        lines.append("Nothing left to learn: this person could mentor others.")
        return "\n".join(lines)
    lines.append(
        f"{len(built.steps)} steps, {built.total_hours:g} hours, about {built.total_weeks} weeks"
    )
    marks = {"not_started": "[ ]", "started": "[~]", "done": "[x]"}
    for rung in built.rungs:
        lines.append("")
        lines.append(catalog.levels[rung.level_id].name)
        for step in rung.steps:
            mark = marks[statuses.get(step.skill_id, "not_started")]
            lines.append(
                f"  {step.order:>2}. {mark} {catalog.skills[step.skill_id].name} "
                f"({step.hours:g} h, weeks {step.start_week}-{step.end_week})"
            )
            lines.extend(f"        - {describe_reason(reason)}" for reason in step.reasons)
    if built.suggest_mentor_role:
        lines.append("")
        lines.append(f"Could offer to mentor: can teach {len(built.can_mentor)} skills.")
    return "\n".join(lines)
