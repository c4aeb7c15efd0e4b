"""The learning-ladder engine: a self-assessment and goals in, an ordered plan out.

Pure and deterministic — no Flask, no database. :func:`build_ladder` chooses the
skills a volunteer still needs (the Fundamental foundations, the goal roles'
skills, the skills closest to their interests, the prerequisites of all of them,
and a way to give back at the top), orders them in rungs by level so that no
skill comes before its prerequisites, and lays them out week by week within the
volunteer's weekly hours.

A skill counts as known when the volunteer marks it "confident" or "can teach",
or leaves it unmarked while being confident in a skill that builds on it.

Nothing is ever a gate: a missing prerequisite becomes a step, never a refusal.
Each step says why it is there with structured :class:`Reason` values; the web
layer turns them into translated sentences.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matcher.text import TextIndex

    from .catalog import Catalog

MIN_HOURS_PER_WEEK = 0.25
MAX_HOURS_PER_WEEK = 80.0
MAX_INTERESTS_LENGTH = 10_000
MAX_INTEREST_SKILLS = 4
MIN_INTEREST_SIMILARITY = 0.08
INTEREST_TERMS_SHOWN = 3
IN_PROGRESS_SHARE_LEFT = 0.5
MINUTES_PER_HOUR = 60


class Stance(StrEnum):
    """A volunteer's own view of one skill."""

    NOT_YET = "not_yet"
    LEARNING = "learning"
    CONFIDENT = "confident"
    CAN_TEACH = "can_teach"


KNOWN_STANCES = frozenset({Stance.CONFIDENT, Stance.CAN_TEACH})


class ReasonKind(StrEnum):
    """Why a step is on a ladder; see :class:`Reason` for what ``ref`` and ``terms`` hold."""

    GOAL_ROLE = "goal_role"
    INTEREST = "interest"
    FOUNDATION = "foundation"
    PREREQUISITE_OF = "prerequisite_of"
    GIVES_BACK = "gives_back"


REASON_KIND_ORDER = tuple(ReasonKind)
URGENCY_GROUPS = (ReasonKind.GOAL_ROLE, ReasonKind.INTEREST, ReasonKind.FOUNDATION)


@dataclass(frozen=True)
class Reason:
    """One structured reason for a step.

    - ``goal_role``: ``ref`` is a role the volunteer aims for that needs the skill.
    - ``interest``: the skill is among the closest to the volunteer's interests;
      ``terms`` are the words they share.
    - ``foundation``: a Fundamental skill, the first steps everyone takes.
    - ``prerequisite_of``: ``ref`` is a skill on the ladder that builds on this one.
    - ``gives_back``: the skill is a way of giving back (teaching, mentoring…).
    """

    kind: ReasonKind
    ref: str | None = None
    terms: tuple[str, ...] = ()


