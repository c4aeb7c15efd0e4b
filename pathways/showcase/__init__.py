"""The public showcase (``/showcase``): badges their holders chose to show, with their
stories, and the coordinators' moderation."""

from flask import Blueprint

bp = Blueprint("showcase", __name__)

from . import routes  # noqa: E402,F401
