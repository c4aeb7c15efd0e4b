"""Trainings and events that teach catalog skills: posting, sign-up within the places,
attendance as ladder progress, and iCalendar files.

A training is stored in UTC with the time zone its host wrote it in. Sign-ups queue on
the training's row lock, so concurrent sign-ups never take more than its places.
Attendance confirmed by the host starts the volunteer's ladder step for every skill the
training teaches; the attended training is that step's evidence.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..input_rules import is_web_link
from ..models import (
    Person,
    Plan,
    PlanStep,
    RoleName,
    StepStatus,
    Training,
    TrainingSignup,
    names_only,
    utcnow,
)
from . import DomainError, NotAllowed, iso, plans
from .accounts import check_language, check_timezone
from .rules import check_skill_ids, check_text

MAX_TITLE = 200
MAX_VENUE = 255
MAX_LINK = 500
MAX_PLACES = 1000
MIN_MINUTES, MAX_MINUTES = 15, 24 * 60
HOSTS = {RoleName.MENTOR, RoleName.COORDINATOR}
CALENDAR_ID = "-//Pathways//Trainings//EN"


@dataclass(frozen=True)
class TrainingDraft:
    """What a host writes; ``starts_local`` is a wall-clock time in ``timezone``."""

    title: str
    description: str
    online: bool
    venue: str
    link: str
    language: str
    skills: list[str]
    starts_local: datetime
    timezone: str
    minutes: int
    places: int


def has_started(training: Training) -> bool:
    return training.starts_at <= utcnow()


def may_host(person: Person) -> bool:
    return bool(person.role_names & HOSTS)


def check_link(link: str | None, field: str = "link") -> str | None:
    """An optional http(s) address: anything else (``javascript:``, a path) is refused."""
    link = (link or "").strip()
    if not link:
        return None
    if len(link) > MAX_LINK or not is_web_link(link):
        raise DomainError(_l("Give a web address starting with https:// or http://."), field)
    return link


def _check_start(starts_local: datetime, timezone: str) -> datetime:
    """The start in UTC (naive, as stored); a start in the past is refused."""
    zone = ZoneInfo(check_timezone(timezone))
    starts_at = starts_local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    if starts_at <= utcnow():
        raise DomainError(_l("A training starts in the future."), "starts_at")
    return starts_at


def _check_number(value: int, low: int, high: int, field: str) -> int:
    if value is None or not low <= value <= high:
        raise DomainError(
            _l("Give a whole number from %(min)d to %(max)d.", min=low, max=high), field
        )
    return value


def _check_language(code: str) -> str:
    if not (code or "").strip():
        raise DomainError(_l("Give the one language the training is held in."), "language")
    return check_language(code)


def _checked(draft: TrainingDraft) -> dict:
    title = check_text(draft.title, "title", MAX_TITLE)
    if not title:
        raise DomainError(_l("Give the training a title."), "title")
    venue = check_text(draft.venue, "venue", MAX_VENUE)
    if not draft.online and not venue:
        raise DomainError(_l("Say where the training takes place, or mark it online."), "venue")
    skills = check_skill_ids(list(draft.skills), "skills")
    if not skills:
        raise DomainError(_l("Choose at least one skill the training teaches."), "skills")
    return {
        "title": title,
        "description": check_text(draft.description, "description"),
        "online": bool(draft.online),
        "venue": venue,
        "link": check_link(draft.link),
        "language": _check_language(draft.language),
        "skills": skills,
        "timezone": check_timezone(draft.timezone or ""),
        "starts_at": _check_start(draft.starts_local, draft.timezone or ""),
        "minutes": _check_number(draft.minutes, MIN_MINUTES, MAX_MINUTES, "minutes"),
        "places": _check_number(draft.places, 1, MAX_PLACES, "places"),
    }


def post_training(host: Person, draft: TrainingDraft) -> Training:
    """A mentor or coordinator posts a training."""
    if not may_host(host):
        raise NotAllowed(_l("Only mentors and coordinators post trainings."))
    training = Training(host_id=host.id, **_checked(draft))
    db.session.add(training)
    db.session.flush()
    return training


# Sign-up ----------------------------------------------------------------------------------


def _lock(training_id: int) -> Training:
    """Take the training's row lock before counting, so concurrent sign-ups queue up.

    The UPDATE takes the row lock on PostgreSQL and MariaDB and the write lock on
    SQLite; every count read after it sees the other transaction's committed sign-ups.
    """
    db.session.execute(
        update(Training)
        .where(Training.id == training_id)
        .values(places=Training.places)
        .execution_options(synchronize_session=False)
    )
    return db.session.scalar(
        select(Training)
        .where(Training.id == training_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def taken_places(training_id: int) -> int:
    return db.session.scalar(select(func.count()).where(TrainingSignup.training_id == training_id))


def signup_of(person: Person, training: Training) -> TrainingSignup | None:
    return db.session.scalar(
        select(TrainingSignup).where(
            TrainingSignup.training_id == training.id, TrainingSignup.person_id == person.id
        )
    )


def sign_up(person: Person, training: Training) -> TrainingSignup:
    """Take one of the training's places; refused when none is left."""
    training = _lock(training.id)
    if training.cancelled_at is not None:
        raise DomainError(_l("This training is cancelled."))
    if has_started(training):
        raise DomainError(_l("This training has already started."))
    if signup_of(person, training) is not None:
        raise DomainError(_l("You are already signed up for this training."))
    if taken_places(training.id) >= training.places:
        raise DomainError(_l("No place is left at this training."))
    signup = TrainingSignup(training_id=training.id, person_id=person.id)
    db.session.add(signup)
    db.session.flush()
    return signup


