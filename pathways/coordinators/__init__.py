"""Coordinators: the approval queue, batch pairing, succession, reports and the audit trail."""

from flask import Blueprint

bp = Blueprint("coordinators", __name__)

from . import routes  # noqa: E402,F401
