"""Badges: the public Open Badges documents, printable certificates, and revocation."""

from flask import Blueprint

bp = Blueprint("badges", __name__)

from . import routes  # noqa: E402,F401
