"""The base of every form: the rules of :mod:`pathways.input_rules` on every field.

A refusal is a message next to the field that names it, so the view answers 422 like
for any other mistake; free text loses its bidi embedding, override and isolate controls.
"""

from datetime import date, datetime

import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateTimeField, Field, IntegerField, PasswordField, StringField, TextAreaField

from .input_rules import (
    control_character,
    control_character_error,
    date_error,
    fits_integer,
    integer_error,
    without_bidi_controls,
)


def _is_free_text(field: Field) -> bool:
    return isinstance(field, StringField) and not isinstance(field, PasswordField)


def _strip_bidi_controls(data):
    return without_bidi_controls(data) if isinstance(data, str) else data


def input_problem(field: Field):
    """Why the field's input breaks an input rule, or None."""
    name = field.label.text
    multiline = isinstance(field, TextAreaField)
    texts = (t for t in getattr(field, "raw_data", None) or () if isinstance(t, str))
    for text in texts:  # an uploaded file's content is its reader's to check
        character = control_character(text, multiline)
        if character is not None:
            return control_character_error(name, character)
    if isinstance(field, IntegerField) and field.data is not None and not fits_integer(field.data):
        return integer_error(name)
    if isinstance(field, DateTimeField) and field.data is not None:  # a DateField too
        day = field.data.date() if isinstance(field.data, datetime) else field.data
        return date_error(name, day, date.today())
    return None


class Form(FlaskForm):
    """Every form of the app derives from this one (a test checks it)."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        filters = dict(extra_filters or {})
        for name, field in self._fields.items():
            if _is_free_text(field):
                filters[name] = [*filters.get(name, ()), _strip_bidi_controls]
        super().process(formdata, obj, data, filters, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own validators, then the input rules on fields they found no fault in."""
        valid = super().validate(extra_validators)
        for field in self:
            problem = None if field.errors else input_problem(field)
            if problem is not None:
                field.errors.append(problem)
                valid = False
        return valid


class Select(wtforms.widgets.Select):
    """WTForms' select with the same markup, its options written directly: WTForms builds
    each option's attributes with a general helper, about a millisecond for the sixty
    skills of the queue's filter."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = " selected" if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option{selected} value="{escape(choice.value)}">{label}</option>')


class SelectField(wtforms.SelectField):
    widget = Select()
