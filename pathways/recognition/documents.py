"""The hosted Open Badges 2.0 documents: Issuer, BadgeClass and Assertion as JSON.

Each is public at a stable absolute URL. An assertion names its recipient only by a
salted hash of their public page's URL (``/people/<username>`` on ``BASE_URL``), never
by an e-mail address; that page shows only what the person chose to show. Documents
are written in the default locale so they read the same for every verifier, whatever
their browser asks. ``pathways.badges`` builds the dicts; this module knows the URLs.
"""

from datetime import UTC
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from .. import badges
from ..catalog import get_catalog
from ..models import Badge, BadgeEndorsement, Person
from ..services import recognition


def profile_url(person: Person) -> str:
    """The recipient identity of every badge of this person: their public page, on the
    configured ``BASE_URL`` so it stays the same whichever host served the request."""
    path = url_for("people.profile", username=person.username)
    return current_app.config["BASE_URL"].rstrip("/") + path


def _document_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def issuer_url() -> str:
    return url_for("badges.issuer", _external=True)


def badge_class_url(level_id: str) -> str:
    return url_for("badges.badge_class", level_id=level_id, _external=True)


def assertion_url(badge: Badge) -> str:
    return url_for("badges.assertion", public_id=badge.public_id, _external=True)


def issuer_json() -> dict[str, Any]:
    with force_locale(_document_locale()):
        return badges.issuer_document(
            issuer_url=issuer_url(),
            name="Pathways",
            website_url=url_for("main.index", _external=True),
            description=_("Learning ladders and mentoring for Wikimedia volunteers."),
        )


def badge_class_json(level_id: str) -> dict[str, Any]:
    """The BadgeClass of one level; ``KeyError`` for an unknown level."""
    level = get_catalog().levels[level_id]
    with force_locale(_document_locale()):
        return badges.badge_class_document(
            badge_class_url=badge_class_url(level_id),
            name=_("Pathways: %(level)s level", level=level.name),
            description=level.description,
            image_url=url_for("badges.image", level_id=level_id, _external=True),
            criteria_narrative=_(
                "Completed every %(level)s step of a personal Pathways learning ladder.",
                level=level.name,
            ),
            criteria_url=url_for("main.catalog", _anchor=f"level-{level_id}", _external=True),
            issuer_url=issuer_url(),
            tags=("Wikimedia", level.name),
        )


def endorsement_url(badge: Badge) -> str:
    return url_for("badges.endorsement", public_id=badge.public_id, _external=True)


def assertion_json(badge: Badge) -> dict[str, Any]:
    """The hosted Assertion, or the revocation notice that replaces it once revoked."""
    if badge.revoked_at is not None:
        return badges.revoked_document(url=assertion_url(badge), reason=badge.revocation_reason)
    return badges.assertion_document(
        assertion_url=assertion_url(badge),
        badge_class_url=badge_class_url(badge.level_id),
        recipient=badges.recipient_object(profile_url=profile_url(badge.person), salt=badge.salt),
        issued_on=badge.issued_at.replace(tzinfo=UTC),
        evidence=_evidence(badge),
        endorsements=[endorsement_url(badge)] if badge.endorsement else [],
    )


def endorsement_json(badge: Badge) -> dict[str, Any]:
    """The hosted Endorsement of an endorsed badge (revoked with it); ``LookupError``
    for a badge nobody endorsed."""
    endorsement = badge.endorsement
    if endorsement is None:
        raise LookupError(badge.public_id)
    if badge.revoked_at is not None:
        return badges.revoked_document(
            url=endorsement_url(badge),
            reason=badge.revocation_reason,
            document_type="Endorsement",
        )
    return badges.endorsement_document(
        endorsement_url=endorsement_url(badge),
        assertion_url=assertion_url(badge),
        comment=_endorsement_comment(badge, endorsement),
        issuer_url=issuer_url(),
        issued_on=endorsement.decided_at.replace(tzinfo=UTC),
    )


def _endorsement_comment(badge: Badge, endorsement: BadgeEndorsement) -> str:
    """Who endorsed, by name only when both they and the holder show their profiles (a
    mentor's name would narrow down an anonymous holder), then the endorser's comment."""
    endorser = endorsement.endorser
    named = endorser is not None and endorser.public_profile and badge.person.public_profile
    with force_locale(_document_locale()):
        who = (
            _("Endorsed by %(name)s, who saw the evidence.", name=endorser.username)
            if named
            else _("Endorsed by a Pathways mentor or coordinator who saw the evidence.")
        )
    return "\n\n".join(filter(None, [who, endorsement.comment]))


def _evidence(badge: Badge) -> list[dict[str, Any]]:
    """The level's steps done, and the trainings attended when the holder's profile is
    public, as Markdown lists of public names (catalog skills, training titles); never the
    holder's private reflections. A training's host knows who came: naming the trainings
    of an anonymous holder would tell the host who holds the badge."""
    found = recognition.level_evidence(badge.person, badge.level_id)
    trainings = found.trainings if badge.person.public_profile else []
    skills = get_catalog().skills
    with force_locale(_document_locale()):
        lists = [
            (_("Steps completed:"), [skills[step.skill_id].name for step in found.steps]),
            (_("Trainings attended:"), [signup.training.title for signup in trainings]),
        ]
        return [
            badges.evidence_object(narrative=_markdown_list(heading, items))
            for heading, items in lists
            if items
        ]


def _markdown_list(heading: str, items: list[str]) -> str:
    return "\n".join([heading, "", *(f"- {item}" for item in items)])
