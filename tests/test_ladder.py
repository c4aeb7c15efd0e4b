import json
import math
from collections import defaultdict

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pathways.catalog import get_catalog
from pathways.ladder import (
    KNOWN_STANCES,
    MAX_HOURS_PER_WEEK,
    Ladder,
    LadderInputError,
    LadderRequest,
    Reason,
    ReasonKind,
    Stance,
    build_ladder,
    ladder_to_dict,
)

CATALOG = get_catalog()
ORGANIZER = "event-organizer"
ORGANIZING_INTERESTS = "I love organizing editathons and meetups"


def ladder_for(**request) -> Ladder:
    return build_ladder(CATALOG, LadderRequest(**request))


def step_ids(ladder: Ladder) -> list[str]:
    return [step.skill_id for step in ladder.steps]


def step_of(ladder: Ladder, skill_id: str):
    return next(step for step in ladder.steps if step.skill_id == skill_id)


def kinds(step) -> set[ReasonKind]:
    return {reason.kind for reason in step.reasons}


def organizer_role_skills() -> tuple[str, ...]:
    return CATALOG.roles[ORGANIZER].skills


# --- the "Done when" examples ---------------------------------------------------


def test_newcomer_aiming_for_event_organizer_starts_with_fundamental_on_wiki_basics():
    ladder = ladder_for(goal_roles=(ORGANIZER,))
    first_rung = ladder.rungs[0]
    assert first_rung.level_id == "fundamental"
    assert {"wiki-basics", "using-sandbox", "referencing"} <= {s.skill_id for s in first_rung.steps}
    first_steps = [CATALOG.skills[step.skill_id] for step in first_rung.steps[:2]]
    assert [(skill.level, skill.track) for skill in first_steps] == [("fundamental", "on-wiki")] * 2


def test_organizer_skills_come_in_prerequisite_order():
    ladder = ladder_for(goal_roles=(ORGANIZER,))
    position = {skill_id: index for index, skill_id in enumerate(step_ids(ladder))}
    for skill_id in organizer_role_skills():
        assert skill_id in position
        for prerequisite in CATALOG.prerequisite_closure((skill_id,)):
            if prerequisite != skill_id:
                assert position[prerequisite] < position[skill_id]
        assert Reason(ReasonKind.GOAL_ROLE, ORGANIZER) in step_of(ladder, skill_id).reasons


def test_confident_skills_are_left_out():
    known = {"referencing": Stance.CONFIDENT, "using-sandbox": Stance.CONFIDENT}
    ladder = ladder_for(goal_roles=(ORGANIZER,), stances=known)
    assert "referencing" not in step_ids(ladder)
    assert "using-sandbox" not in step_ids(ladder)
    assert set(organizer_role_skills()) <= set(step_ids(ladder))


def test_stance_strings_are_accepted_like_stances():
    as_strings = ladder_for(goal_roles=(ORGANIZER,), stances={"referencing": "confident"})
    as_stances = ladder_for(goal_roles=(ORGANIZER,), stances={"referencing": Stance.CONFIDENT})
    assert as_strings == as_stances


def test_volunteer_who_knows_everything_gets_a_complete_ladder_pointing_to_mentoring():
    ladder = ladder_for(stances=dict.fromkeys(CATALOG.skills, Stance.CONFIDENT))
    assert ladder.complete
    assert ladder.rungs == ()
    assert ladder.suggest_mentor_role
    assert ladder.total_hours == 0
    assert ladder.total_weeks == 0


def test_can_teach_marks_a_potential_mentor():
    ladder = ladder_for(stances={"referencing": Stance.CAN_TEACH, "using-sandbox": "learning"})
    assert ladder.can_mentor == ("referencing",)
    assert ladder.suggest_mentor_role
    assert "referencing" not in step_ids(ladder)


def test_no_mentor_role_suggested_to_a_learner():
    ladder = ladder_for(stances={"referencing": Stance.CONFIDENT})
    assert ladder.can_mentor == ()
    assert not ladder.suggest_mentor_role


@pytest.mark.parametrize(
    "request_values",
    [
        {},
        {"goal_roles": (ORGANIZER,)},
        {"goal_roles": tuple(CATALOG.roles)},
        {"interests": ORGANIZING_INTERESTS},
    ],
)
def test_top_rung_holds_a_way_to_give_back(request_values):
    top_rung = ladder_for(**request_values).rungs[-1]
    giving_back = [step for step in top_rung.steps if CATALOG.skills[step.skill_id].gives_back]
    assert giving_back
    assert all(Reason(ReasonKind.GIVES_BACK) in step.reasons for step in giving_back)


def test_interests_bring_in_organizing_skills_with_the_shared_terms():
    ladder = ladder_for(interests=ORGANIZING_INTERESTS)
    reasons = step_of(ladder, "running-events").reasons
    interest = next(reason for reason in reasons if reason.kind is ReasonKind.INTEREST)
    assert {"editathon", "meetup"} <= set(interest.terms)
    assert interest.ref is None


