"""Matching quality on a hand-labelled program (tests/data/matcher_labelled.yaml).

Measured precision@1 (top suggestion = the mentor a coordinator would pick):
29 / 30 = 0.967 with the catalog's skill context, 28 / 30 = 0.933 without it.
The one miss: mentee 120 ("board elections and the movement charter") gets the
affiliate-governance mentor (14) before the movement-governance one (6): both teach
`governance`, 14 at a higher weight, and text only refines (0.3 of the score).
The thresholds below sit one miss under the measurement, so a regression shows.
"""

from pathlib import Path

import pytest
import yaml

from matcher import MenteeProfile, MentorIndex, MentorProfile, pair

DATA = yaml.safe_load((Path(__file__).parent / "data" / "matcher_labelled.yaml").read_text("utf-8"))
MENTORS = [
    MentorProfile(**{**row, "languages": frozenset(row["languages"])}) for row in DATA["mentors"]
]
CASES = [
    (
        MenteeProfile(
            id=row["id"],
            languages=frozenset(row["languages"]),
            wants=row["wants"],
            text=row["text"],
            excluded_mentors=frozenset(row.get("excluded_mentors", ())),
        ),
        row.get("expected"),
        set(row.get("never", ())),
    )
    for row in DATA["mentees"]
]


def precision_at_1(index: MentorIndex) -> float:
    labelled = [(person, expected) for person, expected, _ in CASES if expected is not None]
    hits = sum(
        [s.mentor_id for s in index.suggest(person, top=1)] == [expected]
        for person, expected in labelled
    )
    return hits / len(labelled)


@pytest.fixture(scope="module")
def index() -> MentorIndex:
    return MentorIndex(MENTORS, DATA["skill_context"])


def test_labelled_set_is_a_realistic_size():
    assert 12 <= len(MENTORS) <= 20
    assert 20 <= len(CASES) <= 32


def test_precision_at_1_with_skill_context(index):
    assert precision_at_1(index) >= 0.93


def test_precision_at_1_without_skill_context():
    assert precision_at_1(MentorIndex(MENTORS)) >= 0.90


def test_related_skill_credit_finds_a_mentor_when_no_one_teaches_the_skill(index):
    person = next(p for p, _, _ in CASES if p.id == 131)
    (best,) = index.suggest(person, top=1)
    assert best.mentor_id == 19
    assert best.reasons.related_skills == ("mediation",)
    assert MentorIndex(MENTORS).suggest(person) == []


def test_hard_constraints_hold_on_every_labelled_mentee(index):
    for person, _, never in CASES:
        suggested = {s.mentor_id for s in index.suggest(person, top=len(MENTORS))}
        assert not suggested & never, person.id


@pytest.mark.parametrize(
    ("mentee_id", "words"),
    [
        (101, {"editathons", "university"}),  # "edit-a-thons" in the mentee's words
        (102, {"editatones", "biblioteca"}),
        (103, {"ويكيبيديا", "لقاءات"}),
        (104, {"हिंदी", "विकिपीडिया", "संदर्भ"}),
    ],
)
def test_reasons_show_shared_words_across_scripts(index, mentee_id, words):
    person = next(p for p, _, _ in CASES if p.id == mentee_id)
    (best,) = index.suggest(person, top=1)
    assert set(best.reasons.shared_terms) & words
    assert set(best.reasons.shared_skills) == set(person.wants)


def test_batch_pairing_agrees_with_the_labels_where_capacity_allows(index):
    result = pair(index, [person for person, _, _ in CASES])
    expected = {person.id: mentor for person, mentor, _ in CASES if mentor is not None}
    agree = sum(expected.get(p.mentee_id) == p.mentor_id for p in result.pairs)
    assert agree / len(expected) >= 0.8
    for p in result.pairs:
        assert p.mentor_id not in next(never for q, _, never in CASES if q.id == p.mentee_id)
