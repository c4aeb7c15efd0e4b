"""Matching quality on the hand-labelled program — a script, not a test.

    python bench/bench_matcher_quality.py

Prints precision@1 (the top suggestion is the mentor a coordinator would pick) with and
without the catalog's skill context, each miss, and the scores of the correct top
suggestions, from which `matcher.FIT_STRONG` and `FIT_GOOD` are calibrated.
tests/test_matcher_quality.py asserts the same numbers from the same loader.
"""

import statistics
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher import MenteeProfile, MentorIndex, MentorProfile, fit_label  # noqa: E402

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "matcher_labelled.yaml"


def load(path: Path = LABELLED):
    """(data, mentors, cases): cases are (mentee, expected mentor id or None, never, row)."""
    data = yaml.safe_load(path.read_text("utf-8"))
    mentors = [
        MentorProfile(**{**row, "languages": frozenset(row["languages"])})
        for row in data["mentors"]
    ]
    cases = [
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
            row,
        )
        for row in data["mentees"]
    ]
    return data, mentors, cases


def top_ones(index: MentorIndex, cases) -> list[tuple]:
    """(mentee, expected, top suggestion or None) for every labelled case."""
    result = []
    for person, expected, _, _ in cases:
        if expected is not None:
            found = index.suggest(person, top=1)
            result.append((person, expected, found[0] if found else None))
    return result


def precision_at_1(index: MentorIndex, cases) -> float:
    tops = top_ones(index, cases)
    return sum(top is not None and top.mentor_id == expected for _, expected, top in tops) / len(
        tops
    )


def main() -> None:
    data, mentors, cases = load()
    with_context = MentorIndex(mentors, data["skill_context"])
    print(f"labelled program: {len(mentors)} mentors, {len(cases)} mentees")
    for name, index in (("with skill context", with_context), ("without", MentorIndex(mentors))):
        print(f"precision@1 {name:<20}{precision_at_1(index, cases):.3f}")
    tops = top_ones(with_context, cases)
    for person, expected, top in tops:
        if top is None or top.mentor_id != expected:
            got = f"{top.mentor_id} ({top.score:.3f})" if top else "nobody"
            print(f"  miss: mentee {person.id} expected {expected}, got {got}")
    right = sorted(top.score for _, expected, top in tops if top and top.mentor_id == expected)
    quartiles = statistics.quantiles(right, n=4)
    print(
        "scores of correct top suggestions: min {:.3f}, quartiles {}, max {:.3f}".format(
            right[0], ", ".join(f"{q:.3f}" for q in quartiles), right[-1]
        )
    )
    labels = [fit_label(score) for score in right]
    print(
        "fit labels of correct top suggestions:", {k: labels.count(k) for k in sorted(set(labels))}
    )


if __name__ == "__main__":
    main()
