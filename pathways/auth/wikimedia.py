"""Sign in with a Wikimedia account, or connect one to a signed-in account.

Both start with a POST (a button with a CSRF token), which sends the person to the
wiki's consent page; the wiki sends them back to the callback. A callback refused
for any reason writes nothing and counts against the address's sign-in ceiling.
"""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from .. import rate_limits, wikimedia
from ..services import DomainError, transaction, wikimedia_accounts
from ..web import with_isolated
from . import bp

LINKING = "wikimedia_linking"


def _configured() -> None:
    if wikimedia.client() is None:
        abort(404)


@bp.post("/wikimedia")
def wikimedia_sign_in():
    _configured()
    session.pop(LINKING, None)
    return wikimedia.authorize_redirect()


@bp.post("/wikimedia/link")
@login_required
def wikimedia_link():
    """The holder of a local account proves they also hold the wiki account."""
    _configured()
    session[LINKING] = current_user.get_id()
    return wikimedia.authorize_redirect()


@bp.get("/wikimedia/callback")
@rate_limits.wikimedia_callback
def wikimedia_callback():
    _configured()
    linking = session.pop(LINKING, None)
    back = url_for("auth.settings") if linking else url_for("auth.login")
    if linking and linking != (current_user.get_id() if current_user.is_authenticated else None):
        return _refused(400, _("You were signed out meanwhile. Sign in, then try again."), back)
    try:
        identity = wikimedia.identity_from_callback()
    except wikimedia.Refused as error:
        if error.error == "access_denied":
            flash(_("You did not let Pathways see your Wikimedia account. Nothing has changed."))
            return redirect(back)
        return _refused(
            400,
            _(
                "This sign-in could not be completed: it expired, was already used or did "
                "not start on this site. Nothing has changed; try again."
            ),
            back,
        )
    except wikimedia.ProviderUnreachable:
        return _refused(
            502,
            _(
                "The Wikimedia sign-in service did not answer. Nothing has changed; try "
                "again in a few minutes."
            ),
            back,
        )
    try:
        with transaction():
            if linking:
                wikimedia_accounts.link(current_user, identity)
            else:
                person, created = wikimedia_accounts.sign_in(identity, str(get_locale()))
    except DomainError as error:
        message = with_isolated(str(error.message), **getattr(error, "values", {}))
        return _refused(409, message, back)
    if linking:
        flash(_("Your Wikimedia account is connected: you can sign in with it now."), "success")
        return redirect(url_for("auth.settings"))
    login_user(person)
    if created:
        flash(with_isolated(_("Welcome, %(name)s!"), name=person.username), "success")
        return redirect(url_for("volunteers.onboarding"))
    return redirect(url_for("main.index"))


def _refused(status: int, message: str, back: str):
    page = render_template("auth/wikimedia.html", message=message, back=back)
    return page, status
