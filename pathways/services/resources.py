"""Learning resources: a curated list of links per skill, added by mentors and
coordinators, suggested by volunteers and approved by a coordinator, with translations
linked to the resource they translate."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ..catalog import get_catalog
from ..extensions import db
from ..models import Person, Resource, ResourceFormat, RoleName, utcnow
from . import DomainError, NotAllowed
from .accounts import check_language
from .events import record
from .rules import check_skill_ids, check_text

MAX_TITLE = 200
MAX_LINK = 2000
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_link(raw: str) -> tuple[str, str]:
    """The link as stored, and the key that makes two spellings of one page collide.

    Only http(s) links with a host are taken. The scheme and host are lower-cased, the
    default port and the fragment dropped, and the path's percent-encoding made uniform;
    the key ignores the scheme, so the http and https links of a page are one resource.
    """
    text = check_text(raw, "link", MAX_LINK)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        raise DomainError(_l("Give a web address that starts with https:// or http://."), "link")
    if parts.username or parts.password:
        raise DomainError(_l("A web address with a user name or password is not taken."), "link")
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address: urlsplit gives it without its brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_PATH_SAFE) or "/"
    link = urlunsplit((scheme, host, path, parts.query, ""))
    key = hashlib.sha256(f"{host}{path}?{parts.query}".encode()).hexdigest()
    return link, key


def _check_level(level_id: str) -> str:
    if level_id not in get_catalog().levels:
        raise DomainError(_l("Choose one of the levels."), "level")
    return level_id


def _check_original(original_id: int | None, language: str) -> Resource | None:
    if original_id is None:
        return None
    original = db.session.get(Resource, original_id)
    if original is None or original.approved_at is None:
        raise DomainError(_l("The resource to translate is not on the list."), "translation_of")
    if original.translation_of_id is not None:
        original = original.translation_of
    if original.language == language:
        raise DomainError(_l("A translation is in another language than the original."), "language")
    return original


def _merged(link: str) -> Resource:
    existing = find_by_link(link)
    if existing is None:
        raise DomainError(_l("This resource is already on the list."), "link")
    return existing


def can_add_directly(person: Person) -> bool:
    """Mentors and coordinators add resources; everyone else suggests them."""
    return person.has_role(RoleName.MENTOR) or person.has_role(RoleName.COORDINATOR)


def add_resource(
    person: Person,
    *,
    skill_id: str,
    title: str,
    language: str,
    format: str,
    level_id: str,
    link: str,
    translation_of_id: int | None = None,
) -> tuple[Resource, bool]:
    """Add (mentor, coordinator) or suggest (anyone else) a resource.

    Returns the resource and whether it is new: a link already on the list (after
    normalising) is merged into the one there, never repeated.
    """
    check_skill_ids([skill_id], "skill")
    title = check_text(title, "title", MAX_TITLE)
    if not title:
        raise DomainError(_l("Give the resource a title."), "title")
    language = check_language(language or "")
    if format not in set(ResourceFormat):
        raise DomainError(_l("Choose one of the formats."), "format")
    level_id = _check_level(level_id)
    link, key = normalise_link(link)
    original = _check_original(translation_of_id, language)
    existing = find_by_link(link)
    if existing is not None:
        return existing, False
    now = utcnow()
    direct = can_add_directly(person)
    resource = Resource(
        skill_id=skill_id,
        title=title,
        language=language,
        format=ResourceFormat(format),
        level_id=level_id,
        link=link,
        link_key=key,
        translation_of=original,
        added_by_id=person.id,
        reviewed_by_id=person.id if direct else None,
        approved_at=now if direct else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(resource)
    except IntegrityError:
        # Someone listed the same page since the look-up above: merge into theirs.
        return _merged(link), False
    record(person, "resource_added" if direct else "resource_suggested", resource.id)
    return resource, True


def _pending(resource: Resource) -> None:
    if resource.approved_at is not None:
        raise DomainError(_l("This resource is already on the list."))


def approve_resource(coordinator: Person, resource: Resource) -> None:
    if not coordinator.has_role(RoleName.COORDINATOR):
        raise NotAllowed(_l("Only coordinators review suggested resources."))
    _pending(resource)
    resource.approved_at = utcnow()
    resource.reviewed_by_id = coordinator.id
    record(coordinator, "resource_approved", resource.id)


def reject_resource(coordinator: Person, resource: Resource) -> None:
    """A turned-down suggestion is deleted: it was never public, and its link is free again."""
    if not coordinator.has_role(RoleName.COORDINATOR):
        raise NotAllowed(_l("Only coordinators review suggested resources."))
    _pending(resource)
    record(coordinator, "resource_rejected", resource.id, link=resource.link)
    db.session.delete(resource)


def find_by_link(link: str) -> Resource | None:
    _, key = normalise_link(link)
    return db.session.scalar(select(Resource).where(Resource.link_key == key))


def find_resource(resource_id: int) -> Resource | None:
    return db.session.get(Resource, resource_id)


def suggestions() -> list[Resource]:
    """The suggestions waiting for a coordinator, oldest first."""
    query = (
        select(Resource)
        .where(Resource.approved_at.is_(None))
        .options(selectinload(Resource.added_by), selectinload(Resource.translation_of))
        .order_by(Resource.id)
    )
    return list(db.session.scalars(query))


def _primary(code: str) -> str:
    return code.split("-")[0].split("_")[0].lower()


def reader_first(resources: Iterable[Resource], languages: list[str]) -> list[Resource]:
    """The resources in the reader's languages first (in the order given), then the others."""
    rank = {}
    for code in languages:
        rank.setdefault(_primary(code), len(rank))
    return sorted(
        resources,
        key=lambda r: (rank.get(_primary(r.language), len(rank)), r.title.casefold(), r.id),
    )


