"""In-app notifications: the list, mark-all-read, and the unread count for the bell."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from . import routes  # noqa: E402,F401
