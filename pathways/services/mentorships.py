"""Mentorships: the agreement, check-ins, a graceful end with off-boarding, problem
reports and thanks. One function per action; the caller wraps it in
:func:`pathways.services.transaction`.

    Mentorship: active ⇄ paused (mentor away) → ended (with off-boarding)
"""

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    CheckIn,
    Mentorship,
    MentorshipState,
    Offboarding,
    OffboardingTemplate,
    Person,
    ProblemReport,
    RoleName,
    ThankYou,
    names_only,
    utcnow,
)
from . import DomainError, NotAllowed
from .accounts import coordinators
from .events import notify, record
from .matching import bump_profile_version
from .offers import offer_of
from .rules import check_text


def mentorships_of(person: Person) -> list[Mentorship]:
    """Every mentorship the person is part of, newest first, with both people."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(or_(Mentorship.mentor_id == person.id, Mentorship.mentee_id == person.id))
            .options(selectinload(Mentorship.mentor), selectinload(Mentorship.mentee))
            .order_by(Mentorship.started_at.desc(), Mentorship.id.desc())
        )
    )


def checkin_due(started_at: datetime, every_days: int, last_checkin: date | None) -> date:
    """When the next check-in is due: the agreed days after the last one, or after the start."""
    return (last_checkin or started_at.date()) + timedelta(days=every_days)


def current_mentorship_of(mentee_id: int) -> Mentorship | None:
    """The mentee's active or paused mentorship (the database allows one at most)."""
    return db.session.scalar(
        select(Mentorship).where(
            Mentorship.mentee_id == mentee_id, Mentorship.state != MentorshipState.ENDED
        )
    )


def problem_reports() -> list[ProblemReport]:
    """Every report, open ones first, newest first, with the mentorship's two people."""
    mentorship = selectinload(ProblemReport.mentorship)
    return list(
        db.session.scalars(
            select(ProblemReport)
            .options(
                mentorship.selectinload(Mentorship.mentor),
                mentorship.selectinload(Mentorship.mentee),
            )
            .order_by(ProblemReport.resolved_at.is_not(None), ProblemReport.created_at.desc())
        )
    )


def is_party(person: Person, mentorship: Mentorship) -> bool:
    return person.id in (mentorship.mentor_id, mentorship.mentee_id)


def stands_in(person: Person, mentorship: Mentorship) -> bool:
    """The backup, while the primary is away (the mentorship is paused)."""
    return mentorship.state == MentorshipState.PAUSED and person.id == mentorship.backup_id


def can_check_in(person: Person, mentorship: Mentorship) -> bool:
    return is_party(person, mentorship) or stands_in(person, mentorship)


def can_view(person: Person, mentorship: Mentorship) -> bool:
    return can_check_in(person, mentorship) or person.has_role(RoleName.COORDINATOR)


def _require_party(person: Person, mentorship: Mentorship) -> None:
    if not is_party(person, mentorship):
        raise NotAllowed(_l("Only the mentor and the mentee can do this."))


def require_not_ended(mentorship: Mentorship) -> None:
    if mentorship.state == MentorshipState.ENDED:
        raise DomainError(_l("This mentorship has ended."))


def _other_party(person: Person, mentorship: Mentorship) -> Person:
    return mentorship.mentee if person.id == mentorship.mentor_id else mentorship.mentor


def save_agreement(
    person: Person, mentorship: Mentorship, goals: str, expectations: str, every_days: int
) -> None:
    """Write the agreement; any change asks both sides to confirm it again."""
    _require_party(person, mentorship)
    require_not_ended(mentorship)
    if not 1 <= every_days <= 90:
        raise DomainError(_l("Check in every 1 to 90 days."), "checkin_every_days")
    mentorship.goals = check_text(goals, "goals")
    mentorship.expectations = check_text(expectations, "expectations")
    mentorship.checkin_every_days = every_days
    mentorship.agreed_by_mentor_at = mentorship.agreed_by_mentee_at = None
    _confirm(person, mentorship)
    notify(
        _other_party(person, mentorship),
        "agreement_changed",
        mentorship.id,
        other=person.username,
    )


