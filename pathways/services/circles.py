"""Peer circles: small groups of volunteers on one rung, led by a facilitator (a mentor,
on one place of their capacity), with a schedule and a board of reflections and good
practice. One function per action; the caller wraps it in
:func:`pathways.services.transaction`.

    Circle: proposed (a batch run, or a coordinator by hand) → active (approved) → ended
    A facilitator's term: from approval or hand-over to the end of their mentor term, or
    until they hand the circle over or it ends; too many in a row ask for a break.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, delete, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

import matcher
from matcher import Facilitator, GroupSeeker

from ..catalog import get_catalog
from ..extensions import db
from ..models import (
    Circle,
    CircleMember,
    CirclePost,
    CircleReport,
    CircleState,
    FacilitatorTerm,
    MentorOffer,
    MentorRequest,
    Person,
    RequestState,
    RoleName,
    utcnow,
)
from . import DomainError, NotAllowed, iso
from .accounts import check_language, check_timezone, coordinators, find_by_username
from .events import notify, record
from .matching import (
    WAITING,
    bump_profile_version,
    languages_of,
    mentor_profiles,
    waiting_request_rows,
)
from .offers import check_can_take_one_more, lock_offer
from .rules import BREAK_DAYS, check_text, consecutive_terms

CIRCLES_PAGE_SIZE = 25
MAX_POST = 2000
MAX_TITLE = 200
POST_KINDS = ("reflection", "practice")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


# Who is who ----------------------------------------------------------------------------


def members_led_by(facilitator_id: int) -> Select:
    """The ids of the members of the active circles ``facilitator_id`` leads, as a query
    a caller can combine with its own."""
    return (
        select(CircleMember.person_id)
        .join(Circle, Circle.id == CircleMember.circle_id)
        .where(Circle.facilitator_id == facilitator_id, Circle.state == CircleState.ACTIVE)
    )


def facilitates(facilitator_id: int, member_id: int) -> bool:
    """True while ``facilitator_id`` leads an active circle that ``member_id`` belongs to."""
    led = members_led_by(facilitator_id).where(CircleMember.person_id == member_id)
    return db.session.scalar(select(led.exists()))


def facilitators_of(member_id: int) -> list[Person]:
    """Who leads the active circles ``member_id`` belongs to."""
    return list(
        db.session.scalars(
            select(Person)
            .join(Circle, Circle.facilitator_id == Person.id)
            .join(CircleMember, CircleMember.circle_id == Circle.id)
            .where(CircleMember.person_id == member_id, Circle.state == CircleState.ACTIVE)
        )
    )


def is_member(person: Person, circle: Circle) -> bool:
    return any(m.person_id == person.id for m in circle.members)


def is_party(person: Person, circle: Circle) -> bool:
    """A member or the facilitator: who writes on the board."""
    return person.id == circle.facilitator_id or is_member(person, circle)


def can_view(person: Person, circle: Circle) -> bool:
    """The board is private to the circle and the coordinators."""
    return is_party(person, circle) or person.has_role(RoleName.COORDINATOR)


def can_lead(person: Person, circle: Circle) -> bool:
    """The facilitator and coordinators schedule, moderate, hand over and end a circle."""
    return person.id == circle.facilitator_id or person.has_role(RoleName.COORDINATOR)


def _require_lead(person: Person, circle: Circle) -> None:
    if not can_lead(person, circle):
        raise NotAllowed(_l("Only the facilitator or a coordinator can do this."))


def _require_active(circle: Circle) -> None:
    if circle.state != CircleState.ACTIVE:
        raise DomainError(_l("This circle is not active."), "circle")


# Lists ---------------------------------------------------------------------------------


def _in_list_order(query: Select) -> Select:
    """Circles by state, newest first, with facilitators and members loaded."""
    return query.options(
        selectinload(Circle.facilitator),
        selectinload(Circle.members).selectinload(CircleMember.person),
    ).order_by(Circle.state, Circle.created_at.desc(), Circle.id.desc())


def _listed(query: Select) -> list[Circle]:
    return list(db.session.scalars(_in_list_order(query)))


def circles_of(person: Person) -> list[Circle]:
    """The circles the person belongs to or leads (not mere proposals), newest first."""
    belongs = select(CircleMember.circle_id).where(CircleMember.person_id == person.id)
    return _listed(
        select(Circle).where(
            Circle.state != CircleState.PROPOSED,
            or_(Circle.facilitator_id == person.id, Circle.id.in_(belongs)),
        )
    )


def active_circle_count(person_id: int) -> int:
    """The active circles the person belongs to or leads, in one query."""
    belongs = select(CircleMember.circle_id).where(CircleMember.person_id == person_id)
    return db.session.scalar(
        select(func.count())
        .select_from(Circle)
        .where(
            Circle.state == CircleState.ACTIVE,
            or_(Circle.facilitator_id == person_id, Circle.id.in_(belongs)),
        )
    )


def all_circles(page: int, per_page: int = CIRCLES_PAGE_SIZE) -> Pagination:
    """One page of every circle, proposed ones too, for coordinators, in a fixed number
    of queries."""
    return db.paginate(
        _in_list_order(select(Circle)), page=page, per_page=per_page, error_out=False
    )


def board(circle: Circle, reader: Person) -> list[CirclePost]:
    """The circle's posts, oldest first; hidden ones only for those who moderate."""
    return boards([circle], reader)[circle.id]


