from datetime import UTC
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..catalog import get_catalog
from ..extensions import db
from ..models import Training
from ..services import NotAllowed, trainings, transaction
from ..web import form_status, submit
from . import bp
from .forms import TrainingForm

ICALENDAR = "text/calendar; charset=utf-8"


def _found(training_id: int) -> Training:
    training = db.session.get(Training, training_id)
    if training is None:
        abort(404)
    return training


def _date_and_time(moment, date_format: str, rebase: bool) -> str:
    return _(
        "%(date)s, %(time)s",
        date=format_date(moment, date_format, rebase=rebase),
        time=format_time(moment, "short", rebase=rebase),
    )


@bp.app_template_global()
def training_time(training: Training) -> dict:
    """When a training starts: in its own zone (``there``) and in the reader's (``here``,
    None when the reader's clock reads the same)."""
    start = training.starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo(training.timezone))
    here = _date_and_time(training.starts_at, "medium", rebase=True)
    return {
        "there": _date_and_time(start, "full", rebase=False),
        "zone": training.timezone,
        "here": None if here == _date_and_time(start, "medium", rebase=False) else here,
    }


@bp.app_template_global()
def language_name(code: str) -> str:
    """A language's name in the reader's language; the code itself if Babel lacks it."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


@bp.get("/")
def index():
    language = request.args.get("language") or None
    skill = request.args.get("skill") or None
    if skill is not None and skill not in get_catalog().skills:
        abort(404)
    signed_in = current_user.is_authenticated
    return render_template(
        "trainings/index.html",
        trainings=trainings.upcoming(language, skill),
        language=language,
        skill=skill,
        mine=trainings.signups_of(current_user) if signed_in else [],
        hosted=trainings.hosted_by(current_user) if signed_in else [],
        may_host=signed_in and trainings.may_host(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not trainings.may_host(current_user):
        raise NotAllowed(_("Only mentors and coordinators post trainings."))
    form = TrainingForm()
    if request.method == "GET":
        form.language.data = (current_user.language_codes or ["en"])[0]
        form.timezone.data = current_user.timezone
    posted = []
    if submit(form, lambda: posted.append(trainings.post_training(current_user, _draft(form)))):
        flash(_("Your training is posted."), "success")
        return redirect(url_for("trainings.show", training_id=posted[0].id))
    return render_template("trainings/new.html", form=form, catalog=get_catalog()), form_status(
        form
    )


def _draft(form: TrainingForm) -> trainings.TrainingDraft:
    return trainings.TrainingDraft(
        title=form.title.data or "",
        description=form.description.data or "",
        online=form.online.data,
        venue=form.venue.data or "",
        link=form.link.data or "",
        language=form.language.data or "",
        skills=form.skills.data or [],
        starts_local=form.starts_at.data,
        timezone=form.timezone.data or "",
        minutes=form.minutes.data,
        places=form.places.data,
    )


@bp.get("/<int:training_id>")
def show(training_id: int):
    training = _found(training_id)
    signed_in = current_user.is_authenticated
    is_host = signed_in and training.host_id == current_user.id
    return render_template(
        "trainings/show.html",
        training=training,
        taken=trainings.taken_places(training.id),
        signup=trainings.signup_of(current_user, training) if signed_in else None,
        is_host=is_host,
        started=trainings.has_started(training),
    )


def _act_on(training_id: int, action, done: str):
    """Run a button's action on the training as one transaction, then show its page."""
    training = _found(training_id)
    with transaction():
        action(training)
    flash(done, "success")
    return redirect(url_for("trainings.show", training_id=training_id))


@bp.post("/<int:training_id>/signup")
@login_required
def sign_up(training_id: int):
    return _act_on(
        training_id,
        lambda training: trainings.sign_up(current_user, training),
        _("You are signed up. See you there!"),
    )


@bp.post("/<int:training_id>/cancel")
@login_required
def cancel(training_id: int):
    return _act_on(
        training_id,
        lambda training: trainings.cancel_signup(current_user, training),
        _("Your place is given back."),
    )


@bp.post("/<int:training_id>/attendance/<int:signup_id>")
@login_required
def confirm(training_id: int, signup_id: int):
    return _act_on(
        training_id,
        lambda training: trainings.confirm_attendance(current_user, training, signup_id),
        _("Attendance confirmed: it counts on their ladder."),
    )


def _calendar(rows: list[Training], name: str) -> Response:
    body = trainings.calendar_of(rows, request.host)
    return Response(
        body,
        mimetype=ICALENDAR,
        headers={"Content-Disposition": f'attachment; filename="{name}.ics"'},
    )


@bp.get("/<int:training_id>.ics")
def calendar(training_id: int):
    return _calendar([_found(training_id)], f"training-{training_id}")


@bp.get("/mine.ics")
@login_required
def my_calendar():
    return _calendar([s.training for s in trainings.signups_of(current_user)], "my-trainings")