def cancel_signup(person: Person, training: Training) -> None:
    """Give one's place back, before the training starts."""
    signup = signup_of(person, training)
    if signup is None:
        raise DomainError(_l("You are not signed up for this training."))
    if has_started(training):
        raise DomainError(_l("This training has already started."))
    db.session.delete(signup)
    db.session.flush()


# Attendance as ladder progress -----------------------------------------------------------


def confirm_attendance(host: Person, training: Training, signup_id: int) -> list[PlanStep]:
    """The host confirms one person came: their ladder steps for the training's skills
    are started (a finished step stays finished). Returns the steps it touched."""
    if training.host_id != host.id and not host.has_role(RoleName.COORDINATOR):
        raise NotAllowed(_l("Only the host confirms who attended."))
    signup = db.session.get(TrainingSignup, signup_id)
    if signup is None or signup.training_id != training.id:
        raise DomainError(_l("This person is not signed up for this training."), "signup")
    if not has_started(training):
        raise DomainError(_l("Attendance is confirmed once the training has started."))
    if signup.attended_at is not None:
        raise DomainError(_l("This attendance is already confirmed."))
    signup.attended_at = utcnow()
    return _start_steps(signup.person, training.skills)


def _start_steps(person: Person, skill_ids: list[str]) -> list[PlanStep]:
    plan = plans.plan_of(person)
    steps = [row for row in (plan.steps if plan else []) if row.skill_id in skill_ids]
    for row in steps:
        if row.status == StepStatus.NOT_STARTED:
            plans.mark_step(person, row.id, StepStatus.STARTED, row.reflection)
    return steps


# What pages show -------------------------------------------------------------------------


def upcoming(language: str | None = None, skill: str | None = None) -> list[Training]:
    """Trainings not yet started and not cancelled, soonest first."""
    query = (
        select(Training)
        .where(Training.starts_at > utcnow(), Training.cancelled_at.is_(None))
        .options(names_only(selectinload(Training.host)), selectinload(Training.signups))
        .order_by(Training.starts_at, Training.id)
    )
    if language:
        query = query.where(Training.language == language)
    trainings = db.session.scalars(query).all()
    return [t for t in trainings if skill is None or skill in t.skills]


