"""Accounts: sign-up, sign-in, roles and settings.

Passwords are hashed with argon2-cffi (Argon2id, the OWASP recommendation), whose
``check_needs_rehash`` lets us raise the cost later without a migration.
"""

import re
from collections.abc import Iterable
from functools import cache
from zoneinfo import available_timezones

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import usernames
from ..extensions import db
from ..models import Person, PersonLanguage, PersonRole, RoleName, utcnow
from . import DomainError
from .matching import bump_profile_version

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
        raise DomainError(
            _ln(
                "Use at least %(num)d character.",
                "Use at least %(num)d characters.",
                MIN_PASSWORD_LENGTH,
            ),
            "password",
        )
    return password_hasher().hash(password)


username_key = usernames.key
USERNAME_TAKEN = _l("This username is taken, or looks too much like one that is.")


def check_username(raw: str) -> str:
    name = usernames.normalize(raw)
    if not usernames.MIN_LENGTH <= len(name) <= usernames.MAX_LENGTH:
        raise DomainError(
            _ln(
                "A username has %(min)d to %(num)d character.",
                "A username has %(min)d to %(num)d characters.",
                usernames.MAX_LENGTH,
                min=usernames.MIN_LENGTH,
            ),
            "username",
        )
    if not usernames.is_well_formed(name):
        raise DomainError(
            _l(
                "Use letters and digits in any script, with spaces, dots, hyphens or "
                "underscores between them."
            ),
            "username",
        )
    return name


def check_language(code: str, field: str = "language") -> str:
    """One language code, lower-cased; refused, naming ``field``, unless it reads like en
    or pt-br."""
    code = code.strip().lower()
    if not LANGUAGE_PATTERN.match(code):
        raise DomainError(
            _l("“%(code)s” is not a language code such as en or pt-br.", code=code), field
        )
    return code


def check_languages(codes: list[str]) -> list[str]:
    cleaned = sorted({c.strip().lower() for c in codes if c.strip()})
    return [check_language(code, "languages") for code in cleaned]


def find_by_username(raw: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.username_key == username_key(raw)))


def usernames_of(person_ids: Iterable[int]) -> dict[int, str]:
    """Usernames by id, in one query."""
    ids = set(person_ids)
    rows = db.session.execute(select(Person.id, Person.username).where(Person.id.in_(ids)))
    return dict(rows.all())


def name_is_taken(name: str) -> bool:
    """True when an account has this name, or one that reads the same."""
    return (
        db.session.scalar(
            select(Person.id).where(
                (Person.username_key == usernames.key(name))
                | (Person.username_skeleton == usernames.skeleton(name))
            )
        )
        is not None
    )


def create_person(
    username: str,
    password: str | None,
    roles: set[RoleName],
    email: str | None = None,
    languages: list[str] | None = None,
) -> Person:
    """A new account; ``password=None`` makes one that signs in only by a one-time link."""
    name = check_username(username)
    if name_is_taken(name):
        raise DomainError(USERNAME_TAKEN, "username")
    person = Person(
        username=name,
        email=(email or "").strip() or None,
        password_hash=hash_password(password) if password is not None else None,
    )
    person.roles = [PersonRole(role=role) for role in sorted(roles)]
    person.languages = [PersonLanguage(code=c) for c in check_languages(languages or ["en"])]
    try:
        with db.session.begin_nested():
            db.session.add(person)
    except IntegrityError as error:
        # Another sign-up took the name (or a look-alike) since the check above.
        raise DomainError(USERNAME_TAKEN, "username") from error
    return person


def sign_up(
    username: str,
    password: str,
    email: str | None,
    languages: list[str],
    locale: str | None = None,
) -> Person:
    """Everyone starts as a volunteer; mentoring is offered later from one's ladder."""
    person = create_person(username, password, {RoleName.VOLUNTEER}, email, languages)
    choose_locale(person, locale)
    return person


def authenticate(username: str, password: str) -> Person | None:
    """The person if the password is right; None otherwise, without saying which part failed."""
    hasher = password_hasher()
    person = find_by_username(username)
    if person is None or person.password_hash is None or not person.is_active:
        hasher.hash(password)  # as slow as a real check, so timing tells nothing
        return None
    if not _password_matches(person, password):
        return None
    if hasher.check_needs_rehash(person.password_hash):
        person.password_hash = hasher.hash(password)
    person.last_login_at = utcnow()
    return person


def lock_person(person: Person) -> None:
    """Queue this person's concurrent actions behind each other until commit.

    A no-op UPDATE takes the row lock on PostgreSQL and the write lock on SQLite, so
    two identical form posts (a double click, two tabs) run one after the other and
    the second sees what the first wrote: the person's loaded state is dropped too.
    """
    db.session.execute(
        update(Person)
        .where(Person.id == person.id)
        .values(id=Person.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(person)


def end_sessions(person: Person) -> None:
    """Make every session cookie of this person invalid, including copies."""
    person.session_version = (person.session_version or 0) + 1


def change_password(person: Person, current: str | None, new: str) -> None:
    """A new password ends every other session; ``current`` is checked when one is set.

    ``current=None`` is for the moment right after a one-time link sign-in, which
    proved the person's identity instead.
    """
    if current is not None and not _password_matches(person, current):
        raise DomainError(_l("This is not your current password."), "current_password")
    person.password_hash = hash_password(new)
    end_sessions(person)


def _password_matches(person: Person, password: str) -> bool:
    if person.password_hash is None:
        return False
    try:
        return password_hasher().verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def grant_role(person: Person, role: RoleName) -> None:
    """A new role ends the person's sessions: a cookie never carries old rights."""
    if not person.has_role(role):
        person.roles.append(PersonRole(role=role))
        end_sessions(person)


def revoke_role(person: Person, role: RoleName) -> None:
    """Losing a role ends the person's sessions too: a cookie never keeps old rights."""
    kept = [r for r in person.roles if r.role != role]
    if len(kept) != len(person.roles):
        person.roles = kept
        end_sessions(person)


def imported_without_password() -> list[Person]:
    """People imported from a spreadsheet who sign in only with a one-time link yet."""
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.password_hash.is_(None), Person.deleted_at.is_(None))
            .order_by(Person.username_key)
        )
    )


def coordinators() -> list[Person]:
    """Everyone who coordinates the program (and still has an account)."""
    return list(
        db.session.scalars(
            select(Person).where(
                Person.deleted_at.is_(None), Person.roles.any(role=RoleName.COORDINATOR)
            )
        )
    )


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


def choose_locale(person: Person, locale: str | None) -> None:
    """The interface language the person chose; None follows their browser."""
    person.locale = locale or None


def update_settings(
    person: Person,
    locale: str | None,
    email: str | None,
    timezone: str,
    languages: list[str],
    public_profile: bool = False,
) -> None:
    choose_locale(person, locale)
    person.public_profile = public_profile
    person.email = (email or "").strip() or None
    person.timezone = check_timezone(timezone)
    set_languages(person, languages)


def set_languages(person: Person, languages: list[str]) -> None:
    """The languages the person can work in (codes), at least one."""
    codes = check_languages(languages)
    if not codes:
        raise DomainError(_l("Name at least one language you can work in."), "languages")
    kept = {lang.code: lang for lang in person.languages}
    person.languages = [kept.get(c) or PersonLanguage(code=c) for c in codes]
    bump_profile_version()