class LadderInputError(ValueError):
    """A ladder request that cannot be honoured; ``field`` names the offending input."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LadderRequest:
    """What a volunteer tells the engine.

    ``stances`` maps skill ids to a :class:`Stance` (or its string value); skills
    left out count as "not yet", so an empty mapping means "I know nothing yet".
    ``languages`` is carried for the plan but does not change the ladder: the
    catalog's skills are the same in every language.
    """

    stances: Mapping[str, Stance | str] = field(default_factory=dict)
    goal_roles: tuple[str, ...] = ()
    interests: str = ""
    languages: tuple[str, ...] = ()
    hours_per_week: float = 3.0


@dataclass(frozen=True)
class Step:
    """One skill to work on, in ladder order (``order`` counts from 1 across rungs).

    ``hours`` is the time still to spend: the catalog's effort, or half of it for a
    skill already in progress (``in_progress``, the volunteer's "learning"). The
    step runs from ``start_week`` to ``end_week`` (weeks count from 1) and
    ``week_hours`` holds the hours planned in each of those weeks.
    """

    skill_id: str
    level: str
    order: int
    hours: float
    activities: tuple[str, ...]
    reasons: tuple[Reason, ...]
    in_progress: bool
    start_week: int
    end_week: int
    week_hours: tuple[float, ...]

    @property
    def weeks(self) -> tuple[int, ...]:
        """The week numbers this step is planned in."""
        return tuple(range(self.start_week, self.end_week + 1))


@dataclass(frozen=True)
class Rung:
    """The steps of one level, in the order to take them."""

    level_id: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Ladder:
    """A volunteer's ordered plan.

    ``rungs`` run from the lowest level up and hold only levels with steps.
    ``can_mentor`` lists the skills the volunteer can teach (catalog order);
    ``suggest_mentor_role`` is true when they can teach something or have nothing
    left to learn. ``complete`` means there is no step left at all.
    ``total_hours`` adds up the steps' hours; ``total_weeks`` is the last week
    with planned work (0 for a complete ladder).
    """

    rungs: tuple[Rung, ...]
    can_mentor: tuple[str, ...]
    suggest_mentor_role: bool
    complete: bool
    total_hours: float
    total_weeks: int
    hours_per_week: float

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step, in ladder order."""
        return tuple(step for rung in self.rungs for step in rung.steps)


def build_ladder(catalog: Catalog, request: LadderRequest) -> Ladder:
    """Build the ordered, scheduled ladder for one volunteer.

    Raises :class:`LadderInputError` when the request names unknown skills, roles
    or stances, asks for an absurd number of hours, or has overlong interests.
    """
    stances = _validated_stances(catalog, request)
    known = _known_skills(catalog, stances)
    interests = _match_interests(catalog, request.interests, known)
    reasons = _chosen_skills(catalog, request, known, interests)
    _add_prerequisites(catalog, reasons, known)
    ordered = _ladder_order(catalog, reasons, interests.similarities)
    minutes = [_minutes_left(catalog, skill_id, stances.get(skill_id)) for skill_id in ordered]
    slots = _schedule(minutes, _weekly_capacity(request.hours_per_week))
    order = {skill_id: position for position, skill_id in enumerate(ordered, start=1)}
    steps = [
        _step(catalog, skill_id, order, reasons[skill_id], stances, slot)
        for skill_id, slot in zip(ordered, slots, strict=True)
    ]
    can_mentor = tuple(
        skill_id for skill_id in catalog.skills if stances.get(skill_id) is Stance.CAN_TEACH
    )
    return Ladder(
        rungs=_rungs(steps),
        can_mentor=can_mentor,
        suggest_mentor_role=bool(can_mentor) or not steps,
        complete=not steps,
        total_hours=sum(minutes) / MINUTES_PER_HOUR,
        total_weeks=slots[-1].end_week if slots else 0,
        hours_per_week=request.hours_per_week,
    )


def ladder_to_dict(ladder: Ladder) -> dict[str, Any]:
    """Return the ladder as plain JSON-ready data (lists, strings, numbers, booleans)."""
    return {
        "complete": ladder.complete,
        "can_mentor": list(ladder.can_mentor),
        "suggest_mentor_role": ladder.suggest_mentor_role,
        "total_hours": ladder.total_hours,
        "total_weeks": ladder.total_weeks,
        "hours_per_week": ladder.hours_per_week,
        "rungs": [
            {"level_id": rung.level_id, "steps": [_step_to_dict(step) for step in rung.steps]}
            for rung in ladder.rungs
        ],
    }


def _step_to_dict(step: Step) -> dict[str, Any]:
    return {
        "skill_id": step.skill_id,
        "level": step.level,
        "order": step.order,
        "hours": step.hours,
        "activities": list(step.activities),
        "reasons": [
            {"kind": str(reason.kind), "ref": reason.ref, "terms": list(reason.terms)}
            for reason in step.reasons
        ],
        "in_progress": step.in_progress,
        "start_week": step.start_week,
        "end_week": step.end_week,
        "week_hours": list(step.week_hours),
    }


def _validated_stances(catalog: Catalog, request: LadderRequest) -> dict[str, Stance]:
    """Check a request against the catalog; return its stances as :class:`Stance` values."""
    _check_interests(request.interests)
    _check_hours(request.hours_per_week)
    for role_id in request.goal_roles:
        if role_id not in catalog.roles:
            raise LadderInputError(f"unknown role {role_id!r}", field="goal_roles")
    return {
        skill_id: _stance(catalog, skill_id, value) for skill_id, value in request.stances.items()
    }


def _known_skills(catalog: Catalog, stances: Mapping[str, Stance]) -> frozenset[str]:
    """The skills to leave off the ladder.

    Those marked confident or can-teach, plus the unmarked prerequisites beneath
    them: someone confident in running events is not sent back to its basics. An
    explicit "not yet" or "learning" always keeps a skill on the ladder.
    """
    declared = [skill_id for skill_id, stance in stances.items() if stance in KNOWN_STANCES]
    beneath = catalog.prerequisite_closure(declared)
    return frozenset(declared).union(s for s in beneath if s not in stances)


@dataclass(frozen=True)
class _InterestMatch:
    """How close a volunteer's interests are to the catalog's skills.

    ``similarities`` holds the TF-IDF cosine similarity to every skill (empty for
    blank interests); ``closest`` holds the few unknown skills close enough to join
    the ladder, closest first, each with the words it shares with the interests.
    """

    similarities: Mapping[str, float]
    closest: Mapping[str, tuple[str, ...]]


def _match_interests(catalog: Catalog, interests: str, known: frozenset[str]) -> _InterestMatch:
    """Compare interest text with every skill's text, using the matcher's vectorizing.

    The text is vectorized once; the similarities and the shared words both come
    from that one vector.
    """
    if not interests.strip():
        return _InterestMatch(similarities={}, closest={})
    from matcher.text import top_terms  # scikit-learn and SciPy load only when needed

    index = _interest_index(catalog)
    query = index.transform([interests])
    scores = (index.matrix @ query.T).toarray().ravel()
    similarities = {
        skill_id: float(score) for skill_id, score in zip(index.keys, scores, strict=True)
    }
    closest = _closest_to_interests(catalog, similarities, known)
    rows = index.matrix[[_positions(catalog)[skill_id] for skill_id in closest]]
    shared = top_terms(rows.multiply(query).tocsr(), INTEREST_TERMS_SHOWN)
    return _InterestMatch(
        similarities=similarities,
        closest={
            skill_id: index.display(columns)
            for skill_id, columns in zip(closest, shared, strict=True)
        },
    )


def _check_interests(interests: str) -> None:
    if not isinstance(interests, str):
        raise LadderInputError("interests must be text", field="interests")
    if len(interests) > MAX_INTERESTS_LENGTH:
        raise LadderInputError(
            f"interests are longer than {MAX_INTERESTS_LENGTH} characters", field="interests"
        )


def _check_hours(hours_per_week: float) -> None:
    is_number = isinstance(hours_per_week, int | float) and not isinstance(hours_per_week, bool)
    if not (is_number and MIN_HOURS_PER_WEEK <= hours_per_week <= MAX_HOURS_PER_WEEK):
        raise LadderInputError(
            f"hours per week must be between {MIN_HOURS_PER_WEEK} and {MAX_HOURS_PER_WEEK}",
            field="hours_per_week",
        )


def _stance(catalog: Catalog, skill_id: str, value: Stance | str) -> Stance:
    if skill_id not in catalog.skills:
        raise LadderInputError(f"unknown skill {skill_id!r}", field="stances")
    try:
        return Stance(value)
    except ValueError:
        raise LadderInputError(f"unknown stance {value!r}", field="stances") from None


@functools.lru_cache(maxsize=8)
def _interest_index(catalog: Catalog) -> TextIndex:
    """The TF-IDF index of the skill texts, fitted once per catalog (hashed by identity)."""
    from matcher.text import TextIndex

    return TextIndex({skill_id: catalog.skill_text(skill_id) for skill_id in catalog.skills})


@functools.lru_cache(maxsize=8)
def _positions(catalog: Catalog) -> dict[str, int]:
    return {skill_id: position for position, skill_id in enumerate(catalog.skills)}


def _chosen_skills(
    catalog: Catalog,
    request: LadderRequest,
    known: frozenset[str],
    interests: _InterestMatch,
) -> dict[str, list[Reason]]:
    reasons: dict[str, list[Reason]] = {}
    for role_id in dict.fromkeys(request.goal_roles):
        _add(reasons, catalog.roles[role_id].skills, known, Reason(ReasonKind.GOAL_ROLE, role_id))
    for skill_id, terms in interests.closest.items():
        _add(reasons, (skill_id,), known, Reason(ReasonKind.INTEREST, terms=terms))
    _add(reasons, _foundations(catalog), known, Reason(ReasonKind.FOUNDATION))
    _add_giving_back(catalog, reasons, known, interests.similarities)
    return reasons


def _add(
    reasons: dict[str, list[Reason]], skill_ids: Iterable[str], known: frozenset[str], why: Reason
) -> None:
    for skill_id in skill_ids:
        if skill_id not in known and why not in reasons.setdefault(skill_id, []):
            reasons[skill_id].append(why)


def _closest_to_interests(
    catalog: Catalog, similarities: Mapping[str, float], known: frozenset[str]
) -> list[str]:
    positions = _positions(catalog)
    candidates = [
        skill_id
        for skill_id, similarity in similarities.items()
        if similarity >= MIN_INTEREST_SIMILARITY and skill_id not in known
    ]
    candidates.sort(key=lambda skill_id: (-similarities[skill_id], positions[skill_id]))
    return candidates[:MAX_INTEREST_SKILLS]


def _foundations(catalog: Catalog) -> list[str]:
    first_level = min(catalog.levels.values(), key=lambda level: level.rank)
    return [skill.id for skill in catalog.skills_at(first_level.id)]


def _add_giving_back(
    catalog: Catalog,
    reasons: dict[str, list[Reason]],
    known: frozenset[str],
    similarities: Mapping[str, float],
) -> None:
    """Make sure the top rung offers a way to give back, then mark every such step."""
    top_rank = max((catalog.level_rank(skill_id) for skill_id in reasons), default=0)
    giving_back = [
        skill.id for skill in catalog.skills.values() if skill.gives_back and skill.id not in known
    ]
    offered = [skill_id for skill_id in giving_back if skill_id in reasons]
    at_top = [skill_id for skill_id in giving_back if catalog.level_rank(skill_id) >= top_rank]
    if at_top and not any(catalog.level_rank(s) == top_rank for s in offered):
        positions = _positions(catalog)
        nearest = min(
            at_top,
            key=lambda skill_id: (
                catalog.level_rank(skill_id),
                -similarities.get(skill_id, 0.0),
                positions[skill_id],
            ),
        )
        offered.append(nearest)
    _add(reasons, offered, known, Reason(ReasonKind.GIVES_BACK))


def _add_prerequisites(
    catalog: Catalog, reasons: dict[str, list[Reason]], known: frozenset[str]
) -> None:
    """Add every missing prerequisite as a step; a known skill ends the walk."""
    pending = list(reasons)
    while pending:
        dependant = pending.pop()
        for prerequisite in catalog.skills[dependant].prerequisites:
            if prerequisite in known:
                continue
            if prerequisite not in reasons:
                pending.append(prerequisite)
            _add(reasons, (prerequisite,), known, Reason(ReasonKind.PREREQUISITE_OF, dependant))


def _ladder_order(
    catalog: Catalog, reasons: Mapping[str, list[Reason]], similarities: Mapping[str, float]
) -> list[str]:
    """Order the steps: by level, prerequisites first, then goals, interests, catalog order.

    A prerequisite is as urgent as the most urgent step of its own rung that
    builds on it, so it is taken right before that step rather than at the end of
    the rung. A dependant in a later rung waits for the whole rung anyway.
    """
    positions = _positions(catalog)
    on_ladder = reasons.keys()
    prerequisites = {
        skill_id: [p for p in catalog.skills[skill_id].prerequisites if p in on_ladder]
        for skill_id in on_ladder
    }
    dependants: dict[str, list[str]] = {skill_id: [] for skill_id in on_ladder}
    for skill_id, needed in prerequisites.items():
        for prerequisite in needed:
            dependants[prerequisite].append(skill_id)
    same_rung_dependants = {
        skill_id: [
            d for d in builds_on if catalog.skills[d].level == catalog.skills[skill_id].level
        ]
        for skill_id, builds_on in dependants.items()
    }
    urgency = _inherited_urgency(reasons, similarities, same_rung_dependants)

    def sort_key(skill_id: str) -> tuple[int, int, float, int, str]:
        group, closeness = urgency[skill_id]
        return (catalog.level_rank(skill_id), group, closeness, positions[skill_id], skill_id)

    waiting = {skill_id: len(needed) for skill_id, needed in prerequisites.items()}
    ready = [sort_key(skill_id) for skill_id, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        skill_id = heapq.heappop(ready)[-1]
        ordered.append(skill_id)
        for dependant in dependants[skill_id]:
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                heapq.heappush(ready, sort_key(dependant))
    return ordered


def _inherited_urgency(
    reasons: Mapping[str, list[Reason]],
    similarities: Mapping[str, float],
    dependants: Mapping[str, list[str]],
) -> dict[str, tuple[int, float]]:
    """Urgency (lower first): goal skills, interest skills, foundations, then the rest.

    Within a group, closer to the interests first. Each skill takes the most
    urgent value among itself and everything in ``dependants`` that builds on it.
    """
    own = {
        skill_id: (_urgency_group(why), -similarities.get(skill_id, 0.0))
        for skill_id, why in reasons.items()
    }
    urgency: dict[str, tuple[int, float]] = {}

    def resolve(skill_id: str) -> tuple[int, float]:
        if skill_id not in urgency:
            urgency[skill_id] = min([own[skill_id], *(resolve(d) for d in dependants[skill_id])])
        return urgency[skill_id]

    for skill_id in reasons:
        resolve(skill_id)
    return urgency


def _urgency_group(reasons: Iterable[Reason]) -> int:
    kinds = {reason.kind for reason in reasons}
    return next(
        (group for group, kind in enumerate(URGENCY_GROUPS) if kind in kinds), len(URGENCY_GROUPS)
    )


def _minutes_left(catalog: Catalog, skill_id: str, stance: Stance | None) -> int:
    minutes = round(catalog.skills[skill_id].effort_hours * MINUTES_PER_HOUR)
    if stance is Stance.LEARNING:
        return math.ceil(minutes * IN_PROGRESS_SHARE_LEFT)
    return minutes


def _weekly_capacity(hours_per_week: float) -> int:
    return math.floor(hours_per_week * MINUTES_PER_HOUR + 1e-9)


@dataclass(frozen=True)
class _Slot:
    start_week: int
    end_week: int
    week_minutes: tuple[int, ...]


def _schedule(minutes: Iterable[int], capacity: int) -> list[_Slot]:
    """Lay steps end to end into weeks of ``capacity`` minutes, in ladder order."""
    slots: list[_Slot] = []
    week, used = 1, 0
    for left in minutes:
        if used == capacity:
            week, used = week + 1, 0
        start_week, shares = week, []
        while True:
            share = min(capacity - used, left)
            shares.append(share)
            used, left = used + share, left - share
            if not left:
                break
            week, used = week + 1, 0
        slots.append(_Slot(start_week, week, tuple(shares)))
    return slots


def _step(
    catalog: Catalog,
    skill_id: str,
    order: Mapping[str, int],
    reasons: list[Reason],
    stances: Mapping[str, Stance],
    slot: _Slot,
) -> Step:
    skill = catalog.skills[skill_id]
    return Step(
        skill_id=skill_id,
        level=skill.level,
        order=order[skill_id],
        hours=sum(slot.week_minutes) / MINUTES_PER_HOUR,
        activities=tuple(skill.activities),
        reasons=_sorted_reasons(reasons, order),
        in_progress=stances.get(skill_id) is Stance.LEARNING,
        start_week=slot.start_week,
        end_week=slot.end_week,
        week_hours=tuple(share / MINUTES_PER_HOUR for share in slot.week_minutes),
    )


def _sorted_reasons(reasons: list[Reason], order: Mapping[str, int]) -> tuple[Reason, ...]:
    def key(reason: Reason) -> tuple[int, int]:
        builds_on = order[reason.ref] if reason.kind is ReasonKind.PREREQUISITE_OF else 0
        return (REASON_KIND_ORDER.index(reason.kind), builds_on)

    return tuple(sorted(reasons, key=key))


def _rungs(steps: list[Step]) -> tuple[Rung, ...]:
    by_level = itertools.groupby(steps, key=operator.attrgetter("level"))
    return tuple(Rung(level_id, tuple(rung_steps)) for level_id, rung_steps in by_level)
