from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..catalog import get_catalog
from ..catalog_messages import translated
from ..forms import Form, SelectField
from ..services import too_long
from ..services.circles import MAX_POST, MAX_TITLE

# The service checks the rules (lengths, ranges, who may act); the forms only parse input.


def day_names() -> dict[int, str]:
    """The days of the week in the reader's language, Monday = 0."""
    return get_day_names("wide", locale=get_locale())


class PostForm(Form):
    kind = RadioField(
        _l("What is it?"),
        choices=[
            SelectChoice("reflection", _l("A reflection")),
            SelectChoice("practice", _l("A good practice")),
        ],
        default="reflection",
        validators=[InputRequired()],
    )
    body = TextAreaField(
        _l("Your post"),
        validators=[Length(max=MAX_POST, message=too_long(MAX_POST))],
        description=_l("Plain text, up to 2000 characters; web addresses become links."),
    )


class PostReportForm(Form):
    text = TextAreaField(
        _l("What is wrong with this post?"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("Only coordinators read this. The author is not told."),
    )


class ScheduleForm(Form):
    title = StringField(_l("Name of the circle"), validators=[Length(max=MAX_TITLE)])
    weekday = SelectField(_l("Day of the week"), coerce=int, validators=[InputRequired()])
    meets_at = StringField(_l("Time (HH:MM)"), validators=[InputRequired(), Length(max=5)])
    timezone = StringField(_l("Time zone"), validators=[InputRequired(), Length(max=64)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekday.choices = [SelectChoice(n, name) for n, name in sorted(day_names().items())]


class LeaveForm(Form):
    confirm = BooleanField(
        _l("Yes, I want to leave this circle"),
        validators=[DataRequired(_l("Tick the box to confirm that you are leaving."))],
    )


class HandoverForm(Form):
    facilitator = SelectField(
        _l("New facilitator"), coerce=int, validators=[InputRequired()], validate_choice=False
    )


class NewCircleForm(Form):
    title = StringField(
        _l("Name of the circle"), validators=[InputRequired(), Length(max=MAX_TITLE)]
    )
    level = SelectField(_l("Rung"), validators=[InputRequired()])
    language = StringField(_l("Language"), validators=[InputRequired(), Length(max=12)])
    facilitator = StringField(
        _l("Facilitator (username)"), validators=[InputRequired(), Length(max=64)]
    )
    members = TextAreaField(
        _l("Members (usernames, one per line)"), validators=[InputRequired(), Length(max=4000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = [
            SelectChoice(lvl.id, translated(lvl)) for lvl in get_catalog().levels.values()
        ]
