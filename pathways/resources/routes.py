from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import role_required
from ..catalog import get_catalog
from ..i18n import reader_languages
from ..input_rules import parse_whole_number
from ..models import Resource, ResourceFormat, RoleName
from ..services import DomainError, resources, transaction
from ..web import form_status, submit
from . import bp
from .forms import ResourceForm, format_choices


def _resource_or_404(resource_id: int) -> Resource:
    resource = resources.find_resource(resource_id)
    if resource is None:
        abort(404)
    return resource


@bp.get("/")
def index():
    catalog = get_catalog()
    skill_id = request.args.get("skill", "")
    language = request.args.get("language", "").strip().lower()
    format = request.args.get("format", "")
    if skill_id and skill_id not in catalog.skills:
        skill_id = ""
    if format not in set(ResourceFormat):
        format = ""
    found = resources.approved(skill_id, language, format)
    return render_template(
        "resources/index.html",
        resources=resources.reader_first(found, reader_languages()),
        catalog=catalog,
        formats=format_choices(),
        chosen={"skill": skill_id, "language": language, "format": format},
    )


def _prefilled() -> dict:
    """A link from a skill or the missing list fills in the skill, level and original."""
    data = {"language": str(get_locale())}
    skill = get_catalog().skills.get(request.args.get("skill", ""))
    if skill is not None:
        data |= {"skill": skill.id, "level": skill.level}
    original_id = parse_whole_number(request.args.get("translation_of", ""))
    original = resources.find_resource(original_id) if original_id else None
    if original is not None and original.approved_at is not None:
        data |= {
            "skill": original.skill_id,
            "level": original.level_id,
            "format": original.format.value,
            "translation_of": str(original.id),
        }
    return data


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = ResourceForm(data=None if request.method == "POST" else _prefilled())
    outcome: list[tuple[Resource, bool]] = []
    added = request.method == "POST" and submit(
        form,
        lambda: outcome.append(
            resources.add_resource(
                current_user,
                skill_id=form.skill.data,
                title=form.title.data,
                language=form.language.data,
                format=form.format.data,
                level_id=form.level.data,
                link=form.link.data,
                translation_of_id=form.original_id(),
            )
        ),
    )
    if added:
        flash(_added_message(*outcome[0]), "success")
        return redirect(url_for("resources.index", skill=outcome[0][0].skill_id))
    return render_template(
        "resources/new.html", form=form, direct=resources.can_add_directly(current_user)
    ), form_status(form)


def _added_message(resource: Resource, is_new: bool) -> str:
    if not is_new:
        return _("This link is already on the list; nothing was added twice.")
    if resource.approved_at is None:
        return _("Thank you! A coordinator will review your suggestion.")
    return _("The resource is on the list.")


def _review_page(status: int = 200):
    html = render_template(
        "resources/review.html", suggestions=resources.suggestions(), catalog=get_catalog()
    )
    return html, status


@bp.get("/review")
@role_required(RoleName.COORDINATOR)
def review():
    return _review_page()


def _decide(resource_id: int, decide, done: str):
    resource = _resource_or_404(resource_id)
    try:
        with transaction():
            decide(current_user, resource)
    except DomainError as error:
        flash(str(error.message), "error")
        return _review_page(409)
    flash(done, "success")
    return redirect(url_for("resources.review"))


@bp.post("/<int:resource_id>/approve")
@role_required(RoleName.COORDINATOR)
def approve(resource_id: int):
    return _decide(resource_id, resources.approve_resource, _("The resource is on the list."))


@bp.post("/<int:resource_id>/reject")
@role_required(RoleName.COORDINATOR)
def reject(resource_id: int):
    return _decide(resource_id, resources.reject_resource, _("The suggestion is turned down."))


@bp.get("/missing")
def missing():
    language = str(get_locale())
    counted = resources.translations_by(current_user) if current_user.is_authenticated else None
    return render_template(
        "resources/missing.html",
        language=language,
        resources=resources.missing_in(language),
        translations=counted,
        catalog=get_catalog(),
    )
