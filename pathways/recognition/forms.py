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
