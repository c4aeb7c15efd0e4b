"""The database model: SQLAlchemy 2.0 typed mappings, one class per product word.

Catalog data (skills, roles, levels) lives in ``data/catalog.yaml``, not in the
database: rows refer to it by its stable string ids.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Load, Mapped, lazyload, mapped_column, relationship, validates

from . import usernames
from .extensions import db
from .ladder import Stance


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _enum(cls: type[enum.Enum]) -> Enum:
    """Store an enum by its value, as a VARCHAR with a CHECK, on both databases."""
    return Enum(
        cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        length=20,
        validate_strings=True,
    )


def _unique_while(name: str, column: str, condition: str) -> Index:
    """A unique index over the rows meeting ``condition``: partial on SQLite and PostgreSQL;
    MariaDB's form (a generated column under a unique index) is in the migrations."""
    where = text(condition)
    return Index(name, column, unique=True, sqlite_where=where, postgresql_where=where)


class RoleName(enum.StrEnum):
    VOLUNTEER = "volunteer"
    MENTOR = "mentor"
    COORDINATOR = "coordinator"


class StepStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    STARTED = "started"
    DONE = "done"


class RequestState(enum.StrEnum):
    OPEN = "open"
    PROPOSED = "proposed"
    MATCHED = "matched"
    WITHDRAWN = "withdrawn"


class ProposalState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class EndorsementState(enum.StrEnum):
    PENDING = "pending"
    NOT_YET = "not_yet"
    ENDORSED = "endorsed"


class ResourceFormat(enum.StrEnum):
    GUIDE = "guide"
    VIDEO = "video"
    COURSE = "course"
    WIKI_PAGE = "wiki_page"


