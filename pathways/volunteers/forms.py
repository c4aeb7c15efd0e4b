from flask_babel import lazy_gettext as _l
from wtforms import Field, FloatField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form
from ..labels import LABELS
from ..models import StepStatus


class StanceGrid(Field):
    """The self-assessment grid: one radio group per skill, named ``<field>-<skill id>``.

    The template draws the grid from the catalog; ``data`` maps every posted
    skill id to its stance, unknown ids included, so the service can refuse them;
    ``raw_data`` holds the posted ids and stances for the input rules.
    """

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.data = dict(data or {})
        if formdata is not None:
            prefix = self.name + "-"
            self.data = {
                key[len(prefix) :]: formdata.get(key)
                for key in formdata
                if key.startswith(prefix) and formdata.get(key)
            }
            self.raw_data = [*self.data, *self.data.values()]

    def _value(self):
        return ""


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GoalsForm(Form):
    goal_roles = CheckboxList(
        _l("Roles you aim for"),
        choices=[],
        validate_choice=False,
        description=_l("Choose none, one or several. You can change them later."),
    )
    interests = TextAreaField(
        _l("What interests you?"),
        validators=[Length(max=2000)],
        description=_l("A few words or sentences: topics, projects, things you enjoy."),
    )
    hours_per_week = FloatField(
        _l("Hours a week"),
        validators=[InputRequired(message=_l("Give the hours you can spend each week."))],
        default=3,
        description=_l("The time you can give, from a quarter of an hour to 80 hours."),
    )


class OnboardingForm(GoalsForm):
    stances = StanceGrid(_l("What you know"))
    languages = StringField(
        _l("Languages you can work in"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Language codes separated by commas, e.g. en, es, ar."),
    )


class StepForm(Form):
    status = RadioField(
        _l("Progress"),
        choices=[SelectChoice(status.value, LABELS[status]) for status in StepStatus],
        validate_choice=False,
    )
    reflection = TextAreaField(
        _l("Reflection (optional)"),
        validators=[Length(max=4000)],
        description=_l("What did you learn? What would you tell someone starting this step?"),
    )
