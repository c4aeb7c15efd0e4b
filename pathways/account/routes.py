import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import Form
from ..services import DomainError, privacy, transaction
from ..services.accounts import username_key
from ..web import show_domain_error
from . import bp


class DeleteAccountForm(Form):
    username = StringField(
        _l("Type your username to confirm"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "off"},
    )


@bp.get("/export")
@login_required
def export():
    data = privacy.export_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="pathways-my-data.json"'
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
