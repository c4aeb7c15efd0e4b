"""Helpers shared by test modules; fixtures live in ``conftest.py``."""

import json
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import Flask, g, request
from flask.testing import FlaskClient
from sqlalchemy import func, select

from pathways import create_app
from pathways.extensions import db, init_migrations
from pathways.jobs import runner
from pathways.models import (
    BadgeEndorsement,
    Circle,
    CircleMember,
    CirclePost,
    CircleState,
    MentorOffer,
    MentorRequest,
    Mentorship,
    Notification,
    Person,
    PersonLanguage,
    PersonRole,
    ProfileVersion,
    ProgramEvent,
    RoleName,
    ShowcaseEntry,
    SignInLink,
    SkillStance,
    Term,
    Training,
    TrainingSignup,
    utcnow,
)
from pathways.services import (
    accounts,
    coordinator_terms,
    imports,
    mentor_requests,
    plans,
    recognition,
    transaction,
)

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
    job_id: int
    training_id: int
    signup_id: int
    handover_id: int
    circle_id: int
    post_id: int
    endorsement_id: int
    showcase_entry_id: int


def build_world(make_person, make_mentor) -> World:
    """One of each: coordinator, two mentors, a mentee with a mentorship, an open
    request and a badge, and an outsider."""
    coordinator = make_person(RoleName.COORDINATOR, username="Coord")
    mentor = make_mentor(username="Mentor", capacity=3)
    other_mentor = make_mentor(username="OtherMentor", skills=("referencing", "running-events"))
    mentee = make_person(username="Mentee")
    outsider = make_person(username="Outsider")
    with transaction():
        first = mentor_requests.request_mentor(mentee, ["referencing"], "", mentor.id)
        mentorship = mentor_requests.approve_proposal(coordinator, first.proposals[0], date.today())
        second = mentor_requests.request_mentor(mentee, ["referencing"], "", mentor.id)
        plan = plans.build_plan(mentee, ["newcomer"], "", ["en"], 3)
        badge = recognition.issue_level_badge(mentee, "fundamental")
        endorsement = BadgeEndorsement(person_id=mentee.id, level_id="emerging")
        entry = ShowcaseEntry(badge=badge, story="")
        db.session.add_all([endorsement, entry])
    job = runner.start("lifecycle_sweep", {"today": date.today().isoformat()}, coordinator)
    training, signup = hosted_training(mentor, mentee)
    with transaction():
        handover = coordinator_terms.nominate_successor(
            coordinator, outsider.username, date.today() + timedelta(days=90), "", date.today()
        )
    circle, post = led_circle(mentor, [mentee], "Wikidata", "https://w.wiki/x")
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
        job_id=job.id,
        training_id=training.id,
        signup_id=signup.id,
        handover_id=handover.id,
        circle_id=circle.id,
        post_id=post.id,
        endorsement_id=endorsement.id,
        showcase_entry_id=entry.id,
    )


def led_circle(
    facilitator: Person, members: list[Person], title: str, post: str
) -> tuple[Circle, CirclePost]:
    """An active circle ``facilitator`` leads, with one post by its first member (written
    as rows: the service asks for more members than a route-wide world needs)."""
    with transaction():
        circle = Circle(
            title=title,
            level_id="fundamental",
            language="en",
            facilitator_id=facilitator.id,
            state=CircleState.ACTIVE,
            members=[CircleMember(person_id=m.id) for m in members],
        )
        entry = CirclePost(circle=circle, author_id=members[0].id, kind="reflection", body=post)
        db.session.add_all([circle, entry])
    return circle, entry


def hosted_training(host: Person, attendee: Person) -> tuple[Training, TrainingSignup]:
    """A training ``host`` held yesterday, with ``attendee`` signed up."""
    with transaction():
        training = Training(
            host_id=host.id,
            title="Wikidata",
            language="en",
            skills=["referencing"],
            starts_at=utcnow() - timedelta(days=1),
            minutes=60,
            timezone="UTC",
            places=5,
        )
        db.session.add(training)
        db.session.flush()
        signup = TrainingSignup(training_id=training.id, person_id=attendee.id)
        db.session.add(signup)
    return training, signup


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


# The app under test ---------------------------------------------------------------------


PASSWORD = "correct horse battery"


REQUESTED_ENDPOINTS: set[str] = set()


