"""The start page and the public catalog: skills, roles, and the coverage map."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import routes  # noqa: E402,F401
