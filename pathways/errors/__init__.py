"""Styled error pages for people, JSON for API clients."""

import math
from contextlib import suppress
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from flask import Blueprint, Response, g, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from ..input_rules import same_site_path
from ..jobs.queue import QueueUnavailable
from ..rate_limits import seconds_until_retry
from ..services import DomainError, NotAllowed

bp = Blueprint("errors", __name__)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _wants_json() -> bool:
    if _is_api():
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        401: (_("Not signed in"), _("Send a valid API token: Authorization: Bearer …")),
        403: (_("Not allowed"), _("Your account cannot open this page.")),
        409: (_("Not done"), _("This action does not fit the current state.")),
        404: (_("Page not found"), _("There is no page at this address.")),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        422: (_("Not valid"), _("Some of what you sent is not valid.")),
        413: (_("Too large"), _("What you sent is larger than this site accepts.")),
        429: (_("Slow down"), _("Too many attempts. Wait a minute and try again.")),
        500: (_("Something broke"), _("An error on our side stopped this page. Try again later.")),
        503: (
            _("Not available"),
            _("Pathways cannot reach its database right now. Try again in a few minutes."),
        ),
    }


API_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


def render_error(
    status: int, detail: str | None = None, fields: dict[str, str] | None = None, **json_fields
):
    """The error page, or for API clients its JSON with ``json_fields`` added.

    Under ``/api/`` the body is always ``{"error": {"code", "message", "fields"}}``,
    ``fields`` naming each input at fault with its message.
    """
    title, message = _messages().get(status, (_("Error"), ""))
    message = detail or message
    if _is_api():
        error = {"code": API_CODES.get(status, "error"), "message": message}
        response = jsonify(error={**error, "fields": fields or {}, **json_fields})
        return response, status
    if _wants_json():
        error = {"status": status, "title": title, "message": message, **json_fields}
        return jsonify(error=error), status
    if request_ctx.url_adapter is None:  # a Host no address is built for ("a..b"): no links
        return Response(f"{title}\n\n{message}\n", status, mimetype="text/plain")
    back = _way_back() if status == 409 else None
    page = render_template(
        "errors/error.html", status=status, title=title, message=message, back=back
    )
    return page, status


def _way_back() -> str | None:
    """The page a refused action came from: the form's ``next``, else the Referer when it
    is a page of this site (never another site's address), else None."""
    came_from = _own_page(request.referrer or "")
    for target in (request.form.get("next"), came_from):
        path = same_site_path(target, "")
        if path and path != request.full_path.rstrip("?"):
            return path
    return None


def _own_page(referrer: str) -> str | None:
    """The path and query of a Referer that is a page of this site; None for another
    site's, or for one that is no address at all (a header can hold anything)."""
    try:
        referer = urlsplit(referrer)
    except ValueError:  # "http://[oops"
        return None
    if referer.scheme != request.scheme or referer.netloc != request.host:
        return None
    return urlunsplit(("", "", referer.path, referer.query, ""))


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
    """A rule refused a button's action (e.g. approving twice): say which, change nothing.

    For the API, a refusal naming a field the client sent is that input's fault: a 422;
    one naming the record (``request``, ``proposal``) is the record's state: a 409.
    """
    if _is_api() and error.field in _sent_names():
        return render_error(422, str(error.message), {error.field: str(error.message)})
    return render_error(409, str(error.message))


def _sent_names() -> set[str]:
    body = request.get_json(silent=True)
    return set(request.args) | (set(body) if isinstance(body, dict) else set())


def _flattened(messages, prefix: str = "") -> dict[str, str]:
    """webargs' nested messages (``{"json": {"skills": {"0": [...]}}}``) by dotted name."""
    if isinstance(messages, dict):
        flat = {}
        for key, value in messages.items():
            flat.update(_flattened(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    texts = messages if isinstance(messages, list) else [messages]
    return {prefix or "request": " ".join(str(t) for t in texts)}


def _input_faults(error: HTTPException) -> dict[str, str]:
    """The fields webargs refused, without the location (json, query) they came in."""
    messages = (getattr(error, "data", None) or {}).get("messages", {})
    faults: dict[str, str] = {}
    for location, inner in messages.items():
        faults.update(_flattened(inner if isinstance(inner, dict) else {location: inner}))
    return faults


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    said = error.description if error.description != type(error).description else None
    return render_error(error.code or 500, said, _input_faults(error) if _is_api() else None)


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
