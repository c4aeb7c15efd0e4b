import json
from uuid import UUID

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth import role_required
from ..catalog import get_catalog
from ..models import Badge, RoleName
from ..services import DomainError, recognition, transaction
from ..web import show_domain_error
from . import bp, documents
from .forms import RevokeForm

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


@bp.get("/<uuid:public_id>")
def certificate(public_id: UUID):
    badge = _badge_or_404(public_id)
    return _render_certificate(badge, RevokeForm(formdata=None))


def _render_certificate(badge: Badge, form: RevokeForm, status: int | None = None):
    viewer = current_user if current_user.is_authenticated else None
    can_revoke = viewer is not None and viewer.has_role(RoleName.COORDINATOR)
    html = render_template(
        "badges/certificate.html",
        badge=badge,
        holder=recognition.shown_holder(badge, viewer),
        level=get_catalog().levels[badge.level_id],
        assertion_url=documents.assertion_url(badge),
        form=form if can_revoke else None,
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
    return _render_certificate(badge, form, 422)


@bp.get("/")
@login_required
def mine():
    return render_template(
        "badges/mine.html", badges=recognition.badges_of(current_user), catalog=get_catalog()
    )
