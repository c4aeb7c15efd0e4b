"""Mentor requests: a volunteer asks for help with chosen skills and sees who could help."""

from flask import Blueprint

bp = Blueprint("requests", __name__)

from . import routes  # noqa: E402,F401