def boards(listed: list[Circle], reader: Person) -> dict[int, list[CirclePost]]:
    """The boards of several circles by circle id, in one query, as :func:`board` shows
    each: hidden posts only in the circles the reader moderates."""
    moderated = [c.id for c in listed if can_lead(reader, c)]
    posts = db.session.scalars(
        select(CirclePost)
        .where(
            CirclePost.circle_id.in_([c.id for c in listed]),
            or_(CirclePost.hidden_at.is_(None), CirclePost.circle_id.in_(moderated)),
        )
        .options(selectinload(CirclePost.author))
        .order_by(CirclePost.created_at, CirclePost.id)
    )
    by_circle: dict[int, list[CirclePost]] = {c.id: [] for c in listed}
    for entry in posts:
        by_circle[entry.circle_id].append(entry)
    return by_circle


# Terms and places ----------------------------------------------------------------------


def _term_end(offer: MentorOffer, today: date) -> date:
    return next(t.ends_on for t in offer.terms if t.starts_on <= today <= t.ends_on)


def _check_term_limit(facilitator: Person, term: FacilitatorTerm, field: str) -> None:
    """The mentors' rule of consecutive terms, with the facilitators' own limit."""
    earlier = db.session.scalars(
        select(FacilitatorTerm).where(FacilitatorTerm.person_id == facilitator.id)
    ).all()
    limit = current_app.config["FACILITATOR_MAX_CONSECUTIVE_TERMS"]
    if consecutive_terms([*earlier, term]) > limit:
        raise DomainError(
            _l(
                "%(name)s has led %(terms)s in a row: a break of %(days)s comes first.",
                name=facilitator.username,
                terms=_ln("%(num)d circle", "%(num)d circles", limit),
                days=_ln("%(num)d day", "%(num)d days", BREAK_DAYS),
            ),
            field,
        )


def _start_term(circle: Circle, facilitator: Person, today: date, field: str) -> None:
    """Take a place of the facilitator's under their offer's lock, and open their term."""
    offer = lock_offer(facilitator.id)
    held = check_can_take_one_more(offer, today, field)
    if held == offer.capacity:
        offer.full_since = utcnow()
    term = FacilitatorTerm(
        person_id=facilitator.id, starts_on=today, ends_on=_term_end(offer, today)
    )
    _check_term_limit(facilitator, term, field)
    circle.terms.append(term)
    circle.facilitator_id = facilitator.id
    circle.starts_on, circle.ends_on = term.starts_on, term.ends_on
    bump_profile_version()


def _close_term(circle: Circle, today: date) -> None:
    for term in circle.terms:
        if term.person_id == circle.facilitator_id and term.ends_on > today:
            term.ends_on = today
    offer = db.session.scalar(
        select(MentorOffer).where(MentorOffer.person_id == circle.facilitator_id)
    )
    if offer is not None:
        offer.full_since = None


# Proposing and approving ---------------------------------------------------------------


@dataclass(frozen=True)
class ProposedCircles:
    """What a batch run proposed: how many circles, and the group requests left out as
    ``(request id, mentee's name, why)``."""

    count: int
    unmatched: list[tuple[int, str, str]]


def _rung(skills: list[str]) -> str:
    """A request's rung: the lowest level of the skills it asks for."""
    catalog = get_catalog()
    order = {level_id: i for i, level_id in enumerate(catalog.levels)}
    return min((catalog.skills[s].level for s in skills), key=order.__getitem__)


