from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..forms import Form
from ..services.access_tokens import DEFAULT_DAYS, MAX_DAYS, MAX_NAME_LENGTH
from ..services.capx import MAX_PROFILE_BYTES
from ..volunteers.forms import CheckboxList


class DeleteAccountForm(Form):
    username = StringField(
        _l("Type your username to confirm"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "off"},
    )


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=MAX_NAME_LENGTH)],
        description=_l("What the token is for, e.g. “my spreadsheet”."),
        render_kw={"autocomplete": "off"},
    )
    scopes = CheckboxList(
        _l("Scopes"),
        choices=[
            SelectChoice("read", _l("read: see my ladder, requests and mentorships")),
            SelectChoice("write", _l("write: mark steps, request a mentor, log check-ins")),
        ],
        validators=[DataRequired()],
    )
    days = IntegerField(
        _l("Days until it expires"),
        default=DEFAULT_DAYS,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_DAYS)],
    )


COORDINATE_CHOICE = SelectChoice(
    "coordinate", _l("coordinate: the queue, approvals and the dashboard")
)


class CapxImportForm(Form):
    """A CapX profile, pasted or as a file; the preview puts the text back for the confirm."""

    upload = FileField(_l("CapX profile file (JSON)"))
    profile = TextAreaField(
        _l("Or paste the profile"),
        validators=[Length(max=MAX_PROFILE_BYTES)],
        description=_l("The JSON of your Capacity Exchange profile."),
        render_kw={"rows": 8, "spellcheck": "false", "dir": "ltr"},
    )
