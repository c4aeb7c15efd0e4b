from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import rate_limits
from ..i18n import locale_display_name
from ..services import accounts, transaction
from ..web import form_status, same_site_path, submit, with_isolated
from . import bp
from .forms import LoginForm, SettingsForm, SignUpForm, split_codes


@bp.route("/signup", methods=["GET", "POST"])
@rate_limits.sign_up
def signup():
    form = SignUpForm()
    languages = split_codes(form.languages.data or "")
    if submit(
        form,
        lambda: accounts.sign_up(
            form.username.data, form.password.data, form.email.data, languages
        ),
    ):
        person = accounts.find_by_username(form.username.data)
        login_user(person)
        flash(with_isolated(_("Welcome, %(name)s!"), name=person.username), "success")
        return redirect(url_for("volunteers.onboarding"))
    return render_template("auth/signup.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@rate_limits.sign_in
def login():
    form = LoginForm()
    if form.validate_on_submit():
        with transaction():
            person = accounts.authenticate(form.username.data, form.password.data)
        if person is not None:
            login_user(person)
            return redirect(same_site_path(request.args.get("next"), url_for("main.index")))
        form.password.errors = [_("Unknown username or wrong password.")]
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
def logout():
    """Sign out here and everywhere: a copied cookie stops working too."""
    if current_user.is_authenticated:
        with transaction():
            accounts.end_sessions(current_user)
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    form.locale.choices = [("", _("As my browser asks")), *_locale_choices()]
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
        form.languages.data = ", ".join(current_user.language_codes)
    saved = submit(
        form,
        lambda: accounts.update_settings(
            current_user,
            form.locale.data,
            form.email.data,
            form.timezone.data,
            split_codes(form.languages.data),
            form.public_profile.data,
        ),
    )
    if saved:
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form), form_status(form)


def _locale_choices() -> list[tuple[str, str]]:
    return [(code, locale_display_name(code)) for code in current_app.config["LANGUAGES"]]
