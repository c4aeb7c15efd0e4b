from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..mentors.forms import skill_choices


class RequestForm(FlaskForm):
    skills = SelectMultipleField(
        _l("What do you want to learn?"),
        validators=[DataRequired(message=_l("Choose at least one skill."))],
    )
    note = TextAreaField(
        _l("A few words for your mentor (optional)"),
        validators=[Length(max=4000)],
        description=_l("Your goals, what you tried, when you are free."),
    )
    preferred_mentor = RadioField(
        _l("Preferred mentor (optional)"), validators=[Optional()], validate_choice=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills.choices = skill_choices()

    def preferred_mentor_id(self) -> int | None:
        value = self.preferred_mentor.data
        return int(value) if value and str(value).isdigit() else None
