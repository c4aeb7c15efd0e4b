import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Facilitator, GroupSeeker, propose_circles

LEVELS = ["fundamental", "emerging"]
LANGUAGES = ["en", "es", "hi"]
SKILLS = ["referencing", "policy", "mediation"]


def seeker(id, level="fundamental", languages=("en",), skills=("referencing",), text=""):
    return GroupSeeker(id, level, frozenset(languages), frozenset(skills), text)


def facilitator(id, languages=("en",), skills=("referencing",), text="", places=1):
    return Facilitator(id, frozenset(languages), frozenset(skills), text, places)


def test_seekers_of_one_rung_and_language_form_a_circle_with_a_teacher():
    plan = propose_circles(
        [seeker(i) for i in (1, 2, 3)],
        [facilitator(10, skills=("policy",)), facilitator(11)],
    )
    [circle] = plan.circles
    assert circle.members == (1, 2, 3)
    assert (circle.level, circle.language, circle.facilitator_id) == ("fundamental", "en", 11)
    assert circle.shared_skills == ("referencing",)
    assert plan.unmatched == {}


def test_too_few_on_a_rung_stay_unmatched_with_why():
    plan = propose_circles(
        [seeker(1), seeker(2), seeker(3, level="emerging")], [facilitator(10, places=3)]
    )
    assert plan.circles == []
    assert plan.unmatched == {1: "too_few", 2: "too_few", 3: "too_few"}


def test_a_circle_without_a_facilitator_speaking_its_language_is_not_proposed():
    plan = propose_circles([seeker(i, languages=("es",)) for i in (1, 2, 3)], [facilitator(10)])
    assert plan.circles == []
    assert set(plan.unmatched.values()) == {"no_facilitator"}


def test_a_large_group_is_cut_evenly_and_a_facilitator_uses_one_place_per_circle():
    plan = propose_circles([seeker(i) for i in range(1, 10)], [facilitator(10, places=1)])
    assert [len(c.members) for c in plan.circles] == [5]
    assert len(plan.unmatched) == 4
    plan = propose_circles([seeker(i) for i in range(1, 10)], [facilitator(10, places=2)])
    assert sorted(len(c.members) for c in plan.circles) == [4, 5]


def test_a_bilingual_seeker_joins_the_bigger_language_group():
    seekers = [seeker(1, languages=("en", "es")), seeker(2, languages=("es",))]
    seekers += [seeker(3, languages=("es",)), seeker(4)]
    plan = propose_circles(seekers, [facilitator(10, languages=("en", "es"))])
    assert [(c.language, c.members) for c in plan.circles] == [("es", (1, 2, 3))]
    assert plan.unmatched == {4: "too_few"}


def test_interests_decide_between_facilitators_teaching_the_same_skills():
    seekers = [seeker(i, text="editathon library") for i in (1, 2, 3)]
    plan = propose_circles(
        seekers, [facilitator(10, text="budget"), facilitator(11, text="library")]
    )
    assert plan.circles[0].facilitator_id == 11


def test_a_seeker_never_facilitates_their_own_circle():
    plan = propose_circles([seeker(i) for i in (1, 2, 3)], [facilitator(1), facilitator(12)])
    assert plan.circles[0].facilitator_id == 12


def test_sizes_that_make_no_circle_are_refused():
    with pytest.raises(ValueError):
        propose_circles([], [], min_size=5, max_size=4)


@st.composite
def programs(draw):
    seekers = [
        GroupSeeker(
            i,
            draw(st.sampled_from(LEVELS)),
            draw(st.frozensets(st.sampled_from(LANGUAGES), max_size=2)),
            draw(st.frozensets(st.sampled_from(SKILLS), max_size=2)),
        )
        for i in range(draw(st.integers(0, 30)))
    ]
    facilitators = [
        Facilitator(
            100 + i,
            draw(st.frozensets(st.sampled_from(LANGUAGES), min_size=1, max_size=2)),
            draw(st.frozensets(st.sampled_from(SKILLS), max_size=2)),
            "",
            draw(st.integers(0, 3)),
        )
        for i in range(draw(st.integers(0, 5)))
    ]
    low = draw(st.integers(1, 4))
    return seekers, facilitators, low, draw(st.integers(low, 9))


@settings(max_examples=150, deadline=None)
@given(programs())
def test_properties_of_every_plan(program):
    seekers, facilitators, min_size, max_size = program
    plan = propose_circles(seekers, facilitators, min_size, max_size)
    by_id = {s.id: s for s in seekers}
    placed = [m for c in plan.circles for m in c.members]
    assert len(placed) == len(set(placed)), "no member twice"
    assert set(placed) | set(plan.unmatched) == set(by_id)
    assert not set(placed) & set(plan.unmatched)
    places = {f.id: f for f in facilitators}
    used = {}
    for circle in plan.circles:
        assert min_size <= len(circle.members) <= max_size
        assert all(by_id[m].level == circle.level for m in circle.members)
        assert all(circle.language in by_id[m].languages for m in circle.members)
        assert circle.language in places[circle.facilitator_id].languages
        used[circle.facilitator_id] = used.get(circle.facilitator_id, 0) + 1
    assert all(count <= places[f].places for f, count in used.items())
    assert plan == propose_circles(seekers, facilitators, min_size, max_size)
