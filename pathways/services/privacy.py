"""A person's own data: export it all as JSON, or delete the account.

Deleting anonymises in place: the row stays so the audit trail and the other side's
records keep pointing at someone, but that someone is a stand-in name with no
e-mail, no password and no personal settings.
"""

import json
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, or_, select, update

from ..extensions import db
from ..models import (
    AccessToken,
    Badge,
    BadgeEndorsement,
    MatchProposal,
    MentorRequest,
    Mentorship,
    MentorshipState,
    Notification,
    Person,
    Plan,
    ProblemReport,
    ProgramEvent,
    ProposalState,
    RequestState,
    Resource,
    SignInLink,
    ThankYou,
    WikimediaAccount,
    utcnow,
)
from . import DomainError, circles, coordinator_terms, endorsements, iso, showcase, trainings
from .accounts import end_sessions
from .events import record
from .matching import bump_profile_version
from .mentor_requests import open_request_of, propose_best, withdraw_request
from .mentorships import end_mentorship
from .offers import offer_of, retire
from .recognition import revoke_badges_of_deleted
from .resources import added_by

ACCOUNT_DELETED = "account deleted"
EXPORT_FORMAT = "pathways-export/1"


def stand_in_name(person_id: int) -> str:
    """The name a deleted account keeps; ``#`` cannot occur in a real username."""
    return f"deleted#{person_id}"


def _username(person_id: int | None) -> str | None:
    person = db.session.get(Person, person_id) if person_id else None
    return person.username if person else None


# Export --------------------------------------------------------------------------------


def export_data(person: Person) -> dict:
    """Everything the program holds about ``person``, as JSON-ready data.

    Other people appear by username only; their e-mail, plans and notes are not theirs
    to take away.
    """
    return {
        "format": EXPORT_FORMAT,
        "exported_at": iso(utcnow()),
        "account": {
            "id": person.id,
            "username": person.username,
            "email": person.email,
            "locale": person.locale,
            "timezone": person.timezone,
            "interests": person.interests,
            "created_at": iso(person.created_at),
            "last_login_at": iso(person.last_login_at),
            "last_seen_on": iso(person.last_seen_on),
        },
        "roles": sorted(r.role.value for r in person.roles),
        "languages": person.language_codes,
        "self_assessment": {s.skill_id: s.stance.value for s in person.stances},
        "plan": _export_plan(person),
        "badges": [
            {
                "id": b.public_id,
                "level": b.level_id,
                "issued_at": iso(b.issued_at),
                "revoked_at": iso(b.revoked_at),
                "revocation_reason": b.revocation_reason,
                "showcase_story": b.showcase.story if b.showcase else None,
            }
            for b in db.session.scalars(select(Badge).where(Badge.person_id == person.id))
        ],
        "endorsements_asked": [
            {
                "level": e.level_id,
                "state": e.state.value,
                "requested_at": iso(e.requested_at),
                "by": _username(e.endorser_id),
                "comment": e.comment,
                "decided_at": iso(e.decided_at),
            }
            for e in endorsements.endorsements_of(person).values()
        ],
        "endorsements_given": [
            {
                "to": e.person.username,
                "level": e.level_id,
                "state": e.state.value,
                "comment": e.comment,
                "decided_at": iso(e.decided_at),
            }
            for e in db.session.scalars(
                select(BadgeEndorsement)
                .where(BadgeEndorsement.endorser_id == person.id)
                .order_by(BadgeEndorsement.id)
            )
        ],
        "mentor_offer": _export_offer(person),
        **coordinator_terms.export_of(person),
        "trainings": trainings.export_of(person),
        "peer_circles": circles.export_of(person),
        "requests": _export_requests(person),
        "mentorships": _export_mentorships(person),
        "thanks_received": [
            {"from": t.sender.username if t.sender else None, **_thanks(t)}
            for t in db.session.scalars(select(ThankYou).where(ThankYou.mentor_id == person.id))
        ],
        "thanks_sent": [
            {"to": _username(t.mentor_id), **_thanks(t)}
            for t in db.session.scalars(select(ThankYou).where(ThankYou.sender_id == person.id))
        ],
        "notifications": [
            {
                "kind": n.kind,
                "params": n.params,
                "subject_id": n.subject_id,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
            }
            for n in db.session.scalars(
                select(Notification)
                .where(Notification.person_id == person.id)
                .order_by(Notification.id)
            )
        ],
        "access_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scopes": t.scopes.split(),
                "created_at": iso(t.created_at),
                "expires_at": iso(t.expires_at),
                "last_used_at": iso(t.last_used_at),
                "revoked_at": iso(t.revoked_at),
            }
            for t in db.session.scalars(
                select(AccessToken)
                .where(AccessToken.person_id == person.id)
                .order_by(AccessToken.id)
            )
        ],
        "problem_reports": [
            {
                "mentorship_id": r.mentorship_id,
                "text": r.text,
                "created_at": iso(r.created_at),
                "resolved_at": iso(r.resolved_at),
            }
            for r in db.session.scalars(
                select(ProblemReport).where(ProblemReport.reporter_id == person.id)
            )
        ],
        "resources": [
            {
                "skill": r.skill_id,
                "title": r.title,
                "link": r.link,
                "language": r.language,
                "format": r.format.value,
                "level": r.level_id,
                "translation_of": r.translation_of_id,
                "created_at": iso(r.created_at),
                "approved_at": iso(r.approved_at),
            }
            for r in added_by(person)
        ],
        "activity": [
            {
                "kind": e.kind,
                "subject_id": e.subject_id,
                "reason": e.reason,
                "created_at": iso(e.created_at),
            }
            for e in db.session.scalars(
                select(ProgramEvent)
                .where(ProgramEvent.actor_id == person.id)
                .order_by(ProgramEvent.id)
            )
        ],
    }


