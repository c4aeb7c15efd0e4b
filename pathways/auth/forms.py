from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.validators import Email as EmailFormat

from ..forms import Form, SelectField


class SignUpForm(Form):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("A pseudonym is welcome. Do not use your real name unless you want to."),
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    email = EmailField(
        _l("E-mail (optional)"),
        validators=[Optional(), EmailFormat(), Length(max=254)],
        description=_l("Only for notifications. Nobody else sees it."),
    )
    locale = SelectField(_l("Interface language"), choices=[], validate_choice=True)
    languages = StringField(
        _l("Languages you can work in"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Language codes separated by commas, e.g. en, es, ar."),
    )


class LanguageForm(Form):
    """The language switcher of every page, for a signed-in person."""

    lang = SelectField(_l("Language"), choices=[], validate_choice=True)
    next = HiddenField(validators=[Length(max=2000)])


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class SettingsForm(Form):
    locale = SelectField(_l("Interface language"), choices=[], validate_choice=True)
    public_profile = BooleanField(
        _l("Show my name and badges to everyone"),
        description=_l(
            "On your public page and your badge certificates. Off: visitors see that a "
            "badge is real, not whose it is."
        ),
    )
    email = EmailField(
        _l("E-mail (optional)"), validators=[Optional(), EmailFormat(), Length(max=254)]
    )
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])
    languages = StringField(
        _l("Languages you can work in"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Language codes separated by commas, e.g. en, es, ar."),
    )


def split_codes(raw: str) -> list[str]:
    return [part for part in raw.replace(";", ",").split(",") if part.strip()]
