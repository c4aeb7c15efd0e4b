"""Helpers shared by test modules; fixtures live in ``conftest.py``."""

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from pathways.extensions import db
from pathways.models import Notification, Person, RoleName
from pathways.services import mentoring, plans, recognition, transaction

ANONYMOUS, OUTSIDER, MENTEE, MENTOR, OTHER_MENTOR, COORDINATOR = (
    "anonymous",
    "outsider",
    "mentee",
    "mentor",
    "other_mentor",
    "coordinator",
)
EVERYONE = {ANONYMOUS, OUTSIDER, MENTEE, MENTOR, OTHER_MENTOR, COORDINATOR}
SIGNED_IN = EVERYONE - {ANONYMOUS}


@dataclass
class World:
    people: dict
    mentorship_id: int
    open_request_id: int
    proposal_id: int
    step_id: int
    badge_id: str
    notification_id: int


def build_world(make_person, make_mentor) -> World:
    """One of each: coordinator, two mentors, a mentee with a mentorship, an open
    request and a badge, and an outsider."""
    coordinator = make_person(RoleName.COORDINATOR, username="Coord")
    mentor = make_mentor(username="Mentor", capacity=3)
    other_mentor = make_mentor(username="OtherMentor", skills=("referencing", "running-events"))
    mentee = make_person(username="Mentee")
    outsider = make_person(username="Outsider")
    with transaction():
        first = mentoring.request_mentor(mentee, ["referencing"], "", mentor.id)
        mentorship = mentoring.approve_proposal(coordinator, first.proposals[0], date.today())
        second = mentoring.request_mentor(mentee, ["referencing"], "", mentor.id)
        plan = plans.build_plan(mentee, ["newcomer"], "", ["en"], 3)
        badge = recognition.issue_level_badge(mentee, "fundamental")
    return World(
        people={
            OUTSIDER: outsider.id,
            MENTEE: mentee.id,
            MENTOR: mentor.id,
            OTHER_MENTOR: other_mentor.id,
            COORDINATOR: coordinator.id,
        },
        mentorship_id=mentorship.id,
        open_request_id=second.id,
        proposal_id=second.proposals[0].id,
        step_id=plan.steps[0].id,
        badge_id=str(badge.public_id),
        notification_id=db.session.scalar(
            sa.select(Notification.id).where(Notification.person_id == mentee.id).limit(1)
        ),
    )


def sign_in_as(client, world: World, actor: str) -> None:
    with client.session_transaction() as session:
        session.clear()
        if actor != ANONYMOUS:
            session["_user_id"] = db.session.get(Person, world.people[actor]).get_id()
            session["_fresh"] = True


def snapshot() -> dict:
    """Row counts of every table, and every state column: what a refusal must not change."""
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.scalar(sa.select(sa.func.count()).select_from(table))
        if "state" in table.c:
            counts[table.name + ".state"] = sorted(db.session.scalars(sa.select(table.c.state)))
    return counts


TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def translations_with(folder: Path, locale: str, texts: dict) -> Path:
    """A copy of ``translations/`` in ``folder`` where ``locale`` — a new language or one
    the app has — translates ``texts``, compiled as the app reads it; for
    ``BABEL_TRANSLATION_DIRECTORIES``.

    ``texts`` maps a msgid (the singular of a plural message), or ``(context, msgid)``,
    to its translation: a string, or a tuple with one text per plural form.
    """
    copy = folder / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    po = copy / locale / "LC_MESSAGES" / "messages.po"
    source = po if po.exists() else copy / "messages.pot"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    for key, text in texts.items():
        context, msgid = key if isinstance(key, tuple) else (None, key)
        message = catalog.get(msgid, context)
        message.string = text
        message.flags.discard("fuzzy")
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    with po.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    return copy
