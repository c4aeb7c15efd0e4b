"""Signing in with a one-time link, then choosing a password.

Opening a link only shows a button: mail clients and link scanners fetch links with
GET, and must not use up the token before the person clicks.
"""

from flask import (
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
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import rate_limits
from ..forms import Form
from ..services import DomainError, signin_links, transaction
from ..web import show_domain_error, with_isolated
from . import bp

MAY_SET_PASSWORD = "may_set_password"


class LinkSignInForm(Form):
    """Only the CSRF token: the click is the confirmation."""


class SetPasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


def _private(response):
    """The token is in the URL: keep it out of caches.

    Referer headers carry it only to this site (the app-wide ``same-origin`` policy):
    over HTTPS the form's CSRF check needs that Referer, so ``no-referrer`` would break
    the button.
    """
    response = make_response(response)
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
            flash(
                with_isolated(_("Welcome, %(name)s! Choose a password now."), name=person.username),
                "success",
            )
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
    """Choose a password: right after a link sign-in without the old one, else with it.

    A new password ends every other session of the person; this one is renewed.
    """
    form = SetPasswordForm()
    asks_current = current_user.password_hash is not None and not session.get(MAY_SET_PASSWORD)
    if not asks_current:
        del form.current_password
    if form.validate_on_submit():
        current = form.current_password.data if asks_current else None
        try:
            with transaction():
                signin_links.set_password(current_user, current, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            session.pop(MAY_SET_PASSWORD, None)
            login_user(current_user._get_current_object())
            flash(_("Your password is saved. Sign in with it next time."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422
