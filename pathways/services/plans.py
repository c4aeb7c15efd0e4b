"""Learning ladders: a volunteer's self-assessment, their plan, and their progress.

The engine (:mod:`pathways.ladder`) chooses and orders the steps; this module
stores them as a :class:`~pathways.models.Plan` and keeps each step's progress.
Re-planning keeps the progress of every step whose skill stays on the ladder.
Finishing every step of a level issues that level's badge, or asks a mentor to
endorse it first (:mod:`pathways.services.endorsements`).
"""

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalog import Catalog, get_catalog
from ..extensions import db
from ..ladder import (
    MAX_HOURS_PER_WEEK,
    MAX_INTERESTS_LENGTH,
    MIN_HOURS_PER_WEEK,
    Ladder,
    LadderInputError,
    LadderRequest,
    Stance,
    build_ladder,
)
from ..models import Badge, Person, PersonLanguage, Plan, PlanStep, SkillStance, StepStatus, utcnow
from . import DomainError, NotAllowed, endorsements, recognition, too_long
from .accounts import check_languages
from .matching import bump_profile_version

DEFAULT_HOURS_PER_WEEK = 3.0
MAX_REFLECTION_LENGTH = 4000
SHOWN_UNKNOWN_IDS = 3
SHOWN_ID_LENGTH = 40

_ENGINE_MESSAGES = {
    "stances": _l("This self-assessment cannot be used for a ladder."),
    "goal_roles": _l("Choose goal roles from the list."),
    "interests": _l("These interests cannot be used for a ladder."),
    "hours_per_week": _l("These hours cannot be used for a ladder."),
}


@dataclass(frozen=True)
class RungProgress:
    """The stored steps of one level, in ladder order, and how many are done."""

    level_id: str
    steps: tuple[PlanStep, ...]
    done: int

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return self.done == self.total


def ladder_progress(person_id: int) -> tuple[int, int] | None:
    """(done, total) steps of a person's plan, or None without a plan."""
    plan = db.session.scalar(
        select(Plan).where(Plan.person_id == person_id).options(selectinload(Plan.steps))
    )
    if plan is None:
        return None
    return sum(step.status == StepStatus.DONE for step in plan.steps), len(plan.steps)


def plan_of(person: Person) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.person_id == person.id))


def stances_of(person: Person) -> dict[str, Stance]:
    return {row.skill_id: row.stance for row in person.stances}


def _shown_ids(ids: list[str]) -> str:
    return ", ".join(i[:SHOWN_ID_LENGTH] for i in ids[:SHOWN_UNKNOWN_IDS])


def save_assessment(person: Person, stances: Mapping[str, str]) -> None:
    """Replace the person's self-assessment; skills left out count as not yet marked."""
    catalog = get_catalog()
    if not stances:
        raise DomainError(_l("Mark at least one skill, even if only as “Not yet”."), "stances")
    unknown = sorted(skill_id for skill_id in stances if skill_id not in catalog.skills)
    if unknown:
        raise DomainError(_l("Unknown skill: %(ids)s.", ids=_shown_ids(unknown)), "stances")
    values = {str(s) for s in Stance}
    wrong = sorted(str(v) for v in stances.values() if v not in values)
    if wrong:
        raise DomainError(_l("Unknown stance: %(values)s.", values=_shown_ids(wrong)), "stances")
    kept = {row.skill_id: row for row in person.stances}
    rows = []
    for skill_id in catalog.skills:
        if skill_id in stances:
            row = kept.get(skill_id) or SkillStance(skill_id=skill_id)
            row.stance = Stance(stances[skill_id])
            rows.append(row)
    person.stances = rows
    bump_profile_version()


def _check_goal_roles(goal_roles: list[str]) -> list[str]:
    catalog = get_catalog()
    unknown = [role_id for role_id in goal_roles if role_id not in catalog.roles]
    if unknown:
        raise DomainError(_l("Unknown role: %(ids)s.", ids=_shown_ids(unknown)), "goal_roles")
    return list(dict.fromkeys(goal_roles))


