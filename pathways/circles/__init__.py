"""Peer circles: a circle's page and board, its schedule, hand-over and end, and the
coordinators' approval and creation of circles."""

from flask import Blueprint

bp = Blueprint("circles", __name__)

from . import routes  # noqa: E402,F401