class HandoverState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class CircleState(enum.StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class MentorshipState(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class Person(UserMixin, db.Model):
    """One account. Pseudonymous: a username is all we ask for.

    ``session_version`` is part of every session cookie's user id: raising it (sign-out,
    a new password, a role change, deletion) ends every session the person has, even a
    copied cookie. ``public_profile`` is the person's choice to show their name and
    badges to people who are not signed in.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    username_key: Mapped[str] = mapped_column(String(255), unique=True)
    username_skeleton: Mapped[str] = mapped_column(String(255), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    public_profile: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    interests: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen_on: Mapped[date | None] = mapped_column(Date)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )
    languages: Mapped[list[PersonLanguage]] = relationship(
        back_populates="person",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="PersonLanguage.code",
    )
    stances: Mapped[list[SkillStance]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    @validates("username")
    def _keep_keys_in_step(self, _attribute: str, name: str) -> str:
        """Whoever sets a name (sign-up, import, deletion's stand-in) sets its keys."""
        self.username_key = usernames.key(name)
        self.username_skeleton = usernames.skeleton(name)
        return name

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session version."""
        return f"{self.id}.{self.session_version}"

    def has_role(self, role: RoleName) -> bool:
        return any(r.role == role for r in self.roles)

    @property
    def role_names(self) -> set[RoleName]:
        return {r.role for r in self.roles}

    @property
    def language_codes(self) -> list[str]:
        return [lang.code for lang in self.languages]

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None


def names_only(people: Load) -> Load:
    """People loaded to be named: their roles and languages only if asked for (a query
    each otherwise, whether the page reads them or not)."""
    return people.options(lazyload(Person.roles), lazyload(Person.languages))


class PersonRole(db.Model):
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[RoleName] = mapped_column(_enum(RoleName), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="roles")


class PersonLanguage(db.Model):
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(12), primary_key=True)

    person: Mapped[Person] = relationship(back_populates="languages")


class SkillStance(db.Model):
    """A person's self-assessment of one catalog skill; ``can_teach`` is what a mentor offers."""

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    stance: Mapped[Stance] = mapped_column(_enum(Stance))

    person: Mapped[Person] = relationship(back_populates="stances")


class Plan(db.Model):
    """A volunteer's ladder: their goals, their hours, and the steps the engine chose."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    goal_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    hours_per_week: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship()
    steps: Mapped[list[PlanStep]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanStep.position"
    )


class PlanStep(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    skill_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[StepStatus] = mapped_column(_enum(StepStatus), default=StepStatus.NOT_STARTED)
    reflection: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)

    plan: Mapped[Plan] = relationship(back_populates="steps")

    __table_args__ = (UniqueConstraint("plan_id", "skill_id"),)


class Badge(db.Model):
    """An Open Badges 2.0 assertion for one level reached; public, recipient hashed.

    The recipient is the holder's profile URL hashed with ``salt``, computed when the
    assertion is served, so no e-mail address ever enters a badge.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    level_id: Mapped[str] = mapped_column(String(20))
    salt: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship()
    endorsement: Mapped[BadgeEndorsement | None] = relationship(back_populates="badge")
    showcase: Mapped[ShowcaseEntry | None] = relationship(
        back_populates="badge", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("person_id", "level_id"),)


class BadgeEndorsement(db.Model):
    """A level that needs a mentor's word before its badge: asked for when the holder
    finishes its steps (``pending``), answered ``not_yet`` (``comment`` says what to work
    on) or ``endorsed`` (``comment`` goes public with the badge, which ``badge_id`` names).
    One row per holder and level; a new completion after "not yet" asks again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    level_id: Mapped[str] = mapped_column(String(20))
    state: Mapped[EndorsementState] = mapped_column(
        _enum(EndorsementState), default=EndorsementState.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    endorser_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    badge_id: Mapped[int | None] = mapped_column(
        ForeignKey("badge.id", ondelete="SET NULL"), unique=True
    )

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    endorser: Mapped[Person | None] = relationship(foreign_keys=[endorser_id])
    badge: Mapped[Badge | None] = relationship(back_populates="endorsement")

    __table_args__ = (UniqueConstraint("person_id", "level_id"),)


class ShowcaseEntry(db.Model):
    """A badge its holder chose to show on the public showcase, with a short story;
    a coordinator may hide it (``hidden_reason`` says why), the holder withdraw it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badge.id", ondelete="CASCADE"), unique=True)
    story: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    badge: Mapped[Badge] = relationship(back_populates="showcase")


class MentorOffer(db.Model):
    """What a mentor offers: capacity, intro, what to show publicly, and a wiki-break."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    capacity: Mapped[int] = mapped_column(Integer, default=2)
    backup_capacity: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    intro: Mapped[str] = mapped_column(Text, default="")
    wiki_projects: Mapped[str] = mapped_column(String(255), default="")
    show_languages: Mapped[bool] = mapped_column(Boolean, default=True)
    show_skills: Mapped[bool] = mapped_column(Boolean, default=True)
    show_thanks: Mapped[bool] = mapped_column(Boolean, default=True)
    away_from: Mapped[date | None] = mapped_column(Date)
    away_until: Mapped[date | None] = mapped_column(Date)
    away_reason: Mapped[str | None] = mapped_column(String(255))
    full_since: Mapped[datetime | None] = mapped_column(DateTime)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The day the mentor last came back from a break: inactivity counts from then, not
    # from their last sign-in before the break.
    back_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship()
    terms: Mapped[list[Term]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="Term.starts_on"
    )


class Term(db.Model):
    """One term of a mentor's service. The terms of one offer never overlap: the
    migration adds an exclusion constraint on PostgreSQL and triggers on SQLite, which
    the model cannot declare for both."""

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("mentor_offer.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    offer: Mapped[MentorOffer] = relationship(back_populates="terms")


class RoleTerm(db.Model):
    """One term of a person in a leadership role (coordinator). The terms of one person in
    one role never overlap: the service checks under the person's row lock. A coordinator
    without any term serves open-ended. The lifecycle sweep sets ``reminded_on`` when it
    warns that the term ends soon, and ``successor_asked_on`` when the term has ended but
    the role stays, as nobody else coordinates."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    role: Mapped[RoleName] = mapped_column(_enum(RoleName))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    successor_asked_on: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship()


class Handover(db.Model):
    """An outgoing coordinator's invitation to a successor, with a note for them: pending
    until the successor accepts (and gains the role and a term) or declines, or the
    outgoing coordinator cancels it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[RoleName] = mapped_column(_enum(RoleName))
    outgoing_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    successor_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    # The successor's term runs from the day they accept to this day.
    ends_on: Mapped[date] = mapped_column(Date)
    state: Mapped[HandoverState] = mapped_column(
        _enum(HandoverState), default=HandoverState.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    outgoing: Mapped[Person] = relationship(foreign_keys=[outgoing_id])
    successor: Mapped[Person] = relationship(foreign_keys=[successor_id])


class MentorRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    preferred_mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    state: Mapped[RequestState] = mapped_column(_enum(RequestState), default=RequestState.OPEN)
    # A peer circle rather than one mentor: the batch run proposes circles for these.
    wants_group: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    mentee: Mapped[Person] = relationship(foreign_keys=[mentee_id])
    preferred_mentor: Mapped[Person | None] = relationship(foreign_keys=[preferred_mentor_id])
    proposals: Mapped[list[MatchProposal]] = relationship(
        back_populates="request", order_by="MatchProposal.score.desc()"
    )

    __table_args__ = (
        _unique_while(
            "uq_one_open_request_per_mentee", "mentee_id", "state IN ('open', 'proposed')"
        ),
        # The coordinators' queue: the waiting requests, oldest first, a page at a time.
        Index("ix_mentor_request_state_created_at", "state", "created_at", "id"),
    )


class MatchProposal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_request.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    batch_id: Mapped[str | None] = mapped_column(String(36))
    state: Mapped[ProposalState] = mapped_column(
        _enum(ProposalState), default=ProposalState.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)

    request: Mapped[MentorRequest] = relationship(back_populates="proposals")
    mentor: Mapped[Person] = relationship(foreign_keys=[mentor_id])


class Mentorship(db.Model):
    """A mentor (the primary) and a mentee; a mentee has at most one current (active or
    paused) mentorship. ``backup`` stands in while the primary is away, on a backup
    place of their own offer. The lifecycle sweep sets ``checkin_overdue_on`` (the
    coordinators' queue lists it; a check-in clears it) and ``graduation_offered_on``
    (once, when every skill of the request is done on the mentee's ladder)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    backup_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentor_request.id", ondelete="SET NULL")
    )
    state: Mapped[MentorshipState] = mapped_column(
        _enum(MentorshipState), default=MentorshipState.ACTIVE
    )
    goals: Mapped[str] = mapped_column(Text, default="")
    expectations: Mapped[str] = mapped_column(Text, default="")
    checkin_every_days: Mapped[int] = mapped_column(Integer, default=14)
    agreed_by_mentor_at: Mapped[datetime | None] = mapped_column(DateTime)
    agreed_by_mentee_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(Text)
    checkin_overdue_on: Mapped[date | None] = mapped_column(Date)
    graduation_offered_on: Mapped[date | None] = mapped_column(Date)

    mentor: Mapped[Person] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[Person] = relationship(foreign_keys=[mentee_id])
    backup: Mapped[Person | None] = relationship(foreign_keys=[backup_id])
    checkins: Mapped[list[CheckIn]] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan", order_by="CheckIn.happened_on"
    )
    offboarding: Mapped[Offboarding | None] = relationship(
        back_populates="mentorship", cascade="all, delete-orphan"
    )

    __table_args__ = (
        _unique_while(
            "uq_one_current_mentorship_per_mentee", "mentee_id", "state IN ('active', 'paused')"
        ),
    )


class CheckIn(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    happened_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="checkins")
    author: Mapped[Person | None] = relationship()


class Offboarding(db.Model):
    """What a mentorship hands on when it ends, answered on the coordinators' template."""

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorship.id", ondelete="CASCADE"), unique=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="offboarding")


class OffboardingTemplate(db.Model):
    """The questions an off-boarding form asks; coordinators edit them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    questions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))


class ThankYou(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sender: Mapped[Person | None] = relationship(foreign_keys=[sender_id])


class Notification(db.Model):
    """Something a person should know; ``kind`` and ``subject_id`` say what it is about
    (the web layer builds the link), ``params`` hold names for the sentence."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)


class ProgramEvent(db.Model):
    """The audit trail: who decided what, when and why. Kept when a person leaves."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[Person | None] = relationship()


class ProblemReport(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorship.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    mentorship: Mapped[Mentorship] = relationship()


class SignInLink(db.Model):
    """A one-time sign-in link for people imported without a password."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class WikimediaAccount(db.Model):
    """The Wikimedia account a person signs in with (OAuth 2 on Meta-Wiki).

    ``wiki_user_id`` is the provider's ``sub``: the central user id, which stays when
    the wiki account is renamed. One wiki account per person and one person per wiki
    account.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    wiki_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    wiki_username: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class ProfileVersion(db.Model):
    """One counter bumped whenever a matching profile changes.

    The matcher's fitted index is cached per value, so every app process agrees
    on when to refit.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class AccessToken(db.Model):
    """A personal access token for the JSON API: only its SHA-256 is kept.

    ``prefix`` is the token's first characters, shown in the list so a person can tell
    their tokens apart; ``scopes`` is a space-separated subset of read, write, coordinate.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class Job(db.Model):
    """Long work run outside the page that asked for it: on the RQ queue when Redis is
    configured, else in the same process. The work and its ``finished`` state commit in
    one transaction; progress is written beside it, so a page can follow it.

    ``holds`` names the work that must not run twice at once (``pairing``): set while
    queued or running, cleared when the job ends; its unique index refuses a second job
    of the same kind, on every database, however close the two starts are.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[JobState] = mapped_column(_enum(JobState), default=JobState.QUEUED)
    holds: Mapped[str | None] = mapped_column(String(40), unique=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    queue_id: Mapped[str | None] = mapped_column(String(64))
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    started_by: Mapped[Person | None] = relationship()

    @property
    def ended(self) -> bool:
        return self.state in (JobState.FINISHED, JobState.FAILED)


class Resource(db.Model):
    """A learning resource for one catalog skill: a link, its language, format and level.

    ``link_key`` is the SHA-256 of the normalised link: the unique index lives on it, as
    MariaDB cannot index a long link, and two spellings of one page collide there.
    ``approved_at`` is NULL while a volunteer's suggestion waits for a coordinator.
    ``translation_of`` links a translation to the resource it translates.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(12))
    format: Mapped[ResourceFormat] = mapped_column(_enum(ResourceFormat))
    level_id: Mapped[str] = mapped_column(String(20))
    link: Mapped[str] = mapped_column(Text)
    link_key: Mapped[str] = mapped_column(String(64), unique=True)
    translation_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("resource.id", ondelete="SET NULL"), index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)

    added_by: Mapped[Person | None] = relationship(foreign_keys=[added_by_id])
    translation_of: Mapped[Resource | None] = relationship(remote_side=[id])


class Training(db.Model):
    """A training or event that teaches catalog skills, online or in a place.

    ``starts_at`` is UTC; ``timezone`` is the zone the host wrote the time in, so the
    event can be shown in its own zone as well as the reader's. ``places`` is the most
    sign-ups it takes.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    online: Mapped[bool] = mapped_column(Boolean, default=True)
    venue: Mapped[str] = mapped_column(String(255), default="")
    link: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(12))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    places: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    host: Mapped[Person] = relationship()
    signups: Mapped[list[TrainingSignup]] = relationship(
        back_populates="training", cascade="all, delete-orphan", order_by="TrainingSignup.id"
    )


class TrainingSignup(db.Model):
    """A person's place at a training; ``attended_at`` is set when the host confirms."""

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    signed_up_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attended_at: Mapped[datetime | None] = mapped_column(DateTime)

    training: Mapped[Training] = relationship(back_populates="signups")
    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("training_id", "person_id"),)


class Community(db.Model):
    """A community, affiliate or question channel a volunteer can join; public content."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    region: Mapped[str] = mapped_column(String(120), default="")
    topics: Mapped[str] = mapped_column(String(255), default="")
    link: Mapped[str] = mapped_column(String(500))
    how_to_join: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Circle(db.Model):
    """A peer circle: volunteers of one rung who share a language, led by a facilitator
    (a mentor, on one place of their capacity while the circle is active).

    A batch run writes circles as ``proposed`` (``batch_id`` set) for a coordinator to
    approve; ``starts_on``/``ends_on`` are the current facilitator's term, whose history
    is in ``terms``. The schedule is a weekday (0 = Monday), a time and its time zone.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    level_id: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(12))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[CircleState] = mapped_column(_enum(CircleState), default=CircleState.PROPOSED)
    weekday: Mapped[int | None] = mapped_column(Integer)
    meets_at: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    batch_id: Mapped[str | None] = mapped_column(String(36), index=True)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)

    facilitator: Mapped[Person | None] = relationship()
    members: Mapped[list[CircleMember]] = relationship(
        back_populates="circle", cascade="all, delete-orphan", order_by="CircleMember.id"
    )
    terms: Mapped[list[FacilitatorTerm]] = relationship(
        back_populates="circle", cascade="all, delete-orphan", order_by="FacilitatorTerm.id"
    )


class CircleMember(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentor_request.id", ondelete="SET NULL")
    )
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    circle: Mapped[Circle] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("circle_id", "person_id"),)


class FacilitatorTerm(db.Model):
    """One facilitator's term leading one circle: the term limit counts these."""

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    circle: Mapped[Circle] = relationship(back_populates="terms")


class CirclePost(db.Model):
    """A reflection or a good practice on a circle's board: plain text, shown escaped,
    http(s) links made clickable. The facilitator hides a post (``hidden_at``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    circle: Mapped[Circle] = relationship()
    author: Mapped[Person | None] = relationship(foreign_keys=[author_id])


class CircleReport(db.Model):
    """A member's report of a post, read by coordinators beside mentorship reports."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("circle_post.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    post: Mapped[CirclePost] = relationship()