def _check_hours(hours_per_week: float) -> float:
    try:
        hours = float(hours_per_week)
    except (TypeError, ValueError):
        hours = math.nan
    if not MIN_HOURS_PER_WEEK <= hours <= MAX_HOURS_PER_WEEK:
        raise DomainError(
            _l(
                "Give between %(min)s and %(max)s hours a week.",
                min=MIN_HOURS_PER_WEEK,
                max=int(MAX_HOURS_PER_WEEK),
            ),
            "hours_per_week",
        )
    return hours


def _check_interests(interests: str) -> str:
    interests = (interests or "").strip()
    if len(interests) > MAX_INTERESTS_LENGTH:
        raise DomainError(too_long(MAX_INTERESTS_LENGTH), "interests")
    return interests


def save_interests(person: Person, interests: str) -> None:
    """The person's interests (free text the ladder and the matcher read)."""
    person.interests = _check_interests(interests)
    bump_profile_version()


def _check_plan_languages(languages: list[str]) -> list[str]:
    codes = check_languages(languages)
    if not codes:
        raise DomainError(_l("Name at least one language you can work in."), "languages")
    return codes


def _run_engine(
    stances: Mapping[str, Stance],
    goal_roles: list[str],
    interests: str,
    languages: list[str],
    hours_per_week: float,
) -> Ladder:
    try:
        return _ladder(
            get_catalog(),
            tuple(stances.items()),
            tuple(goal_roles),
            interests,
            tuple(languages),
            hours_per_week,
        )
    except LadderInputError as error:
        message = _ENGINE_MESSAGES.get(error.field, _l("This value cannot be used for a ladder."))
        raise DomainError(message, error.field) from error


@functools.lru_cache(maxsize=256, typed=True)
def _ladder(
    catalog: Catalog,
    stances: tuple[tuple[str, Stance], ...],
    goal_roles: tuple[str, ...],
    interests: str,
    languages: tuple[str, ...],
    hours_per_week: float,
) -> Ladder:
    """The engine is pure, its ladders immutable, and the ladder page runs it at every
    view (about 2 ms): the ladders asked for last are kept (a catalog is its identity)."""
    request = LadderRequest(
        stances=dict(stances),
        goal_roles=goal_roles,
        interests=interests,
        languages=languages,
        hours_per_week=hours_per_week,
    )
    return build_ladder(catalog, request)


def build_plan(
    person: Person,
    goal_roles: list[str],
    interests: str,
    languages: list[str],
    hours_per_week: float,
) -> Plan:
    """Plan (or re-plan) the person's ladder from their stances and these goals.

    Saves the interests and languages on the person. Steps whose skill stays on
    the ladder keep their progress and reflection; the others are dropped.
    """
    goal_roles = _check_goal_roles(list(goal_roles))
    interests = _check_interests(interests)
    codes = _check_plan_languages(list(languages))
    hours = _check_hours(hours_per_week)
    ladder = _run_engine(stances_of(person), goal_roles, interests, codes, hours)

    save_interests(person, interests)
    kept_languages = {lang.code: lang for lang in person.languages}
    person.languages = [kept_languages.get(c) or PersonLanguage(code=c) for c in codes]
    plan = plan_of(person)
    if plan is None:
        plan = Plan(person_id=person.id)
        db.session.add(plan)
    plan.goal_roles = goal_roles
    plan.hours_per_week = hours
    plan.updated_at = utcnow()
    previous = {row.skill_id: row for row in plan.steps}
    rows = []
    for step in ladder.steps:
        row = previous.get(step.skill_id) or PlanStep(skill_id=step.skill_id)
        row.position = step.order
        if step.in_progress:
            _mark_under_way(row)
        rows.append(row)
    plan.steps = rows
    bump_profile_version()
    db.session.flush()
    return plan


