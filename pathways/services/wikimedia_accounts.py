"""Accounts held through a Wikimedia account: sign in, sign up, link.

The wiki's username becomes the Pathways username, under the same rules as a name
chosen at sign-up. A Pathways account of that name is never taken over by a wiki
sign-in: its holder links the two from their settings, signed in, which proves they
hold both.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import usernames
from ..extensions import db
from ..models import Person, RoleName, WikimediaAccount, utcnow
from ..wikimedia import WikiIdentity
from . import DomainError
from .accounts import check_username, choose_locale, create_person, name_is_taken


class Refused(DomainError):
    """A refusal whose message names people: ``values`` fill its placeholders, so the
    page can isolate each name (``web.with_isolated``)."""

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message)
        self.values = values


LINKED_ELSEWHERE = _l("This Wikimedia account is already connected to another Pathways account.")


def _linked(identity: WikiIdentity) -> WikimediaAccount | None:
    return db.session.scalar(
        select(WikimediaAccount).where(WikimediaAccount.wiki_user_id == identity.user_id)
    )


def sign_in(identity: WikiIdentity, locale: str | None) -> tuple[Person, bool]:
    """The person this wiki account signs in, and whether the account is new.

    A wiki account seen for the first time makes a volunteer without a password,
    named as on the wiki; a name that is taken, or reads like one that is, is refused
    and nothing is written.
    """
    account = _linked(identity)
    if account is not None:
        account.wiki_username = identity.username
        account.person.last_login_at = utcnow()
        return account.person, False
    name = _usable_name(identity.username)
    if _same_name_exists(name):
        raise Refused(
            _l(
                "A Pathways account is already named %(name)s. If it is yours, sign in with "
                "its password, then connect your Wikimedia account from your settings."
            ),
            name=name,
        )
    if name_is_taken(name):
        raise Refused(
            _l(
                "Your Wikimedia username %(name)s looks too much like the name of another "
                "Pathways account, so it cannot be used here."
            ),
            name=name,
        )
    language = (locale or "en").split("_")[0].lower()
    person = create_person(name, None, {RoleName.VOLUNTEER}, languages=[language])
    choose_locale(person, locale)
    person.last_login_at = utcnow()
    _add_link(person, identity)
    return person, True


def link(person: Person, identity: WikiIdentity) -> None:
    """Connect ``person``'s account to the wiki account they just authorised with.

    Only the account of the same name (as accounts compare names) can be connected,
    and a wiki account connects to one Pathways account.
    """
    account = _linked(identity)
    if account is not None and account.person_id != person.id:
        raise Refused(LINKED_ELSEWHERE)
    if usernames.key(identity.username) != person.username_key:
        raise Refused(
            _l(
                "Your Wikimedia username is %(wiki_name)s and this account is %(name)s: "
                "only an account of the same name can be connected."
            ),
            wiki_name=identity.username,
            name=person.username,
        )
    if account is None:
        _add_link(person, identity)


def wikimedia_account_of(person: Person) -> WikimediaAccount | None:
    return db.session.scalar(
        select(WikimediaAccount).where(WikimediaAccount.person_id == person.id)
    )


def _same_name_exists(name: str) -> bool:
    key = usernames.key(name)
    return db.session.scalar(select(Person.id).where(Person.username_key == key)) is not None


def _usable_name(wiki_name: str) -> str:
    try:
        return check_username(wiki_name)
    except DomainError as error:
        raise Refused(
            _l(
                "Your Wikimedia username %(name)s cannot be a Pathways username: use letters "
                "and digits with spaces, dots, hyphens or underscores between them."
            ),
            name=wiki_name,
        ) from error


def _add_link(person: Person, identity: WikiIdentity) -> None:
    row = WikimediaAccount(
        person=person, wiki_user_id=identity.user_id, wiki_username=identity.username
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError as error:
        # The same wiki account signed in twice at once, or was linked meanwhile.
        raise Refused(LINKED_ELSEWHERE) from error
