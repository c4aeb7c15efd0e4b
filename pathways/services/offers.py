"""Mentor offers and terms: what a mentor offers, their terms of service, wiki-breaks,
and leaving. One function per action; the caller wraps it in
:func:`pathways.services.transaction`.

    Mentor offer: term upcoming → active → ended; away (a wiki-break) overlays any state,
    pausing the mentor's mentorships; retiring or a long absence asks coordinators for
    successors.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..extensions import db
from ..models import (
    MentorOffer,
    Mentorship,
    MentorshipState,
    Person,
    RoleName,
    SkillStance,
    Stance,
    Term,
    ThankYou,
    names_only,
    utcnow,
)
from . import DomainError
from .accounts import coordinators, grant_role, lock_person
from .events import notify, record
from .matching import (
    active_mentee_counts,
    bump_profile_version,
    is_away,
    offer_is_open,
    teachable_skills,
)
from .rules import MAX_CAPACITY, check_capacity, check_new_term, check_skill_ids, check_text

LONG_AWAY_DAYS = 30
MENTORS_PAGE_SIZE = 25


def listed_offers(page: int, per_page: int = MENTORS_PAGE_SIZE) -> Pagination:
    """One page of the offers of everyone who mentors now, by name, each with its person
    and languages loaded in a fixed number of queries."""
    query = (
        select(MentorOffer)
        .join(MentorOffer.person)
        .where(Person.deleted_at.is_(None), MentorOffer.retired_at.is_(None))
        # languages: selectin on Person; not their roles, which the list does not show
        .options(contains_eager(MentorOffer.person).lazyload(Person.roles))
        .order_by(Person.username_key, MentorOffer.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def offer_of_person_id(person_id: int) -> MentorOffer | None:
    return db.session.scalar(select(MentorOffer).where(MentorOffer.person_id == person_id))


def loads(mentor_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(places held, capacity) per mentor, in two queries whatever their number."""
    ids = set(mentor_ids)
    held = active_mentee_counts(ids)
    capacities = dict(
        db.session.execute(
            select(MentorOffer.person_id, MentorOffer.capacity).where(
                MentorOffer.person_id.in_(ids)
            )
        ).all()
    )
    return {m: (held.get(m, 0), capacities.get(m, 0)) for m in ids}


def thanks_for(mentor_id: int) -> list[ThankYou]:
    return list(
        db.session.scalars(
            select(ThankYou)
            .where(ThankYou.mentor_id == mentor_id)
            .options(selectinload(ThankYou.sender))
            .order_by(ThankYou.created_at.desc())
        )
    )


def offer_of(person: Person) -> MentorOffer | None:
    return db.session.scalar(select(MentorOffer).where(MentorOffer.person_id == person.id))


def mentee_count(mentor_id: int) -> int:
    return active_mentee_counts([mentor_id]).get(mentor_id, 0)


def backup_places_held(mentor_id: int) -> int:
    """Current mentorships this mentor backs up."""
    return db.session.scalar(
        select(func.count())
        .select_from(Mentorship)
        .where(Mentorship.backup_id == mentor_id, Mentorship.state != MentorshipState.ENDED)
    )


def _check_backup_capacity(person: Person, places: int) -> int:
    if not 0 <= places <= MAX_CAPACITY:
        raise DomainError(
            _ln(
                "Back up between 0 and %(num)d mentee at once.",
                "Back up between 0 and %(num)d mentees at once.",
                MAX_CAPACITY,
            ),
            "backup_capacity",
        )
    held = backup_places_held(person.id)
    if places < held:
        raise DomainError(
            _ln(
                "You back up %(num)d person now; backup places cannot be fewer.",
                "You back up %(num)d people now; backup places cannot be fewer.",
                held,
            ),
            "backup_capacity",
        )
    return places


def _set_teachable_skills(person: Person, skill_ids: list[str]) -> None:
    """``can_teach`` for these skills; skills no longer taught stay known (confident)."""
    stances = {s.skill_id: s for s in person.stances}
    for skill_id, stance in stances.items():
        if stance.stance == Stance.CAN_TEACH and skill_id not in skill_ids:
            stance.stance = Stance.CONFIDENT
    for skill_id in skill_ids:
        if skill_id in stances:
            stances[skill_id].stance = Stance.CAN_TEACH
        else:
            person.stances.append(SkillStance(skill_id=skill_id, stance=Stance.CAN_TEACH))


