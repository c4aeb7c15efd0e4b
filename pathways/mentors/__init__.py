"""Mentors: the offer (skills, capacity, terms, wiki-breaks) and the profile others see."""

from flask import Blueprint

bp = Blueprint("mentors", __name__)

from . import routes  # noqa: E402,F401
