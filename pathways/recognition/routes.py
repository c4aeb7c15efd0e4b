import json
from collections.abc import Callable
from uuid import UUID

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import role_required
from ..catalog import get_catalog
from ..forms import Form
from ..models import Badge, BadgeEndorsement, RoleName
from ..services import DomainError, endorsements, recognition, showcase, transaction
from ..services.mentorships import current_mentorship_of
from ..web import show_domain_error
from . import bp, documents
from .forms import EndorseForm, NotYetForm, RevokeForm, ShowcaseForm

OPEN_BADGES_MEDIA_TYPE = "application/ld+json"


def _json(document: dict, status: int = 200) -> Response:
    response = Response(json.dumps(document, indent=2), status, mimetype=OPEN_BADGES_MEDIA_TYPE)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _badge_or_404(public_id: UUID) -> Badge:
    badge = recognition.find_badge(str(public_id))
    if badge is None:
        abort(404)
    return badge


def _level_or_404(level_id: str) -> None:
    if level_id not in get_catalog().levels:
        abort(404)


@bp.get("/issuer.json")
def issuer():
    return _json(documents.issuer_json())


@bp.get("/levels/<level_id>.json")
def badge_class(level_id: str):
    _level_or_404(level_id)
    return _json(documents.badge_class_json(level_id))


@bp.get("/levels/<level_id>.svg")
def image(level_id: str):
    _level_or_404(level_id)
    level = get_catalog().levels[level_id]
    svg = render_template("badges/badge.svg", level=level)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/assertions/<uuid:public_id>.json")
def assertion(public_id: UUID):
    """Hosted verification: a revoked assertion answers 410 Gone with ``revoked: true``."""
    badge = _badge_or_404(public_id)
    return _json(documents.assertion_json(badge), 410 if badge.revoked_at else 200)


@bp.get("/assertions/<uuid:public_id>/endorsement.json")
def endorsement(public_id: UUID):
    """The endorsement of an endorsed badge; 410 Gone once the badge is revoked."""
    badge = _badge_or_404(public_id)
    try:
        document = documents.endorsement_json(badge)
    except LookupError:
        abort(404)
    return _json(document, 410 if badge.revoked_at else 200)


@bp.get("/<uuid:public_id>")
def certificate(public_id: UUID):
    badge = _badge_or_404(public_id)
    return _render_certificate(badge)


def _render_certificate(
    badge: Badge,
    form: RevokeForm | None = None,
    story_form: ShowcaseForm | None = None,
    status: int | None = None,
):
    viewer = current_user if current_user.is_authenticated else None
    can_revoke = viewer is not None and viewer.has_role(RoleName.COORDINATOR)
    holds = viewer is not None and viewer.id == badge.person_id and not badge.revoked_at
    story = badge.showcase.story if badge.showcase else ""
    html = render_template(
        "badges/certificate.html",
        badge=badge,
        holder=recognition.shown_holder(badge, viewer),
        level=get_catalog().levels[badge.level_id],
        assertion_url=documents.assertion_url(badge),
        form=(form or RevokeForm(formdata=None)) if can_revoke else None,
        story_form=(story_form or ShowcaseForm(formdata=None, story=story)) if holds else None,
        withdraw_form=Form(formdata=None),
    )
    return html, status or (410 if badge.revoked_at else 200)


