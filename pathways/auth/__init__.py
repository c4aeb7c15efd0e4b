"""Sign-up, sign-in, sign-out, settings, and the role checks every area uses."""

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import Blueprint, abort, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Person, RoleName

bp = Blueprint("auth", __name__)


# Every signed-in page reads the person's roles and languages: one query, not three.
SIGNED_IN_PERSON = (joinedload(Person.roles), joinedload(Person.languages))


def load_person(session_id: str) -> Person | None:
    """The person a session cookie names, if that session was not ended since.

    Sessions are revoked server-side by a per-person version (see ``Person.get_id``):
    a cookie from before a sign-out, a new password, a role change or deletion names
    an old version and signs nobody in.
    """
    person_id, _, version = session_id.partition(".")
    if not (person_id.isdigit() and version.isdigit()):
        return None
    person = db.session.get(Person, int(person_id), options=SIGNED_IN_PERSON)
    if person is None or not person.is_active or person.get_id() != session_id:
        return None
    return person


def note_the_day_seen() -> None:
    """Remember, once a day, that a signed-in person used the site.

    A session cookie outlives many days without a new sign-in, and the lifecycle sweep sets
    mentors away after days without activity: without this, a mentor who stays signed in
    would be set away while using the site. Runs before the view, so it commits alone.
    """
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    today = date.today()
    if current_user.last_seen_on != today:
        current_user.last_seen_on = today
        db.session.commit()


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


from . import links, routes, wikimedia  # noqa: E402,F401
