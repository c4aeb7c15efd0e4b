"""Learning resources: the curated list per skill, the add and suggest form, the
coordinators' review queue, and what is missing in the reader's language."""

from flask import Blueprint

bp = Blueprint("resources", __name__)

from . import routes  # noqa: E402,F401