def test_interests_pull_matching_skills_up_inside_a_rung():
    plain = ladder_for(goal_roles=tuple(CATALOG.roles))
    keen = ladder_for(goal_roles=tuple(CATALOG.roles), interests=ORGANIZING_INTERESTS)
    assert sorted(step_ids(plain)) == sorted(step_ids(keen))
    rung = next(r for r in keen.rungs if any(s.skill_id == "running-events" for s in r.steps))
    plain_rung = next(r for r in plain.rungs if r.level_id == rung.level_id)

    def place(steps):
        return [step.skill_id for step in steps].index("running-events")

    assert place(rung.steps) <= place(plain_rung.steps)
    assert place(rung.steps) < len(rung.steps) / 2


def test_no_goal_and_no_interest_gives_the_foundations_and_a_way_to_give_back():
    ladder = ladder_for()
    fundamentals = [skill.id for skill in CATALOG.skills_at("fundamental")]
    assert ladder.rungs[0].level_id == "fundamental"
    assert sorted(step.skill_id for step in ladder.rungs[0].steps) == sorted(fundamentals)
    assert all(Reason(ReasonKind.FOUNDATION) in step.reasons for step in ladder.rungs[0].steps)
    assert [step.skill_id for step in ladder.rungs[-1].steps] == ["teaching-others"]


def test_unmarked_basics_beneath_a_confident_skill_count_as_known():
    ladder = ladder_for(stances={"running-events": Stance.CONFIDENT})
    assert "getting-connected" not in step_ids(ladder)
    marked = ladder_for(
        stances={"running-events": Stance.CONFIDENT, "getting-connected": Stance.LEARNING}
    )
    assert step_of(marked, "getting-connected").in_progress


def test_missing_prerequisites_become_steps_with_their_reason():
    ladder = ladder_for(goal_roles=(ORGANIZER,))
    on_ladder = set(step_ids(ladder))
    for step in ladder.steps:
        for reason in step.reasons:
            if reason.kind is ReasonKind.PREREQUISITE_OF:
                assert reason.ref in on_ladder
                assert step.skill_id in CATALOG.skills[reason.ref].prerequisites
                assert step.order < step_of(ladder, reason.ref).order


def test_every_step_has_a_reason_and_activities_from_the_catalog():
    ladder = ladder_for(goal_roles=(ORGANIZER,), interests=ORGANIZING_INTERESTS)
    for step in ladder.steps:
        assert step.reasons
        assert step.activities == tuple(CATALOG.skills[step.skill_id].activities)
        assert step.level == CATALOG.skills[step.skill_id].level


def test_learning_skill_stays_marked_in_progress_with_half_the_hours():
    ladder = ladder_for(goal_roles=(ORGANIZER,), stances={"running-events": Stance.LEARNING})
    step = step_of(ladder, "running-events")
    assert step.in_progress
    effort = CATALOG.skills["running-events"].effort_hours
    assert step.hours == pytest.approx(effort / 2, abs=1 / 60)
    assert not step_of(ladder, "outreach").in_progress
    assert "getting-connected" in step_ids(ladder)


def test_a_long_step_spans_several_weeks():
    ladder = ladder_for(goal_roles=(ORGANIZER,), hours_per_week=1)
    longest = max(ladder.steps, key=lambda step: step.hours)
    assert longest.end_week - longest.start_week + 1 >= math.ceil(longest.hours)
    assert longest.weeks == tuple(range(longest.start_week, longest.end_week + 1))
    assert sum(longest.week_hours) == pytest.approx(longest.hours)


def test_schedule_summary_adds_up():
    ladder = ladder_for(goal_roles=(ORGANIZER,), hours_per_week=4)
    assert ladder.total_hours == pytest.approx(sum(step.hours for step in ladder.steps))
    assert ladder.total_weeks == ladder.steps[-1].end_week
    assert ladder.steps[0].start_week == 1
    assert ladder.total_weeks == math.ceil(ladder.total_hours / 4 - 1e-9)


def test_ladder_to_dict_is_json_ready():
    ladder = ladder_for(goal_roles=(ORGANIZER,), interests=ORGANIZING_INTERESTS)
    data = ladder_to_dict(ladder)
    assert json.loads(json.dumps(data)) == data
    steps = [step for rung in data["rungs"] for step in rung["steps"]]
    assert [step["skill_id"] for step in steps] == step_ids(ladder)
    assert {reason["kind"] for step in steps for reason in step["reasons"]} >= {
        "goal_role",
        "prerequisite_of",
        "gives_back",
    }


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_values", "field"),
    [
        ({"stances": {"no-such-skill": Stance.CONFIDENT}}, "stances"),
        ({"stances": {"referencing": "expert"}}, "stances"),
        ({"goal_roles": ("pope",)}, "goal_roles"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": -2}, "hours_per_week"),
        ({"hours_per_week": 500}, "hours_per_week"),
        ({"hours_per_week": math.nan}, "hours_per_week"),
        ({"hours_per_week": "3"}, "hours_per_week"),
        ({"interests": "x" * 10_001}, "interests"),
    ],
)
def test_invalid_requests_name_the_field(request_values, field):
    with pytest.raises(LadderInputError) as raised:
        ladder_for(**request_values)
    assert raised.value.field == field


