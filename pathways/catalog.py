"""The framework catalog: levels, pillars, tracks, skills, roles, features, recommendations.

The catalog is read-only data versioned with the code (``data/catalog.yaml``). This module
loads and validates it into frozen dataclasses. It is pure: no Flask, no database, nothing
else from :mod:`pathways`.
"""

from __future__ import annotations

import functools
import heapq
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "catalog.yaml"
# libyaml's safe loader when PyYAML has it: the same result, read about ten times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PILLARS_WITH_RECOMMENDATIONS = ("access", "community")
_MIN_ACTIVITIES, _MAX_ACTIVITIES = 1, 3


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class Level:
    """A column of the framework: Fundamental, Emerging, Deepening or Elevated."""

    id: str
    name: str
    rank: int
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pillar:
    """A row of the framework: Access, Community of Practice or Skills."""

    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Track:
    """A theme that groups skills, such as on-wiki basics or teaching and mentoring."""

    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Skill:
    """One item of the Skills pillar, with what is needed to learn and practise it."""

    id: str
    name: str
    level: str
    track: str
    description: str
    prerequisites: tuple[str, ...]
    effort_hours: float
    activities: tuple[str, ...]
    variants: tuple[str, ...]
    gives_back: bool = False
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Role:
    """A rung of the ladder of engagement and the skills it needs."""

    id: str
    name: str
    rank: int
    description: str
    skills: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Feature:
    """A feature of this app that a recommendation can map to."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    """An Access or Community-of-Practice item: served by a feature, or out of scope."""

    id: str
    pillar: str
    level: str
    text: str
    variants: tuple[str, ...]
    feature: str | None = None
    how: str | None = None
    out_of_scope: str | None = None
    page: str | None = None  # the endpoint of the page where the feature is found


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    """The whole catalog: read-only mappings keyed by id, in file order (levels by rank)."""

    levels: Mapping[str, Level]
    pillars: Mapping[str, Pillar]
    tracks: Mapping[str, Track]
    skills: Mapping[str, Skill]
    roles: Mapping[str, Role]
    features: Mapping[str, Feature]
    recommendations: Mapping[str, Recommendation]
    _names: Mapping[str, str] = field(init=False, repr=False)
    _positions: Mapping[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_names", MappingProxyType(_skill_name_index(self.skills)))
        positions = {skill_id: index for index, skill_id in enumerate(self.skills)}
        object.__setattr__(self, "_positions", MappingProxyType(positions))

    def level_rank(self, skill_id: str) -> int:
        """Return the rank (1 = Fundamental) of a skill's level; ``KeyError`` if unknown."""
        return self.levels[self.skills[skill_id].level].rank

    def skills_at(self, level_id: str) -> tuple[Skill, ...]:
        """Return the skills of one level, in file order; ``KeyError`` for an unknown level."""
        if level_id not in self.levels:
            raise KeyError(level_id)
        return tuple(skill for skill in self.skills.values() if skill.level == level_id)

    def find_skill(self, text: str) -> Skill | None:
        """Resolve an id, name or source wording to a skill, ignoring case and spacing."""
        skill_id = self._names.get(normalize(text))
        return None if skill_id is None else self.skills[skill_id]

    def skill_text(self, skill_id: str) -> str:
        """Return the text that describes a skill for interest matching (TF-IDF)."""
        skill = self.skills[skill_id]
        parts = (
            skill.name,
            skill.description,
            *skill.keywords,
            self.tracks[skill.track].name,
            *skill.variants,
        )
        return "\n".join(parts)

    def prerequisite_closure(self, skill_ids: Iterable[str]) -> tuple[str, ...]:
        """Return the skills with all their transitive prerequisites, prerequisites first.

        The order is topological and deterministic: among the skills that are ready, the
        lowest level comes first, then the earliest in the catalog file. ``KeyError`` for
        an unknown skill id.
        """
        closure = self._with_prerequisites(skill_ids)
        waiting = {
            skill_id: {p for p in self.skills[skill_id].prerequisites if p in closure}
            for skill_id in closure
        }
        ready = [self._sort_key(s) for s, needs in waiting.items() if not needs]
        heapq.heapify(ready)
        ordered: list[str] = []
        while ready:
            skill_id = heapq.heappop(ready)[2]
            ordered.append(skill_id)
            for other, needs in waiting.items():
                if skill_id in needs:
                    needs.discard(skill_id)
                    if not needs:
                        heapq.heappush(ready, self._sort_key(other))
        return tuple(ordered)

    def _with_prerequisites(self, skill_ids: Iterable[str]) -> set[str]:
        closure: set[str] = set()
        pending = list(skill_ids)
        while pending:
            skill_id = pending.pop()
            if skill_id in closure:
                continue
            closure.add(skill_id)
            pending.extend(self.skills[skill_id].prerequisites)
        return closure

    def _sort_key(self, skill_id: str) -> tuple[int, int, str]:
        return (self.level_rank(skill_id), self._positions[skill_id], skill_id)


