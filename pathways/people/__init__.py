"""Public pages of people: the identity behind their badges, showing what they chose."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from . import routes  # noqa: E402,F401
