"""Open Badges 2.0 documents for hosted verification.

Pure builders: the web layer computes the URLs and serves the returned dicts as
``application/ld+json``. See the specification at
https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html.

An assertion names its recipient only by a salted SHA-256 hash, so the public
document does not reveal a username or an e-mail address.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

OPEN_BADGES_CONTEXT = "https://w3id.org/openbadges/v2"
HASH_ALGORITHM_PREFIX = "sha256$"
SALT_BYTES = 16


def new_salt() -> str:
    """Return a fresh random salt (hex) for hashing one recipient identity."""
    return secrets.token_hex(SALT_BYTES)


def hash_identity(identity: str, salt: str) -> str:
    """Return the spec's IdentityHash: ``sha256$`` + hex SHA-256 of identity + salt."""
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return HASH_ALGORITHM_PREFIX + digest


def recipient_object(*, profile_url: str, salt: str) -> dict[str, Any]:
    """Build a hashed IdentityObject (type ``url``) for a person's public page.

    Never an e-mail address: a salted hash of a common address is guessable, and
    the address is private. The holder proves the badge is theirs by pointing a
    verifier at their page, which shows only what they chose to show.
    """
    return {
        "type": "url",
        "hashed": True,
        "salt": salt,
        "identity": hash_identity(profile_url, salt),
    }


def issuer_document(
    *,
    issuer_url: str,
    name: str,
    website_url: str,
    description: str | None = None,
    image_url: str | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    """Build the Issuer Profile served at ``issuer_url``."""
    document: dict[str, Any] = {
        "@context": OPEN_BADGES_CONTEXT,
        "type": "Issuer",
        "id": issuer_url,
        "name": name,
        "url": website_url,
    }
    return document | _present(description=description, image=image_url, email=email)


def badge_class_document(
    *,
    badge_class_url: str,
    name: str,
    description: str,
    image_url: str,
    criteria_narrative: str,
    issuer_url: str,
    criteria_url: str | None = None,
    tags: Sequence[str] = (),
) -> dict[str, Any]:
    """Build the BadgeClass served at ``badge_class_url`` (one per level).

    The criteria always carry a narrative (Markdown); ``criteria_url`` adds a
    link to a human-readable page about them.
    """
    document: dict[str, Any] = {
        "@context": OPEN_BADGES_CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url,
        "name": name,
        "description": description,
        "image": image_url,
        "criteria": _present(id=criteria_url) | {"narrative": criteria_narrative},
        "issuer": issuer_url,
    }
    if tags:
        document["tags"] = list(tags)
    return document


def evidence_object(
    *, narrative: str | None = None, url: str | None = None, genre: str | None = None
) -> dict[str, Any]:
    """Build one Evidence object: what the recipient did (Markdown ``narrative``), a
    public page showing it (``url``), and its kind (``genre``, e.g. ``"Endorsement"``).

    The specification makes every property optional, but evidence saying nothing
    is useless, so a narrative or a URL is required.
    """
    if not (narrative or url):
        raise ValueError("evidence needs a narrative or a url")
    return {"type": "Evidence"} | _present(id=url, narrative=narrative, genre=genre)


def assertion_document(
    *,
    assertion_url: str,
    badge_class_url: str,
    recipient: dict[str, Any],
    issued_on: datetime,
    evidence: Sequence[dict[str, Any]] = (),
    endorsements: Sequence[str] = (),
) -> dict[str, Any]:
    """Build the hosted Assertion served at ``assertion_url``.

    ``recipient`` comes from :func:`recipient_object`, each item of ``evidence``
    from :func:`evidence_object`; ``endorsements`` are the URLs of hosted
    :func:`endorsement_document` s about it. ``issued_on`` must be timezone-aware so
    the ISO 8601 date carries its offset.
    """
    document: dict[str, Any] = {
        "@context": OPEN_BADGES_CONTEXT,
        "type": "Assertion",
        "id": assertion_url,
        "recipient": recipient,
        "badge": badge_class_url,
        "verification": {"type": "hosted"},
        "issuedOn": _iso_date(issued_on),
    }
    if evidence:
        document["evidence"] = list(evidence)
    if endorsements:
        document["endorsement"] = list(endorsements)
    return document


def endorsement_document(
    *,
    endorsement_url: str,
    assertion_url: str,
    comment: str,
    issuer_url: str,
    issued_on: datetime,
) -> dict[str, Any]:
    """Build the hosted Endorsement served at ``endorsement_url``: the issuer claims, in
    ``comment`` (Markdown), that someone vouched for the assertion's evidence."""
    return {
        "@context": OPEN_BADGES_CONTEXT,
        "type": "Endorsement",
        "id": endorsement_url,
        "claim": {"id": assertion_url, "endorsementComment": comment},
        "issuer": issuer_url,
        "issuedOn": _iso_date(issued_on),
        "verification": {"type": "hosted"},
    }


def revoked_document(
    *, url: str, reason: str | None, document_type: str = "Assertion"
) -> dict[str, Any]:
    """Build what a revoked hosted assertion's ``url`` (or its endorsement's, with
    ``document_type="Endorsement"``) serves instead of the document.

    The specification asks for the id, ``revoked: true`` and, optionally, the
    reason; the web layer serves it with HTTP status 410 Gone.
    """
    document: dict[str, Any] = {
        "@context": OPEN_BADGES_CONTEXT,
        "type": document_type,
        "id": url,
        "revoked": True,
    }
    return document | _present(revocationReason=reason)


def _iso_date(moment: datetime) -> str:
    """An ISO 8601 date with its offset; a naive datetime would be ambiguous."""
    if moment.tzinfo is None:
        raise ValueError("dates in badge documents must be timezone-aware")
    return moment.isoformat()


def _present(**values: str | None) -> dict[str, str]:
    return {key: value for key, value in values.items() if value}
