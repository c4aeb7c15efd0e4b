"""A mentorship's pages: the agreement, check-ins, a graceful end, problems and thanks."""

from flask import Blueprint

bp = Blueprint("mentorships", __name__)

from . import routes  # noqa: E402,F401