def make_app(database_url: str, instance_path: str, **overrides) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-only-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        "DASHBOARD_CACHE_SECONDS": 0,  # a test sees the figures of the rows it just wrote
        **overrides,
    }
    app = create_app(config)
    app.instance_path = instance_path

    @app.before_request
    def note_endpoint():
        REQUESTED_ENDPOINTS.add(request.endpoint or "")

    @app.teardown_request
    def forget_the_request(_error):
        """Tests keep one app context open across requests; a server does not. Its ``g``
        must not carry the signed-in person, nor the language, to the next request."""
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    return app


@contextmanager
def emptied_afterwards(app: Flask) -> Iterator[Flask]:
    """Inside ``app``'s context; afterwards every table is emptied and connections closed."""
    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def reset_schema(app: Flask) -> None:
    """Drop every table, then bring the empty database to head with the migrations."""
    from flask_migrate import upgrade

    init_migrations(app)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def slow_down_approvals(monkeypatch, seconds: float = 0.4) -> None:
    """An approval holds its mentor's lock ``seconds`` longer, after counting: whatever
    runs beside it must wait for the lock, or would act on what it read before."""
    check = mentor_requests.check_can_take_one_more

    def slow_check(offer, today, field=None):
        time.sleep(seconds)
        return check(offer, today, field)

    monkeypatch.setattr(mentor_requests, "check_can_take_one_more", slow_check)


def count(model, *where) -> int:
    """Rows of a model (matching ``where``): what an action wrote, or left untouched."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def sign_in(client: FlaskClient, person: Person) -> Person:
    """Make the test client's session that of ``person``, as Flask-Login does."""
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    return person


# Mentorships -----------------------------------------------------------------------------


def build_pair(make_person, started_days_ago: int = 30, **mentor_kwargs) -> Mentorship:
    """A mentor with an offer and an active mentorship with a new volunteer."""
    mentor = make_person(RoleName.VOLUNTEER, RoleName.MENTOR, username="Mentor", **mentor_kwargs)
    mentee = make_person(RoleName.VOLUNTEER, username="Mentee")
    with transaction():
        db.session.add(MentorOffer(person_id=mentor.id, capacity=2))
        mentorship = Mentorship(
            mentor_id=mentor.id,
            mentee_id=mentee.id,
            started_at=utcnow() - timedelta(days=started_days_ago),
        )
        db.session.add(mentorship)
    return mentorship


def mentorship_url(mentorship: Mentorship, action: str = "") -> str:
    return f"/mentorships/{mentorship.id}" + (f"/{action}" if action else "")


def checkin_data(**changes) -> dict:
    return {
        "happened_on": date.today().isoformat(),
        "minutes": 45,
        "notes": "Went through WP:RS",
    } | changes


# Import files ----------------------------------------------------------------------------


HEADER = "username,role,languages,timezone,interests,skills,wants,capacity,goals"


GOOD_MENTOR = "Ana,mentor,es;en,Europe/Madrid,historia local,referencing,,2,Ayudo con fuentes"


GOOD_MENTEE = "Bea,mentee,es,UTC,quiero escribir sobre museos,,referencing,,Tres artículos"


TABLES = (
    Person,
    PersonLanguage,
    PersonRole,
    SkillStance,
    MentorOffer,
    Term,
    MentorRequest,
    ProgramEvent,
    ProfileVersion,
    SignInLink,
)


def counts() -> dict[str, int]:
    return {
        table.__name__: db.session.scalar(select(func.count()).select_from(table))
        for table in TABLES
    }


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER, name="people.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def write_jsonl(tmp_path: Path, *rows, name="people.jsonl") -> Path:
    path = tmp_path / name
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rejected(path: Path, fmt: str | None = None) -> list[imports.RowError]:
    before = counts()
    with pytest.raises(imports.ImportRejected) as info, transaction():
        imports.import_file(path, fmt)
    assert counts() == before, "a refused import must leave the database untouched"
    return info.value.errors


def where(errors: list[imports.RowError]) -> list[tuple[int | None, str | None]]:
    return [(e.line, e.field) for e in errors]


def person(username: str) -> Person:
    found = accounts.find_by_username(username)
    assert found is not None, username
    return found


# Translations ----------------------------------------------------------------------------


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


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Jobs ------------------------------------------------------------------------------------


def ask_for_mentors(make_person, *usernames: str) -> None:
    """A request waiting for a mentor from each of these new people."""
    for username in usernames:
        with transaction():
            mentor_requests.request_mentor(
                make_person(username=username), ["referencing"], "", None
            )
