"""Locale selection and text direction.

Order: the signed-in person's preference, then ``?lang=`` (remembered in the
session), then the browser's Accept-Language, then English.
"""

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_login import current_user


def supported_locales() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = supported_locales()
    preference = getattr(current_user, "locale", None) if current_user.is_authenticated else None
    if preference in supported:
        return preference
    asked = request.args.get("lang")
    if asked in supported:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in supported:
        return remembered
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def text_direction(locale_code: str) -> str:
    """``rtl`` or ``ltr`` for a locale, from CLDR data."""
    return Locale.parse(locale_code).text_direction


def locale_display_name(locale_code: str) -> str:
    """A language's name in itself, so a reader finds their own language in a list."""
    return Locale.parse(locale_code).get_display_name(locale_code).capitalize()