def save_offer(
    person: Person,
    capacity: int,
    intro: str,
    wiki_projects: str,
    teach_skills: list[str],
    show_languages: bool = True,
    show_skills: bool = True,
    show_thanks: bool = True,
    backup_capacity: int | None = None,
) -> MentorOffer:
    """Create or change a mentor's offer; offering makes the person a mentor.

    ``backup_capacity`` (unchanged when None) counts the mentorships the mentor may back
    up, apart from their own mentees."""
    check_capacity(capacity)
    if not teach_skills:
        raise DomainError(_l("Choose at least one skill you can teach."), "teach_skills")
    teach_skills = check_skill_ids(teach_skills, "teach_skills")
    lock_person(person)
    offer = offer_of(person) or MentorOffer(person_id=person.id)
    current = mentee_count(person.id) if offer.id else 0
    if capacity < current:
        raise DomainError(
            _ln(
                "You mentor %(num)d person now; capacity cannot be lower than that.",
                "You mentor %(num)d people now; capacity cannot be lower than that.",
                current,
            ),
            "capacity",
        )
    offer.capacity = capacity
    if backup_capacity is not None:
        offer.backup_capacity = _check_backup_capacity(person, backup_capacity)
    offer.intro = check_text(intro, "intro")
    offer.wiki_projects = check_text(wiki_projects, "wiki_projects", 255)
    offer.show_languages, offer.show_skills, offer.show_thanks = (
        show_languages,
        show_skills,
        show_thanks,
    )
    offer.retired_at = None
    db.session.add(offer)
    _set_teachable_skills(person, teach_skills)
    grant_role(person, RoleName.MENTOR)
    bump_profile_version()
    return offer


def offer_to_teach(person: Person, skill_id: str) -> MentorOffer:
    """Add one skill to the person's offer, which serves again if it was retired."""
    offer = _require_offer(person)
    return save_offer(
        person,
        offer.capacity,
        offer.intro,
        offer.wiki_projects,
        [*teachable_skills([person.id])[person.id], skill_id],
        offer.show_languages,
        offer.show_skills,
        offer.show_thanks,
    )


def _require_offer(person: Person) -> MentorOffer:
    offer = offer_of(person)
    if offer is None:
        raise DomainError(_l("Set up your mentor profile first."))
    return offer


def add_term(person: Person, starts_on: date, ends_on: date) -> Term:
    """Sign up for a term; after too many in a row the program asks for a break.

    The offer's row lock makes concurrent sign-ups check against each other's terms.
    """
    offer = lock_offer(_require_offer(person).person_id)
    db.session.expire(offer, ["terms"])
    term = Term(starts_on=starts_on, ends_on=ends_on)
    check_new_term(offer.terms, term, current_app.config["MAX_CONSECUTIVE_TERMS"])
    offer.terms.append(term)
    bump_profile_version()
    return term


