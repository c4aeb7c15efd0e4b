"""Volunteers: the self-assessment, "My ladder", progress and re-planning."""

from flask import Blueprint
from flask_babel import gettext as _

from ..catalog import get_catalog
from ..catalog_messages import skill_name, translated
from ..ladder import Reason, ReasonKind

bp = Blueprint("volunteers", __name__)


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


bp.add_app_template_global(describe_reason)

from . import routes  # noqa: E402,F401