def approved(
    skill_id: str | None = None, language: str | None = None, format: str | None = None
) -> list[Resource]:
    """The approved resources, filtered by skill, language and format when given."""
    query = select(Resource).where(Resource.approved_at.is_not(None))
    if skill_id:
        query = query.where(Resource.skill_id == skill_id)
    if language:
        query = query.where(Resource.language == language.lower())
    if format:
        query = query.where(Resource.format == format)
    return list(db.session.scalars(query.order_by(Resource.skill_id, Resource.id)))


def for_skills(skill_ids: Iterable[str], languages: list[str]) -> dict[str, list[Resource]]:
    """The approved resources of each skill, the reader's languages first; one query."""
    ids = list(skill_ids)
    found: dict[str, list[Resource]] = defaultdict(list)
    if not ids:
        return found
    query = select(Resource).where(Resource.approved_at.is_not(None), Resource.skill_id.in_(ids))
    for resource in db.session.scalars(query):
        found[resource.skill_id].append(resource)
    return {skill: reader_first(items, languages) for skill, items in found.items()}


def _in_language(column, code: str):
    return or_(func.lower(column) == code, func.lower(column).like(f"{code}-%"))


def missing_in(language: str) -> list[Resource]:
    """Approved originals in other languages that have no approved translation in ``language``."""
    code = _primary(language)
    translation = aliased(Resource)
    translated = (
        select(translation.id)
        .where(
            translation.translation_of_id == Resource.id,
            translation.approved_at.is_not(None),
            _in_language(translation.language, code),
        )
        .exists()
    )
    query = select(Resource).where(
        Resource.approved_at.is_not(None),
        Resource.translation_of_id.is_(None),
        ~_in_language(Resource.language, code),
        ~translated,
    )
    return list(db.session.scalars(query.order_by(Resource.skill_id, Resource.id)))


def translations_by(person: Person) -> int:
    """How many approved translations the person added: their count toward recognition."""
    return db.session.scalar(
        select(func.count()).where(
            Resource.added_by_id == person.id,
            Resource.translation_of_id.is_not(None),
            Resource.approved_at.is_not(None),
        )
    )


def added_by(person: Person) -> list[Resource]:
    return list(
        db.session.scalars(
            select(Resource).where(Resource.added_by_id == person.id).order_by(Resource.id)
        )
    )
