from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import Form
from ..input_rules import parse_whole_number
from ..mentors.forms import skill_choices


class RequestForm(Form):
    help_as = RadioField(
        _l("How would you like to learn?"),
        choices=[
            SelectChoice("mentor", _l("With one mentor")),
            SelectChoice(
                "circle", _l("In a peer circle: a small group on my rung, with a facilitator")
            ),
        ],
        default="mentor",
        validators=[Optional()],
    )
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

    def validate_preferred_mentor(self, field: RadioField) -> None:
        if parse_whole_number(field.data) is None:
            raise ValidationError(_l("This person is not a mentor."))

    def wants_group(self) -> bool:
        return self.help_as.data == "circle"

    def preferred_mentor_id(self) -> int | None:
        return parse_whole_number(self.preferred_mentor.data or "")