def _mark_under_way(row: PlanStep) -> None:
    """A step the person marked "learning" is started, so its status agrees with what the
    ladder says of it; a step already started or done keeps its progress."""
    if row.status in (None, StepStatus.NOT_STARTED):
        row.status = StepStatus.STARTED
        row.started_at = row.started_at or utcnow()


def onboard(
    person: Person,
    stances: Mapping[str, str],
    goal_roles: list[str],
    interests: str,
    languages: list[str],
    hours_per_week: float,
) -> Plan:
    """The onboarding form: the self-assessment and the goals, saved together or not at all."""
    save_assessment(person, stances)
    return build_plan(person, goal_roles, interests, languages, hours_per_week)


def current_ladder(person: Person, plan: Plan | None = None) -> Ladder | None:
    """The engine's ladder for the stored plan (reasons, schedule), or None without a plan.

    The engine is deterministic, so this matches the stored steps unless the
    person's stances or interests changed since; :func:`plan_is_stale` tells.
    """
    plan = plan or plan_of(person)
    if plan is None:
        return None
    return _run_engine(
        stances_of(person),
        list(plan.goal_roles),
        person.interests or "",
        person.language_codes,
        plan.hours_per_week,
    )


def default_ladder(person: Person) -> Ladder:
    """A ladder from the person's stances and interests with no goals and default hours."""
    return _run_engine(
        stances_of(person),
        [],
        person.interests or "",
        person.language_codes,
        DEFAULT_HOURS_PER_WEEK,
    )


def plan_is_stale(plan: Plan, ladder: Ladder) -> bool:
    """True when the engine would now choose other steps than the stored ones."""
    return [row.skill_id for row in plan.steps] != [step.skill_id for step in ladder.steps]


def progress_by_rung(plan: Plan) -> list[RungProgress]:
    """The stored steps grouped by level, lowest level first, with the count done."""
    catalog = get_catalog()
    by_level: dict[str, list[PlanStep]] = {}
    for row in plan.steps:
        by_level.setdefault(catalog.skills[row.skill_id].level, []).append(row)
    ordered = sorted(by_level.items(), key=lambda item: catalog.levels[item[0]].rank)
    return [
        RungProgress(
            level_id=level_id,
            steps=tuple(rows),
            done=sum(row.status == StepStatus.DONE for row in rows),
        )
        for level_id, rows in ordered
    ]


def mark_step(
    person: Person, step_id: int, status: str, reflection: str | None = None
) -> Badge | None:
    """Record progress on one of the person's own steps.

    Returns the level's badge when this change completed the level and the badge
    is new; None otherwise (also when the level now waits for an endorsement).
    """
    row = db.session.get(PlanStep, step_id)
    if row is None or row.plan.person_id != person.id:
        raise NotAllowed(_l("You can only update the steps of your own ladder."))
    try:
        new_status = StepStatus(status)
    except ValueError:
        raise DomainError(_l("Choose one of the listed states."), "status") from None
    reflection = (reflection or "").strip()
    if len(reflection) > MAX_REFLECTION_LENGTH:
        raise DomainError(too_long(MAX_REFLECTION_LENGTH), "reflection")
    now = utcnow()
    if new_status != StepStatus.NOT_STARTED and row.started_at is None:
        row.started_at = now
    if new_status == StepStatus.DONE and row.status != StepStatus.DONE:
        row.done_at = now
    if new_status != StepStatus.DONE:
        row.done_at = None
    row.status = new_status
    row.reflection = reflection
    row.plan.updated_at = now
    db.session.flush()
    return _recognise_level(person, row)


def _recognise_level(person: Person, row: PlanStep) -> Badge | None:
    """A level just finished earns its badge, or asks for a mentor's endorsement; a level
    no longer finished withdraws that request."""
    catalog = get_catalog()
    level_id = catalog.skills[row.skill_id].level
    if recognition.badge_of(person, level_id) is not None:
        return None
    rung = next(r for r in progress_by_rung(row.plan) if r.level_id == level_id)
    if not rung.complete:
        endorsements.level_unfinished(person, level_id)
        return None
    return endorsements.level_finished(person, level_id)
