"""Coordinators' terms and hand-overs. A coordinator serves in terms, with the mentors'
limit on terms in a row (``COORDINATOR_MAX_CONSECUTIVE_TERMS``, then a break); one with
no term at all serves open-ended. An outgoing coordinator invites a successor:

    Hand-over: pending ──accept──▶ accepted (the successor coordinates, with a term)
                  ├──decline──▶ declined
                  └──cancel (the outgoing coordinator, or their account's deletion)──▶ cancelled

The lifecycle sweep reminds a coordinator before their last term ends, and removes the
role once it has — unless nobody else would coordinate: then they stay, asked to find a
successor. One function per action; the caller wraps it in
:func:`pathways.services.transaction`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import Handover, HandoverState, Person, RoleName, RoleTerm, utcnow
from . import DomainError, NotAllowed, iso
from .accounts import coordinators, find_by_username, grant_role, lock_person, revoke_role
from .events import notify, record
from .rules import check_new_term, check_term_dates, check_text

COORDINATOR = RoleName.COORDINATOR
MAX_NOTE = 2000


@dataclass(frozen=True)
class Standing:
    """A coordinator and where they stand on a day: ``term`` is the term running then,
    else the next one, else the last one; None when they serve open-ended."""

    person: Person
    term: RoleTerm | None
    today: date

    @property
    def open_ended(self) -> bool:
        return self.term is None

    @property
    def upcoming(self) -> bool:
        return self.term is not None and self.term.starts_on > self.today

    @property
    def ended(self) -> bool:
        return self.term is not None and self.term.ends_on < self.today


def terms_of(person_ids: Iterable[int]) -> dict[int, list[RoleTerm]]:
    """Each person's coordinator terms, oldest first, in one query."""
    ids = set(person_ids)
    found: dict[int, list[RoleTerm]] = {i: [] for i in ids}
    for term in db.session.scalars(
        select(RoleTerm)
        .where(RoleTerm.person_id.in_(ids), RoleTerm.role == COORDINATOR)
        .order_by(RoleTerm.starts_on)
        .execution_options(populate_existing=True)
    ):
        found[term.person_id].append(term)
    return found


def _standing_term(terms: list[RoleTerm], today: date) -> RoleTerm | None:
    running_or_next = [t for t in terms if t.ends_on >= today]
    return running_or_next[0] if running_or_next else (terms[-1] if terms else None)


def standings(today: date) -> list[Standing]:
    """Every coordinator, by name, with their term today."""
    people = sorted(coordinators(), key=lambda p: p.username_key)
    terms = terms_of(p.id for p in people)
    return [Standing(p, _standing_term(terms[p.id], today), today) for p in people]


