import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matcher import (
    MenteeProfile,
    MentorIndex,
    MentorProfile,
    ProfileError,
    UnmatchedReason,
    candidate_pairs,
    greedy_pair,
    pair,
)

LANGUAGES = ["en", "es", "fr"]
SKILLS = ["referencing", "running-events", "policy", "mediation", "fundraising"]
WORDS = ["editathon", "citation", "template", "budget", "grant", "lua", "press", "library"]


def mentor(id, skills=None, text="citations", languages=("en",), capacity_left=1, **kw):
    skills = {"referencing": 1.0} if skills is None else skills
    return MentorProfile(id, frozenset(languages), skills, text, capacity_left, **kw)


def mentee(id, wants=None, text="citations", languages=("en",), **kw):
    wants = {"referencing": 1.0} if wants is None else wants
    return MenteeProfile(id, frozenset(languages), wants, text, **kw)


# Random programs for property tests


def _languages():
    return st.frozensets(st.sampled_from(LANGUAGES), min_size=1, max_size=2)


def _weights(min_size=0):
    return st.dictionaries(
        st.sampled_from(SKILLS), st.sampled_from([0.25, 0.5, 1.0]), min_size=min_size, max_size=3
    )


def _text():
    return st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)


@st.composite
def programs(draw, max_mentors=6, max_mentees=8):
    mentor_ids = draw(st.lists(st.integers(1, 12), min_size=1, max_size=max_mentors, unique=True))
    mentors = [
        MentorProfile(
            id=i,
            languages=draw(_languages()),
            skills=draw(_weights()),
            text=draw(_text()),
            capacity_left=draw(st.integers(0, 3)),
            available=draw(st.booleans()) or draw(st.booleans()),
        )
        for i in mentor_ids
    ]
    mentee_ids = draw(st.lists(st.integers(1, 30), min_size=1, max_size=max_mentees, unique=True))
    mentees = [
        MenteeProfile(
            id=i,
            languages=draw(_languages()),
            wants=draw(_weights()),
            text=draw(_text()),
            excluded_mentors=draw(st.frozensets(st.sampled_from(mentor_ids), max_size=2)),
        )
        for i in mentee_ids
    ]
    min_score = draw(st.sampled_from([0.0, 0.05, 0.2, 0.4]))
    return MentorIndex(mentors), mentees, min_score


def _allowed(index, mentee_, mentor_id):
    m = index.mentors[index.row_of[mentor_id]]
    return (
        bool(m.languages & mentee_.languages)
        and m.available
        and m.capacity_left > 0
        and m.id != mentee_.id
        and m.id not in mentee_.excluded_mentors
    )


def _score_table(index, mentees, min_score):
    """Eligible scores from the one-mentee path, as {(mentee id, mentor id): score}; a
    mentor who teaches none of the wanted skills only when no eligible mentor does."""
    table = {}
    for p in mentees:
        found = index.suggest(p, top=len(index), min_score=min_score)
        teachers = [s for s in found if not s.reasons.teaches_none_wanted]
        table.update({(p.id, s.mentor_id): s.score for s in teachers or found})
    return table


def _brute_force_total(index, mentees, table):
    options = [[None] + [m for (p, m) in table if p == q.id] for q in mentees]
    best = 0.0
    for choice in itertools.product(*options):
        used = [m for m in choice if m is not None]
        if all(used.count(m) <= index.mentors[index.row_of[m]].capacity_left for m in set(used)):
            total = sum(table[q.id, m] for q, m in zip(mentees, choice, strict=True) if m)
            best = max(best, total)
    return best


