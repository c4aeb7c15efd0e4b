import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..extensions import db
from ..models import AccessToken, RoleName, utcnow
from ..services import DomainError, access_tokens, capx, privacy, transaction
from ..services.accounts import username_key
from ..web import show_domain_error
from . import bp
from .forms import COORDINATE_CHOICE, CapxImportForm, DeleteAccountForm, TokenForm

EXPORTS = {
    "pathways": (privacy.export_data, "pathways-my-data.json"),
    "capx": (capx.export_profile, "capx-profile.json"),
}


@bp.get("/export")
@login_required
def export():
    """All my data; ``?format=capx``: my skills and languages as a CapX profile."""
    if request.args.get("format", "pathways") not in EXPORTS:
        abort(404)
    exporter, filename = EXPORTS[request.args.get("format", "pathways")]
    body = json.dumps(exporter(current_user), ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if username_key(form.username.data) != current_user.username_key:
            form.username.errors = [_("This is not your username.")]
        else:
            try:
                with transaction():
                    privacy.delete_account(current_user)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                logout_user()
                flash(_("Your account is deleted. Thank you for your time with us."), "success")
                return redirect(url_for("main.index"), 303)
    status = 422 if form.errors else 200
    return render_template("account/delete.html", form=form), status


def _token_form() -> TokenForm:
    form = TokenForm()
    if current_user.has_role(RoleName.COORDINATOR):
        form.scopes.choices = [*form.scopes.choices, COORDINATE_CHOICE]
    return form


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The person's API tokens; a new token's secret is shown on this one response only."""
    form = _token_form()
    secret = None
    if form.validate_on_submit():
        try:
            with transaction():
                _, secret = access_tokens.create_token(
                    current_user, form.name.data, form.scopes.data, form.days.data
                )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            form = _token_form()
            form.name.data = ""
    response = Response(
        render_template(
            "account/tokens.html",
            form=form,
            secret=secret,
            tokens=access_tokens.tokens_of(current_user),
            now=utcnow(),
        ),
        status=422 if form.errors else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(AccessToken, token_id)
    with transaction():
        access_tokens.revoke_token(current_user, token)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("account.tokens"), 303)


def _submitted_profile(form: CapxImportForm) -> str:
    """The uploaded file's text, else the pasted text; the form shows it for the confirm."""
    if form.upload.data:
        raw = form.upload.data.read(capx.MAX_PROFILE_BYTES + 1)
        form.profile.data = raw.decode("utf-8", errors="replace")
    return form.profile.data or ""


@bp.route("/capx", methods=["GET", "POST"])
@login_required
def capx_import():
    """Import a Capacity Exchange profile: a preview first, then the confirmed write."""
    form = CapxImportForm()
    plan = None
    if form.validate_on_submit():
        try:
            profile = capx.read_profile(_submitted_profile(form))
            if "confirm" in request.form:
                with transaction():
                    capx.apply_import(current_user, profile)
                flash(_("Your CapX profile is imported."), "success")
                return redirect(url_for("account.capx_import"), 303)
            plan = capx.preview(current_user, profile)
        except DomainError as error:
            where = f"{error.field}: " if error.field != "profile" else ""
            form.profile.errors = [*form.profile.errors, where + str(error.message)]
    status = 422 if form.errors else 200
    return render_template("account/capx.html", form=form, plan=plan), status