def _confirm(person: Person, mentorship: Mentorship) -> None:
    if person.id == mentorship.mentor_id:
        mentorship.agreed_by_mentor_at = utcnow()
    else:
        mentorship.agreed_by_mentee_at = utcnow()


def confirm_agreement(person: Person, mentorship: Mentorship) -> None:
    _require_party(person, mentorship)
    require_not_ended(mentorship)
    if not mentorship.goals:
        raise DomainError(_l("Write down the goals first."), "goals")
    _confirm(person, mentorship)


def mentoring_minutes(mentor_id: int) -> int:
    """Minutes logged in the check-ins of all of a mentor's mentorships (for stipends)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(CheckIn.minutes), 0))
        .join(CheckIn.mentorship)
        .where(Mentorship.mentor_id == mentor_id)
    )


def log_checkin(
    person: Person,
    mentorship: Mentorship,
    happened_on: date,
    minutes: int,
    notes: str,
    today: date,
) -> None:
    if not can_check_in(person, mentorship):
        raise NotAllowed(_l("Only the mentor, the mentee and a standing-in backup can do this."))
    require_not_ended(mentorship)
    if happened_on > today:
        raise DomainError(_l("A check-in cannot be in the future."), "happened_on")
    if happened_on < mentorship.started_at.date():
        raise DomainError(_l("This date is before the mentorship started."), "happened_on")
    if not 0 <= minutes <= 24 * 60:
        raise DomainError(_l("Minutes run from 0 to 1440."), "minutes")
    mentorship.checkins.append(
        CheckIn(
            author_id=person.id,
            happened_on=happened_on,
            minutes=minutes,
            notes=check_text(notes, "notes"),
        )
    )
    mentorship.checkin_overdue_on = None
    for reader in _checkin_readers(mentorship):
        if reader.id != person.id:
            notify(reader, "checkin_logged", mentorship.id, other=person.username)


def _checkin_readers(mentorship: Mentorship) -> list[Person]:
    """The mentor and the mentee, and the backup while the primary is away."""
    readers = [mentorship.mentor, mentorship.mentee]
    if mentorship.state == MentorshipState.PAUSED and mentorship.backup is not None:
        readers.append(mentorship.backup)
    return readers


DEFAULT_OFFBOARDING_QUESTIONS = (
    {"key": "learned", "label": "What was learned?"},
    {"key": "handed_on", "label": "What is handed on, and to whom?"},
    {"key": "open_threads", "label": "Which threads are still open?"},
)


def offboarding_questions() -> list[dict]:
    """The coordinators' current off-boarding template."""
    template = db.session.scalar(select(OffboardingTemplate).order_by(OffboardingTemplate.id))
    return (
        list(template.questions) if template else [dict(q) for q in DEFAULT_OFFBOARDING_QUESTIONS]
    )


def save_offboarding_template(coordinator: Person, labels: list[str]) -> None:
    """Replace the questions; keys stay stable for questions whose position is unchanged."""
    labels = [check_text(label, "questions", 300) for label in labels if label.strip()]
    if not labels:
        raise DomainError(_l("Keep at least one question."), "questions")
    template = db.session.scalar(select(OffboardingTemplate).order_by(OffboardingTemplate.id))
    if template is None:
        template = OffboardingTemplate()
        db.session.add(template)
    template.questions = [{"key": f"q{i}", "label": label} for i, label in enumerate(labels, 1)]
    template.updated_by_id = coordinator.id
    record(coordinator, "offboarding_template_changed", None, questions=len(labels))


