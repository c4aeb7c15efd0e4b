"""Profiles (the matcher's input) and results (its output), as plain frozen dataclasses.

Structural checks happen when a profile is built (`__post_init__`): empty languages,
negative capacity, a negative or non-finite skill weight, no skills and blank text.
Whether a text holds only stop words depends on the vectorizer, so that check happens
where text is vectorized: when an index is built (mentors) or queried (mentees).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from numbers import Real

__all__ = [
    "FIT_GOOD",
    "FIT_STRONG",
    "Assignment",
    "MenteeProfile",
    "MentorProfile",
    "Pair",
    "ProfileError",
    "Reasons",
    "Suggestion",
    "UnmatchedReason",
    "fit_label",
]


# Fit in words, calibrated on tests/data/matcher_labelled.yaml (bench/bench_matcher_quality.py
# prints the scores). A coordinator's pick that teaches the wanted skill and shares
# interests scores 0.55-0.88 (lower quartile 0.61): "strong"; one that teaches it with
# few or no shared words 0.39-0.54: "good"; a pick found by text or a related skill
# alone 0.11-0.21: "possible".
FIT_STRONG = 0.55
FIT_GOOD = 0.35


def fit_label(score: float) -> str:
    """A score in words a person reads: "strong", "good" or "possible"."""
    if score >= FIT_STRONG:
        return "strong"
    return "good" if score >= FIT_GOOD else "possible"


class ProfileError(ValueError):
    """A profile the matcher cannot use; names the profile and the field at fault."""

    def __init__(self, kind: str, profile_id: int, field: str, problem: str):
        self.profile_id = profile_id
        self.field = field
        super().__init__(f"{kind} {profile_id}: {field} {problem}")


def _check_common(kind: str, profile_id: int, languages, weights_field: str, weights, text: str):
    if not languages:
        raise ProfileError(
            kind, profile_id, "languages", "is empty; at least one language is needed"
        )
    for skill, weight in weights.items():
        # a float is checked first: isinstance against the Real ABC is slow
        if not (
            (type(weight) is float or isinstance(weight, Real))
            and math.isfinite(weight)
            and weight >= 0
        ):
            raise ProfileError(
                kind, profile_id, weights_field, f"has an invalid weight {weight!r} for {skill!r}"
            )
    if not any(weights.values()) and not text.strip():
        raise ProfileError(
            kind, profile_id, "text", f"is blank and {weights_field} is empty: nothing to match on"
        )


@dataclass(frozen=True, slots=True)
class MentorProfile:
    """A mentor as the matcher sees them; the caller computes capacity and availability."""

    id: int
    languages: frozenset[str]
    skills: Mapping[str, float]
    text: str
    capacity_left: int
    available: bool = True
    label: str = ""

    def __post_init__(self):
        _check_common("mentor", self.id, self.languages, "skills", self.skills, self.text)
        if self.capacity_left < 0:
            raise ProfileError(
                "mentor", self.id, "capacity_left", f"is negative ({self.capacity_left})"
            )


@dataclass(frozen=True, slots=True)
class MenteeProfile:
    """A mentee (volunteer asking for a mentor); `excluded_mentors` are never proposed."""

    id: int
    languages: frozenset[str]
    wants: Mapping[str, float]
    text: str
    excluded_mentors: frozenset[int] = frozenset()
    label: str = ""

    def __post_init__(self):
        _check_common("mentee", self.id, self.languages, "wants", self.wants, self.text)


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why a mentor fits: wanted skill ids the mentor teaches (strongest first), skill ids
    the mentor teaches that are related to a wanted one, and the strongest shared words.

    `teaches_none_wanted` is true when the mentee asked for skills and this mentor teaches
    none of them: such a mentor is suggested only below every eligible one who does."""

    shared_skills: tuple[str, ...] = ()
    related_skills: tuple[str, ...] = ()
    shared_terms: tuple[str, ...] = ()
    teaches_none_wanted: bool = False


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One mentor for one mentee; `score` = SKILL_WEIGHT × skill cosine + TEXT_WEIGHT × text
    cosine, in [0, 1] (`fit_label` turns it into words)."""

    mentor_id: int
    score: float
    reasons: Reasons


@dataclass(frozen=True, slots=True)
class Pair:
    """One pair of a batch assignment."""

    mentee_id: int
    mentor_id: int
    score: float
    reasons: Reasons


class UnmatchedReason(StrEnum):
    """Why a batch run left a mentee without a mentor, checked in this order."""

    NO_MENTORS = "no_mentors"  # the index holds no mentor other than the mentee
    NO_SHARED_LANGUAGE = "no_shared_language"  # no mentor shares a language with the mentee
    ALL_EXCLUDED = "all_excluded"  # every mentor sharing a language was rejected before
    NO_CAPACITY = (
        "no_capacity"  # none of those is available with a free slot, or better pairs took them
    )
    BELOW_THRESHOLD = "below_threshold"  # eligible mentors exist, every score is below min_score


@dataclass(frozen=True, slots=True)
class Assignment:
    """A batch result: pairs (mentee id order) and each unmatched mentee's reason."""

    pairs: list[Pair]
    unmatched: dict[int, UnmatchedReason]

    @property
    def total_score(self) -> float:
        return sum(pair.score for pair in self.pairs)
