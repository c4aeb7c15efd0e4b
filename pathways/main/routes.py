from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ..catalog import get_catalog
from ..extensions import db
from ..i18n import reader_languages
from ..models import Handover
from ..services import coordinator_terms, resources, transaction
from ..services.next_steps import next_steps
from . import bp


@bp.get("/")
def index():
    """The start page; a signed-in person sees what each of their roles can do next, and
    an away mentor the way back."""
    steps = next_steps(current_user, date.today()) if current_user.is_authenticated else None
    away_offer = steps.mentor.away_offer if steps and steps.mentor else None
    return render_template("main/index.html", next_steps=steps, away_offer=away_offer)


@bp.get("/skills")
def catalog():
    return render_template("main/catalog.html", catalog=get_catalog())


@bp.get("/skills/<skill_id>")
def skill(skill_id: str):
    catalog = get_catalog()
    found = catalog.skills.get(skill_id)
    if found is None:
        abort(404)
    needed_by = [role for role in catalog.roles.values() if skill_id in role.skills]
    leads_to = [s for s in catalog.skills.values() if skill_id in s.prerequisites]
    return render_template(
        "main/skill.html",
        skill=found,
        needed_by=needed_by,
        leads_to=leads_to,
        resources=resources.for_skills([skill_id], reader_languages()).get(skill_id, []),
        catalog=catalog,
    )


@bp.get("/roles")
def roles():
    return render_template("main/roles.html", catalog=get_catalog())


@bp.get("/framework")
def coverage():
    return render_template("main/coverage.html", catalog=get_catalog())


@bp.post("/handovers/<int:handover_id>/accept")
@login_required
def accept_handover(handover_id: int):
    """The successor takes over: they coordinate from today (a new role ends their old
    session, so they are signed in anew)."""
    handover = db.get_or_404(Handover, handover_id)
    with transaction():
        coordinator_terms.accept_handover(current_user, handover, date.today())
    login_user(current_user._get_current_object())
    flash(_("Welcome: you coordinate the program now."), "success")
    return redirect(url_for("coordinators.terms"))


@bp.post("/handovers/<int:handover_id>/decline")
@login_required
def decline_handover(handover_id: int):
    handover = db.get_or_404(Handover, handover_id)
    with transaction():
        coordinator_terms.decline_handover(current_user, handover)
    flash(_("You declined the invitation; the coordinator is told."), "success")
    return redirect(url_for("main.index"))