@bp.post("/<uuid:public_id>/revoke")
@role_required(RoleName.COORDINATOR)
def revoke(public_id: UUID):
    badge = _badge_or_404(public_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            with transaction():
                recognition.revoke_badge(current_user, badge, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The badge is revoked."), "success")
            return redirect(url_for("badges.certificate", public_id=badge.public_id))
    return _render_certificate(badge, form=form, status=422)


@bp.post("/<uuid:public_id>/showcase")
@login_required
def show_on_showcase(public_id: UUID):
    badge = _badge_or_404(public_id)
    form = ShowcaseForm()
    if form.validate_on_submit():
        with transaction():
            showcase.show(current_user, badge, form.story.data)
        flash(_("Your certificate is on the showcase."), "success")
        return redirect(url_for("badges.certificate", public_id=badge.public_id), 303)
    return _render_certificate(badge, story_form=form, status=422)


@bp.post("/<uuid:public_id>/showcase/withdraw")
@login_required
def withdraw_from_showcase(public_id: UUID):
    badge = _badge_or_404(public_id)
    if Form().validate_on_submit():
        with transaction():
            showcase.withdraw(current_user, badge)
        flash(_("Your certificate is no longer on the showcase."), "success")
    return redirect(url_for("badges.certificate", public_id=badge.public_id), 303)


@bp.get("/")
@login_required
def mine():
    return render_template(
        "badges/mine.html",
        badges=recognition.badges_of(current_user),
        endorsements=endorsements.not_endorsed_of(current_user),
        has_mentor=current_mentorship_of(current_user.id) is not None,
        catalog=get_catalog(),
    )


# Endorsements ---------------------------------------------------------------------------


@bp.post("/endorsements/ask/<level_id>")
@login_required
def ask_again(level_id: str):
    _level_or_404(level_id)
    if Form().validate_on_submit():
        with transaction():
            endorsements.ask_again(current_user, level_id)
        flash(_("Your mentor is asked again."), "success")
    return redirect(url_for("badges.mine"), 303)


@bp.get("/endorsements")
@login_required
def endorsements_awaiting():
    return render_template(
        "badges/endorsements.html",
        rows=endorsements.awaiting(current_user),
        catalog=get_catalog(),
    )


def _endorsement_or_404(endorsement_id: int) -> BadgeEndorsement:
    """The request, for someone who may answer it: 404 if unknown, 403 otherwise."""
    row = endorsements.find_endorsement(endorsement_id)
    if row is None:
        abort(404)
    if not endorsements.may_endorse(current_user, row.person):
        abort(403)
    return row


@bp.get("/endorsements/<int:endorsement_id>")
@login_required
def endorsement_request(endorsement_id: int):
    return _render_request(_endorsement_or_404(endorsement_id))


def _render_request(
    row: BadgeEndorsement,
    endorse_form: EndorseForm | None = None,
    not_yet_form: NotYetForm | None = None,
    status: int = 200,
):
    html = render_template(
        "badges/endorsement_request.html",
        row=row,
        level=get_catalog().levels[row.level_id],
        evidence=recognition.level_evidence(row.person, row.level_id),
        complete=recognition.level_complete(row.person, row.level_id),
        endorse_form=endorse_form or EndorseForm(prefix="endorse", formdata=None),
        not_yet_form=not_yet_form or NotYetForm(prefix="not-yet", formdata=None),
        catalog=get_catalog(),
    )
    return html, status


def _answer(
    endorsement_id: int,
    form: EndorseForm | NotYetForm,
    form_name: str,
    action: Callable[[BadgeEndorsement, str], object],
    done: str,
):
    """Endorse or answer "not yet": one transaction; a refusal of the comment comes back
    on the form (422), any other is the 409 or 403 page naming it."""
    row = _endorsement_or_404(endorsement_id)
    if not form.validate_on_submit():
        return _render_request(row, status=422, **{form_name: form})
    try:
        with transaction():
            action(row, form.comment.data)
    except DomainError as error:
        if error.field != "comment":
            raise
        show_domain_error(form, error)
        return _render_request(row, status=422, **{form_name: form})
    flash(done, "success")
    return redirect(url_for("badges.endorsements_awaiting"), 303)


@bp.post("/endorsements/<int:endorsement_id>/endorse")
@login_required
def endorse(endorsement_id: int):
    return _answer(
        endorsement_id,
        EndorseForm(prefix="endorse"),
        "endorse_form",
        lambda row, comment: endorsements.endorse(current_user, row, comment),
        _("Endorsed: the certificate is issued."),
    )


@bp.post("/endorsements/<int:endorsement_id>/not-yet")
@login_required
def not_yet(endorsement_id: int):
    return _answer(
        endorsement_id,
        NotYetForm(prefix="not-yet"),
        "not_yet_form",
        lambda row, note: endorsements.not_yet(current_user, row, note),
        _("The volunteer is told what to work on."),
    )
