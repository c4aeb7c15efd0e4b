from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from ..forms import Form
from ..mentors.forms import skill_choices
from ..services import trainings
from ..services.rules import MAX_TEXT

REQUIRED = InputRequired()


class TrainingForm(Form):
    title = StringField(_l("Title"), validators=[REQUIRED, Length(max=trainings.MAX_TITLE)])
    description = TextAreaField(
        _l("What participants will do (optional)"),
        validators=[Length(max=MAX_TEXT)],
        description=_l("What to bring, what you will practise, who it is for."),
    )
    skills = SelectMultipleField(_l("Skills it teaches"))
    language = StringField(
        _l("Language"),
        validators=[REQUIRED, Length(max=12)],
        description=_l("A code such as es, fr or pt-br."),
    )
    starts_at = DateTimeLocalField(_l("Starts at"), format="%Y-%m-%dT%H:%M", validators=[REQUIRED])
    timezone = StringField(
        _l("Time zone"),
        validators=[REQUIRED, Length(max=64)],
        description=_l("Such as America/Mexico_City."),
    )
    minutes = IntegerField(_l("Length in minutes"), validators=[REQUIRED], default=90)
    places = IntegerField(_l("Places"), validators=[REQUIRED], default=20)
    online = BooleanField(_l("Online"), default=True)
    venue = StringField(_l("Place (when not online)"), validators=[Length(max=trainings.MAX_VENUE)])
    link = StringField(
        _l("Web address (optional)"),
        validators=[Length(max=trainings.MAX_LINK)],
        description=_l("The meeting or event page, https:// only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills.choices = skill_choices()