def test_limits_themselves_are_accepted():
    assert ladder_for(hours_per_week=MAX_HOURS_PER_WEEK, interests="x" * 10_000).rungs


def test_empty_self_assessment_is_valid():
    assert ladder_for(stances={}).steps


# --- properties on the real catalog -----------------------------------------------------

INTEREST_SAMPLES = (
    "",
    ORGANIZING_INTERESTS,
    "photography, Commons and uploading pictures",
    "governance, strategy and partnerships with museums",
    "teaching newcomers to cite sources",
)

ladder_requests = st.builds(
    LadderRequest,
    stances=st.dictionaries(st.sampled_from(list(CATALOG.skills)), st.sampled_from(Stance)),
    goal_roles=st.lists(st.sampled_from(list(CATALOG.roles)), max_size=3).map(tuple),
    interests=st.one_of(st.sampled_from(INTEREST_SAMPLES), st.text(max_size=80)),
    hours_per_week=st.one_of(
        st.integers(1, 40).map(float),
        st.floats(0.25, MAX_HOURS_PER_WEEK, allow_nan=False),
    ),
)


@settings(deadline=None, max_examples=150)
@given(ladder_requests)
@example(
    LadderRequest(
        stances=dict.fromkeys(
            (
                "functionary-coaching",
                "developing-ladders",
                "journey-reflection",
                "training-for-specific-roles",
            ),
            Stance.CONFIDENT,
        ),
        goal_roles=(),
        interests="",
        hours_per_week=1.0,
    )
)
def test_ladder_properties(ladder_request):
    ladder = build_ladder(CATALOG, ladder_request)
    ids = step_ids(ladder)
    assert len(ids) == len(set(ids)), "a skill is repeated"
    known = {
        skill_id for skill_id, stance in ladder_request.stances.items() if stance in KNOWN_STANCES
    }
    assert not known & set(ids), "a known skill is on the ladder"
    assert_prerequisites_come_first(ladder)
    assert_rungs_climb(ladder)
    assert_weeks_fit(ladder, ladder_request.hours_per_week)
    assert_top_rung_gives_back(ladder, known)
    assert ladder.complete == (not ids)


@settings(deadline=None, max_examples=50)
@given(ladder_requests)
def test_ladder_is_deterministic(ladder_request):
    reordered = LadderRequest(
        stances=dict(reversed(list(ladder_request.stances.items()))),
        goal_roles=ladder_request.goal_roles,
        interests=ladder_request.interests,
        hours_per_week=ladder_request.hours_per_week,
    )
    first = build_ladder(CATALOG, ladder_request)
    assert build_ladder(CATALOG, ladder_request) == first
    assert build_ladder(CATALOG, reordered) == first
    assert ladder_to_dict(build_ladder(CATALOG, ladder_request)) == ladder_to_dict(first)


def assert_prerequisites_come_first(ladder: Ladder) -> None:
    position = {step.skill_id: step.order for step in ladder.steps}
    for step in ladder.steps:
        for prerequisite in CATALOG.skills[step.skill_id].prerequisites:
            if prerequisite in position:
                assert position[prerequisite] < step.order, (prerequisite, step.skill_id)


def assert_rungs_climb(ladder: Ladder) -> None:
    ranks = [CATALOG.levels[rung.level_id].rank for rung in ladder.rungs]
    assert ranks == sorted(set(ranks))
    assert [step.order for step in ladder.steps] == list(range(1, len(ladder.steps) + 1))
    for rung in ladder.rungs:
        assert rung.steps
        assert all(step.level == rung.level_id for step in rung.steps)


def assert_weeks_fit(ladder: Ladder, hours_per_week: float) -> None:
    planned: defaultdict[int, float] = defaultdict(float)
    previous_end = 1
    for step in ladder.steps:
        assert step.start_week >= previous_end
        assert len(step.week_hours) == len(step.weeks)
        assert sum(step.week_hours) == pytest.approx(step.hours)
        for week, hours in zip(step.weeks, step.week_hours, strict=True):
            planned[week] += hours
        previous_end = step.end_week
    assert all(hours <= hours_per_week + 1e-9 for hours in planned.values())
    assert ladder.total_weeks == max(planned, default=0)


def assert_top_rung_gives_back(ladder: Ladder, known: set[str]) -> None:
    """Unless every way to give back is known — declared, or beneath a declared skill."""
    if not ladder.rungs:
        return
    top_rank = CATALOG.levels[ladder.rungs[-1].level_id].rank
    known_with_basics = set(CATALOG.prerequisite_closure(known))
    reachable = [
        skill.id
        for skill in CATALOG.skills.values()
        if skill.gives_back
        and skill.id not in known_with_basics
        and CATALOG.level_rank(skill.id) >= top_rank
    ]
    if reachable:
        assert any(CATALOG.skills[s.skill_id].gives_back for s in ladder.rungs[-1].steps)
