from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth.forms import split_codes
from ..catalog import get_catalog
from ..catalog_messages import translated
from ..extensions import db
from ..i18n import reader_languages
from ..ladder import Stance
from ..models import Plan, PlanStep
from ..services import (
    DomainError,
    NotAllowed,
    communities,
    endorsements,
    plans,
    recognition,
    resources,
    trainings,
    transaction,
)
from ..services.open_calls import open_calls_for
from ..web import show_domain_error
from . import bp
from .forms import GoalsForm, OnboardingForm, StepForm


def _with_role_choices(form: GoalsForm) -> GoalsForm:
    form.goal_roles.choices = [
        SelectChoice(role.id, translated(role)) for role in get_catalog().roles.values()
    ]
    return form


def _status(form) -> int:
    return 422 if form.errors else 200


@bp.route("/start", methods=["GET", "POST"])
@login_required
def onboarding():
    plan = plans.plan_of(current_user)
    form = _with_role_choices(OnboardingForm())
    if request.method == "GET":
        form.stances.data = {k: str(v) for k, v in plans.stances_of(current_user).items()}
        form.languages.data = ", ".join(current_user.language_codes)
        form.interests.data = current_user.interests
        if plan is not None:
            form.goal_roles.data = list(plan.goal_roles)
            form.hours_per_week.data = plan.hours_per_week
    if form.validate_on_submit():
        try:
            with transaction():
                plans.onboard(
                    current_user,
                    form.stances.data,
                    form.goal_roles.data or [],
                    form.interests.data or "",
                    split_codes(form.languages.data),
                    form.hours_per_week.data,
                )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your ladder is ready."), "success")
            return redirect(url_for("volunteers.ladder"))
    return render_template(
        "volunteers/onboarding.html",
        form=form,
        catalog=get_catalog(),
        stances=list(Stance),
        has_plan=plan is not None,
    ), _status(form)


@bp.get("/")
@login_required
def ladder():
    plan = plans.plan_of(current_user)
    if plan is None:
        return redirect(url_for("volunteers.onboarding"))
    return _render_ladder(plan)


def _render_ladder(plan: Plan, failed: StepForm | None = None, failed_id: int | None = None):
    engine = plans.current_ladder(current_user, plan)
    return render_template(
        "volunteers/ladder.html",
        plan=plan,
        ladder=engine,
        engine_steps={step.skill_id: step for step in engine.steps},
        stale=plans.plan_is_stale(plan, engine),
        rungs=plans.progress_by_rung(plan),
        step_form=StepForm(formdata=None, meta={"csrf": False}),
        failed=failed,
        failed_id=failed_id,
        badges={badge.level_id: badge for badge in recognition.badges_of(current_user)},
        endorsements=endorsements.endorsements_of(current_user),
        resources=resources.for_skills((row.skill_id for row in plan.steps), reader_languages()),
        open_calls=open_calls_for(current_user, date.today()),
        gatherings={
            "trainings": trainings.for_ladder(current_user, plan),
            "communities": communities.in_languages(current_user.language_codes),
        },
        catalog=get_catalog(),
    )


@bp.post("/steps/<int:step_id>")
@login_required
def step(step_id: int):
    row = db.session.get(PlanStep, step_id)
    if row is None:
        abort(404)
    form = StepForm(prefix=f"step-{step_id}")
    if form.validate_on_submit():
        try:
            with transaction():
                badge = plans.mark_step(
                    current_user, step_id, form.status.data, form.reflection.data
                )
        except NotAllowed:
            raise
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your progress is saved."), "success")
            if badge is not None:
                flash(
                    _(
                        "You completed the %(level)s level: your certificate is ready.",
                        level=translated(get_catalog().levels[badge.level_id]),
                    ),
                    "success",
                )
            return redirect(url_for("volunteers.ladder", _anchor=f"step-{step_id}"))
    return _render_ladder(plans.plan_of(current_user), form, step_id), 422


@bp.route("/goals", methods=["GET", "POST"])
@login_required
def replan():
    plan = plans.plan_of(current_user)
    if plan is None:
        return redirect(url_for("volunteers.onboarding"))
    form = _with_role_choices(GoalsForm())
    if request.method == "GET":
        form.goal_roles.data = list(plan.goal_roles)
        form.hours_per_week.data = plan.hours_per_week
        form.interests.data = current_user.interests
    if form.validate_on_submit():
        try:
            with transaction():
                plans.build_plan(
                    current_user,
                    form.goal_roles.data or [],
                    form.interests.data or "",
                    current_user.language_codes,
                    form.hours_per_week.data,
                )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your ladder is planned again; finished steps keep their progress."), "success")
            return redirect(url_for("volunteers.ladder"))
    return render_template("volunteers/goals.html", form=form), _status(form)
