"""One-time sign-in links for people imported without a password.

Only the SHA-256 of a token is stored, so a copy of the database cannot be used to sign
in; the raw token is returned once, to be sent to the person. A link works once and for
a limited time; making a new link for a person cancels their unused earlier ones.
Links are for accounts without a password only: they are a way in for imported people,
not a way for a coordinator to take over an account that has its own password.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import Person, RoleName, SignInLink, utcnow
from . import DomainError, NotAllowed
from .accounts import change_password
from .events import record

DEFAULT_TTL_HOURS = 72
MAX_TTL_HOURS = 14 * 24
MAX_TOKEN_LENGTH = 128


class LinkGone(DomainError):
    """The link existed but was used or has expired."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    coordinator: Person | None, person: Person, ttl_hours: int = DEFAULT_TTL_HOURS
) -> str:
    """A new one-time link for ``person``; returns the raw token (stored only hashed).

    ``coordinator=None`` is the trusted command line.
    """
    if coordinator is not None and not coordinator.has_role(RoleName.COORDINATOR):
        raise NotAllowed(_l("Only coordinators can make sign-in links."))
    if not person.is_active:
        raise DomainError(_l("This account is closed."), "person")
    if person.password_hash is not None:
        raise DomainError(
            _l("%(name)s has a password and signs in with it.", name=person.username), "person"
        )
    if not 1 <= ttl_hours <= MAX_TTL_HOURS:
        raise DomainError(
            _ln(
                "A link lasts 1 to %(num)d hour.", "A link lasts 1 to %(num)d hours.", MAX_TTL_HOURS
            ),
            "ttl_hours",
        )
    db.session.execute(
        delete(SignInLink).where(SignInLink.person_id == person.id, SignInLink.used_at.is_(None))
    )
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(hours=ttl_hours)
    db.session.add(
        SignInLink(
            person_id=person.id,
            token_hash=token_hash(token),
            created_by_id=coordinator.id if coordinator else None,
            expires_at=expires_at,
        )
    )
    record(coordinator, "signin_link_created", person.id, expires_at=expires_at.isoformat())
    return token


def find_link(token: str, now: datetime | None = None) -> SignInLink:
    """The link this token opens, if it can still be used; otherwise a clear refusal."""
    now = now or utcnow()
    link = None
    if 0 < len(token) <= MAX_TOKEN_LENGTH:
        link = db.session.scalar(
            select(SignInLink).where(SignInLink.token_hash == token_hash(token))
        )
    if link is None or not link.person.is_active:
        raise DomainError(_l("This sign-in link is not valid."), "token")
    if link.used_at is not None:
        raise LinkGone(_l("This sign-in link has already been used."), "token")
    if link.expires_at <= now:
        raise LinkGone(_l("This sign-in link has expired."), "token")
    return link


def redeem(token: str, now: datetime | None = None) -> Person:
    """Use the link: it stops working, and the person it belongs to is returned to sign in."""
    now = now or utcnow()
    link = find_link(token, now)
    claimed = db.session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise LinkGone(_l("This sign-in link has already been used."), "token")
    db.session.refresh(link)
    person = link.person
    person.last_login_at = now
    record(person, "signin_link_used", person.id)
    return person


def set_password(person: Person, current: str | None, password: str) -> None:
    """The person's own password: the first one after a link, or a new one."""
    change_password(person, current, password)
    record(person, "password_set", person.id)
