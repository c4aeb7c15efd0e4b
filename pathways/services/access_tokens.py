"""Personal access tokens for the JSON API: create, list, revoke, and find the token a
request carries.

A token is ``pw_`` and 43 URL-safe characters (``secrets.token_urlsafe(32)``, 256 bits);
the prefix lets secret scanners and people recognise one. Only its SHA-256 is stored,
as for sign-in links: a copy of the database cannot call the API. The raw token is
returned once, at creation. Scopes narrow what a token may do; they never widen what its
person may do: ``coordinate`` needs the coordinator role at creation and at every call.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import select

from ..extensions import db
from ..models import AccessToken, Person, RoleName, utcnow
from . import DomainError, NotAllowed
from .events import record
from .rules import check_text
from .signin_links import token_hash

TOKEN_PREFIX = "pw_"
READ, WRITE, COORDINATE = "read", "write", "coordinate"
SCOPES = (READ, WRITE, COORDINATE)
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_NAME_LENGTH = 80
MAX_TOKEN_LENGTH = 128
SHOWN_PREFIX_LENGTH = 10
# Writing last_used_at on every call would make every read a write; once a minute is
# as precise as a person needs to tell a token in use from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


def tokens_of(person: Person) -> list[AccessToken]:
    """The person's tokens, newest first, revoked and expired ones included."""
    return list(
        db.session.scalars(
            select(AccessToken)
            .where(AccessToken.person_id == person.id)
            .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
        )
    )


def _check_scopes(person: Person, scopes: list[str]) -> str:
    chosen = [s for s in SCOPES if s in scopes]
    if not chosen or len(chosen) != len(set(scopes)):
        raise DomainError(_l("Choose at least one of the listed scopes."), "scopes")
    if COORDINATE in chosen and not person.has_role(RoleName.COORDINATOR):
        raise DomainError(_l("Only coordinators can give a token this scope."), "scopes")
    return " ".join(chosen)


def _check_days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(
            _ln("A token lasts 1 to %(num)d day.", "A token lasts 1 to %(num)d days.", MAX_DAYS),
            "days",
        )
    return days


def create_token(
    person: Person, name: str, scopes: list[str], days: int = DEFAULT_DAYS
) -> tuple[AccessToken, str]:
    """A new token for ``person``; returns its row and the raw token, shown only once."""
    name = check_text(name, "name", MAX_NAME_LENGTH).strip()
    if not name:
        raise DomainError(_l("Give the token a name."), "name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        person_id=person.id,
        name=name,
        token_hash=token_hash(raw),
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        scopes=_check_scopes(person, scopes),
        expires_at=utcnow() + timedelta(days=_check_days(days)),
    )
    db.session.add(token)
    db.session.flush()
    record(person, "token_created", token.id, scopes=token.scopes)
    return token, raw


def revoke_token(person: Person, token: AccessToken) -> None:
    if token.person_id != person.id:
        raise NotAllowed(_l("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(person, "token_revoked", token.id)


def is_usable(token: AccessToken, now: datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now and token.person.is_active


def authenticate(raw: str, now: datetime | None = None) -> AccessToken | None:
    """The live token ``raw`` is, its last use noted; None if unknown, expired or revoked."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(AccessToken).where(AccessToken.token_hash == token_hash(raw)))
    if token is None or not is_usable(token, now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
    return token
