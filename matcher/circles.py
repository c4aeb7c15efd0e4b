"""Peer circles: volunteers who asked for a group, gathered by rung and language, each
circle with one facilitator.

Plain data in, plain data out:

    propose_circles(seekers, facilitators, min_size=3, max_size=8) -> CirclePlan

Grouping: each seeker joins the bucket (level, language) of their level in which most
seekers of that level speak a language they share, ties broken by the language code, so
speakers of two languages strengthen the bigger group. A bucket smaller than `min_size`
stays unmatched ("too_few"); a larger one is cut into the fewest circles of at most
`max_size`, sized evenly, members ordered by their wanted skills so people who want the
same things sit together.

Facilitator: among those with a free place who speak the circle's language, the one who
teaches most of the members' wanted skills, then whose words (interests, intro) share
most with the members', then with most places left, then the lowest id. Each circle takes
one place of its facilitator; a circle with nobody to lead it leaves its members
unmatched ("no_facilitator"). Deterministic for the same input.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CirclePlan", "Facilitator", "GroupSeeker", "ProposedCircle", "propose_circles"]

TOO_FEW = "too_few"
NO_FACILITATOR = "no_facilitator"


@dataclass(frozen=True, slots=True)
class GroupSeeker:
    """A volunteer who asked for a circle: their rung (a level id), languages, wanted
    skills and free text."""

    id: int
    level: str
    languages: frozenset[str]
    skills: frozenset[str] = frozenset()
    text: str = ""


@dataclass(frozen=True, slots=True)
class Facilitator:
    """A mentor who may lead circles: `places` is how many more they can take on."""

    id: int
    languages: frozenset[str]
    skills: frozenset[str] = frozenset()
    text: str = ""
    places: int = 1


@dataclass(frozen=True, slots=True)
class ProposedCircle:
    """A circle to propose: its rung, language, members (ids, ascending), facilitator,
    and the wanted skills the facilitator teaches (the reason they were chosen)."""

    level: str
    language: str
    members: tuple[int, ...]
    facilitator_id: int
    shared_skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CirclePlan:
    """The circles proposed, and every seeker left out, by id, with why."""

    circles: list[ProposedCircle]
    unmatched: dict[int, str]


def _buckets(seekers: Sequence[GroupSeeker]) -> dict[tuple[str, str], list[GroupSeeker]]:
    speakers = Counter((s.level, lang) for s in seekers for lang in s.languages)
    buckets: dict[tuple[str, str], list[GroupSeeker]] = {}
    for seeker in sorted(seekers, key=lambda s: s.id):
        if not seeker.languages:
            continue
        language = min(seeker.languages, key=lambda lang: (-speakers[seeker.level, lang], lang))
        buckets.setdefault((seeker.level, language), []).append(seeker)
    return buckets


def _split(members: list[GroupSeeker], max_size: int) -> list[list[GroupSeeker]]:
    """The fewest groups of at most `max_size`, as even as can be."""
    ordered = sorted(members, key=lambda s: (sorted(s.skills), s.id))
    count = -(-len(ordered) // max_size)
    size, extra = divmod(len(ordered), count)
    groups, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        groups.append(ordered[start:end])
        start = end
    return groups


def _words(text: str) -> frozenset[str]:
    from .text import analyze  # scikit-learn loads on first use, not with the profiles

    return frozenset(analyze(text)) if text.strip() else frozenset()


def _choose(
    group: list[GroupSeeker], language: str, facilitators: list[Facilitator], left: dict[int, int]
) -> Facilitator | None:
    wanted = Counter(skill for seeker in group for skill in seeker.skills)
    words = frozenset().union(*(_words(s.text) for s in group))
    excluded = {s.id for s in group}

    def rank(f: Facilitator) -> tuple:
        taught = sum(wanted[skill] for skill in f.skills)
        shared = len(words & _words(f.text))
        return (-taught, -shared, -left[f.id], f.id)

    eligible = [
        f
        for f in facilitators
        if left[f.id] > 0 and language in f.languages and f.id not in excluded
    ]
    return min(eligible, key=rank, default=None)


def propose_circles(
    seekers: Sequence[GroupSeeker],
    facilitators: Sequence[Facilitator],
    min_size: int = 3,
    max_size: int = 8,
) -> CirclePlan:
    """Circles of `min_size` to `max_size` seekers of one level who share a language, each
    led by a facilitator with a free place who speaks it; no seeker in two circles, no
    facilitator over their places. Raises ValueError for sizes that make no circle."""
    if not 1 <= min_size <= max_size:
        raise ValueError(f"circle sizes {min_size}..{max_size} make no circle")
    left = {f.id: f.places for f in facilitators}
    circles: list[ProposedCircle] = []
    unmatched = {s.id: TOO_FEW for s in seekers if not s.languages}
    for (level, language), members in sorted(_buckets(seekers).items()):
        if len(members) < min_size:
            unmatched |= dict.fromkeys((s.id for s in members), TOO_FEW)
            continue
        for group in _split(members, max_size):
            if len(group) < min_size:
                unmatched |= dict.fromkeys((s.id for s in group), TOO_FEW)
                continue
            facilitator = _choose(group, language, list(facilitators), left)
            if facilitator is None:
                unmatched |= dict.fromkeys((s.id for s in group), NO_FACILITATOR)
                continue
            left[facilitator.id] -= 1
            wanted = frozenset().union(*(s.skills for s in group))
            circles.append(
                ProposedCircle(
                    level,
                    language,
                    tuple(sorted(s.id for s in group)),
                    facilitator.id,
                    tuple(sorted(wanted & facilitator.skills)),
                )
            )
    return CirclePlan(circles, unmatched)