def _slot_matching_total(index, mentees, table):
    """SciPy's assignment over capacity slots, plus one "unmatched" column per mentee."""
    slots = [m.id for m in index.mentors for _ in range(m.capacity_left)]
    cost = np.zeros((len(mentees), len(slots) + len(mentees)))
    for i, q in enumerate(mentees):
        for j, m in enumerate(slots):
            cost[i, j] = -table.get((q.id, m), 0.0)
    rows, cols = linear_sum_assignment(cost)
    return -cost[rows, cols].sum()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_batch_pairing_respects_every_constraint_and_beats_greedy(program):
    index, mentees, min_score = program
    result = pair(index, mentees, min_score=min_score)
    ids = [p.mentee_id for p in result.pairs]
    assert len(ids) == len(set(ids))
    assert set(ids).isdisjoint(result.unmatched)
    assert set(ids) | set(result.unmatched) == {q.id for q in mentees}
    by_id = {q.id: q for q in mentees}
    for p in result.pairs:
        assert p.score >= min_score
        assert 0.0 < p.score <= 1.0
        assert _allowed(index, by_id[p.mentee_id], p.mentor_id)
    for m in index.mentors:
        assert sum(p.mentor_id == m.id for p in result.pairs) <= m.capacity_left
    greedy = greedy_pair(index, mentees, min_score=min_score)
    assert result.total_score >= greedy.total_score - 1e-5


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_mentors=4, max_mentees=5))
def test_optimal_total_equals_slow_references(program):
    index, mentees, min_score = program
    table = _score_table(index, mentees, min_score)
    total = pair(index, mentees, min_score=min_score).total_score
    assert total == pytest.approx(_brute_force_total(index, mentees, table), abs=1e-5)
    assert total == pytest.approx(_slot_matching_total(index, mentees, table), abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(programs(), st.integers(1, 4))
def test_candidates_are_each_mentees_exact_top_eligible(program, k):
    index, mentees, min_score = program
    found = candidate_pairs(index, mentees, min_score=min_score, candidates=k)
    for row, person in enumerate(found.mentees):
        mine = found.mentor_rows[found.mentee_rows == row]
        expected = sorted(
            index.suggest(person, top=len(index), min_score=min_score),
            key=lambda s: (-round(s.score * 1e6), s.mentor_id),
        )[:k]
        assert [int(index.ids[r]) for r in mine] == [s.mentor_id for s in expected]


def test_optimal_beats_greedy_on_the_textbook_case():
    # Greedy gives the one slot of mentor 1 to mentee 10 (its best pair) and leaves
    # mentee 11 with nothing; the optimum sends 10 to mentor 2 and 11 to mentor 1.
    index = MentorIndex(
        [
            mentor(1, {"referencing": 1.0}, "citations"),
            mentor(2, {"referencing": 1.0, "mediation": 1.0}, "citations"),
        ]
    )
    mentees = [
        mentee(10, {"referencing": 1.0}),
        mentee(11, {"referencing": 1.0, "policy": 1.0}, excluded_mentors=frozenset({2})),
    ]
    optimal, greedy = pair(index, mentees), greedy_pair(index, mentees)
    assert {(p.mentee_id, p.mentor_id) for p in optimal.pairs} == {(10, 2), (11, 1)}
    assert optimal.total_score > greedy.total_score
    assert greedy.unmatched == {11: UnmatchedReason.NO_CAPACITY}


def test_no_pair_below_the_minimum_score():
    index = MentorIndex([mentor(1, {"policy": 1.0}, "governance")])
    result = pair(index, [mentee(10, {"referencing": 1.0}, "governance")], min_score=0.5)
    assert result.pairs == []
    assert result.unmatched == {10: UnmatchedReason.BELOW_THRESHOLD}


def test_pairs_carry_reasons_and_come_in_mentee_id_order():
    index = MentorIndex([mentor(1, capacity_left=3, text="citations and sources")])
    result = pair(index, [mentee(12), mentee(10), mentee(11, text="sources")])
    assert [p.mentee_id for p in result.pairs] == [10, 11, 12]
    assert result.pairs[0].reasons.shared_skills == ("referencing",)
    assert result.pairs[1].reasons.shared_terms == ("sources",)


def test_pairing_is_deterministic():
    mentors = [mentor(i, capacity_left=1) for i in range(1, 6)]
    mentees = [mentee(i) for i in range(10, 20)]
    first = pair(MentorIndex(mentors), mentees)
    again = pair(MentorIndex(reversed(mentors)), list(reversed(mentees)))
    assert first == again == pair(MentorIndex(mentors), mentees)
    assert sorted(p.mentor_id for p in first.pairs) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("mentors", "person", "reason"),
    [
        ([], mentee(10), UnmatchedReason.NO_MENTORS),
        ([mentor(10)], mentee(10), UnmatchedReason.NO_MENTORS),
        ([mentor(1, languages=["fr"])], mentee(10), UnmatchedReason.NO_SHARED_LANGUAGE),
        (
            [mentor(1), mentor(2, languages=["es"])],
            mentee(10, excluded_mentors=frozenset({1})),
            UnmatchedReason.ALL_EXCLUDED,
        ),
        ([mentor(1, capacity_left=0)], mentee(10), UnmatchedReason.NO_CAPACITY),
        ([mentor(1, available=False)], mentee(10), UnmatchedReason.NO_CAPACITY),
        (
            [mentor(1, capacity_left=0), mentor(2, {"policy": 1.0}, "governance")],
            mentee(10),
            UnmatchedReason.NO_CAPACITY,  # the one good mentor is full
        ),
        ([mentor(1, {"policy": 1.0}, "governance")], mentee(10), UnmatchedReason.BELOW_THRESHOLD),
    ],
)
def test_unmatched_reason_codes(mentors, person, reason):
    assert pair(MentorIndex(mentors), [person]).unmatched == {person.id: reason}


def test_mentees_filled_out_by_better_pairs_are_no_capacity():
    index = MentorIndex([mentor(1, capacity_left=1)])
    result = pair(index, [mentee(10), mentee(11, text="other")])
    assert [p.mentee_id for p in result.pairs] == [10]
    assert result.unmatched == {11: UnmatchedReason.NO_CAPACITY}


def test_progress_is_reported_until_done():
    calls = []
    index = MentorIndex([mentor(1, languages=["en", "es"]), mentor(2, languages=["es"])])
    mentees = [mentee(10), mentee(11, languages=["es"])]
    pair(index, mentees, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == list(range(1, len(calls) + 1))
    assert len({total for _, total in calls}) == 1


def test_many_exclusions_still_get_the_exact_candidates():
    mentors = [mentor(i, capacity_left=1) for i in range(1, 40)]
    person = mentee(100, excluded_mentors=frozenset(range(1, 30)))
    result = pair(MentorIndex(mentors), [person])
    assert result.pairs[0].mentor_id == 30


def test_duplicate_mentee_ids_are_rejected():
    with pytest.raises(ProfileError, match="mentee 10: id"):
        pair(MentorIndex([mentor(1)]), [mentee(10), mentee(10)])
