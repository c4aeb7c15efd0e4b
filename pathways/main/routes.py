from datetime import date

from flask import abort, render_template
from flask_login import current_user

from ..catalog import get_catalog
from ..i18n import reader_languages
from ..services import resources
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