def normalize(text: str) -> str:
    """Fold text for lookups: NFKC, case-folded, whitespace collapsed and trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read, validate and return the catalog at ``path`` (default: ``data/catalog.yaml``).

    Raises :class:`CatalogError` when the file is not valid YAML or breaks a rule.
    """
    source = Path(path) if path is not None else DEFAULT_PATH
    try:
        raw = yaml.load(source.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        raise CatalogError(f"{source}: not valid YAML: {error}") from error
    return parse_catalog(raw)


@functools.cache
def get_catalog() -> Catalog:
    """Return the default catalog, loaded once per process."""
    return load_catalog()


def parse_catalog(raw: Any) -> Catalog:
    """Validate already-parsed YAML data and build the :class:`Catalog` from it."""
    top = _mapping("catalog", raw)
    _check_keys("catalog", top, required=_SECTIONS, optional=())
    entries = {section: _entries(section, top[section]) for section in _SECTIONS}
    catalog = Catalog(
        levels=_by_id(sorted(entries["levels"], key=lambda level: level.rank)),
        pillars=_by_id(entries["pillars"]),
        tracks=_by_id(entries["tracks"]),
        skills=_by_id(entries["skills"]),
        roles=_by_id(entries["roles"]),
        features=_by_id(entries["features"]),
        recommendations=_by_id(entries["recommendations"]),
    )
    _validate(catalog)
    return catalog


# --- reading entries ---------------------------------------------------------------------


class _Entry:
    """Typed access to one YAML mapping, with errors that name the entry and field."""

    def __init__(self, kind: str, index: int, raw: Any, required: tuple, optional: tuple):
        self.where = f"{kind}[{index}]"
        self.raw = _mapping(self.where, raw)
        if isinstance(self.raw.get("id"), str):
            self.where = f"{kind} '{self.raw['id']}'"
        _check_keys(self.where, self.raw, required, optional)

    def fail(self, key: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.where}: field '{key}': {problem}")

    def text(self, key: str) -> str:
        value = self.raw[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected non-empty text, got {value!r}")
        return value.strip()

    def identifier(self, key: str = "id") -> str:
        value = self.text(key)
        if not _ID_PATTERN.match(value):
            raise self.fail(key, f"{value!r} is not a lower-case kebab-case id")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.raw.get(key) is not None else None

    def integer(self, key: str) -> int:
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"expected a whole number, got {value!r}")
        return value

    def number(self, key: str) -> float:
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"expected a number, got {value!r}")
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, f"expected true or false, got {value!r}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {value!r}")
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.fail(key, f"expected non-empty text items, got {item!r}")
        return tuple(item.strip() for item in value)


def _level(entry: _Entry) -> Level:
    return Level(
        id=entry.identifier(),
        name=entry.text("name"),
        rank=entry.integer("rank"),
        description=entry.text("description"),
        aliases=entry.texts("aliases"),
    )


def _pillar(entry: _Entry) -> Pillar:
    return Pillar(
        id=entry.identifier(), name=entry.text("name"), description=entry.text("description")
    )


def _track(entry: _Entry) -> Track:
    return Track(
        id=entry.identifier(), name=entry.text("name"), description=entry.text("description")
    )


def _skill(entry: _Entry) -> Skill:
    return Skill(
        id=entry.identifier(),
        name=entry.text("name"),
        level=entry.text("level"),
        track=entry.text("track"),
        description=entry.text("description"),
        prerequisites=entry.texts("prerequisites"),
        effort_hours=entry.number("effort_hours"),
        activities=entry.texts("activities"),
        variants=entry.texts("variants"),
        gives_back=entry.flag("gives_back"),
        keywords=entry.texts("keywords"),
    )


def _role(entry: _Entry) -> Role:
    return Role(
        id=entry.identifier(),
        name=entry.text("name"),
        rank=entry.integer("rank"),
        description=entry.text("description"),
        skills=entry.texts("skills"),
    )


def _feature(entry: _Entry) -> Feature:
    return Feature(id=entry.identifier(), name=entry.text("name"))


