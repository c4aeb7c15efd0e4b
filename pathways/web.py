"""Small helpers shared by the blueprints' views, and the input rules at the URL."""

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, flash, request
from flask.json.provider import DefaultJSONProvider
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

from .errors import render_error
from .input_rules import (
    INTEGER_MAX,
    control_character,
    control_character_error,
    is_web_link,
    parse_whole_number,
    read_json,
)
from .services import DomainError, transaction


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


# User text on the page -----------------------------------------------------------------


def isolate(text: str) -> Markup:
    """User text in ``<bdi>``: its direction cannot reorder the page around it."""
    return Markup("<bdi>%s</bdi>") % text


def with_isolated(message: str, **values: str) -> Markup:
    """A translated ``message`` with each of its ``%(name)s`` values isolated.

    Translate the message without its values (``_("Hello %(name)s")``, no keywords): the
    values are escaped and isolated here, not pasted into the text.
    """
    return Markup.escape(message) % {name: isolate(value) for name, value in values.items()}


_LINK = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'"


def linked(text: str) -> Markup:
    """Plain text escaped, with its http(s) addresses as links that pass no ranking."""
    parts, last = [], 0
    for found in _LINK.finditer(text):
        address = found.group(0).rstrip(_TRAILING)
        end = found.start() + len(address)
        parts.append(escape(text[last : found.start()]))
        if is_web_link(address):
            parts.append(
                Markup('<a href="%s" rel="nofollow ugc noopener">%s</a>') % (address, address)
            )
        else:
            parts.append(escape(address))
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


# Input rules at the URL ----------------------------------------------------------------


def digits_up_to(limit: int) -> str:
    """A regular expression for the numbers from 0 to ``limit``, in digits 0-9."""
    text = str(limit)
    lower_at = [
        f"{text[:i]}[0-{int(digit) - 1}][0-9]{{{len(text) - i - 1}}}"
        for i, digit in enumerate(text)
        if digit != "0"
    ]
    shorter = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    return "|".join([*shorter, *lower_at, text])


class IdConverter(IntegerConverter):
    """``<int:…>`` matches only what a database INTEGER holds, so a larger id is a 404.

    The range is in the pattern: refused after matching, as ``max=`` does, a path that
    also has a route for another method would answer 405.
    """

    regex = f"(?:{digits_up_to(INTEGER_MAX)})"


class _NoControlCharacters:
    """A path segment with a control character matches no route: a 404."""

    def to_python(self, value: str) -> str:
        if control_character(value) is not None:
            raise ValidationError()
        return super().to_python(value)


class TextConverter(_NoControlCharacters, UnicodeConverter):
    pass


class TextPathConverter(_NoControlCharacters, PathConverter):
    pass


def refuse_control_characters_in_query():
    """A query parameter holding a character no field accepts is a 400 that names it.

    Tab and line breaks pass here (a form sent by GET may hold multi-line text); each
    form field then applies its own rule.
    """
    for name, value in request.args.items(multi=True):
        character = control_character(name + value, multiline=True)
        if character is not None:
            return render_error(400, str(control_character_error(name, character)))
    return None


def whole_number_arg(name: str, default: int, minimum: int = 0) -> int:
    """A whole-number query parameter; a 404 if it is not one a database can hold."""
    raw = request.args.get(name)
    if raw is None:
        return default
    value = parse_whole_number(raw)
    if value is None or value < minimum:
        abort(404)
    return value


class ListPage(Pagination):
    """One page of a list already computed (a table sorted in Python), with the same
    attributes as a query's page so that the ``pager`` macro serves both."""

    def __init__(self, rows: list, page: int, per_page: int):
        self._rows = rows
        super().__init__(page=page, per_page=per_page, error_out=False)

    def _query_items(self) -> list:
        return self._rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._rows)


class JsonProvider(DefaultJSONProvider):
    """Flask's own, reading request bodies with :func:`read_json`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return read_json(s, **kwargs)


def install_input_rules(app: Flask) -> None:
    """Paths, query strings and JSON bodies follow the input rules; before any blueprint
    is registered."""
    app.json = JsonProvider(app)
    app.url_map.converters.update(
        int=IdConverter, default=TextConverter, string=TextConverter, path=TextPathConverter
    )
    app.before_request(refuse_control_characters_in_query)