def add_coordinator_term(
    actor: Person, person: Person, starts_on: date, ends_on: date, today: date
) -> RoleTerm:
    """A term for ``person`` (the actor themselves, or another coordinator).

    The person's row lock makes concurrent additions check against each other's terms.
    """
    if starts_on < today:
        raise DomainError(_l("A term cannot start in the past."), "starts_on")
    lock_person(person)
    if not person.is_active or not person.has_role(COORDINATOR):
        raise DomainError(_l("Choose someone who coordinates."), "person_id")
    term = _new_term(person, starts_on, ends_on)
    record(
        actor,
        "coordinator_term_added",
        person.id,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    if actor.id != person.id:
        notify(person, "coordinator_term_added", person.id, by=actor.username, ends_on=str(ends_on))
    return term


def _new_term(person: Person, starts_on: date, ends_on: date) -> RoleTerm:
    """Check a new term against the person's terms (under their lock), and add it."""
    config = current_app.config
    term = RoleTerm(person_id=person.id, role=COORDINATOR, starts_on=starts_on, ends_on=ends_on)
    check_new_term(
        terms_of([person.id])[person.id],
        term,
        config["COORDINATOR_MAX_CONSECUTIVE_TERMS"],
        config["COORDINATOR_MAX_TERM_YEARS"],
    )
    db.session.add(term)
    return term


# Hand-over ------------------------------------------------------------------------------


def nominate_successor(
    outgoing: Person, username: str, ends_on: date, note: str, today: date
) -> Handover:
    """Invite an existing account to take over, with a note and the end of their term."""
    lock_person(outgoing)
    successor = find_by_username(username)
    if successor is None or not successor.is_active:
        raise DomainError(_l("No account has this username."), "successor")
    if successor.id == outgoing.id:
        raise DomainError(_l("Choose someone other than yourself."), "successor")
    if pending_handover_from(outgoing) is not None:
        raise DomainError(
            _l("You have invited a successor already; withdraw that invitation first."),
            "successor",
        )
    check_term_dates(today, ends_on, current_app.config["COORDINATOR_MAX_TERM_YEARS"])
    handover = Handover(
        role=COORDINATOR,
        outgoing_id=outgoing.id,
        successor_id=successor.id,
        note=check_text(note, "note", MAX_NOTE),
        ends_on=ends_on,
    )
    db.session.add(handover)
    db.session.flush()
    record(outgoing, "handover_offered", successor.id, handover=handover.id)
    notify(successor, "handover_offered", handover.id, outgoing=outgoing.username)
    return handover


def _decide(handover: Handover, state: HandoverState) -> None:
    """Move a pending hand-over to ``state``. The UPDATE takes its row lock: of two
    answers at the same moment (an acceptance and a withdrawal), the second finds it
    decided."""
    decided = db.session.execute(
        update(Handover)
        .where(Handover.id == handover.id, Handover.state == HandoverState.PENDING)
        .values(state=state, decided_at=utcnow())
    )
    if decided.rowcount != 1:
        raise DomainError(_l("This hand-over is no longer open."))


def _check_successor(person: Person, handover: Handover) -> None:
    if handover.successor_id != person.id:
        raise NotAllowed(_l("This invitation is not yours."))


def accept_handover(person: Person, handover: Handover, today: date) -> RoleTerm:
    """The successor coordinates from today until the hand-over's end date."""
    _check_successor(person, handover)
    _decide(handover, HandoverState.ACCEPTED)
    lock_person(person)
    term = _new_term(person, today, handover.ends_on)
    grant_role(person, COORDINATOR)
    record(person, "handover_accepted", handover.outgoing_id, handover=handover.id)
    notify(handover.outgoing, "handover_accepted", handover.id, successor=person.username)
    notify(person, "coordinator_welcome", handover.id, ends_on=str(handover.ends_on))
    return term


def decline_handover(person: Person, handover: Handover) -> None:
    _check_successor(person, handover)
    _decide(handover, HandoverState.DECLINED)
    record(person, "handover_declined", handover.outgoing_id, handover=handover.id)
    notify(handover.outgoing, "handover_declined", handover.id, successor=person.username)


def cancel_handover(person: Person, handover: Handover) -> None:
    """The outgoing coordinator withdraws their invitation; the successor is told."""
    if handover.outgoing_id != person.id:
        raise NotAllowed(_l("Only the coordinator who made this invitation can withdraw it."))
    _decide(handover, HandoverState.CANCELLED)
    record(person, "handover_cancelled", handover.successor_id, handover=handover.id)
    notify(handover.successor, "handover_cancelled", handover.id, outgoing=person.username)


def _pending_where(*where) -> Handover | None:
    return db.session.scalar(
        select(Handover)
        .where(Handover.state == HandoverState.PENDING, *where)
        .options(selectinload(Handover.outgoing), selectinload(Handover.successor))
        .order_by(Handover.id)
        .limit(1)
    )


def pending_handover_from(person: Person) -> Handover | None:
    return _pending_where(Handover.outgoing_id == person.id)


def invitation_for(person: Person) -> Handover | None:
    """The oldest hand-over waiting for ``person``'s answer."""
    return _pending_where(Handover.successor_id == person.id)


# The lifecycle sweep ----------------------------------------------------------------------


def remind_ending_terms(today: date, days: int) -> list[str]:
    """Tell each coordinator, once, that their last term ends within ``days`` days."""
    later = aliased(RoleTerm)
    no_later_term = ~exists().where(
        later.person_id == RoleTerm.person_id,
        later.role == RoleTerm.role,
        later.starts_on > RoleTerm.ends_on,
    )
    ending = db.session.scalars(
        select(RoleTerm)
        .where(
            RoleTerm.role == COORDINATOR,
            RoleTerm.reminded_on.is_(None),
            RoleTerm.ends_on.between(today, today + timedelta(days=days)),
            RoleTerm.person_id.in_([p.id for p in coordinators()]),
            no_later_term,
        )
        .options(selectinload(RoleTerm.person))
        .order_by(RoleTerm.person_id)
    ).all()
    for term in ending:
        term.reminded_on = today
        notify(term.person, "coordinator_term_ending", term.id, ends_on=str(term.ends_on))
    return [term.person.username for term in ending]


def lock_ended_terms(today: date) -> None:
    """Lock the coordinators whose last term has ended, so that a term added for them at
    the same moment either is seen by :func:`end_ended_terms` or waits for it. The sweep
    takes these locks before any other, as a mentor saving their offer locks themselves
    before their offer."""
    for person in _with_ended_terms(coordinators(), today):
        lock_person(person)


def end_ended_terms(today: date) -> tuple[list[str], list[str]]:
    """Remove the role of coordinators whose last term has ended, thanking them; when
    nobody else would coordinate, keep them and ask them (once) for a successor. The
    caller has taken :func:`lock_ended_terms` first."""
    people = coordinators()
    ended = _with_ended_terms(people, today)
    if len(ended) == len(people):
        return [], [p.username for p in ended if _asked_for_successor(p, today)]
    for person in ended:
        revoke_role(person, COORDINATOR)
        notify(person, "coordinator_term_ended", person.id)
        record(None, "coordinator_term_ended", person.id)
    return [person.username for person in ended], []


def _with_ended_terms(people: list[Person], today: date) -> list[Person]:
    terms = terms_of(p.id for p in people)
    return sorted(
        (p for p in people if terms[p.id] and terms[p.id][-1].ends_on < today),
        key=lambda p: p.id,
    )


def _asked_for_successor(person: Person, today: date) -> bool:
    """Ask the coordinator for a successor, unless they were asked after this term."""
    last = terms_of([person.id])[person.id][-1]
    if last.successor_asked_on is not None:
        return False
    last.successor_asked_on = today
    notify(person, "coordinator_successor_needed", last.id)
    record(None, "coordinator_successor_needed", person.id)
    return True


# Privacy ----------------------------------------------------------------------------------


def export_of(person: Person) -> dict:
    """The person's coordinator terms and the hand-overs they made or were invited to."""
    handovers = db.session.scalars(
        select(Handover)
        .where(or_(Handover.outgoing_id == person.id, Handover.successor_id == person.id))
        .options(selectinload(Handover.outgoing), selectinload(Handover.successor))
        .order_by(Handover.id)
    )
    return {
        "coordinator_terms": [
            {"starts_on": t.starts_on.isoformat(), "ends_on": t.ends_on.isoformat()}
            for t in terms_of([person.id])[person.id]
        ],
        "handovers": [
            {
                "from": h.outgoing.username,
                "to": h.successor.username,
                "note": h.note,
                "ends_on": h.ends_on.isoformat(),
                "state": h.state.value,
                "created_at": h.created_at.isoformat(),
                "decided_at": iso(h.decided_at),
            }
            for h in handovers
        ],
    }


def forget(person: Person) -> None:
    """A deleted account's terms and hand-overs go; a successor it invited is told."""
    invited = pending_handover_from(person)
    if invited is not None:
        notify(invited.successor, "handover_cancelled", invited.id, outgoing=person.username)
    db.session.execute(
        delete(Handover).where(
            or_(Handover.outgoing_id == person.id, Handover.successor_id == person.id)
        )
    )
    db.session.execute(delete(RoleTerm).where(RoleTerm.person_id == person.id))