def _recommendation(entry: _Entry) -> Recommendation:
    return Recommendation(
        id=entry.identifier(),
        pillar=entry.text("pillar"),
        level=entry.text("level"),
        text=entry.text("text"),
        variants=entry.texts("variants"),
        feature=entry.optional_text("feature"),
        how=entry.optional_text("how"),
        out_of_scope=entry.optional_text("out_of_scope"),
        page=entry.optional_text("page"),
    )


_FIELDS: dict[str, tuple[Callable[[_Entry], Any], tuple[str, ...], tuple[str, ...]]] = {
    "levels": (_level, ("id", "name", "rank", "description"), ("aliases",)),
    "pillars": (_pillar, ("id", "name", "description"), ()),
    "tracks": (_track, ("id", "name", "description"), ()),
    "features": (_feature, ("id", "name"), ()),
    "skills": (
        _skill,
        ("id", "name", "level", "track", "description", "effort_hours", "activities", "variants"),
        ("prerequisites", "gives_back", "keywords"),
    ),
    "roles": (_role, ("id", "name", "rank", "description", "skills"), ()),
    "recommendations": (
        _recommendation,
        ("id", "pillar", "level", "text", "variants"),
        ("feature", "how", "out_of_scope", "page"),
    ),
}
_SECTIONS = tuple(_FIELDS)
_KIND = {
    "levels": "level",
    "pillars": "pillar",
    "tracks": "track",
    "features": "feature",
    "skills": "skill",
    "roles": "role",
    "recommendations": "recommendation",
}


def _entries(section: str, raw: Any) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise CatalogError(f"catalog: field '{section}': expected a non-empty list")
    build, required, optional = _FIELDS[section]
    entries = [
        build(_Entry(_KIND[section], index, item, required, optional))
        for index, item in enumerate(raw)
    ]
    _check_unique_ids(_KIND[section], entries)
    return entries


