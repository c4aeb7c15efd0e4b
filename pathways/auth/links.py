"""Signing in with a one-time link, then choosing a password.

Opening a link only shows a button: mail clients and link scanners fetch links with
GET, and must not use up the token before the person clicks.
"""

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import rate_limits
from ..services import DomainError, signin_links, transaction
from ..web import show_domain_error
from . import bp

MAY_SET_PASSWORD = "may_set_password"


class LinkSignInForm(FlaskForm):
    """Only the CSRF token: the click is the confirmation."""


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


def _private(response):
    """The token is in the URL: keep it out of caches and of Referer headers."""
    response = make_response(response)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/link/<token>", methods=["GET", "POST"])
@rate_limits.sign_in_link
def link_sign_in(token: str):
    form = LinkSignInForm()
    try:
        if form.validate_on_submit():
            with transaction():
                person = signin_links.redeem(token)
            login_user(person)
            session[MAY_SET_PASSWORD] = True
            flash(_("Welcome, %(name)s! Choose a password now.", name=person.username), "success")
            return _private(redirect(url_for("auth.set_password")))
        signin_links.find_link(token)
    except DomainError as error:
        status = 410 if isinstance(error, signin_links.LinkGone) else 404
        return _private((render_template("auth/link.html", form=None, error=error.message), status))
    return _private(render_template("auth/link.html", form=form, error=None))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@rate_limits.password_change
def set_password():
    """Right after a link sign-in, or for an account that has no password yet."""
    if not session.get(MAY_SET_PASSWORD) and current_user.password_hash is not None:
        abort(403)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            with transaction():
                signin_links.set_password(current_user, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            session.pop(MAY_SET_PASSWORD, None)
            flash(_("Your password is saved. Sign in with it next time."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422
