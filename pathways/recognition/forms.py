from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is this badge revoked?"),
        validators=[DataRequired(message=_l("Say why the badge is revoked."))],
        description=_l("The reason is published with the revoked badge."),
    )
