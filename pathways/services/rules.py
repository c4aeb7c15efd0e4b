"""The rules that more than one lifecycle applies, each written once: limits, text,
skills, and a mentor's run of terms. The web forms' services and the spreadsheet import
both check with these."""

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from ..catalog import get_catalog
from . import DomainError, too_long


class Spell(Protocol):
    """A term of service: a mentor's, or a coordinator's."""

    starts_on: date
    ends_on: date


MAX_CAPACITY = 10


MAX_TERM_DAYS = 366


BREAK_DAYS = 90


MAX_REQUEST_SKILLS = 5


MAX_TEXT = 4000


def check_text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(too_long(limit), field)
    return value


def check_skill_ids(skill_ids: list[str], field: str) -> list[str]:
    catalog = get_catalog()
    unknown = [s for s in skill_ids if s not in catalog.skills]
    if unknown:
        raise DomainError(_l("Unknown skill: %(ids)s.", ids=", ".join(unknown)), field)
    return list(dict.fromkeys(skill_ids))


def consecutive_terms(terms: Sequence[Spell]) -> int:
    """How many terms, ending with the last one, follow each other without a break."""
    ordered = sorted(terms, key=lambda t: t.starts_on)
    run = 1
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        run = run + 1 if (later.starts_on - earlier.ends_on).days < BREAK_DAYS else 1
    return run if ordered else 0


def check_capacity(capacity: int) -> int:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(
            _ln(
                "Take between 1 and %(num)d mentee at once.",
                "Take between 1 and %(num)d mentees at once.",
                MAX_CAPACITY,
            ),
            "capacity",
        )
    return capacity


def check_term_dates(starts_on: date, ends_on: date, longest_years: int = 1) -> None:
    if ends_on <= starts_on:
        raise DomainError(_l("A term ends after it starts."), "ends_on")
    if (ends_on - starts_on).days > MAX_TERM_DAYS * longest_years:
        raise DomainError(
            _ln(
                "A term lasts %(num)d year at most.",
                "A term lasts %(num)d years at most.",
                longest_years,
            ),
            "ends_on",
        )


def check_new_term(terms: Sequence[Spell], term: Spell, limit: int, longest_years: int = 1) -> None:
    """A term may join ``terms`` if its dates are sound, it overlaps none of them, and it
    makes no run of more than ``limit`` terms without a break of ``BREAK_DAYS``."""
    check_term_dates(term.starts_on, term.ends_on, longest_years)
    if any(t.starts_on <= term.ends_on and term.starts_on <= t.ends_on for t in terms):
        raise DomainError(_l("This term overlaps one you already have."), "starts_on")
    if consecutive_terms([*terms, term]) > limit:
        raise DomainError(
            _l(
                "After %(terms)s in a row, take a break of %(days)s before the next one.",
                terms=_ln("%(num)d term", "%(num)d terms", limit),
                days=_ln("%(num)d day", "%(num)d days", BREAK_DAYS),
            ),
            "starts_on",
        )


def check_skill_count(skill_ids: list[str], field: str = "skills") -> list[str]:
    """A request asks for a few skills at a time, so one mentor can help with all."""
    if len(skill_ids) > MAX_REQUEST_SKILLS:
        raise DomainError(
            _ln(
                "Choose at most %(num)d skill.",
                "Choose at most %(num)d skills.",
                MAX_REQUEST_SKILLS,
            ),
            field,
        )
    return skill_ids
