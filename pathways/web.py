"""Small helpers shared by the blueprints' views."""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm

from .services import DomainError, transaction

SITE_PATH = re.compile(r"/(?![/\\])[^\\\x00-\x20\x7f]*")


def same_site_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    Browsers read ``//host`` and ``/\\host`` as another site, and drop tabs and
    newlines before reading, so only a single leading slash followed by no
    backslash, space or control character passes.
    """
    if target and SITE_PATH.fullmatch(target) and not urlsplit(target).netloc:
        return target
    return fallback


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a refused action's message next to the field it names, or on top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


def submit(form: FlaskForm, action: Callable[[], Any]) -> bool:
    """Validate the form, then run ``action`` as one transaction.

    True when the action is done; False when the form or a rule refused it, with the
    reason shown next to the field (the caller re-renders the form).
    """
    if not form.validate_on_submit():
        return False
    try:
        with transaction():
            action()
    except DomainError as error:
        show_domain_error(form, error)
        return False
    return True


def form_status(form: FlaskForm) -> int:
    """422 for a form sent back with errors, so clients and tests can tell."""
    return 422 if form.errors else 200
