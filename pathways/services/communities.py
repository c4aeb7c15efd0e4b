"""The community directory: affiliates, local communities and question channels.

Entries come from ``data/communities.yaml`` (loaded by ``flask demo load``, or again
after an edit: an entry is updated by its key). A page lists the ones that work in a
person's languages, so a newcomer finds people who speak their language.
"""

from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Community
from . import DomainError
from .accounts import check_languages
from .rules import check_text
from .trainings import check_link

DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "communities.yaml"
KINDS = {
    "affiliate": _l("Affiliate"),
    "community": _l("Local community"),
    "channel": _l("Question channel"),
}
TEXT_LIMITS = {"name": 200, "region": 120, "topics": 255, "how_to_join": 4000}


def _checked(entry: dict) -> dict:
    key = check_text(str(entry.get("key", "")), "key", 80)
    if not key:
        raise DomainError(_l("Every community needs a key."), "key")
    if entry.get("kind") not in KINDS:
        raise DomainError(_l("Choose one of the listed kinds."), "kind")
    link = check_link(entry.get("link"))
    if link is None:
        raise DomainError(_l("Give a web address starting with https:// or http://."), "link")
    texts = {
        field: check_text(str(entry.get(field) or ""), field, limit)
        for field, limit in TEXT_LIMITS.items()
    }
    return {
        "key": key,
        "kind": entry["kind"],
        "languages": check_languages(list(entry.get("languages") or [])),
        "link": link,
        **texts,
    }


def load_directory(path: Path = DIRECTORY) -> int:
    """Add or update every entry of the directory file; returns how many it holds."""
    entries = [_checked(entry) for entry in yaml.safe_load(path.read_text("utf-8"))["communities"]]
    existing = {c.key: c for c in db.session.scalars(select(Community))}
    for entry in entries:
        community = existing.get(entry["key"]) or Community()
        for field, value in entry.items():
            setattr(community, field, value)
        db.session.add(community)
    db.session.flush()
    return len(entries)


def directory(language: str | None = None) -> list[Community]:
    """Every community, or those working in ``language``, by name."""
    rows = db.session.scalars(select(Community).order_by(Community.name)).all()
    return [c for c in rows if language is None or language in c.languages]


def in_languages(codes: list[str]) -> list[Community]:
    """The communities working in any of these languages, those in the first one first."""
    wanted = [code.split("-")[0] for code in codes]
    found = [c for c in directory() if any(code in c.languages for code in wanted)]
    return sorted(found, key=lambda c: min(wanted.index(x) for x in c.languages if x in wanted))
