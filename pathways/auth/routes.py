from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import rate_limits
from ..errors import render_error
from ..i18n import locale_choices
from ..input_rules import same_site_path
from ..services import accounts, transaction, wikimedia_accounts
from ..web import form_status, submit, with_isolated
from . import bp
from .forms import LanguageForm, LoginForm, SettingsForm, SignUpForm, split_codes


def _sign_up_form() -> SignUpForm:
    """The sign-up form; what the visitor leaves out is the page's language (the
    browser's, unless they chose another): for the interface and to work in."""
    page_locale = get_locale()
    form = SignUpForm(locale=str(page_locale), languages=page_locale.language)
    form.locale.choices = locale_choices()
    return form


@bp.route("/signup", methods=["GET", "POST"])
@rate_limits.sign_up
def signup():
    form = _sign_up_form()
    languages = split_codes(form.languages.data or "")
    if submit(
        form,
        lambda: accounts.sign_up(
            form.username.data, form.password.data, form.email.data, languages, form.locale.data
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
    form = SettingsForm(data=_settings_of(current_user))
    form.locale.choices = [("", _("As my browser asks")), *locale_choices()]
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
    page = render_template(
        "auth/settings.html",
        form=form,
        wikimedia_account=wikimedia_accounts.wikimedia_account_of(current_user),
    )
    return page, form_status(form)


def _settings_of(person) -> dict:
    """The form's starting values, as text: a post that leaves a field out keeps these."""
    return {
        "locale": person.locale or "",
        "email": person.email,
        "timezone": person.timezone,
        "languages": ", ".join(person.language_codes),
        "public_profile": person.public_profile,
    }


@bp.post("/language")
@login_required
def language():
    """The language switcher of every page: saves the choice, then back to the page."""
    form = LanguageForm()
    form.lang.choices = locale_choices()
    if not form.validate():
        return render_error(400, " ".join(map(str, form.lang.errors)) or None)
    with transaction():
        accounts.choose_locale(current_user, form.lang.data)
    return redirect(same_site_path(form.next.data, url_for("main.index")), 303)
