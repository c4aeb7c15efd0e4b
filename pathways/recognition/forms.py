from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import Form


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Why is this badge revoked?"),
        validators=[DataRequired(message=_l("Say why the badge is revoked.")), Length(max=1000)],
        description=_l("The reason is published with the revoked badge."),
    )


class EndorseForm(Form):
    comment = TextAreaField(
        _l("What you saw (optional)"),
        validators=[Length(max=1000)],
        description=_l(
            "Published with the badge for anyone who checks it: describe the work, "
            "do not name the holder."
        ),
    )


class NotYetForm(Form):
    comment = TextAreaField(
        _l("What should they work on first?"),
        validators=[
            DataRequired(message=_l("Say what to work on before the endorsement.")),
            Length(max=1000),
        ],
        description=_l("The volunteer sees this, and so do their mentors and coordinators."),
    )


class ShowcaseForm(Form):
    story = TextAreaField(
        _l("Your story (optional)"),
        validators=[Length(max=1000)],
        description=_l(
            "Shown on the public showcase with your username and this certificate: "
            "what you learned, what you did with it."
        ),
    )


class HideForm(Form):
    reason = TextAreaField(
        _l("Why is this entry hidden?"),
        validators=[DataRequired(message=_l("Say why the entry is hidden.")), Length(max=1000)],
        description=_l("The holder is told the reason."),
    )
