"""Translated names for the program's states and roles, and its default off-boarding questions."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matcher import UnmatchedReason, fit_label
from matcher.circles import NO_FACILITATOR, TOO_FEW

from .catalog import get_catalog
from .catalog_messages import skill_name, translated
from .ladder import Reason, ReasonKind
from .models import (
    CircleState,
    MentorshipState,
    ProposalState,
    RequestState,
    ResourceFormat,
    RoleName,
    Stance,
    StepStatus,
)

LABELS = {
    RoleName.VOLUNTEER: _l("Volunteer"),
    RoleName.MENTOR: _l("Mentor"),
    RoleName.COORDINATOR: _l("Coordinator"),
    Stance.NOT_YET: _l("Not yet"),
    Stance.LEARNING: _l("Learning"),
    Stance.CONFIDENT: _l("Confident"),
    Stance.CAN_TEACH: _l("Can teach others"),
    StepStatus.NOT_STARTED: _l("Not started"),
    StepStatus.STARTED: _l("Started"),
    StepStatus.DONE: _l("Done"),
    RequestState.OPEN: _l("Waiting"),
    RequestState.PROPOSED: _l("Mentor proposed"),
    RequestState.MATCHED: _l("Matched"),
    RequestState.WITHDRAWN: _l("Withdrawn"),
    ProposalState.PENDING: _l("Pending"),
    ProposalState.APPROVED: _l("Approved"),
    ProposalState.REJECTED: _l("Rejected"),
    ProposalState.SUPERSEDED: _l("Superseded"),
    MentorshipState.ACTIVE: _l("Active"),
    MentorshipState.PAUSED: _l("Paused"),
    MentorshipState.ENDED: _l("Ended"),
    ResourceFormat.GUIDE: _l("Guide"),
    ResourceFormat.VIDEO: _l("Video"),
    ResourceFormat.COURSE: _l("Course"),
    ResourceFormat.WIKI_PAGE: _l("Wiki page"),
    UnmatchedReason.NO_MENTORS: _l("no mentors at all"),
    UnmatchedReason.NO_SHARED_LANGUAGE: _l("no mentor shares a language"),
    UnmatchedReason.ALL_EXCLUDED: _l(
        "every mentor sharing a language was rejected or paired before"
    ),
    UnmatchedReason.NO_CAPACITY: _l("no mentor with a free place (or better pairs took them)"),
    UnmatchedReason.BELOW_THRESHOLD: _l("no mentor reaches the minimum score"),
    "invalid_profile": _l("the request has nothing to match on"),
    TOO_FEW: _l("too few others on the same rung share a language for a circle"),
    NO_FACILITATOR: _l("no facilitator with a free place speaks the circle's language"),
}


FITS = {
    "strong": _l("Strong fit"),
    "good": _l("Good fit"),
    "possible": _l("Possible fit"),
}


def fit(score: float) -> str:
    """A match score as a translated label ("Strong fit"); the number stays for a title."""
    return str(FITS[fit_label(score)])


# The default off-boarding questions (``mentorships.DEFAULT_OFFBOARDING_QUESTIONS``), stored
# in English; questions the coordinators wrote are their own text and stay as written.
DEFAULT_QUESTIONS = {
    "What was learned?": _l("What was learned?"),
    "What is handed on, and to whom?": _l("What is handed on, and to whom?"),
    "Which threads are still open?": _l("Which threads are still open?"),
}


def question_label(question: str) -> str:
    """An off-boarding question in the reader's language if it is a default one."""
    return str(DEFAULT_QUESTIONS.get(question, question))


def circle_state(state: CircleState) -> str:
    """A circle's state; kept apart from :data:`LABELS`, where the string "proposed" is
    a request's state (the states are strings, so equal values share a key)."""
    return str(_l("Proposed") if state == CircleState.PROPOSED else LABELS[state])


def label(value) -> str:
    """The translated name of a role or state; its raw value if it has none."""
    return str(LABELS.get(value, value))


def describe_reason(reason: Reason) -> str:
    """One reason for a step as a sentence in the reader's language."""
    catalog = get_catalog()
    if reason.kind is ReasonKind.GOAL_ROLE:
        return _("Needed to become %(role)s", role=translated(catalog.roles[reason.ref]))
    if reason.kind is ReasonKind.PREREQUISITE_OF:
        return _("Comes before %(skill)s", skill=skill_name(reason.ref))
    if reason.kind is ReasonKind.INTEREST:
        return _("Matches your interest in “%(terms)s”", terms=", ".join(reason.terms))
    if reason.kind is ReasonKind.FOUNDATION:
        return _("A foundation: the first steps everyone takes")
    return _("A way to give back: help others learn")
