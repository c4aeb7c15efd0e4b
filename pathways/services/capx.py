"""Profiles that travel: a Capacity Exchange (CapX) profile read onto this catalog, and a
person's self-assessment and languages written out in CapX's shape.

CapX keeps a person's skills as three lists of its own skill ids and their languages as
``{"id", "proficiency"}`` (its profile serializer); ``data/capx_skills.yaml`` maps both
onto this catalog. Reading is pure (:func:`read_profile`, :func:`parse_profile`,
:func:`plan_import`) and checks everything before :func:`apply_import` writes, in the
caller's one transaction, through the services the settings and assessment forms use.

What a CapX list becomes here: ``skills_known`` "confident", ``skills_available`` "can
teach others" (what a mentor's offer lists), ``skills_wanted`` "learning", and their
names join the person's interests, which the ladder and the matcher read. An import
only raises a stance, never lowers one. Languages join the person's languages; CapX's
proficiency ``0`` (none) is left out, and no level is stored, since Pathways keeps none.
"""

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from ..catalog import SAFE_LOADER, get_catalog, normalize
from ..input_rules import read_json
from ..ladder import MAX_INTERESTS_LENGTH, Stance
from ..models import Person
from . import DomainError
from .accounts import LANGUAGE_PATTERN, set_languages
from .plans import save_assessment, save_interests, stances_of

MAPPING_PATH = Path(__file__).resolve().parents[2] / "data" / "capx_skills.yaml"
MAX_PROFILE_BYTES = (
    15 * 1024
)  # a real profile takes a few KB; a form field holds this on every database
MAX_LIST_ITEMS = 500
SKILL_LISTS = {
    "skills_known": Stance.CONFIDENT,
    "skills_available": Stance.CAN_TEACH,
    "skills_wanted": Stance.LEARNING,
}
PROFICIENCIES = frozenset({"", "0", "1", "2", "3", "4", "5", "n"})
NO_PROFICIENCY = "0"
STANCE_RANK = {s: rank for rank, s in enumerate(Stance)}


@dataclass(frozen=True)
class CapxSkill:
    capx_id: int
    name: str
    catalog_ids: tuple[str, ...]


@dataclass(frozen=True)
class Mapping:
    skills: dict[int, CapxSkill]
    language_codes: dict[int, str]

    def capx_skill_of(self, catalog_id: str) -> int | None:
        """The first CapX capacity standing for this catalog skill, if any."""
        return next((s.capx_id for s in self.skills.values() if catalog_id in s.catalog_ids), None)

    def capx_language_of(self, code: str) -> int | None:
        return next((i for i, c in self.language_codes.items() if c == code), None)


@functools.cache
def get_mapping() -> Mapping:
    """``data/capx_skills.yaml``, checked against the catalog once per process."""
    raw = yaml.load(MAPPING_PATH.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    catalog = get_catalog()
    skills = {}
    for entry in raw["skills"]:
        ids = tuple(entry["pathways"])
        unknown = [i for i in ids if i not in catalog.skills]
        if unknown:
            raise ValueError(f"capx_skills.yaml: capacity {entry['capx']} maps onto {unknown}")
        skills[entry["capx"]] = CapxSkill(entry["capx"], entry["name"], ids)
    languages = {entry["capx"]: entry["code"] for entry in raw["languages"]}
    return Mapping(skills, languages)


@dataclass(frozen=True)
class CapxProfile:
    """The parts of a CapX profile Pathways reads: skill ids per list, language entries."""

    skills: dict[str, tuple[int, ...]]
    languages: tuple[tuple[int | str, str], ...]


@dataclass
class ImportPlan:
    """What an import changes: raised stances, added languages, and what it cannot carry."""

    stances: dict[str, Stance] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    interests: str = ""
    unmapped_skills: list[str] = field(default_factory=list)
    unknown_languages: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.stances or self.languages or self.interests)


