"""Sign-up, sign-in, sign-out, settings, and the role checks every area uses."""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Person, RoleName

bp = Blueprint("auth", __name__)


def load_person(person_id: str) -> Person | None:
    person = db.session.get(Person, int(person_id))
    return person if person is not None and person.is_active else None


def role_required(*roles: RoleName) -> Callable:
    """Signed in and holding one of ``roles``; otherwise 403 (or the sign-in page)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


from . import links, routes  # noqa: E402,F401