def _thanks(thanks: ThankYou) -> dict:
    return {"message": thanks.message, "created_at": iso(thanks.created_at)}


def _export_plan(person: Person) -> dict | None:
    plan = db.session.scalar(select(Plan).where(Plan.person_id == person.id))
    if plan is None:
        return None
    return {
        "goal_roles": list(plan.goal_roles),
        "hours_per_week": plan.hours_per_week,
        "created_at": iso(plan.created_at),
        "updated_at": iso(plan.updated_at),
        "steps": [
            {
                "skill": s.skill_id,
                "position": s.position,
                "status": s.status.value,
                "reflection": s.reflection,
                "started_at": iso(s.started_at),
                "done_at": iso(s.done_at),
            }
            for s in plan.steps
        ],
    }


def _export_offer(person: Person) -> dict | None:
    offer = offer_of(person)
    if offer is None:
        return None
    return {
        "capacity": offer.capacity,
        "backup_capacity": offer.backup_capacity,
        "intro": offer.intro,
        "wiki_projects": offer.wiki_projects,
        "show_languages": offer.show_languages,
        "show_skills": offer.show_skills,
        "show_thanks": offer.show_thanks,
        "away_from": iso(offer.away_from),
        "away_until": iso(offer.away_until),
        "away_reason": offer.away_reason,
        "retired_at": iso(offer.retired_at),
        "back_on": iso(offer.back_on),
        "terms": [{"starts_on": iso(t.starts_on), "ends_on": iso(t.ends_on)} for t in offer.terms],
    }


def _export_requests(person: Person) -> list[dict]:
    requests = db.session.scalars(
        select(MentorRequest).where(MentorRequest.mentee_id == person.id).order_by(MentorRequest.id)
    )
    return [
        {
            "id": r.id,
            "skills": list(r.skills),
            "note": r.note,
            "preferred_mentor": _username(r.preferred_mentor_id),
            "state": r.state.value,
            "created_at": iso(r.created_at),
            "proposals": [
                {
                    "mentor": p.mentor.username,
                    "state": p.state.value,
                    "created_at": iso(p.created_at),
                }
                for p in r.proposals
            ],
        }
        for r in requests
    ]


def _export_mentorships(person: Person) -> list[dict]:
    mentorships = db.session.scalars(
        select(Mentorship)
        .where(
            or_(
                Mentorship.mentor_id == person.id,
                Mentorship.mentee_id == person.id,
                Mentorship.backup_id == person.id,
            )
        )
        .order_by(Mentorship.id)
    )
    exported = []
    for m in mentorships:
        role = _role_in(person, m)
        offboarding = m.offboarding
        exported.append(
            {
                "id": m.id,
                "role": role,
                "other": (m.mentor if role == "mentee" else m.mentee).username,
                "backup": m.backup.username if m.backup and role != "backup" else None,
                "state": m.state.value,
                "goals": m.goals,
                "expectations": m.expectations,
                "checkin_every_days": m.checkin_every_days,
                "agreed_by_mentor_at": iso(m.agreed_by_mentor_at),
                "agreed_by_mentee_at": iso(m.agreed_by_mentee_at),
                "started_at": iso(m.started_at),
                "ended_at": iso(m.ended_at),
                "end_reason": m.end_reason,
                "checkin_overdue_on": iso(m.checkin_overdue_on),
                "graduation_offered_on": iso(m.graduation_offered_on),
                "my_checkins": [
                    {
                        "happened_on": iso(c.happened_on),
                        "minutes": c.minutes,
                        "notes": c.notes,
                    }
                    for c in m.checkins
                    if c.author_id == person.id
                ],
                "my_offboarding": (
                    dict(offboarding.answers)
                    if offboarding is not None and offboarding.author_id == person.id
                    else None
                ),
            }
        )
    return exported