def _facilitators(today: date, taken: Counter) -> list[Facilitator]:
    """Mentors who can lead one more circle today: open, with a place left after the
    pairs of the same batch (``taken``), and not at their limit of terms in a row."""
    limit = current_app.config["FACILITATOR_MAX_CONSECUTIVE_TERMS"]
    terms: dict[int, list] = defaultdict(list)
    for term in db.session.scalars(select(FacilitatorTerm)):
        terms[term.person_id].append(term)
    probe = FacilitatorTerm(starts_on=today, ends_on=today)
    return [
        Facilitator(m.id, m.languages, frozenset(m.skills), m.text, m.capacity_left - taken[m.id])
        for m in mentor_profiles(today)
        if m.available
        and m.capacity_left > taken[m.id]
        and consecutive_terms([*terms[m.id], probe]) <= limit
    ]


def propose_batch_circles(batch_id: str, taken: Counter, today: date) -> ProposedCircles:
    """Propose circles for every group request waiting; ``taken`` counts the places the
    batch's pairs already proposed, per mentor. Circles of an earlier run are dropped."""
    _drop_proposed_circles()
    rows = waiting_request_rows(True)
    if not rows:  # nobody asks for a circle: the facilitators need not be read
        return ProposedCircles(0, [])
    languages = languages_of([row.mentee_id for row in rows])
    by_mentee = {row.mentee_id: row for row in rows}
    seekers = [
        GroupSeeker(
            row.mentee_id,
            _rung(row.skills),
            frozenset(languages[row.mentee_id]),
            frozenset(row.skills),
            f"{row.interests} {row.note}",
        )
        for row in rows
    ]
    config = current_app.config
    plan = matcher.propose_circles(
        seekers, _facilitators(today, taken), config["CIRCLE_MIN_SIZE"], config["CIRCLE_MAX_SIZE"]
    )
    if plan.circles:
        _insert_circles(batch_id, plan.circles, {m: row.id for m, row in by_mentee.items()})
    left_out = [(by_mentee[m].id, by_mentee[m].username, why) for m, why in plan.unmatched.items()]
    return ProposedCircles(len(plan.circles), left_out)


