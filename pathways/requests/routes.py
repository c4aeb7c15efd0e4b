from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from .. import rate_limits
from ..catalog import get_catalog
from ..extensions import db
from ..models import MentorRequest
from ..services import mentor_requests, transaction
from ..services.matching import next_rung_skills, suggest_public_mentors
from ..web import submit
from . import bp
from .forms import RequestForm


def _preview_suggestions(skills: list[str], note: str):
    """Who would fit, for the skills chosen so far; nothing is saved."""
    valid = [s for s in skills if s in get_catalog().skills]
    if not valid:
        return []
    draft = MentorRequest(mentee=current_user, skills=valid, note=note or "")
    return suggest_public_mentors(draft, top=5)


def _form_data() -> MultiDict | None:
    """A post's fields; from a link, only the skills to tick (never private text)."""
    if request.method == "POST":
        return request.form
    skills = request.args.getlist("skills")
    return MultiDict([("skills", s) for s in skills]) if skills else None


@bp.route("/new", methods=["GET", "POST"])
@login_required
@rate_limits.request_creation
def new():
    """The request form. Its preview button posts too, so the private note and the
    form's token never end up in a URL (server logs, browser history, Referer)."""
    waiting = mentor_requests.open_request_of(current_user)
    if waiting is not None:
        flash(_("You already have a request waiting."), "warning")
        return redirect(url_for("requests.mine"))
    form = RequestForm(formdata=_form_data())
    if request.method == "GET" and not form.skills.data:
        form.skills.data = next_rung_skills(current_user.id)
    previewing = request.method == "GET" or "preview" in request.form
    sent = not previewing and submit(
        form,
        lambda: mentor_requests.request_mentor(
            current_user,
            form.skills.data,
            form.note.data,
            form.preferred_mentor_id(),
            form.wants_group(),
        ),
    )
    if sent:
        flash(_("Your request is sent. A coordinator will review it soon."), "success")
        return redirect(url_for("requests.mine"))
    suggestions = _preview_suggestions(form.skills.data or [], form.note.data)
    form.preferred_mentor.choices = [(str(s.mentor.id), s.mentor.username) for s in suggestions]
    status = 422 if not previewing and form.errors else 200
    return render_template(
        "requests/new.html", form=form, suggestions=suggestions, catalog=get_catalog()
    ), status


@bp.get("/")
@login_required
def mine():
    requests = mentor_requests.requests_of(current_user)
    return render_template("requests/mine.html", requests=requests)


@bp.post("/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    mentor_request = db.get_or_404(MentorRequest, request_id)
    with transaction():
        mentor_requests.withdraw_request(current_user, mentor_request)
    flash(_("Your request is withdrawn."), "success")
    return redirect(url_for("requests.mine"))
