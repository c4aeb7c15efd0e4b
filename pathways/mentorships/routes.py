from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..catalog import get_catalog
from ..errors import render_error
from ..extensions import db
from ..models import (
    Mentorship,
    MentorshipState,
    Person,
    RoleName,
)
from ..services import (
    DomainError,
    NotAllowed,
    backups,
    endorsements,
    mentorships,
    offers,
    plans,
    transaction,
)
from ..web import show_domain_error, with_isolated
from . import bp
from .forms import ActionForm, AgreementForm, CheckInForm, ReportForm, ThanksForm, end_form_class


def _today() -> date:
    """Today where the signed-in person lives, so a check-in made tonight is not 'tomorrow'."""
    try:
        zone = ZoneInfo(current_user.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def _viewable(mentorship_id: int) -> Mentorship:
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None:
        abort(404)
    if not mentorships.can_view(current_user, mentorship):
        abort(403)
    return mentorship


def _party_only(mentorship_id: int) -> Mentorship:
    mentorship = _viewable(mentorship_id)
    if not mentorships.is_party(current_user, mentorship):
        abort(403)
    return mentorship


def _show_url(mentorship: Mentorship) -> str:
    return url_for("mentorships.show", mentorship_id=mentorship.id)


def _error_status(form: FlaskForm, error: DomainError) -> int:
    """422 when the input is at fault, 409 when the mentorship's state refuses the action."""
    return 422 if error.field and hasattr(form, error.field) else 409


def _next_checkin(mentorship: Mentorship) -> date | None:
    if mentorship.state == MentorshipState.ENDED:
        return None
    last = max((c.happened_on for c in mentorship.checkins), default=None)
    return mentorships.checkin_due(mentorship.started_at, mentorship.checkin_every_days, last)


def _render_show(mentorship: Mentorship, status: int = 200, **forms: FlaskForm):
    # Forms not being submitted must not read the posted data of the one that is.
    agreement = forms.get("agreement") or AgreementForm(formdata=None, obj=mentorship)
    checkin = forms.get("checkin") or CheckInForm(formdata=None, happened_on=_today())
    thanks = forms.get("thanks") or ThanksForm(formdata=None)
    is_party = mentorships.is_party(current_user, mentorship)
    offer = offers.offer_of(mentorship.mentor)
    chooses_backup = current_user.has_role(RoleName.COORDINATOR) and (
        mentorship.state != MentorshipState.ENDED
    )
    due = _next_checkin(mentorship)
    ended_by = db.session.get(Person, mentorship.ended_by_id) if mentorship.ended_by_id else None
    html = render_template(
        "mentorships/show.html",
        mentorship=mentorship,
        agreement_form=agreement,
        checkin_form=checkin,
        thanks_form=thanks,
        is_party=is_party,
        can_check_in=mentorships.can_check_in(current_user, mentorship),
        backup_suggestions=backups.suggest_backups(mentorship, _today()) if chooses_backup else [],
        chooses_backup=chooses_backup,
        is_mentor=current_user.id == mentorship.mentor_id,
        can_thank=current_user.id != mentorship.mentor_id
        and (is_party or current_user.has_role(RoleName.COORDINATOR)),
        away_until=offer.away_until if offer else None,
        next_due=due,
        overdue=due is not None and due < _today(),
        total_minutes=sum(c.minutes for c in mentorship.checkins),
        progress=plans.ladder_progress(mentorship.mentee_id),
        endorsements_waiting=endorsements.awaiting(current_user, mentorship.mentee),
        catalog=get_catalog(),
        ended_by_name=ended_by.username if ended_by else "—",
        graduated=mentorship.end_reason == mentorships.GRADUATED,
        can_graduate=is_party
        and mentorship.state != MentorshipState.ENDED
        and mentorship.graduation_offered_on is not None,
    )
    return html, status


def _act(mentorship: Mentorship, name: str, form: FlaskForm, action: Callable[[], object], done):
    """Run one action from the show page: one transaction, then back to the page."""
    if not form.validate_on_submit():
        return _render_show(mentorship, 422, **{name: form})
    try:
        with transaction():
            action()
    except NotAllowed as error:
        return render_error(403, str(error.message))
    except DomainError as error:
        show_domain_error(form, error)
        return _render_show(mentorship, _error_status(form, error), **{name: form})
    flash(done, "success")
    return redirect(_show_url(mentorship), 303)


@bp.get("/")
@login_required
def index():
    mine = mentorships.mentorships_of(current_user)
    minutes = mentorships.mentoring_minutes(current_user.id)
    return render_template(
        "mentorships/index.html",
        as_mentor=[m for m in mine if m.mentor_id == current_user.id],
        as_mentee=[m for m in mine if m.mentee_id == current_user.id],
        as_backup=backups.backing_up(current_user),
        mentoring_hours=minutes / 60,
    )


@bp.get("/<int:mentorship_id>")
@login_required
def show(mentorship_id: int):
    return _render_show(_viewable(mentorship_id))


@bp.post("/<int:mentorship_id>/agreement")
@login_required
def agreement(mentorship_id: int):
    mentorship = _party_only(mentorship_id)
    form = AgreementForm()
    return _act(
        mentorship,
        "agreement",
        form,
        lambda: mentorships.save_agreement(
            current_user,
            mentorship,
            form.goals.data,
            form.expectations.data,
            form.checkin_every_days.data,
        ),
        _("The agreement is saved. The other side is asked to confirm it."),
    )


@bp.post("/<int:mentorship_id>/confirm")
@login_required
def confirm(mentorship_id: int):
    mentorship = _party_only(mentorship_id)
    return _act(
        mentorship,
        "confirm",
        ActionForm(),
        lambda: mentorships.confirm_agreement(current_user, mentorship),
        _("You confirmed the agreement."),
    )


@bp.post("/<int:mentorship_id>/checkins")
@login_required
def checkin(mentorship_id: int):
    mentorship = _viewable(mentorship_id)
    if not mentorships.can_check_in(current_user, mentorship):
        abort(403)
    form = CheckInForm()
    return _act(
        mentorship,
        "checkin",
        form,
        lambda: mentorships.log_checkin(
            current_user,
            mentorship,
            form.happened_on.data,
            form.minutes.data,
            form.notes.data,
            today=_today(),
        ),
        _("The check-in is logged."),
    )


@bp.post("/<int:mentorship_id>/thanks")
@login_required
def thank(mentorship_id: int):
    mentorship = _viewable(mentorship_id)
    form = ThanksForm()
    return _act(
        mentorship,
        "thanks",
        form,
        lambda: mentorships.send_thanks(current_user, mentorship.mentor, form.message.data),
        with_isolated(_("Your thanks went to %(name)s."), name=mentorship.mentor.username),
    )


@bp.route("/<int:mentorship_id>/end", methods=["GET", "POST"])
@login_required
def end(mentorship_id: int):
    mentorship = _viewable(mentorship_id)
    if mentorship.state == MentorshipState.ENDED:
        flash(_("This mentorship has ended."), "warning")
        return redirect(_show_url(mentorship), 303)
    return _offboard(
        mentorship,
        with_reason=True,
        finish=lambda form, answers: mentorships.end_mentorship(
            current_user, mentorship, form.reason.data, answers
        ),
        done=_("The mentorship has ended. Thank you both."),
    )


@bp.route("/<int:mentorship_id>/graduate", methods=["GET", "POST"])
@login_required
def graduate(mentorship_id: int):
    """The off-boarding form, ending the mentorship as graduated; 409 once it has ended."""
    mentorship = _party_only(mentorship_id)
    mentorships.check_can_graduate(current_user, mentorship)
    return _offboard(
        mentorship,
        with_reason=False,
        finish=lambda form, answers: mentorships.graduate(current_user, mentorship, answers),
        done=_("Congratulations on graduating! The mentorship has ended."),
    )


def _offboard(
    mentorship: Mentorship,
    with_reason: bool,
    finish: Callable[[FlaskForm, dict], None],
    done: str,
):
    """Show the off-boarding form; on a valid post, ``finish`` ends the mentorship."""
    questions = mentorships.offboarding_questions()
    form = end_form_class(questions, with_reason)()
    status = 200
    if form.validate_on_submit():
        answers = {q["key"]: form[q["key"]].data for q in questions}
        try:
            with transaction():
                finish(form, answers)
        except NotAllowed as error:
            return render_error(403, str(error.message))
        except DomainError as error:
            show_domain_error(form, error)
            status = _error_status(form, error)
        else:
            flash(done, "success")
            return redirect(_show_url(mentorship), 303)
    elif form.errors:
        status = 422
    question_fields = [form[q["key"]] for q in questions]
    return render_template(
        "mentorships/end.html",
        mentorship=mentorship,
        form=form,
        question_fields=question_fields,
        graduating=not with_reason,
    ), status


@bp.route("/<int:mentorship_id>/report", methods=["GET", "POST"])
@login_required
def report(mentorship_id: int):
    mentorship = _party_only(mentorship_id)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            with transaction():
                mentorships.report_problem(current_user, mentorship, form.text.data)
        except NotAllowed as error:
            return render_error(403, str(error.message))
        except DomainError as error:
            show_domain_error(form, error)
            status = _error_status(form, error)
        else:
            flash(_("Your report went to the coordinators. Only they can read it."), "success")
            return redirect(_show_url(mentorship), 303)
    elif form.errors:
        status = 422
    return render_template("mentorships/report.html", mentorship=mentorship, form=form), status
