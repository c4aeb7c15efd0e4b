"""Volunteers: the self-assessment, "My ladder", progress and re-planning."""

from flask import Blueprint

bp = Blueprint("volunteers", __name__)

from . import routes  # noqa: E402,F401
