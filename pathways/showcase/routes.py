from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import role_required
from ..catalog import get_catalog
from ..models import RoleName
from ..recognition.forms import HideForm
from ..services import showcase, transaction
from ..web import whole_number_arg
from . import bp

PER_PAGE = 20


def _hide_form(entry_id: int, posted: bool = False) -> HideForm:
    """One form per entry, its fields named after it so that their ids stay unique."""
    blank = {} if posted else {"formdata": None}
    return HideForm(prefix=f"hide-{entry_id}", **blank)


def _render_index(refused: HideForm | None = None, entry_id: int | None = None, status=200):
    entries = showcase.shown_entries(whole_number_arg("page", 1, minimum=1), PER_PAGE)
    moderates = current_user.is_authenticated and current_user.has_role(RoleName.COORDINATOR)
    hide_forms = {entry.id: _hide_form(entry.id) for entry in entries.items} if moderates else {}
    if refused is not None:
        hide_forms[entry_id] = refused
    html = render_template(
        "showcase/index.html", entries=entries, hide_forms=hide_forms, catalog=get_catalog()
    )
    return html, status


@bp.get("/")
def index():
    return _render_index()


@bp.post("/<int:entry_id>/hide")
@role_required(RoleName.COORDINATOR)
def hide(entry_id: int):
    entry = showcase.find_entry(entry_id)
    if entry is None:
        abort(404)
    form = _hide_form(entry_id, posted=True)
    if not form.validate_on_submit():
        return _render_index(form, entry_id, 422)
    with transaction():
        showcase.hide(current_user, entry, form.reason.data)
    flash(_("The entry is hidden from the showcase."), "success")
    return redirect(url_for("showcase.index"), 303)