def read_profile(text: str | bytes) -> CapxProfile:
    """Parse the text of a CapX profile export (JSON) and check it."""
    if len(text) > MAX_PROFILE_BYTES:
        raise DomainError(
            _l("The profile is larger than %(num)d KB.", num=MAX_PROFILE_BYTES // 1024), "profile"
        )
    try:
        data = read_json(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise DomainError(
            _l("This is not JSON: %(problem)s", problem=str(error)), "profile"
        ) from error
    return parse_profile(data)


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _list(data: dict, name: str) -> list:
    value = data.get(name) or []
    if not isinstance(value, list):
        raise DomainError(_l("A list is expected here."), name)
    if len(value) > MAX_LIST_ITEMS:
        raise DomainError(
            _ln("At most %(num)d entry.", "At most %(num)d entries.", MAX_LIST_ITEMS), name
        )
    return value


def _skill_ids(data: dict, name: str) -> tuple[int, ...]:
    ids = _list(data, name)
    for number, value in enumerate(ids, start=1):
        if not _integer(value):
            raise DomainError(
                _l("Entry %(num)d: a CapX skill id (a whole number) is expected.", num=number), name
            )
    return tuple(dict.fromkeys(ids))


def _language(entry: object, number: int) -> tuple[int | str, str]:
    """One ``{"id", "proficiency"}`` (or ``{"code", ...}``) entry; faults name ``language``."""
    if not isinstance(entry, dict):
        problem = _l(
            "Entry %(num)d: an object with an id and a proficiency is expected.", num=number
        )
        raise DomainError(problem, "language")
    key = entry.get("id", entry.get("code"))
    if isinstance(key, str):
        key = key.strip().lower()
    if not _integer(key) and not (isinstance(key, str) and LANGUAGE_PATTERN.match(key)):
        problem = _l(
            "Entry %(num)d: a CapX language id or a language code is expected.", num=number
        )
        raise DomainError(problem, "language")
    proficiency = str(entry.get("proficiency", ""))
    if proficiency not in PROFICIENCIES:
        problem = _l("Entry %(num)d: a proficiency is 0 to 5 or n (native).", num=number)
        raise DomainError(problem, "language")
    return key, proficiency


def parse_profile(data: object) -> CapxProfile:
    """Check a decoded CapX profile; a problem is a :class:`DomainError` naming its field.

    Fields Pathways does not read (display name, bio, territory, ...) are ignored.
    """
    if not isinstance(data, dict):
        raise DomainError(_l("A CapX profile is a JSON object."), "profile")
    skills = {name: _skill_ids(data, name) for name in SKILL_LISTS}
    entries = _list(data, "language")
    languages = tuple(_language(entry, number) for number, entry in enumerate(entries, start=1))
    return CapxProfile(skills, languages)


def _higher(current: Stance | None, imported: Stance) -> bool:
    return current is None or STANCE_RANK[imported] > STANCE_RANK[current]


def plan_import(
    profile: CapxProfile, stances: dict[str, Stance], languages: list[str], interests: str = ""
) -> ImportPlan:
    """What importing ``profile`` would change for someone with these stances, languages
    and interests; ``interests`` of the plan is the text they would have afterwards."""
    mapping = get_mapping()
    plan = ImportPlan()
    for list_name, stance in SKILL_LISTS.items():
        for capx_id in profile.skills[list_name]:
            skill = mapping.skills.get(capx_id)
            if skill is None or not skill.catalog_ids:
                name = skill.name if skill else _l("unknown CapX skill #%(id)d", id=capx_id)
                if str(name) not in plan.unmapped_skills:
                    plan.unmapped_skills.append(str(name))
            for catalog_id in skill.catalog_ids if skill else ():
                current = plan.stances.get(catalog_id, stances.get(catalog_id))
                if _higher(current, stance):
                    plan.stances[catalog_id] = stance
    plan.interests = _with_wanted_names(interests, profile.skills["skills_wanted"], mapping)
    for key, proficiency in profile.languages:
        code = mapping.language_codes.get(key) if _integer(key) else key
        if code is None:
            plan.unknown_languages.append(f"#{key}")
        elif proficiency != NO_PROFICIENCY and code not in languages + plan.languages:
            plan.languages.append(code)
    return plan


def _with_wanted_names(interests: str, wanted: tuple[int, ...], mapping: Mapping) -> str:
    """The interests with the names of wanted catalog skills not in them yet, as many as
    fit; empty when nothing is added."""
    catalog = get_catalog()
    text = interests.strip()
    added = False
    for capx_id in wanted:
        for catalog_id in mapping.skills[capx_id].catalog_ids if capx_id in mapping.skills else ():
            name = catalog.skills[catalog_id].name
            longer = f"{text}; {name}" if text else name
            if normalize(name) not in normalize(text) and len(longer) <= MAX_INTERESTS_LENGTH:
                text, added = longer, True
    return text if added else ""


def preview(person: Person, profile: CapxProfile) -> ImportPlan:
    return plan_import(profile, stances_of(person), person.language_codes, person.interests)


def apply_import(person: Person, profile: CapxProfile) -> ImportPlan:
    """Write what :func:`preview` shows, through the assessment and settings services."""
    plan = preview(person, profile)
    if plan.stances:
        merged = {skill_id: str(s) for skill_id, s in stances_of(person).items()}
        merged.update({skill_id: str(s) for skill_id, s in plan.stances.items()})
        save_assessment(person, merged)
    if plan.languages:
        set_languages(person, person.language_codes + plan.languages)
    if plan.interests:
        save_interests(person, plan.interests)
    return plan


def export_profile(person: Person) -> dict:
    """The person's self-assessment and languages as a CapX profile.

    Catalog skills without a CapX counterpart, and "not yet", have no place in it;
    languages carry no proficiency, since Pathways stores none.
    """
    mapping = get_mapping()
    lists: dict[str, list[int]] = {name: [] for name in SKILL_LISTS}
    by_stance = {stance: name for name, stance in SKILL_LISTS.items()}
    for skill_id, stance in stances_of(person).items():
        capx_id = mapping.capx_skill_of(skill_id)
        name = by_stance.get(stance)
        if capx_id is not None and name is not None and capx_id not in lists[name]:
            lists[name].append(capx_id)
    languages = []
    for code in person.language_codes:
        capx_id = mapping.capx_language_of(code)
        entry = {"id": capx_id} if capx_id is not None else {"code": code}
        languages.append({**entry, "proficiency": ""})
    return {
        "user": {"username": person.username},
        **{name: sorted(ids) for name, ids in lists.items()},
        "language": languages,
    }