def _insert_circles(batch_id: str, proposed: list, requests: dict[int, int]) -> None:
    """Write a batch's circles, their members and their requests' new state in a fixed
    number of statements, however many circles (``requests``: mentee id → request id)."""
    now = utcnow()
    written = db.session.execute(
        insert(Circle).returning(Circle.id, Circle.reasons),
        [
            {
                "title": "",
                "level_id": c.level,
                "language": c.language,
                "facilitator_id": c.facilitator_id,
                "state": CircleState.PROPOSED,
                "timezone": "UTC",
                "batch_id": batch_id,
                "reasons": {"shared_skills": list(c.shared_skills), "position": position},
                "created_at": now,
            }
            for position, c in enumerate(proposed)
        ],
    )
    # Rows come back in any order where a database cannot keep the parameters' order in
    # one statement; each names its place in the batch.
    ids = {reasons["position"]: circle_id for circle_id, reasons in written}
    db.session.execute(
        insert(CircleMember),
        [
            {
                "circle_id": ids[position],
                "person_id": m,
                "request_id": requests[m],
                "joined_at": now,
            }
            for position, c in enumerate(proposed)
            for m in c.members
        ],
    )
    db.session.execute(
        update(MentorRequest)
        .where(MentorRequest.id.in_([requests[m] for c in proposed for m in c.members]))
        .values(state=RequestState.PROPOSED, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _drop_proposed_circles() -> None:
    proposed = select(Circle.id).where(Circle.state == CircleState.PROPOSED)
    db.session.execute(delete(CircleMember).where(CircleMember.circle_id.in_(proposed)))
    db.session.execute(delete(Circle).where(Circle.state == CircleState.PROPOSED))


def proposed_circles(batch_id: str) -> list[Circle]:
    """A batch's circles still waiting for approval, with facilitators and members."""
    return _listed(
        select(Circle).where(Circle.batch_id == batch_id, Circle.state == CircleState.PROPOSED)
    )


def _claim_requests(circle: Circle) -> None:
    """Mark the members' requests matched, atomically: all still waiting, or none."""
    ids = [m.request_id for m in circle.members if m.request_id is not None]
    if not ids:
        return
    changed = db.session.execute(
        update(MentorRequest)
        .where(MentorRequest.id.in_(ids), MentorRequest.state.in_(WAITING))
        .values(state=RequestState.MATCHED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != len(ids):
        raise DomainError(
            _l("A member's request is no longer waiting: run the batch again."), "circle"
        )


def _welcome(circle: Circle, facilitator: Person) -> None:
    for member in circle.members:
        notify(member.person, "circle_joined", circle.id, facilitator=facilitator.username)
    notify(facilitator, "circle_leading", circle.id, members=len(circle.members))


def approve_circle(coordinator: Person, circle: Circle, today: date) -> None:
    """Open a proposed circle: the members' requests are matched and the facilitator's
    place is taken, re-checked under their offer's lock."""
    if circle.state != CircleState.PROPOSED:
        raise DomainError(_l("This circle is not waiting for approval."), "circle")
    facilitator = circle.facilitator
    if facilitator is None:
        raise DomainError(_l("This circle has no facilitator."), "facilitator")
    _claim_requests(circle)
    _start_term(circle, facilitator, today, "facilitator")
    circle.state = CircleState.ACTIVE
    record(
        coordinator,
        "circle_approved",
        circle.id,
        facilitator=facilitator.id,
        members=[m.person_id for m in circle.members],
    )
    _welcome(circle, facilitator)


def _check_members(people: list[Person]) -> list[Person]:
    low, high = current_app.config["CIRCLE_MIN_SIZE"], current_app.config["CIRCLE_MAX_SIZE"]
    if not low <= len(people) <= high:
        raise DomainError(
            _l("A circle has %(low)d to %(high)d members.", low=low, high=high), "members"
        )
    return people


def _check_speaks(facilitator: Person, language: str) -> None:
    if language not in facilitator.language_codes:
        raise DomainError(
            _l("%(name)s does not speak the circle's language.", name=facilitator.username),
            "facilitator",
        )


def _person_named(name: str, field: str) -> Person:
    person = find_by_username(name)
    if person is None or not person.is_active:
        raise DomainError(_l("Nobody is called %(name)s.", name=name.strip()), field)
    return person


def create_circle(
    coordinator: Person,
    title: str,
    level_id: str,
    language: str,
    facilitator_name: str,
    member_names: list[str],
    today: date,
) -> Circle:
    """A coordinator gathers a circle by hand (people by username); it opens at once.
    Members' waiting group requests are matched by it."""
    if level_id not in get_catalog().levels:
        raise DomainError(_l("Choose one of the levels."), "level")
    facilitator = _person_named(facilitator_name, "facilitator")
    members = _check_members(
        list(
            {
                p.id: p for p in (_person_named(n, "members") for n in member_names if n.strip())
            }.values()
        )
    )
    if facilitator.id in {m.id for m in members}:
        raise DomainError(_l("The facilitator cannot be a member too."), "facilitator")
    language = check_language(language)
    _check_speaks(facilitator, language)
    waiting = dict(
        db.session.execute(
            select(MentorRequest.mentee_id, MentorRequest.id).where(
                MentorRequest.mentee_id.in_([m.id for m in members]),
                MentorRequest.state.in_(WAITING),
                MentorRequest.wants_group.is_(True),
            )
        ).all()
    )
    circle = Circle(
        title=_check_title(title),
        level_id=level_id,
        language=language,
        facilitator_id=facilitator.id,
        members=[CircleMember(person=m, request_id=waiting.get(m.id)) for m in members],
    )
    db.session.add(circle)
    db.session.flush()
    _claim_requests(circle)
    _start_term(circle, facilitator, today, "facilitator")
    circle.state = CircleState.ACTIVE
    record(
        coordinator,
        "circle_created",
        circle.id,
        facilitator=facilitator.id,
        members=[m.id for m in members],
    )
    _welcome(circle, facilitator)
    return circle


def _check_title(title: str) -> str:
    title = check_text(title, "title", MAX_TITLE)
    if not title:
        raise DomainError(_l("Give the circle a name."), "title")
    return title


# Running a circle ----------------------------------------------------------------------


def set_schedule(
    person: Person, circle: Circle, title: str, weekday: int, meets_at: str, timezone: str
) -> None:
    """When the circle meets: a weekday (0 = Monday), a time (HH:MM) and its time zone."""
    _require_lead(person, circle)
    _require_active(circle)
    if not 0 <= weekday <= 6:
        raise DomainError(_l("Choose a day of the week."), "weekday")
    if not _TIME.fullmatch(meets_at or ""):
        raise DomainError(_l("Give a time as HH:MM, from 00:00 to 23:59."), "meets_at")
    circle.title = _check_title(title)
    circle.weekday, circle.meets_at = weekday, meets_at
    circle.timezone = check_timezone(timezone)


def handover_candidates(circle: Circle, today: date) -> list[Person]:
    """Mentors who could take the circle over today: open, a free place, its language."""
    members = {m.person_id for m in circle.members} | {circle.facilitator_id}
    ids = [
        m.id
        for m in mentor_profiles(today)
        if m.available and m.capacity_left > 0 and circle.language in m.languages
    ]
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.id.in_([i for i in ids if i not in members]))
            .order_by(Person.username_key)
        )
    )


def hand_over(person: Person, circle: Circle, successor: Person, today: date) -> None:
    """The facilitator or a coordinator hands the circle to another mentor, who takes a
    place of their own (checked under their lock); the leaving facilitator's term ends
    today and their place is freed. Members are told."""
    _require_lead(person, circle)
    _require_active(circle)
    if successor.id == circle.facilitator_id:
        raise DomainError(_l("This mentor already leads the circle."), "facilitator")
    if is_member(successor, circle):
        raise DomainError(_l("The facilitator cannot be a member too."), "facilitator")
    _check_speaks(successor, circle.language)
    leaving = circle.facilitator
    _close_term(circle, today)
    _start_term(circle, successor, today, "facilitator")
    record(
        person,
        "circle_handed_over",
        circle.id,
        facilitator=successor.id,
        previous=leaving.id if leaving else None,
    )
    for member in circle.members:
        notify(member.person, "circle_handed_over", circle.id, facilitator=successor.username)
    notify(successor, "circle_leading", circle.id, members=len(circle.members))
    if leaving is not None and leaving.id != person.id:
        notify(leaving, "circle_thanks", circle.id, title=circle.title)


def end_circle(person: Person, circle: Circle, today: date) -> None:
    """End the circle: the facilitator's place is freed and they are thanked; members
    are told. The board stays readable to them."""
    _require_lead(person, circle)
    _require_active(circle)
    _close_term(circle, today)
    circle.state = CircleState.ENDED
    circle.ended_at = utcnow()
    record(person, "circle_ended", circle.id, facilitator=circle.facilitator_id)
    for member in circle.members:
        notify(member.person, "circle_ended", circle.id, title=circle.title)
    if circle.facilitator is not None:
        notify(circle.facilitator, "circle_thanks", circle.id, title=circle.title)
    bump_profile_version()


def _membership(person: Person, circle: Circle) -> CircleMember:
    """The person's place in an active circle, or a refusal that says why not."""
    membership = next((m for m in circle.members if m.person_id == person.id), None)
    if membership is None:
        raise DomainError(_l("You are not a member of this circle."), "circle")
    _require_active(circle)
    return membership


def check_can_leave(person: Person, circle: Circle) -> None:
    """Refuse, before asking for confirmation, a person who cannot leave the circle."""
    _membership(person, circle)


def leave_circle(person: Person, circle: Circle) -> None:
    """A member leaves an active circle. Their posts stay on the board (deleting their
    account removes them); the facilitator is told, and also when the circle is now
    smaller than a circle is gathered (it goes on: ending it is theirs to decide)."""
    circle.members.remove(_membership(person, circle))
    remaining = len(circle.members)
    record(person, "circle_left", circle.id, facilitator=circle.facilitator_id, members=remaining)
    facilitator = circle.facilitator
    if facilitator is None:
        return
    notify(facilitator, "circle_member_left", circle.id, member=person.username)
    minimum = current_app.config["CIRCLE_MIN_SIZE"]
    if remaining < minimum:
        notify(facilitator, "circle_too_small", circle.id, members=remaining, minimum=minimum)


# The board -----------------------------------------------------------------------------


def post(person: Person, circle: Circle, kind: str, body: str) -> CirclePost:
    """A reflection or a good practice, by a member or the facilitator."""
    if not is_party(person, circle):
        raise NotAllowed(_l("Only the circle's members and facilitator can post here."))
    _require_active(circle)
    if kind not in POST_KINDS:
        raise DomainError(_l("Choose a reflection or a good practice."), "kind")
    body = check_text(body, "body", MAX_POST)
    if not body:
        raise DomainError(_l("Write a few words."), "body")
    entry = CirclePost(circle=circle, author_id=person.id, kind=kind, body=body)
    db.session.add(entry)
    return entry


def hide_post(person: Person, entry: CirclePost) -> None:
    _require_lead(person, entry.circle)
    if entry.hidden_at is None:
        entry.hidden_at, entry.hidden_by_id = utcnow(), person.id
        record(person, "circle_post_hidden", entry.id, circle=entry.circle_id)


def restore_post(person: Person, entry: CirclePost) -> None:
    _require_lead(person, entry.circle)
    if entry.hidden_at is not None:
        entry.hidden_at = entry.hidden_by_id = None
        record(person, "circle_post_restored", entry.id, circle=entry.circle_id)


def report_post(person: Person, entry: CirclePost, text: str) -> CircleReport:
    """A private report that only coordinators read, as for mentorships."""
    if not is_party(person, entry.circle):
        raise NotAllowed(_l("Only the circle's members and facilitator can report a post."))
    text = check_text(text, "text")
    if not text:
        raise DomainError(_l("Describe the problem."), "text")
    report = CircleReport(post=entry, reporter_id=person.id, text=text)
    db.session.add(report)
    db.session.flush()
    for coordinator in coordinators():
        notify(coordinator, "circle_post_reported", report.id)
    record(person, "circle_post_reported", report.id, circle=entry.circle_id)
    return report


def circle_reports() -> list[CircleReport]:
    """Every report of a post, open ones first, newest first, with the post and circle."""
    return list(
        db.session.scalars(
            select(CircleReport)
            .options(
                selectinload(CircleReport.post).selectinload(CirclePost.circle),
                selectinload(CircleReport.post).selectinload(CirclePost.author),
            )
            .order_by(CircleReport.resolved_at.is_not(None), CircleReport.created_at.desc())
        )
    )


def resolve_circle_report(coordinator: Person, report: CircleReport) -> None:
    if report.resolved_at is not None:
        raise DomainError(_l("This report is already resolved."))
    report.resolved_at = utcnow()
    record(coordinator, "circle_report_resolved", report.id)


# Privacy -------------------------------------------------------------------------------


def export_of(person: Person) -> dict:
    """The person's circles (as a member or a facilitator), their posts and the posts they
    reported, for the privacy export. Other people appear by username only."""
    return {
        "circles": [
            {
                "id": c.id,
                "title": c.title,
                "level": c.level_id,
                "language": c.language,
                "state": c.state.value,
                "role": "facilitator" if c.facilitator_id == person.id else "member",
                "facilitator": c.facilitator.username if c.facilitator else None,
            }
            for c in circles_of(person)
        ],
        "facilitator_terms": [
            {"circle_id": t.circle_id, "starts_on": iso(t.starts_on), "ends_on": iso(t.ends_on)}
            for t in db.session.scalars(
                select(FacilitatorTerm)
                .where(FacilitatorTerm.person_id == person.id)
                .order_by(FacilitatorTerm.id)
            )
        ],
        "posts": [
            {
                "circle_id": p.circle_id,
                "kind": p.kind,
                "body": p.body,
                "created_at": iso(p.created_at),
                "hidden_at": iso(p.hidden_at),
            }
            for p in db.session.scalars(
                select(CirclePost).where(CirclePost.author_id == person.id).order_by(CirclePost.id)
            )
        ],
        "reports": [
            {
                "post_id": r.post_id,
                "text": r.text,
                "created_at": iso(r.created_at),
                "resolved_at": iso(r.resolved_at),
            }
            for r in db.session.scalars(
                select(CircleReport)
                .where(CircleReport.reporter_id == person.id)
                .order_by(CircleReport.id)
            )
        ],
    }


def forget(person: Person, today: date) -> None:
    """A deleted account: circles it leads end (members told, as any end), it leaves the
    circles it belongs to, and its posts are deleted rather than anonymised: reflections
    are personal writing, and in a group of a few people an anonymous post still names
    its author. Reports it made stay for the coordinators, without its name."""
    for circle in db.session.scalars(
        select(Circle).where(Circle.facilitator_id == person.id, Circle.state == CircleState.ACTIVE)
    ).all():
        end_circle(person, circle, today)
    mine = select(CirclePost.id).where(CirclePost.author_id == person.id)
    db.session.execute(delete(CircleReport).where(CircleReport.post_id.in_(mine)))
    db.session.execute(delete(CirclePost).where(CirclePost.author_id == person.id))
    db.session.execute(delete(CircleMember).where(CircleMember.person_id == person.id))
