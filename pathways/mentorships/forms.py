from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import Form
from ..labels import question_label

# The service checks the rules (dates, ranges, permissions); the forms only parse input.


class AgreementForm(Form):
    goals = TextAreaField(
        _l("Goals"),
        validators=[Length(max=4000)],
        description=_l("What the mentee wants to be able to do at the end."),
    )
    expectations = TextAreaField(
        _l("Expectations"),
        validators=[Length(max=4000)],
        description=_l("Who does what, how you reach each other, how fast you answer."),
    )
    checkin_every_days = IntegerField(
        _l("Check in every (days)"), validators=[InputRequired()], default=14
    )


class CheckInForm(Form):
    happened_on = DateField(_l("Date"), validators=[InputRequired()])
    minutes = IntegerField(_l("Minutes"), validators=[InputRequired()], default=30)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])


class ThanksForm(Form):
    message = TextAreaField(_l("Your thank-you"), validators=[Length(max=1000)])


class ReportForm(Form):
    text = TextAreaField(
        _l("What is wrong?"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("Only coordinators read this. The other side is not told."),
    )


class ActionForm(Form):
    """A button: nothing but the CSRF token."""


def end_form_class(questions: list[dict], with_reason: bool = True) -> type[Form]:
    """The off-boarding form for the coordinators' current template: one field per
    question, after the reason for ending (a graduation needs none)."""

    class EndForm(Form):
        pass

    if with_reason:
        EndForm.reason = TextAreaField(
            _l("Why does the mentorship end?"),
            validators=[DataRequired(), Length(max=1000)],
        )

    for question in questions:
        label = question_label(question["label"])
        setattr(EndForm, question["key"], TextAreaField(label, validators=[Length(max=4000)]))
    return EndForm
