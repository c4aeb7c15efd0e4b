from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ..catalog import get_catalog
from ..catalog_messages import skill_name
from ..models import (
    RoleName,
)
from ..services import mentorships, offers, transaction
from ..services.matching import active_mentee_counts, is_away, teachable_skills
from ..services.open_calls import open_calls
from ..web import form_status, submit, whole_number_arg
from . import bp
from .forms import AwayForm, OfferForm, RetireForm, TermForm


def _render_edit(offer_form, term_form=None, away_form=None, status=200):
    offer = offers.offer_of(current_user)
    return render_template(
        "mentors/edit.html",
        form=offer_form,
        term_form=term_form or TermForm(prefix="term"),
        away_form=away_form or AwayForm(prefix="away"),
        retire_form=RetireForm(prefix="retire"),
        offer=offer,
        held=offers.mentee_count(current_user.id) if offer else 0,
        away=offer is not None and is_away(offer, date.today()),
        catalog=get_catalog(),
    ), status


@bp.route("/me", methods=["GET", "POST"])
@login_required
def edit():
    offer = offers.offer_of(current_user)
    form = OfferForm(obj=offer)
    if not form.is_submitted():
        form.teach_skills.data = _skills_to_tick(offer)
    was_mentor = current_user.has_role(RoleName.MENTOR)
    saved = submit(
        form,
        lambda: offers.save_offer(
            current_user,
            form.capacity.data,
            form.intro.data,
            form.wiki_projects.data,
            form.teach_skills.data,
            form.show_languages.data,
            form.show_skills.data,
            form.show_thanks.data,
            form.backup_capacity.data,
        ),
    )
    if saved:
        _stay_signed_in(was_mentor)
        flash(_("Your mentor profile is saved."), "success")
        return redirect(url_for("mentors.edit"))
    return _render_edit(form, status=form_status(form))


def _stay_signed_in(was_mentor: bool) -> None:
    if not was_mentor:
        login_user(current_user._get_current_object())  # the new role ended the old session


def _skills_to_tick(offer) -> list[str]:
    """The skills taught now, and the one an open call sent the person here for."""
    taught = teachable_skills([current_user.id])[current_user.id] if offer else []
    called = request.args.get("skill")
    return [*taught, called] if called and called not in taught else taught


@bp.get("/calls")
def calls():
    return render_template("mentors/calls.html", calls=open_calls(date.today()))


@bp.post("/calls/<skill_id>")
@login_required
def offer_to_teach(skill_id: str):
    """One click from an open call: the skill joins the offer, or the offer form opens
    with it ticked for someone who has no offer yet."""
    if offers.offer_of(current_user) is None:
        return redirect(url_for("mentors.edit", skill=skill_id))
    was_mentor = current_user.has_role(RoleName.MENTOR)
    with transaction():
        offers.offer_to_teach(current_user, skill_id)
    _stay_signed_in(was_mentor)
    flash(_("Thank you: you now offer to mentor %(skill)s.", skill=skill_name(skill_id)), "success")
    return redirect(url_for("mentors.calls"))


@bp.post("/me/terms")
@login_required
def add_term():
    form = TermForm(prefix="term")
    if submit(form, lambda: offers.add_term(current_user, form.starts_on.data, form.ends_on.data)):
        flash(_("Your term is added."), "success")
        return redirect(url_for("mentors.edit"))
    return _render_edit(OfferForm(obj=offers.offer_of(current_user)), term_form=form, status=422)


@bp.post("/me/away")
@login_required
def away():
    form = AwayForm(prefix="away")
    away_until, reason = form.away_until, form.away_reason
    if submit(
        form, lambda: offers.go_away(current_user, away_until.data, reason.data, date.today())
    ):
        flash(_("Enjoy your wiki-break. Your mentees have been told."), "success")
        return redirect(url_for("mentors.edit"))
    return _render_edit(OfferForm(obj=offers.offer_of(current_user)), away_form=form, status=422)


@bp.post("/me/back")
@login_required
def back():
    with transaction():
        offers.come_back(current_user, date.today())
    flash(_("Welcome back!"), "success")
    return redirect(url_for("mentors.edit"))


@bp.post("/me/retire")
@login_required
def retire():
    form = RetireForm(prefix="retire")
    if not form.validate_on_submit():
        abort(400)
    with transaction():
        offers.retire(current_user, form.reason.data or "")
    flash(
        _("Thank you for mentoring. Coordinators will find new mentors for your mentees."),
        "success",
    )
    return redirect(url_for("mentors.edit"))


@bp.get("/")
@login_required
def index():
    listed = offers.listed_offers(whole_number_arg("page", 1, minimum=1))
    ids = [o.person_id for o in listed.items]
    return render_template(
        "mentors/index.html",
        offers=listed,
        skills=teachable_skills(ids),
        held=active_mentee_counts(ids),
        today=date.today(),
        is_away=is_away,
    )


@bp.get("/<int:person_id>")
@login_required
def profile(person_id: int):
    offer = offers.offer_of_person_id(person_id)
    if offer is None or not offer.person.is_active:
        abort(404)
    own_or_coordinator = current_user.id == person_id or current_user.has_role(RoleName.COORDINATOR)
    thanks = offers.thanks_for(person_id)
    return render_template(
        "mentors/profile.html",
        offer=offer,
        person=offer.person,
        skills=teachable_skills([person_id])[person_id],
        thanks=thanks if offer.show_thanks or own_or_coordinator else [],
        hours=round(mentorships.mentoring_minutes(person_id) / 60, 1)
        if own_or_coordinator
        else None,
        away=is_away(offer, date.today()),
        show_private=own_or_coordinator,
    )
