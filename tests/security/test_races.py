"""Two identical actions at the same moment end in one row and a clear answer, never a 500.

Each race runs two real requests in two threads, on their own connections. A rule that
both pass before either writes is slowed down until the other arrives (or a moment
passes, when a lock makes the other wait): without a constraint or a lock, both would
write.
"""

import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.exc import IntegrityError

from pathways.extensions import db
from pathways.models import (
    Badge,
    MentorOffer,
    MentorRequest,
    Person,
    ProgramEvent,
    RoleName,
    RoleTerm,
    ShowcaseEntry,
    Term,
)
from pathways.services import (
    accounts,
    endorsements,
    mentor_requests,
    offers,
    recognition,
    rules,
    showcase,
    transaction,
)
from tests.helpers import build_pair, count
from tests.test_endorsements import finish, level_rows

WAIT_FOR_THE_OTHER = 1.5


def slowed_until_both_arrive(function: Callable) -> Callable:
    """``function``, each call waiting (a little while at most) for a second call."""
    meeting = threading.Barrier(2)

    def slowed(*args, **kwargs):
        result = function(*args, **kwargs)
        with suppress(threading.BrokenBarrierError):  # the other is held by a lock
            meeting.wait(timeout=WAIT_FOR_THE_OTHER)
        return result

    return slowed


def at_once(app, person: Person | None, method: str, url: str, data: dict) -> list[int]:
    """Send the same request twice at the same moment; the two status codes."""
    statuses: list[int] = []
    session_id = person.get_id() if person is not None else None

    def send() -> None:
        client: FlaskClient = app.test_client()
        if session_id is not None:
            with client.session_transaction() as session:
                session["_user_id"] = session_id
        statuses.append(client.open(url, method=method, data=data).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return sorted(statuses)


def test_two_sign_ups_with_one_name(app, monkeypatch):
    monkeypatch.setattr(
        accounts, "check_username", slowed_until_both_arrive(accounts.check_username)
    )
    password = "a long enough password"
    statuses = at_once(
        app,
        None,
        "POST",
        "/auth/signup",
        {"username": "Twin", "password": password, "password_again": password, "languages": "en"},
    )
    assert statuses == [302, 422]
    assert count(Person) == 1


def test_two_mentor_requests_at_once(app, make_person, make_mentor, monkeypatch):
    make_mentor()
    volunteer = make_person()
    monkeypatch.setattr(
        mentor_requests, "check_skill_ids", slowed_until_both_arrive(rules.check_skill_ids)
    )
    statuses = at_once(app, volunteer, "POST", "/requests/new", {"skills": ["referencing"]})
    assert 500 not in statuses
    assert count(MentorRequest) == 1


def test_the_first_two_saves_of_a_mentor_profile(app, make_person, monkeypatch):
    volunteer = make_person()
    monkeypatch.setattr(offers, "check_skill_ids", slowed_until_both_arrive(rules.check_skill_ids))
    form = {"capacity": "2", "intro": "", "wiki_projects": "", "teach_skills": ["referencing"]}
    statuses = at_once(app, volunteer, "POST", "/mentors/me", form)
    assert statuses == [302, 302]
    assert count(MentorOffer) == 1


def test_concurrent_terms_cannot_overlap(app, make_mentor, monkeypatch):
    mentor = make_mentor()
    next_year = date.today() + timedelta(days=400)
    monkeypatch.setattr(
        rules, "consecutive_terms", slowed_until_both_arrive(rules.consecutive_terms)
    )
    form = {
        "term-starts_on": next_year.isoformat(),
        "term-ends_on": (next_year + timedelta(days=90)).isoformat(),
    }
    statuses = at_once(app, mentor, "POST", "/mentors/me/terms", form)
    assert statuses == [302, 422]
    assert count(Term) == 2  # the fixture's term and one of the two


def test_concurrent_coordinator_terms_cannot_overlap(app, make_person, monkeypatch):
    coordinator = make_person(RoleName.COORDINATOR)
    monkeypatch.setattr(
        rules, "consecutive_terms", slowed_until_both_arrive(rules.consecutive_terms)
    )
    form = {
        "term-person_id": coordinator.id,
        "term-starts_on": date.today().isoformat(),
        "term-ends_on": (date.today() + timedelta(days=90)).isoformat(),
    }
    statuses = at_once(app, coordinator, "POST", "/coordinators/terms", form)
    assert statuses == [302, 422]
    assert count(RoleTerm) == 1


def test_the_database_refuses_overlapping_terms_whoever_writes_them(make_mentor):
    mentor = make_mentor()
    offer = offers.offer_of(mentor)
    (existing,) = offer.terms
    overlapping = Term(
        offer_id=offer.id,
        starts_on=existing.ends_on - timedelta(days=1),
        ends_on=existing.ends_on + timedelta(days=30),
    )
    with pytest.raises(IntegrityError), transaction():
        db.session.add(overlapping)
    adjacent = Term(
        offer_id=offer.id,
        starts_on=existing.ends_on + timedelta(days=1),
        ends_on=existing.ends_on + timedelta(days=30),
    )
    with transaction():
        db.session.add(adjacent)
    assert count(Term) == 2


def test_two_endorsements_of_one_level_at_once(app, make_person, monkeypatch):
    """The request's row is locked before its state is read: one endorsement, one badge."""
    with app.test_request_context():
        pair = build_pair(make_person)
        finish(pair.mentee, level_rows(pair.mentee))
    row = endorsements.endorsement_of(pair.mentee, "emerging")
    monkeypatch.setattr(
        endorsements, "may_endorse", slowed_until_both_arrive(endorsements.may_endorse)
    )
    url = f"/badges/endorsements/{row.id}/endorse"
    statuses = at_once(app, pair.mentor, "POST", url, {"endorse-comment": "Well done"})
    assert statuses == [303, 409]
    assert count(Badge) == 1
    assert count(ProgramEvent, ProgramEvent.kind == "badge_endorsed") == 1


def test_two_clicks_on_show_on_the_showcase(app, make_person, monkeypatch):
    holder = make_person()
    with app.test_request_context(), transaction():
        badge = recognition.issue_level_badge(holder, "fundamental")
    monkeypatch.setattr(showcase, "_text", slowed_until_both_arrive(showcase._text))
    url = f"/badges/{badge.public_id}/showcase"
    assert at_once(app, holder, "POST", url, {"story": "Mine"}) == [303, 303]
    assert count(ShowcaseEntry) == 1
