from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form


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
