"""Synthetic mentoring programs, the same for the app and for the matcher library alone.

``generate(mentees, mentors, seed)`` is deterministic (Python's own ``random``, no
numpy) and draws from the real catalog (``data/catalog.yaml``), as in
../shared/PERFORMANCE.md: a mentee wants 3 catalog skills and is confident in one more,
with 30 words of interests; a mentor teaches 5 skills (capacity 3), with 30 words of
interests and 10 of goals; words come from a Zipf vocabulary of 5,000 made-up words;
everyone speaks 1 to 3 of 8 languages (60 % also English), so the language filter works.

The same program becomes:

* import files for ``flask profiles import`` (:func:`write_import_files`, CSV or JSON
  Lines, split to the importer's row limit), and
* the plain profiles the matcher takes (:func:`matcher_profiles`), built the way
  ``pathways.services.matching`` builds them from the imported rows.
"""

import csv
import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path

VOCABULARY = 5_000
LANGUAGES = ("es", "fr", "ar", "hi", "de", "pt", "id")
TIMEZONES = ("UTC", "Africa/Nairobi", "America/Lima", "Asia/Kolkata", "Europe/Madrid")
CAPACITY = 3
COLUMNS = ("username", "role", "languages", "timezone", "interests", "skills", "wants")
COLUMNS += ("capacity", "goals")
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


@dataclass(frozen=True)
class Person:
    """One row of an import file, as plain data."""

    username: str
    role: str  # "mentor" or "mentee"
    languages: tuple[str, ...]
    timezone: str
    interests: str
    skills: dict[str, str]  # skill id -> level
    wants: tuple[str, ...]
    capacity: int | None
    goals: str


@dataclass(frozen=True)
class Program:
    mentors: list[Person]
    mentees: list[Person]

    @property
    def people(self) -> list[Person]:
        return self.mentors + self.mentees


def vocabulary(size: int = VOCABULARY) -> list[str]:
    """``size`` distinct made-up words of three syllables (``bakelo``…), in a fixed order."""
    words = ("".join(parts) for parts in itertools.product(SYLLABLES, repeat=3))
    return list(itertools.islice(words, size))


def catalog_skill_ids() -> list[str]:
    from pathways.catalog import get_catalog

    return list(get_catalog().skills)


class _Draw:
    """The random choices of one program."""

    def __init__(self, seed: int, skill_ids: list[str]) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary()
        self.word_weights = list(itertools.accumulate(1 / r for r in range(1, VOCABULARY + 1)))
        self.skill_ids = skill_ids[:]
        self.rng.shuffle(self.skill_ids)
        ranks = range(1, len(skill_ids) + 1)
        self.skill_weights = list(itertools.accumulate(1 / r**0.6 for r in ranks))

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.word_weights, k=n))

    def skills(self, n: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < n:
            (skill,) = self.rng.choices(self.skill_ids, cum_weights=self.skill_weights)
            if skill not in chosen:
                chosen.append(skill)
        return chosen

    def languages(self) -> tuple[str, ...]:
        spoken = {self.rng.choice(LANGUAGES)}
        if self.rng.random() < 0.6:
            spoken.add("en")
        if self.rng.random() < 0.1:
            spoken.add(self.rng.choice(LANGUAGES))
        return tuple(sorted(spoken))

    def timezone(self) -> str:
        return self.rng.choice(TIMEZONES)


def _person(draw: _Draw, username: str, role: str, interests: str, **rest) -> Person:
    return Person(username, role, draw.languages(), draw.timezone(), interests, **rest)


def generate(mentees: int, mentors: int, seed: int = 7) -> Program:
    """``mentees`` × ``mentors``: the same arguments always give the same program."""
    draw = _Draw(seed, catalog_skill_ids())
    mentor_rows = [
        _person(
            draw,
            f"bench-mentor-{i:06d}",
            "mentor",
            draw.text(30),
            skills=dict.fromkeys(draw.skills(5), "can_teach"),
            wants=(),
            capacity=CAPACITY,
            goals=draw.text(10),
        )
        for i in range(mentors)
    ]
    mentee_rows = []
    for i in range(mentees):
        known, *wants = draw.skills(4)
        mentee_rows.append(
            _person(
                draw,
                f"bench-mentee-{i:06d}",
                "mentee",
                draw.text(30),
                skills={known: "confident"},
                wants=tuple(wants),
                capacity=None,
                goals="",
            )
        )
    return Program(mentor_rows, mentee_rows)


def _csv_record(person: Person) -> list[str]:
    return [
        person.username,
        person.role,
        ";".join(person.languages),
        person.timezone,
        person.interests,
        ";".join(f"{skill}:{level}" for skill, level in person.skills.items()),
        ";".join(person.wants),
        "" if person.capacity is None else str(person.capacity),
        person.goals,
    ]


def _json_record(person: Person) -> str:
    record = dict(zip(COLUMNS, _csv_record(person), strict=True))
    record |= {"languages": list(person.languages), "wants": list(person.wants)}
    record["skills"] = [{"skill": s, "level": level} for s, level in person.skills.items()]
    record["capacity"] = person.capacity
    return json.dumps(record, ensure_ascii=False)


def write_import_files(
    program: Program, folder: Path, fmt: str = "csv", rows_per_file: int | None = None
) -> list[Path]:
    """The program as import files in ``folder`` (mentors first), each within the
    importer's row limit; returns their paths in the order to import them."""
    from pathways.services.imports import MAX_ROWS

    rows_per_file = rows_per_file or MAX_ROWS
    folder.mkdir(parents=True, exist_ok=True)
    people = program.people
    paths = []
    for number, start in enumerate(range(0, len(people), rows_per_file), 1):
        chunk = people[start : start + rows_per_file]
        path = folder / f"people-{number:02d}.{fmt}"
        with path.open("w", encoding="utf-8", newline="") as handle:
            if fmt == "csv":
                writer = csv.writer(handle)
                writer.writerow(COLUMNS)
                writer.writerows(_csv_record(p) for p in chunk)
            else:
                handle.writelines(_json_record(p) + "\n" for p in chunk)
        paths.append(path)
    return paths


def matcher_profiles(program: Program):
    """(mentor profiles, mentee profiles) as the app builds them after the import:
    ids in file order, a mentor's text is interests + goals (their offer's intro), a
    mentee's interests + goals (their request's note), skills and wants at weight 1."""
    from matcher import MenteeProfile, MentorProfile

    ids = itertools.count(1)
    mentors = [
        MentorProfile(
            id=next(ids),
            languages=frozenset(m.languages),
            skills=dict.fromkeys(m.skills, 1.0),
            text=" ".join((m.interests, m.goals, "")),
            capacity_left=m.capacity,
            label=m.username,
        )
        for m in program.mentors
    ]
    mentees = [
        MenteeProfile(
            id=next(ids),
            languages=frozenset(m.languages),
            wants=dict.fromkeys(m.wants, 1.0),
            text=f"{m.interests} {m.goals}",
            label=m.username,
        )
        for m in program.mentees
    ]
    return mentors, mentees
