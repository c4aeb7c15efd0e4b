"""Small helpers shared by the blueprints' views."""

from flask import flash
from flask_wtf import FlaskForm

from .services import DomainError


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a refused action's message next to the field it names, or on top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")
