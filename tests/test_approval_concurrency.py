"""Two coordinators approve the mentor's last place at the same moment: exactly one wins.

Real transactions on real connections, one thread each. The capacity check is slowed
down so that, without the mentor's row lock, both would count a free place and both
would write a mentorship. Runs on SQLite and, in CI, on PostgreSQL.
"""

import threading
import time
from datetime import date

from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import MatchProposal, Mentorship, Person, ProposalState, RoleName
from pathways.services import DomainError, mentor_requests, transaction
from tests.helpers import slow_down_approvals


def test_two_simultaneous_approvals_never_exceed_capacity(
    app, make_mentor, make_person, monkeypatch
):
    mentor = make_mentor(capacity=1)
    coordinators = [make_person(RoleName.COORDINATOR) for _ in range(2)]
    with transaction():
        requests = [
            mentor_requests.request_mentor(make_person(), ["referencing"], "", None)
            for _ in range(2)
        ]
    proposal_ids = [r.proposals[0].id for r in requests]
    assert all(r.proposals[0].mentor_id == mentor.id for r in requests)

    slow_down_approvals(monkeypatch)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(coordinator_id: int, proposal_id: int) -> None:
        with app.app_context():
            coordinator = db.session.get(Person, coordinator_id)
            proposal = db.session.get(MatchProposal, proposal_id)
            start.wait()
            try:
                with transaction():
                    mentor_requests.approve_proposal(coordinator, proposal, date.today())
                outcomes.append("approved")
            except DomainError as error:
                outcomes.append(str(error.message))
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=approve, args=(c.id, p))
        for c, p in zip(coordinators, proposal_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(
        ["approved", f"{mentor.username} has no free place left (1 of 1)."]
    )
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1
    states = sorted(
        db.session.scalars(select(MatchProposal.state).where(MatchProposal.id.in_(proposal_ids)))
    )
    assert states == sorted([ProposalState.APPROVED, ProposalState.PENDING])


def test_two_simultaneous_mentorships_of_one_mentee_one_is_refused(app, make_mentor, make_person):
    """The database's one-current-mentorship rule under real concurrency: the second
    writer waits for the first and gets a clear refusal (a 409), never a second mentor."""
    mentors = [make_mentor().id for _ in range(2)]
    mentee = make_person()
    mentee_id, name = mentee.id, mentee.username  # read here: the threads never touch this session
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def pair(mentor_id: int) -> None:
        with app.app_context():
            person = db.session.get(Person, mentee_id)
            start.wait()
            try:
                with transaction():
                    mentor_requests._add_mentorship(
                        Mentorship(mentor_id=mentor_id, mentee_id=person.id), person
                    )
                    time.sleep(0.4)
                outcomes.append("paired")
            except DomainError as error:
                outcomes.append(str(error.message))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pair, args=(m,)) for m in mentors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    refusal = f"{name} already has a mentor who stays: end that mentorship first."
    assert sorted(outcomes) == sorted(["paired", refusal])
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1
