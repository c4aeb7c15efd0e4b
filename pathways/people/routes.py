from flask import abort, render_template

from ..catalog import get_catalog
from ..services import accounts, recognition
from . import bp


@bp.get("/<username>")
def profile(username: str):
    """A person's public page: their name, and their badges if they chose to show them."""
    person = accounts.find_by_username(username)
    if person is None or not person.is_active:
        abort(404)
    return render_template(
        "people/profile.html",
        person=person,
        badges=recognition.public_badges(person),
        catalog=get_catalog(),
    )
