from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, URLField
from wtforms.validators import DataRequired, Length, ValidationError

from ..catalog import get_catalog
from ..catalog_messages import translated
from ..forms import Form, SelectField
from ..input_rules import parse_whole_number
from ..labels import label
from ..mentors.forms import skill_choices
from ..models import ResourceFormat
from ..services.resources import MAX_LINK, MAX_TITLE


def format_choices() -> list[tuple[str, str]]:
    return [(f.value, label(f)) for f in ResourceFormat]


def level_choices() -> list[tuple[str, str]]:
    levels = sorted(get_catalog().levels.values(), key=lambda level: level.rank)
    return [(level.id, translated(level)) for level in levels]


class ResourceForm(Form):
    skill = SelectField(_l("Skill"), validators=[DataRequired(message=_l("Choose a skill."))])
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Give the resource a title.")),
            Length(max=MAX_TITLE),
        ],
    )
    link = URLField(
        _l("Link"),
        validators=[
            DataRequired(message=_l("Give the resource's web address.")),
            Length(max=MAX_LINK),
        ],
        description=_l("A page that stays where it is, such as a help page or a course page."),
    )
    language = StringField(
        _l("Language"),
        validators=[DataRequired(message=_l("Give the language code.")), Length(max=12)],
        description=_l("A language code such as en, es or pt-br."),
    )
    format = SelectField(_l("Format"))
    level = SelectField(_l("Level"))
    translation_of = HiddenField(validators=[Length(max=12)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skill.choices = skill_choices()
        self.format.choices = format_choices()
        self.level.choices = level_choices()

    def validate_translation_of(self, field: HiddenField) -> None:
        if field.data and parse_whole_number(field.data) is None:
            raise ValidationError(_l("The resource to translate is not on the list."))

    def original_id(self) -> int | None:
        return parse_whole_number(self.translation_of.data or "")
