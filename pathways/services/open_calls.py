"""Open calls: skills that more waiting mentees ask for than the mentors teaching them
have free places for, shown to volunteers who can teach them. Requests for a peer circle
wait for the batch's circles, not for a mentor, and a mentor on a wiki-break has no
free place until they are back. Read in a fixed number of queries; the dashboard's skill
figures count with the same functions."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..catalog import get_catalog
from ..extensions import db
from ..models import MentorOffer, MentorRequest, Person, SkillStance, Stance
from .matching import WAITING, active_mentee_counts, open_mentors


def requested_skills(*where) -> Counter[str]:
    """How many mentor requests (matching ``where``) ask for each skill."""
    requested: Counter[str] = Counter()
    for skills in db.session.scalars(select(MentorRequest.skills).where(*where)):
        requested.update(set(skills or ()))
    return requested


def teachers_by_skill() -> dict[str, dict[int, int]]:
    """For each skill, the serving mentors who can teach it, with each one's capacity."""
    teachers: dict[str, dict[int, int]] = defaultdict(dict)
    for skill_id, person_id, capacity in db.session.execute(
        select(SkillStance.skill_id, MentorOffer.person_id, MentorOffer.capacity)
        .join(MentorOffer, MentorOffer.person_id == SkillStance.person_id)
        .join(Person, Person.id == SkillStance.person_id)
        .where(
            SkillStance.stance == Stance.CAN_TEACH,
            MentorOffer.retired_at.is_(None),
            Person.deleted_at.is_(None),
        )
    ):
        teachers[skill_id][person_id] = capacity
    return teachers


def skill_name(skill_id: str) -> str:
    catalog = get_catalog()
    return catalog.skills[skill_id].name if skill_id in catalog.skills else skill_id


@dataclass(frozen=True)
class OpenCall:
    skill_id: str
    name: str
    waiting: int
    mentors: int
    free_places: int

    @property
    def missing(self) -> int:
        return self.waiting - self.free_places


def open_calls(today: date) -> list[OpenCall]:
    """Skills whose requests waiting for a mentor outnumber the free places of the
    mentors teaching them (none for those who take no mentee today: away, between terms),
    the biggest shortfall first."""
    waiting = requested_skills(
        MentorRequest.state.in_(WAITING), MentorRequest.wants_group.is_(False)
    )
    teachers = teachers_by_skill()
    held, taking = active_mentee_counts(), open_mentors(today)
    calls = []
    for skill_id, asked in waiting.items():
        mentors = teachers.get(skill_id, {})
        free = sum(max(cap - held.get(m, 0), 0) for m, cap in mentors.items() if m in taking)
        if asked > free:
            calls.append(OpenCall(skill_id, skill_name(skill_id), asked, len(mentors), free))
    calls.sort(key=lambda c: (-c.missing, c.name))
    return calls


def open_calls_for(person: Person, today: date) -> list[OpenCall]:
    """Open calls in the skills the person says they can teach, unless they already
    teach them as a serving mentor."""
    offer = db.session.scalar(select(MentorOffer).where(MentorOffer.person_id == person.id))
    if offer is not None and offer.retired_at is None:
        return []
    can_teach = {s.skill_id for s in person.stances if s.stance == Stance.CAN_TEACH}
    return [c for c in open_calls(today) if c.skill_id in can_teach] if can_teach else []
