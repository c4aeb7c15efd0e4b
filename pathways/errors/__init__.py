"""Styled error pages for people, JSON for API clients."""

import math
from contextlib import suppress
from datetime import timedelta

from flask import Blueprint, g, jsonify, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from ..jobs.queue import QueueUnavailable
from ..rate_limits import seconds_until_retry
from ..services import DomainError, NotAllowed

bp = Blueprint("errors", __name__)


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Not allowed"), _("Your account cannot open this page.")),
        409: (_("Not done"), _("This action does not fit the current state.")),
        404: (_("Page not found"), _("There is no page at this address.")),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        413: (_("Too large"), _("What you sent is larger than this site accepts.")),
        429: (_("Slow down"), _("Too many attempts. Wait a minute and try again.")),
        500: (_("Something broke"), _("An error on our side stopped this page. Try again later.")),
        503: (
            _("Not available"),
            _("Pathways cannot reach its database right now. Try again in a few minutes."),
        ),
    }


def render_error(status: int, detail: str | None = None, **json_fields):
    """The error page, or for API clients its JSON with ``json_fields`` added."""
    title, message = _messages().get(status, (_("Error"), ""))
    message = detail or message
    if _wants_json():
        error = {"status": status, "title": title, "message": message, **json_fields}
        return jsonify(error=error), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return render_error(
        400,
        _(
            "The form's security token is missing or expired. "
            "Go back, reload the page and try again."
        ),
    )


@bp.app_errorhandler(RateLimitExceeded)
def too_many_attempts(error: RateLimitExceeded):
    """Say how long to wait: in words for people, in seconds for programs."""
    seconds = seconds_until_retry()
    wait = format_timedelta(_rounded_up_to_minutes(seconds))
    message = _("Too many attempts. Wait %(wait)s and try again.", wait=wait)
    return render_error(429, message, retry_after=seconds)


def _rounded_up_to_minutes(seconds: int) -> timedelta:
    """Seconds under a minute, else whole minutes rounded up: 61 seconds read "2 minutes"."""
    if seconds < 60:
        return timedelta(seconds=seconds)
    return timedelta(minutes=math.ceil(seconds / 60))


@bp.app_errorhandler(NotAllowed)
def not_allowed(error: NotAllowed):
    return render_error(403, str(error.message))


@bp.app_errorhandler(QueueUnavailable)
def queue_unavailable(error: QueueUnavailable):
    """Redis (the job queue) does not answer: a 503 that names it; nothing was started."""
    return render_error(503, str(error.message))


@bp.app_errorhandler(DomainError)
def refused(error: DomainError):
    """A rule refused a button's action (e.g. approving twice): say which, change nothing."""
    return render_error(409, str(error.message))


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    return render_error(error.code or 500)


@bp.app_errorhandler(OperationalError)
def store_unavailable(error: OperationalError):
    """The database does not answer: a 503 page that needs no database, shown as to a
    visitor (loading the signed-in person would ask the database again)."""
    with suppress(SQLAlchemyError):
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()
    return render_error(503)


@bp.app_errorhandler(500)
def internal_error(error: HTTPException):
    db.session.rollback()
    return render_error(500)