def end_mentorship(person: Person, mentorship: Mentorship, reason: str, answers: dict) -> None:
    """A graceful end by either side or a coordinator, with the off-boarding record."""
    if not can_view(person, mentorship):
        raise NotAllowed(_l("Only the mentor, the mentee or a coordinator can end this."))
    require_not_ended(mentorship)
    questions = offboarding_questions()
    mentorship.offboarding = Offboarding(
        author_id=person.id,
        answers={q["label"]: check_text(answers.get(q["key"], ""), q["key"]) for q in questions},
    )
    mentorship.state = MentorshipState.ENDED
    mentorship.ended_at = utcnow()
    mentorship.ended_by_id = person.id
    mentorship.end_reason = check_text(reason, "reason", 1000)
    offer = offer_of(mentorship.mentor)
    if offer is not None:
        offer.full_since = None
    record(person, "mentorship_ended", mentorship.id, mentorship.end_reason)
    for party in (mentorship.mentor, mentorship.mentee):
        if party.id != person.id:
            notify(party, "mentorship_ended", mentorship.id, other=person.username)
    bump_profile_version()


GRADUATED = "graduated"


def check_can_graduate(person: Person, mentorship: Mentorship) -> None:
    """Graduation is the mentor's or the mentee's to take, once the sweep offered it."""
    _require_party(person, mentorship)
    if mentorship.state == MentorshipState.ENDED:
        raise DomainError(
            _l("This mentorship has already ended: there is nothing to graduate from.")
        )
    if mentorship.graduation_offered_on is None:
        raise DomainError(
            _l("Graduation is offered once every skill the mentee asked help with is done.")
        )


def graduate(person: Person, mentorship: Mentorship, answers: dict) -> None:
    """The mentee learned what they asked for: the mentorship ends, as graduated."""
    check_can_graduate(person, mentorship)
    end_mentorship(person, mentorship, GRADUATED, answers)


def overdue_mentorships() -> list[Mentorship]:
    """Mentorships the sweep flagged for want of a check-in, longest flagged first."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(
                Mentorship.checkin_overdue_on.is_not(None),
                Mentorship.state != MentorshipState.ENDED,
            )
            .options(
                names_only(joinedload(Mentorship.mentor)),
                names_only(joinedload(Mentorship.mentee)),
            )
            .order_by(Mentorship.checkin_overdue_on, Mentorship.id)
        )
    )


def report_problem(person: Person, mentorship: Mentorship, text: str) -> ProblemReport:
    """A private report that only coordinators read."""
    _require_party(person, mentorship)
    text = check_text(text, "text")
    if not text:
        raise DomainError(_l("Describe the problem."), "text")
    report = ProblemReport(mentorship_id=mentorship.id, reporter_id=person.id, text=text)
    db.session.add(report)
    db.session.flush()
    for coordinator in coordinators():
        notify(coordinator, "problem_reported", report.id)
    record(person, "problem_reported", report.id)
    return report


def send_thanks(sender: Person, mentor: Person, message: str) -> ThankYou:
    """A thank-you from a mentee of this mentor, or from a coordinator."""
    mentored = db.session.scalar(
        select(func.count())
        .select_from(Mentorship)
        .where(Mentorship.mentor_id == mentor.id, Mentorship.mentee_id == sender.id)
    )
    if sender.id == mentor.id or (not mentored and not sender.has_role(RoleName.COORDINATOR)):
        raise NotAllowed(_l("Only this mentor's mentees and coordinators can thank them here."))
    message = check_text(message, "message", 1000)
    if not message:
        raise DomainError(_l("Write a few words."), "message")
    thanks = ThankYou(mentor_id=mentor.id, sender_id=sender.id, message=message)
    db.session.add(thanks)
    notify(mentor, "thanked", mentor.id, other=sender.username)
    return thanks


def resolve_report(coordinator: Person, report: ProblemReport) -> None:
    if report.resolved_at is not None:
        raise DomainError(_l("This report is already resolved."))
    report.resolved_at = utcnow()
    record(coordinator, "problem_resolved", report.id)