def active_mentorships(mentor_id: int) -> list[Mentorship]:
    """The mentor's mentorships that hold a place (active or paused), with each mentee."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.mentor_id == mentor_id, Mentorship.state != MentorshipState.ENDED)
            .options(selectinload(Mentorship.mentee), selectinload(Mentorship.backup))
        )
    )


def go_away(person: Person, until: date | None, reason: str, today: date) -> None:
    """A wiki-break: no new mentees; current mentorships pause and mentees are told."""
    offer = _require_offer(person)
    if until is not None and until < today:
        raise DomainError(_l("The return date is in the past."), "away_until")
    _start_break(offer, until, check_text(reason, "away_reason", 255), today)
    record(person, "mentor_away", person.id, offer.away_reason, until=str(until))
    bump_profile_version()


def set_away_for_inactivity(offer: MentorOffer, days: int, today: date) -> None:
    """The sweep's break for a mentor idle for ``days``: open-ended, until they say they
    are back; they are told why."""
    _start_break(offer, None, None, today)
    notify(offer.person, "mentor_set_away", offer.person_id, days=days)
    record(None, "mentor_set_away", offer.person_id, inactive_days=days)
    bump_profile_version()


def _start_break(offer: MentorOffer, until: date | None, reason: str | None, today: date) -> None:
    person = offer.person
    offer.away_from, offer.away_until, offer.away_reason = today, until, reason
    for mentorship in active_mentorships(person.id):
        mentorship.state = MentorshipState.PAUSED
        notify(
            mentorship.mentee,
            "mentor_away",
            mentorship.id,
            mentor=person.username,
            until=until.isoformat() if until else None,
        )
        if mentorship.backup is not None:
            notify(
                mentorship.backup,
                "backup_standing_in",
                mentorship.id,
                mentor=person.username,
                mentee=mentorship.mentee.username,
            )
    if until is None or (until - today).days > LONG_AWAY_DAYS:
        _flag_for_succession(person, "mentor_long_away")


def come_back(person: Person, today: date) -> None:
    offer = _require_offer(person)
    offer.away_from = offer.away_until = offer.away_reason = None
    offer.back_on = today
    for mentorship in active_mentorships(person.id):
        mentorship.state = MentorshipState.ACTIVE
        notify(mentorship.mentee, "mentor_back", mentorship.id, mentor=person.username)
    record(person, "mentor_back", person.id)
    bump_profile_version()


def retire(person: Person, reason: str) -> None:
    """A mentor leaves the program; coordinators are asked to find successors."""
    offer = _require_offer(person)
    offer.retired_at = utcnow()
    record(person, "mentor_retired", person.id, check_text(reason, "reason"))
    _flag_for_succession(person, "mentor_retired")
    bump_profile_version()


def _flag_for_succession(mentor: Person, kind: str) -> None:
    if not active_mentorships(mentor.id):
        return
    for coordinator in coordinators():
        notify(
            coordinator,
            kind,
            mentor.id,
            mentor=mentor.username,
        )


def mentors_needing_successors(today: date) -> list[MentorOffer]:
    """Mentors who left, or are away for long, and still hold mentees."""
    held = select(Mentorship.mentor_id).where(Mentorship.state != MentorshipState.ENDED)
    # Only offers that left or whose break began can need a successor: the queue loads
    # these, not every mentor who holds mentees.
    left_or_away = or_(MentorOffer.retired_at.is_not(None), MentorOffer.away_from <= today)
    offers = db.session.scalars(
        select(MentorOffer)
        .where(MentorOffer.person_id.in_(held), left_or_away)
        .options(names_only(joinedload(MentorOffer.person)))
    )
    return [o for o in offers if needs_successor(o, today)]


def needs_successor(offer: MentorOffer | None, today: date) -> bool:
    """The mentor left, no longer offers, or is away for long (or with no return date)."""
    if offer is None or offer.retired_at is not None:
        return True
    long_away = today + timedelta(days=LONG_AWAY_DAYS)
    return is_away(offer, today) and (offer.away_until is None or offer.away_until > long_away)


def check_can_take_one_more(offer: MentorOffer, today: date, field: str | None = None) -> int:
    """The places the mentor will hold with one more mentee or circle; refused, naming
    ``field``, if they left, are away, out of term or full. Call under :func:`lock_offer`."""
    if offer.retired_at is not None:
        raise DomainError(_l("%(name)s has left mentoring.", name=offer.person.username), field)
    if is_away(offer, today):
        raise DomainError(
            _l("%(name)s is away on a wiki-break.", name=offer.person.username), field
        )
    if not offer_is_open(offer, today):
        raise DomainError(_l("%(name)s has no current term.", name=offer.person.username), field)
    held = mentee_count(offer.person_id)
    if held >= offer.capacity:
        raise DomainError(
            _ln(
                "%(name)s has no free place left (%(num)d of %(num)d).",
                "%(name)s has no free place left (%(num)d of %(num)d).",
                offer.capacity,
                name=offer.person.username,
            ),
            field,
        )
    return held + 1


def lock_offer(mentor_id: int) -> MentorOffer:
    """Take the mentor's row lock before counting, so concurrent approvals queue up.

    The UPDATE takes the row lock on PostgreSQL and the write lock on SQLite; every
    count read after it sees the other transaction's committed mentorships.
    """
    db.session.execute(
        update(MentorOffer)
        .where(MentorOffer.person_id == mentor_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    offer = db.session.scalar(
        select(MentorOffer)
        .where(MentorOffer.person_id == mentor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if offer is None:
        raise DomainError(_l("This person no longer mentors."), "mentor")
    return offer
