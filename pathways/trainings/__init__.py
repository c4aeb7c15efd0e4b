"""Trainings and events (``/events``): posting, sign-up, attendance, iCalendar files,
and what a volunteer's ladder shows of them."""

from flask import Blueprint

bp = Blueprint("trainings", __name__)

from . import routes  # noqa: E402,F401