def hosted_by(person: Person) -> list[Training]:
    return db.session.scalars(
        select(Training)
        .where(Training.host_id == person.id)
        .options(selectinload(Training.signups).selectinload(TrainingSignup.person))
        .order_by(Training.starts_at.desc())
    ).all()


def signups_of(person: Person) -> list[TrainingSignup]:
    return db.session.scalars(
        select(TrainingSignup)
        .where(TrainingSignup.person_id == person.id)
        .options(selectinload(TrainingSignup.training))
        .order_by(TrainingSignup.id)
    ).all()


@dataclass(frozen=True)
class LadderTrainings:
    """For each skill of a ladder: upcoming trainings in the person's languages, and the
    trainings they attended (the step's evidence); and the ones they signed up for."""

    upcoming: dict[str, list[Training]]
    attended: dict[str, list[Training]]
    signed_up: frozenset[int]


def for_ladder(person: Person, plan: Plan) -> LadderTrainings:
    skill_ids = {row.skill_id for row in plan.steps}
    languages = person.language_codes
    upcoming_by_skill: dict[str, list[Training]] = defaultdict(list)
    for training in upcoming():
        if training.language in languages:
            for skill_id in skill_ids.intersection(training.skills):
                upcoming_by_skill[skill_id].append(training)
    attended: dict[str, list[Training]] = defaultdict(list)
    mine = signups_of(person)
    for signup in mine:
        if signup.attended_at is not None:
            for skill_id in skill_ids.intersection(signup.training.skills):
                attended[skill_id].append(signup.training)
    return LadderTrainings(
        upcoming=dict(upcoming_by_skill),
        attended=dict(attended),
        signed_up=frozenset(s.training_id for s in mine),
    )


# Privacy -----------------------------------------------------------------------------------


def export_of(person: Person) -> dict:
    """The person's sign-ups and the trainings they host, for the privacy export."""
    return {
        "signups": [
            {
                "training": s.training.title,
                "starts_at": s.training.starts_at.isoformat(),
                "signed_up_at": s.signed_up_at.isoformat(),
                "attended_at": iso(s.attended_at),
            }
            for s in signups_of(person)
        ],
        "hosted": [
            {"title": t.title, "starts_at": t.starts_at.isoformat(), "places": t.places}
            for t in hosted_by(person)
        ],
    }


def forget(person: Person) -> None:
    """A deleted account: its sign-ups go, and trainings it would still host are cancelled."""
    for signup in signups_of(person):
        db.session.delete(signup)
    now = utcnow()
    db.session.execute(
        update(Training)
        .where(Training.host_id == person.id, Training.starts_at > now)
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )


# iCalendar -----------------------------------------------------------------------------------


def _event(training: Training, site: str):
    import icalendar  # loaded when a calendar is asked for, not at start-up

    zone = ZoneInfo(training.timezone)
    start = training.starts_at.replace(tzinfo=UTC).astimezone(zone)
    event = icalendar.Event()
    event.add("uid", f"training-{training.id}@{site}")
    event.add("dtstamp", training.created_at.replace(tzinfo=UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=training.minutes))
    event.add("summary", training.title)
    if training.description:
        event.add("description", training.description)
    if training.venue:
        event.add("location", training.venue)
    if training.link:
        event.add("url", training.link)
    if training.cancelled_at is not None:
        event.add("status", "CANCELLED")
    return event


def calendar_of(trainings: list[Training], site: str) -> bytes:
    """An iCalendar file (RFC 5545) of these trainings, each in its own time zone."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", CALENDAR_ID)
    calendar.add("version", "2.0")
    for training in trainings:
        calendar.add_component(_event(training, site))
    calendar.add_missing_timezones()
    return calendar.to_ical()
