"""The community directory (``/communities``), and the communities a newcomer's pages
point to in their languages."""

from flask import Blueprint

bp = Blueprint("communities", __name__)

from . import routes  # noqa: E402,F401