def _mapping(where: str, raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: expected a mapping, got {type(raw).__name__}")
    return raw


def _check_keys(where: str, raw: dict, required: tuple, optional: tuple) -> None:
    unknown = sorted(str(key) for key in raw if key not in required and key not in optional)
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    missing = [key for key in required if key not in raw]
    if missing:
        raise CatalogError(f"{where}: missing field(s) {', '.join(map(repr, missing))}")


def _check_unique_ids(kind: str, entries: list[Any]) -> None:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise CatalogError(f"{kind} '{entry.id}': field 'id': duplicate id")
        seen.add(entry.id)


def _by_id(entries: Iterable[Any]) -> Mapping[str, Any]:
    return MappingProxyType({entry.id: entry for entry in entries})


# --- cross-checks --------------------------------------------------------------------------


def _validate(catalog: Catalog) -> None:
    for skill in catalog.skills.values():
        _validate_skill_references(catalog, skill)
    _validate_roles(catalog)
    for recommendation in catalog.recommendations.values():
        _validate_recommendation(catalog, recommendation)
    _validate_levels(catalog)
    for skill in catalog.skills.values():
        _validate_skill(catalog, skill)
    _validate_no_cycles(catalog)
    _validate_unique_variants(catalog)
    _validate_unique_skill_names(catalog)


def _validate_levels(catalog: Catalog) -> None:
    ranks = [level.rank for level in catalog.levels.values()]
    if ranks != list(range(1, len(ranks) + 1)):
        raise CatalogError(f"levels: field 'rank': expected ranks 1..{len(ranks)}, got {ranks}")
    for level in catalog.levels.values():
        if not any(skill.level == level.id for skill in catalog.skills.values()):
            raise CatalogError(f"level '{level.id}': field 'skills': no skill has this level")


def _validate_roles(catalog: Catalog) -> None:
    ranks: set[int] = set()
    for role in catalog.roles.values():
        if role.rank in ranks:
            raise CatalogError(f"role '{role.id}': field 'rank': rank {role.rank} is used twice")
        ranks.add(role.rank)
        if not role.skills:
            raise CatalogError(f"role '{role.id}': field 'skills': empty")
        _check_references(f"role '{role.id}'", "skills", role.skills, catalog.skills)


def _validate_skill_references(catalog: Catalog, skill: Skill) -> None:
    where = f"skill '{skill.id}'"
    _check_references(where, "level", (skill.level,), catalog.levels)
    _check_references(where, "track", (skill.track,), catalog.tracks)
    _check_references(where, "prerequisites", skill.prerequisites, catalog.skills)


def _validate_skill(catalog: Catalog, skill: Skill) -> None:
    where = f"skill '{skill.id}'"
    if skill.id in skill.prerequisites:
        raise CatalogError(f"{where}: field 'prerequisites': a skill cannot require itself")
    if len(set(skill.prerequisites)) != len(skill.prerequisites):
        raise CatalogError(f"{where}: field 'prerequisites': listed twice")
    rank = catalog.levels[skill.level].rank
    for prerequisite in skill.prerequisites:
        if catalog.level_rank(prerequisite) > rank:
            raise CatalogError(
                f"{where}: field 'prerequisites': '{prerequisite}' is at a higher level "
                f"than '{skill.level}'"
            )
    if skill.effort_hours <= 0:
        raise CatalogError(f"{where}: field 'effort_hours': must be more than 0")
    if not _MIN_ACTIVITIES <= len(skill.activities) <= _MAX_ACTIVITIES:
        raise CatalogError(
            f"{where}: field 'activities': expected {_MIN_ACTIVITIES} to {_MAX_ACTIVITIES} "
            f"activities, got {len(skill.activities)}"
        )
    if not skill.variants:
        raise CatalogError(f"{where}: field 'variants': at least one source wording is needed")


def _validate_recommendation(catalog: Catalog, recommendation: Recommendation) -> None:
    where = f"recommendation '{recommendation.id}'"
    if recommendation.pillar not in _PILLARS_WITH_RECOMMENDATIONS:
        raise CatalogError(
            f"{where}: field 'pillar': expected one of {_PILLARS_WITH_RECOMMENDATIONS}, "
            f"got {recommendation.pillar!r}"
        )
    _check_references(where, "pillar", (recommendation.pillar,), catalog.pillars)
    _check_references(where, "level", (recommendation.level,), catalog.levels)
    if not recommendation.variants:
        raise CatalogError(f"{where}: field 'variants': at least one source wording is needed")
    if (recommendation.feature is None) == (recommendation.out_of_scope is None):
        raise CatalogError(f"{where}: field 'feature': give exactly one of feature or out_of_scope")
    if recommendation.feature is None:
        for key in ("how", "page"):
            if getattr(recommendation, key) is not None:
                raise CatalogError(f"{where}: field '{key}': only allowed with a feature")
        return
    if recommendation.page is None:
        raise CatalogError(f"{where}: field 'page': a covered item names the page that covers it")
    _check_references(where, "feature", (recommendation.feature,), catalog.features)


def _check_references(where: str, key: str, ids: Iterable[str], known: Mapping[str, Any]) -> None:
    for item in ids:
        if item not in known:
            raise CatalogError(f"{where}: field '{key}': unknown id '{item}'")


def _validate_no_cycles(catalog: Catalog) -> None:
    done: set[str] = set()
    for skill_id in catalog.skills:
        _visit(catalog, skill_id, [], done)


def _visit(catalog: Catalog, skill_id: str, path: list[str], done: set[str]) -> None:
    if skill_id in done:
        return
    if skill_id in path:
        cycle = " -> ".join([*path[path.index(skill_id) :], skill_id])
        raise CatalogError(f"skill '{skill_id}': field 'prerequisites': cycle {cycle}")
    path.append(skill_id)
    for prerequisite in catalog.skills[skill_id].prerequisites:
        _visit(catalog, prerequisite, path, done)
    path.pop()
    done.add(skill_id)


def _validate_unique_variants(catalog: Catalog) -> None:
    owners: dict[str, str] = {}
    entries = [("skill", s) for s in catalog.skills.values()]
    entries += [("recommendation", r) for r in catalog.recommendations.values()]
    for kind, entry in entries:
        for variant in {normalize(v) for v in entry.variants}:
            owner = owners.setdefault(variant, f"{kind} '{entry.id}'")
            if owner != f"{kind} '{entry.id}'":
                raise CatalogError(
                    f"{kind} '{entry.id}': field 'variants': {variant!r} is also a variant "
                    f"of {owner}"
                )


def _validate_unique_skill_names(catalog: Catalog) -> None:
    for skill in catalog.skills.values():
        for text in (skill.id, skill.name, *skill.variants):
            owner = catalog._names[normalize(text)]
            if owner != skill.id:
                raise CatalogError(
                    f"skill '{skill.id}': field 'name': {text!r} also names skill '{owner}'"
                )


def _skill_name_index(skills: Mapping[str, Skill]) -> dict[str, str]:
    index: dict[str, str] = {}
    for skill in skills.values():
        for text in (skill.id, skill.name, *skill.variants):
            index.setdefault(normalize(text), skill.id)
    return index
