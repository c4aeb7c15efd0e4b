"""The coordinators' dashboard: program figures, small charts and CSV exports."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/coordinators/dashboard")

from . import routes  # noqa: E402,F401