def _role_in(person: Person, mentorship: Mentorship) -> str:
    if mentorship.mentor_id == person.id:
        return "mentor"
    return "mentee" if mentorship.mentee_id == person.id else "backup"


# Delete --------------------------------------------------------------------------------


def delete_account(person: Person) -> None:
    """Anonymise the account in place and end everything it takes part in.

    The other side of an active mentorship is told, open requests are withdrawn, a
    mentor offer is retired, and the audit trail keeps its rows under the stand-in.
    """
    if person.deleted_at is not None:
        raise DomainError(_l("This account is already deleted."))
    old_name = person.username
    stand_in = stand_in_name(person.id)
    person.username = stand_in
    person.public_profile = False
    end_sessions(person)
    revoke_badges_of_deleted(person)
    showcase.remove_entries_of(person)
    db.session.execute(delete(BadgeEndorsement).where(BadgeEndorsement.person_id == person.id))
    person.email = person.password_hash = person.locale = person.last_login_at = None
    person.last_seen_on = None
    person.interests = ""
    person.timezone = "UTC"
    person.deleted_at = utcnow()
    person.languages = []
    person.stances = []
    plan = db.session.scalar(select(Plan).where(Plan.person_id == person.id))
    if plan is not None:
        db.session.delete(plan)

    for mentorship in db.session.scalars(
        select(Mentorship).where(
            or_(Mentorship.mentor_id == person.id, Mentorship.mentee_id == person.id),
            Mentorship.state != MentorshipState.ENDED,
        )
    ).all():
        end_mentorship(person, mentorship, ACCOUNT_DELETED, {})
    db.session.execute(
        update(Mentorship).where(Mentorship.backup_id == person.id).values(backup_id=None)
    )
    request = open_request_of(person)
    if request is not None:
        withdraw_request(person, request)
    db.session.execute(
        update(MentorRequest).where(MentorRequest.mentee_id == person.id).values(note="")
    )
    _leave_mentoring(person)
    _withdraw_suggestions(person)
    trainings.forget(person)
    coordinator_terms.forget(person)
    circles.forget(person, date.today())

    _replace_name_in_notifications(old_name, stand_in)
    for model, column in (
        (Notification, Notification.person_id),
        (SignInLink, SignInLink.person_id),
        (AccessToken, AccessToken.person_id),
        (WikimediaAccount, WikimediaAccount.person_id),
        (ThankYou, ThankYou.mentor_id),
    ):
        db.session.execute(delete(model).where(column == person.id))
    record(person, "account_deleted", person.id)
    bump_profile_version()


def _withdraw_suggestions(person: Person) -> None:
    """Suggestions nobody approved go with the account; approved resources are shared
    content and stay listed, credited to the stand-in name."""
    db.session.execute(
        delete(Resource).where(Resource.added_by_id == person.id, Resource.approved_at.is_(None))
    )


def _leave_mentoring(person: Person) -> None:
    """Retire the offer, clear what it said, and re-propose mentees it was proposed to."""
    offer = offer_of(person)
    if offer is None:
        return
    if offer.retired_at is None:
        retire(person, ACCOUNT_DELETED)
    offer.intro = offer.wiki_projects = ""
    offer.away_reason = None
    pending = db.session.scalars(
        select(MatchProposal).where(
            MatchProposal.mentor_id == person.id, MatchProposal.state == ProposalState.PENDING
        )
    ).all()
    for proposal in pending:
        proposal.state = ProposalState.SUPERSEDED
        request = proposal.request
        if request.state == RequestState.PROPOSED and not any(
            p.state == ProposalState.PENDING for p in request.proposals
        ):
            request.state = RequestState.OPEN
            db.session.flush()
            propose_best(request)


def _replace_name_in_notifications(old: str, new: str) -> None:
    """Other people's notifications name the person in their params; give them the stand-in."""
    as_text = cast(Notification.params, String)
    escaped = json.dumps(old)[1:-1]
    candidates = db.session.scalars(
        select(Notification).where(
            or_(
                as_text.contains(old, autoescape=True),
                as_text.contains(escaped, autoescape=True),
            )
        )
    ).all()
    for notification in candidates:
        params = dict(notification.params)
        changed = {k: new for k, v in params.items() if v == old}
        if changed:
            notification.params = params | changed
