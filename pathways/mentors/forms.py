from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..catalog import get_catalog
from ..catalog_messages import translated
from ..forms import Form


def skill_choices() -> list[tuple[str, str]]:
    return [(skill.id, translated(skill)) for skill in get_catalog().skills.values()]


class OfferForm(Form):
    teach_skills = SelectMultipleField(
        _l("Skills you can teach"),
        validators=[DataRequired(message=_l("Choose at least one skill you can teach."))],
    )
    capacity = IntegerField(
        _l("How many mentees at once"),
        validators=[InputRequired(), NumberRange(min=1, max=10)],
        default=2,
    )
    backup_capacity = IntegerField(
        _l("How many mentees you back up at once"),
        validators=[Optional(), NumberRange(min=0, max=10)],
        default=1,
        description=_l("A backup stands in while a mentee's own mentor is away."),
    )
    intro = TextAreaField(
        _l("A short introduction"),
        validators=[Length(max=4000)],
        description=_l("What you like to help with, how you work, when you are around."),
    )
    wiki_projects = StringField(_l("Wiki projects"), validators=[Length(max=255)])
    show_languages = BooleanField(_l("Show my languages on my profile"), default=True)
    show_skills = BooleanField(_l("Show the skills I teach on my profile"), default=True)
    show_thanks = BooleanField(_l("Show thank-you messages on my profile"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.teach_skills.choices = skill_choices()


class TermForm(Form):
    starts_on = DateField(_l("Term starts"), validators=[InputRequired()])
    ends_on = DateField(_l("Term ends"), validators=[InputRequired()])


class AwayForm(Form):
    away_until = DateField(
        _l("Back on (optional)"),
        validators=[Optional()],
        description=_l("Leave empty if you do not know yet."),
    )
    away_reason = StringField(_l("Note for your mentees (optional)"), validators=[Length(max=255)])


class RetireForm(Form):
    reason = TextAreaField(_l("Why you are leaving (optional)"), validators=[Length(max=4000)])
