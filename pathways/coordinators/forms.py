from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form, SelectField
from ..services.coordinator_terms import MAX_NOTE


class RejectForm(Form):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why, for the audit trail.")), Length(max=1000)],
    )


class PickForm(Form):
    mentor_id = IntegerField(_l("Mentor"), validators=[InputRequired()])


class BackupForm(Form):
    backup_id = IntegerField(_l("Backup mentor"), validators=[InputRequired()])


class QueueFilterForm(Form):
    class Meta:
        csrf = False

    language = StringField(_l("Language"), validators=[Optional(), Length(max=12)])
    skill = SelectField(_l("Skill"), validators=[Optional()], validate_choice=False)
    waiting_days = IntegerField(
        _l("Waiting at least (days)"), validators=[Optional(), NumberRange(min=0, max=3650)]
    )


class TemplateForm(Form):
    questions = TextAreaField(
        _l("Questions, one per line"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("Asked when a mentorship ends, to hand knowledge on."),
    )


class CoordinatorTermForm(Form):
    person_id = SelectField(_l("Coordinator"), coerce=int, validators=[InputRequired()])
    starts_on = DateField(_l("Term starts"), validators=[InputRequired()])
    ends_on = DateField(_l("Term ends"), validators=[InputRequired()])


class HandoverForm(Form):
    successor = StringField(
        _l("Successor's username"),
        validators=[DataRequired(), Length(max=255)],
        description=_l("Someone with an account here; they accept or decline on their start page."),
    )
    ends_on = DateField(
        _l("Their term ends"),
        validators=[InputRequired()],
        description=_l("Their term starts on the day they accept."),
    )
    note = TextAreaField(
        _l("Hand-over note"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=_l("What they should know: work in progress, contacts, habits of the program."),
    )
