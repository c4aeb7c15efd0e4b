"""Accounts: sign-up, sign-in, roles and settings.

Passwords are hashed with argon2-cffi (Argon2id, the OWASP recommendation), whose
``check_needs_rehash`` lets us raise the cost later without a migration.
"""

import re
import unicodedata
from functools import cache
from zoneinfo import available_timezones

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Person, PersonLanguage, PersonRole, RoleName, utcnow
from . import DomainError
from .matching import bump_profile_version

USERNAME_PATTERN = re.compile(r"^[\w][\w .\-]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
MIN_PASSWORD_LENGTH = 10


@cache
def _hasher_for(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(getattr(profiles, profile))


def password_hasher() -> PasswordHasher:
    """The hasher of the configured argon2 profile (RFC 9106 low-memory by default)."""
    return _hasher_for(current_app.config["PASSWORD_HASH_PROFILE"])


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), "password")
    return password_hasher().hash(password)


def normalize_username(raw: str) -> str:
    """The username as shown: NFKC-normalised, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", raw).split())


def username_key(raw: str) -> str:
    """The username as compared: two names that look alike share one key."""
    return normalize_username(raw).casefold()


def check_username(raw: str) -> str:
    name = normalize_username(raw)
    if not 2 <= len(name) <= 64:
        raise DomainError(_l("A username has 2 to 64 characters."), "username")
    if not USERNAME_PATTERN.match(name):
        raise DomainError(
            _l("Use letters, digits, spaces, dots, hyphens or underscores."), "username"
        )
    return name


def check_languages(codes: list[str]) -> list[str]:
    cleaned = sorted({c.strip().lower() for c in codes if c.strip()})
    for code in cleaned:
        if not LANGUAGE_PATTERN.match(code):
            raise DomainError(
                _l("“%(code)s” is not a language code such as en or pt-br.", code=code),
                "languages",
            )
    return cleaned


def find_by_username(raw: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.username_key == username_key(raw)))


def create_person(
    username: str,
    password: str | None,
    roles: set[RoleName],
    email: str | None = None,
    languages: list[str] | None = None,
) -> Person:
    """A new account; ``password=None`` makes one that signs in only by a one-time link."""
    name = check_username(username)
    if find_by_username(name) is not None:
        raise DomainError(_l("This username is taken."), "username")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), "password")
    person = Person(
        username=name,
        username_key=username_key(name),
        email=(email or "").strip() or None,
        password_hash=hash_password(password) if password is not None else None,
    )
    person.roles = [PersonRole(role=role) for role in sorted(roles)]
    person.languages = [PersonLanguage(code=c) for c in check_languages(languages or ["en"])]
    db.session.add(person)
    db.session.flush()
    return person


def sign_up(username: str, password: str, email: str | None, languages: list[str]) -> Person:
    """Everyone starts as a volunteer; mentoring is offered later from one's ladder."""
    return create_person(username, password, {RoleName.VOLUNTEER}, email, languages)


def authenticate(username: str, password: str) -> Person | None:
    """The person if the password is right; None otherwise, without saying which part failed."""
    hasher = password_hasher()
    person = find_by_username(username)
    if person is None or person.password_hash is None or not person.is_active:
        hasher.hash(password)
        return None
    try:
        hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(person.password_hash):
        person.password_hash = hasher.hash(password)
    person.last_login_at = utcnow()
    return person


def grant_role(person: Person, role: RoleName) -> None:
    if not person.has_role(role):
        person.roles.append(PersonRole(role=role))


def create_coordinator(username: str, password: str, email: str | None = None) -> Person:
    """The first coordinator comes from the CLI; an existing account gains the role."""
    person = find_by_username(username)
    if person is None:
        return create_person(username, password, {RoleName.VOLUNTEER, RoleName.COORDINATOR}, email)
    grant_role(person, RoleName.COORDINATOR)
    return person


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(name: str) -> str:
    name = name.strip()
    if name not in known_timezones():
        raise DomainError(
            _l("“%(name)s” is not a time zone such as Europe/Paris or UTC.", name=name), "timezone"
        )
    return name


def update_settings(
    person: Person, locale: str | None, email: str | None, timezone: str, languages: list[str]
) -> None:
    person.locale = locale or None
    person.email = (email or "").strip() or None
    person.timezone = check_timezone(timezone)
    codes = check_languages(languages)
    if not codes:
        raise DomainError(_l("Name at least one language you can work in."), "languages")
    kept = {lang.code: lang for lang in person.languages}
    person.languages = [kept.get(c) or PersonLanguage(code=c) for c in codes]
    bump_profile_version()
