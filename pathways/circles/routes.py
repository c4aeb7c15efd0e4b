from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth import role_required
from ..extensions import db
from ..input_rules import fits_integer
from ..models import Circle, CirclePost, Person, RoleName
from ..services import circles, transaction
from ..web import form_status, submit, whole_number_arg, with_isolated
from . import bp
from .forms import (
    HandoverForm,
    LeaveForm,
    NewCircleForm,
    PostForm,
    PostReportForm,
    ScheduleForm,
    day_names,
)


def _viewable(circle_id: int) -> Circle:
    circle = db.get_or_404(Circle, circle_id)
    if not circles.can_view(current_user, circle):
        abort(403)
    return circle


def _led(circle_id: int) -> Circle:
    circle = _viewable(circle_id)
    if not circles.can_lead(current_user, circle):
        abort(403)
    return circle


def _show(circle: Circle):
    return redirect(url_for("circles.show", circle_id=circle.id))


@bp.get("/")
@login_required
def index():
    everyone = None
    if current_user.has_role(RoleName.COORDINATOR):
        everyone = circles.all_circles(whole_number_arg("page", 1, minimum=1))
    return render_template(
        "circles/index.html", mine=circles.circles_of(current_user), everyone=everyone
    )


def _render_show(circle: Circle, post_form: PostForm, schedule_form: ScheduleForm | None = None):
    if schedule_form is None and circles.can_lead(current_user, circle):
        schedule_form = ScheduleForm(
            formdata=None,
            title=circle.title,
            weekday=circle.weekday,
            meets_at=circle.meets_at,
            timezone=circle.timezone,
        )
    page = render_template(
        "circles/show.html",
        circle=circle,
        day=None if circle.weekday is None else day_names()[circle.weekday],
        posts=circles.board(circle, current_user),
        post_form=post_form,
        schedule_form=schedule_form,
        can_post=circles.is_party(current_user, circle),
        can_lead=circles.can_lead(current_user, circle),
        is_member=circles.is_member(current_user, circle),
    )
    refused = post_form.errors or (schedule_form is not None and schedule_form.errors)
    return page, 422 if refused else 200


@bp.get("/<int:circle_id>")
@login_required
def show(circle_id: int):
    return _render_show(_viewable(circle_id), PostForm(formdata=None))


@bp.post("/<int:circle_id>/posts")
@login_required
def add_post(circle_id: int):
    circle = _viewable(circle_id)
    if not circles.is_party(current_user, circle):
        abort(403)
    form = PostForm()
    if submit(form, lambda: circles.post(current_user, circle, form.kind.data, form.body.data)):
        flash(_("Your post is on the board."), "success")
        return _show(circle)
    return _render_show(circle, form)


@bp.post("/<int:circle_id>/schedule")
@login_required
def schedule(circle_id: int):
    circle = _led(circle_id)
    form = ScheduleForm()
    done = submit(
        form,
        lambda: circles.set_schedule(
            current_user,
            circle,
            form.title.data,
            form.weekday.data,
            form.meets_at.data,
            form.timezone.data,
        ),
    )
    if done:
        flash(_("The schedule is saved."), "success")
        return _show(circle)
    return _render_show(circle, PostForm(formdata=None), form)


def _moderate(post_id: int, action, message: str):
    entry = db.get_or_404(CirclePost, post_id)
    _led(entry.circle_id)
    with transaction():
        action(current_user, entry)
    flash(message, "success")
    return _show(entry.circle)


@bp.post("/posts/<int:post_id>/hide")
@login_required
def hide_post(post_id: int):
    return _moderate(post_id, circles.hide_post, _("The post is hidden."))


@bp.post("/posts/<int:post_id>/restore")
@login_required
def restore_post(post_id: int):
    return _moderate(post_id, circles.restore_post, _("The post is shown again."))


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    entry = db.get_or_404(CirclePost, post_id)
    if not circles.is_party(current_user, _viewable(entry.circle_id)):
        abort(403)
    form = PostReportForm()
    if submit(form, lambda: circles.report_post(current_user, entry, form.text.data)):
        flash(_("Thank you. The coordinators will look at it."), "success")
        return _show(entry.circle)
    return render_template("circles/report.html", form=form, entry=entry), form_status(form)


@bp.route("/<int:circle_id>/hand-over", methods=["GET", "POST"])
@login_required
def hand_over(circle_id: int):
    circle = _led(circle_id)
    form = HandoverForm()
    candidates = circles.handover_candidates(circle, date.today())
    form.facilitator.choices = [SelectChoice(p.id, p.username) for p in candidates]
    chosen = form.facilitator.data if form.is_submitted() else None
    successor = db.session.get(Person, chosen) if chosen and fits_integer(chosen) else None
    if successor is not None and submit(
        form, lambda: circles.hand_over(current_user, circle, successor, date.today())
    ):
        flash(
            with_isolated(_("%(name)s now leads the circle."), name=successor.username),
            "success",
        )
        return _show(circle)
    if form.is_submitted() and successor is None:
        form.facilitator.errors = [_("Choose a mentor from the list.")]
    return render_template(
        "circles/hand_over.html", form=form, circle=circle, candidates=candidates
    ), form_status(form)


@bp.post("/<int:circle_id>/end")
@login_required
def end(circle_id: int):
    circle = _led(circle_id)
    with transaction():
        circles.end_circle(current_user, circle, date.today())
    flash(_("The circle has ended. Thank you to its facilitator."), "success")
    return _show(circle)


@bp.route("/<int:circle_id>/leave", methods=["GET", "POST"])
@login_required
def leave(circle_id: int):
    """A member leaves, after confirming on a page that says what happens to their posts;
    anyone else who can see the circle, or a member of an ended one, gets a 409 saying why."""
    circle = _viewable(circle_id)
    circles.check_can_leave(current_user, circle)
    form = LeaveForm()
    if submit(form, lambda: circles.leave_circle(current_user, circle)):
        flash(_("You have left the circle. Its facilitator is told."), "success")
        return redirect(url_for("circles.index"))
    return render_template("circles/leave.html", form=form, circle=circle), form_status(form)


@bp.post("/<int:circle_id>/approve")
@role_required(RoleName.COORDINATOR)
def approve(circle_id: int):
    circle = db.get_or_404(Circle, circle_id)
    with transaction():
        circles.approve_circle(current_user, circle, date.today())
    flash(_("The circle is open. Its members and facilitator are told."), "success")
    return _show(circle)


@bp.route("/new", methods=["GET", "POST"])
@role_required(RoleName.COORDINATOR)
def new():
    form = NewCircleForm()
    made = []
    done = submit(
        form,
        lambda: made.append(
            circles.create_circle(
                current_user,
                form.title.data,
                form.level.data,
                form.language.data,
                form.facilitator.data,
                form.members.data.splitlines(),
                date.today(),
            )
        ),
    )
    if done:
        flash(_("The circle is open. Its members and facilitator are told."), "success")
        return _show(made[0])
    return render_template("circles/new.html", form=form), form_status(form)
