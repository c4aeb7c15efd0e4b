import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

import pathways
from pathways.extensions import db
from pathways.models import (
    MatchProposal,
    MentorRequest,
    Mentorship,
    ProblemReport,
    ProgramEvent,
    ProposalState,
    RequestState,
    RoleName,
)
from pathways.services import lifecycle, mentor_requests, mentorships, offers, transaction
from tests.helpers import build_pair, count


def ask(person, skills=("referencing",)):
    with transaction():
        return mentor_requests.request_mentor(person, list(skills), "", None)


@pytest.fixture
def coordinator(login_as):
    return login_as(RoleName.COORDINATOR, username="Coordinator")


def test_queue_shows_waiting_requests_with_proposals_and_load(
    client, coordinator, make_mentor, make_person
):
    make_mentor(username="Teacher", capacity=3, languages=("en", "es"))
    ask(make_person(username="Newbie", languages=("es",)))
    page = client.get("/coordinators/").get_data(as_text=True)
    assert "Newbie" in page and "Teacher" in page
    assert "load 0 of 3" in page
    assert "Teaches Referencing" in page


def test_queue_filters(client, coordinator, make_mentor, make_person):
    make_mentor(languages=("en", "es"))
    ask(make_person(username="Hablante", languages=("es",)))
    ask(make_person(username="Speaker", languages=("en",)), skills=("using-sandbox",))
    page = client.get("/coordinators/?language=es").get_data(as_text=True)
    assert "Hablante" in page and "Speaker" not in page
    page = client.get("/coordinators/?skill=using-sandbox").get_data(as_text=True)
    assert "Speaker" in page and "Hablante" not in page
    page = client.get("/coordinators/?waiting_days=5").get_data(as_text=True)
    assert "Speaker" not in page and "Hablante" not in page
    assert client.get("/coordinators/?waiting_days=-3").status_code == 200


@pytest.mark.parametrize("query", ["endpoint=x", "_method=DELETE"])
def test_the_queue_pages_keep_its_filters_and_nothing_else(
    client, coordinator, make_person, monkeypatch, query
):
    """Every query parameter went into the pager's url_for: these made it raise (a 500)."""
    monkeypatch.setattr(mentor_requests, "QUEUE_PAGE_SIZE", 1)
    ask(make_person(languages=("es",)))
    ask(make_person(languages=("es",)))
    response = client.get(f"/coordinators/?language=es&{query}")
    assert response.status_code == 200
    assert '/coordinators/?page=2&amp;language=es"' in response.get_data(as_text=True)


def test_approve_and_approve_again(client, coordinator, make_mentor, make_person):
    make_mentor()
    request = ask(make_person())
    proposal = request.proposals[0]
    response = client.post(f"/coordinators/proposals/{proposal.id}/approve")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1
    response = client.post(f"/coordinators/proposals/{proposal.id}/approve")
    assert response.status_code == 409
    assert "already approved" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1


def test_a_refusal_links_back_to_where_the_person_was_on_this_site_only(
    client, coordinator, make_mentor, make_person
):
    make_mentor()
    request = ask(make_person())
    approve = f"/coordinators/proposals/{request.proposals[0].id}/approve"
    client.post(approve)
    here = f"/coordinators/requests/{request.id}?from=queue"

    def back_link(headers=None, data=None) -> str:
        response = client.post(approve, headers=headers or {}, data=data or {})
        assert response.status_code == 409
        before, link, _ = response.get_data(as_text=True).partition("Back to where you were")
        return before.rpartition('href="')[2] if link else ""

    assert back_link({"Referer": f"http://localhost{here}"}).startswith("/coordinators/requests/")
    assert back_link(data={"next": "/coordinators/batch/1"}).startswith("/coordinators/batch/1")
    for elsewhere in (
        "https://evil.example/coordinators/",
        "http://localhost.evil.example/",
        "http://[oops/",  # no address at all: still the refusal, never a 500
    ):
        assert back_link({"Referer": elsewhere}, {"next": "//evil.example/"}) == ""


def test_reject_requires_reason(client, coordinator, make_mentor, make_person):
    make_mentor()
    proposal = ask(make_person()).proposals[0]
    response = client.post(f"/coordinators/proposals/{proposal.id}/reject", data={"reason": ""})
    assert response.status_code == 409
    assert "Say why, for the audit trail." in response.get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.PENDING
    response = client.post(
        f"/coordinators/proposals/{proposal.id}/reject", data={"reason": "time zones"}
    )
    assert response.status_code == 302
    db.session.refresh(proposal)
    assert (proposal.state, proposal.decision_reason) == (ProposalState.REJECTED, "time zones")
    audit = client.get("/coordinators/audit").get_data(as_text=True)
    assert "was rejected." in audit and "time zones" in audit and "Coordinator" in audit


def test_request_detail_and_pick_another_mentor(client, coordinator, make_mentor, make_person):
    make_mentor(username="First")
    second = make_mentor(username="Second")
    request = ask(make_person(username="Asker"))
    page = client.get(f"/coordinators/requests/{request.id}").get_data(as_text=True)
    assert "Asker" in page and "Second" in page
    response = client.post(
        f"/coordinators/requests/{request.id}/pick", data={"mentor_id": str(second.id)}
    )
    assert response.status_code == 302
    pending = db.session.scalars(
        select(MatchProposal).where(MatchProposal.state == ProposalState.PENDING)
    ).all()
    assert [p.mentor_id for p in pending] == [second.id]
    outsider = make_mentor(username="Outsider", languages=("ja",))
    response = client.post(
        f"/coordinators/requests/{request.id}/pick", data={"mentor_id": str(outsider.id)}
    )
    assert response.status_code == 409
    assert "cannot take this mentee" in response.get_data(as_text=True)
    assert client.post(f"/coordinators/requests/{request.id}/pick", data={}).status_code == 400
    assert client.get("/coordinators/requests/999999").status_code == 404


def pick_list(page: str) -> str:
    return page.partition("Pick another mentor")[2]


def test_pick_another_never_offers_the_proposed_or_rejected_mentor(
    client, coordinator, make_mentor, make_person
):
    for name in ("Ada", "Bea", "Cai"):
        make_mentor(username=name, capacity=3)
    request = ask(make_person(username="Asker"))
    proposed = request.proposals[0].mentor
    page = client.get(f"/coordinators/requests/{request.id}").get_data(as_text=True)
    assert f"Propose <bdi>{proposed.username}</bdi>" not in page
    assert page.count("load 0 of 3") == 3  # the proposal's mentor too, never "0 of 0"
    response = client.post(
        f"/coordinators/requests/{request.id}/pick", data={"mentor_id": str(proposed.id)}
    )
    assert response.status_code == 409
    assert f"{proposed.username} is already proposed" in response.get_data(as_text=True)
    assert count(MatchProposal) == 1
    client.post(
        f"/coordinators/proposals/{request.proposals[0].id}/reject", data={"reason": "busy"}
    )
    db.session.refresh(request)
    next_one = next(p.mentor for p in request.proposals if p.state == ProposalState.PENDING)
    page = pick_list(client.get(f"/coordinators/requests/{request.id}").get_data(as_text=True))
    assert proposed.username not in page and next_one.username not in page
    assert page.count("Propose ") == 1


def test_batch_run_then_review(client, coordinator, make_mentor, make_person):
    make_mentor(capacity=1)
    ask(make_person(username="One"))
    ask(make_person(username="Two"))
    ask(make_person(username="Lonely", languages=("ja",)))
    response = client.post("/coordinators/batch")
    assert response.status_code == 302
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 pair proposed." in job_page
    review = re.search(r'href="(/coordinators/batch/[^"]+)"', job_page).group(1)
    page = client.get(review).get_data(as_text=True)
    assert "1 pair proposed." in page
    assert "2 people stay unmatched." in page
    assert "no mentor shares a language" in page
    assert "no mentor with a free place" in page
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 0
    assert client.get("/coordinators/batch/not-a-batch").status_code == 404


def test_succession_for_a_mentor_who_left(client, coordinator, make_mentor, make_person):
    leaving = make_mentor(username="Leaving")
    make_mentor(username="Successor")
    request = ask(make_person(username="Mentee"))
    mentoring_pair = request.proposals[0]
    with transaction():
        mentor_requests.approve_proposal(coordinator, mentoring_pair, date.today())
    mentor = db.session.get(type(leaving), mentoring_pair.mentor_id)
    with transaction():
        offers.retire(mentor, "")
    queue = client.get("/coordinators/").get_data(as_text=True)
    assert f"/coordinators/succession/{mentor.id}" in queue
    page = client.get(f"/coordinators/succession/{mentor.id}").get_data(as_text=True)
    assert "Mentee" in page
    assert client.post(f"/coordinators/succession/{mentor.id}").status_code == 302
    new_request = db.session.scalar(
        select(MentorRequest).where(MentorRequest.state == RequestState.PROPOSED)
    )
    assert new_request.proposals[0].mentor_id != mentor.id


def test_reports_are_listed_and_resolved(client, coordinator, make_mentor, make_person):
    mentor = make_mentor()
    mentee = make_person()
    mentorship = Mentorship(mentor_id=mentor.id, mentee_id=mentee.id)
    db.session.add(mentorship)
    db.session.commit()
    with transaction():
        report = mentorships.report_problem(mentee, mentorship, "My mentor never answers")
    assert "My mentor never answers" in client.get("/coordinators/reports").get_data(as_text=True)
    assert client.post(f"/coordinators/reports/{report.id}/resolve").status_code == 302
    db.session.refresh(report)
    assert report.resolved_at is not None
    assert client.post(f"/coordinators/reports/{report.id}/resolve").status_code == 409
    assert db.session.scalar(select(func.count()).select_from(ProblemReport)) == 1


def test_offboarding_template_is_editable(client, coordinator):
    page = client.get("/coordinators/offboarding-template").get_data(as_text=True)
    assert "What was learned?" in page
    response = client.post(
        "/coordinators/offboarding-template", data={"questions": "What went well?\n\nWhat next?"}
    )
    assert response.status_code == 302
    assert [q["label"] for q in mentorships.offboarding_questions()] == [
        "What went well?",
        "What next?",
    ]
    response = client.post("/coordinators/offboarding-template", data={"questions": ""})
    assert response.status_code == 422
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ProgramEvent)
            .where(ProgramEvent.kind == "offboarding_template_changed")
        )
        == 1
    )


def test_audit_is_paged_newest_first(client, coordinator):
    from pathways.services.events import record

    with transaction():
        for number in range(51):
            record(coordinator, f"event_{number:02d}")
    first = client.get("/coordinators/audit").get_data(as_text=True)
    assert "Event 50" in first and "Event 00" not in first
    second = client.get("/coordinators/audit?page=2").get_data(as_text=True)
    assert "Event 00" in second and "Event 50" not in second
    assert client.get("/coordinators/audit?page=3").status_code == 404


def test_audit_reads_as_sentences_with_linked_names_never_raw_data(
    client, coordinator, make_mentor, make_person
):
    from pathways.services.events import record

    make_mentor(username="First")
    second = make_mentor(username="Second")
    request = ask(make_person(username="Asker"))
    client.post(f"/coordinators/requests/{request.id}/pick", data={"mentor_id": str(second.id)})
    pending = next(p for p in request.proposals if p.state == ProposalState.PENDING)
    client.post(f"/coordinators/proposals/{pending.id}/approve")
    with transaction():
        record(coordinator, "job_retried", 7, job_kind="batch_pairing", attempt=2)
        record(coordinator, "proposal_approved", 999_999, mentor=second.id)
        record(coordinator, "mentor_went", None, mood="happy", days=3)
        record(None, "mentor_set_away", make_mentor(username="Idle").id, inactive_days=10)
    page = client.get("/coordinators/audit").get_data(as_text=True)
    asker = f'<bdi><a href="/coordinators/requests/{request.id}">Asker</a></bdi>'
    assert f"{asker} asked for a mentor." in page
    assert f'<bdi><a href="/people/Second">Second</a></bdi> was proposed to {asker}.' in page
    assert f'{asker} and <bdi><a href="/people/Second">Second</a></bdi> are paired.' in page
    assert "Batch pairing was tried again (attempt 2)." in page
    idle = '<bdi><a href="/people/Idle">Idle</a></bdi>'
    assert f"{idle} was set away after <bdi>10 days</bdi> without activity." in page
    assert "Mentor went (mood: <bdi>happy</bdi>, days: <bdi>3</bdi>)" in page
    assert f"Proposal approved (mentor: <bdi>{second.id}</bdi>)" in page  # its proposal is gone
    assert "{&#34;" not in page and '{"' not in page and "request_made" not in page


def test_every_kind_of_event_the_code_records_has_a_sentence():
    from pathways.coordinators.audit_trail import SENTENCES

    call = re.compile(r"\brecord\(\s*[\w.]+,\s*\"(\w+)\"(?:\s+if\s+\w+\s+else\s+\"(\w+)\")?")
    recorded = {
        kind
        for source in Path(pathways.__file__).parent.rglob("*.py")
        for kinds in call.findall(source.read_text(encoding="utf-8"))
        for kind in kinds
        if kind
    }
    assert {"proposal_approved", "profiles_imported", "resource_suggested"} <= recorded
    assert recorded - set(SENTENCES) == set()


@pytest.mark.parametrize("roles", [(RoleName.VOLUNTEER,), (RoleName.VOLUNTEER, RoleName.MENTOR)])
def test_other_roles_are_refused(client, login_as, roles):
    login_as(*roles)
    assert client.get("/coordinators/").status_code == 403
    assert client.post("/coordinators/batch").status_code == 403


def test_coordinator_makes_a_one_time_link_for_an_imported_person(client, coordinator):
    from pathways.models import Person, SignInLink
    from pathways.services import accounts

    with transaction():
        imported = accounts.create_person("Imported", None, {RoleName.VOLUNTEER})
    page = client.get("/coordinators/people").get_data(as_text=True)
    assert "<h2><bdi>Imported</bdi></h2>" in page and "<h2><bdi>Coordinator" not in page
    response = client.post(f"/coordinators/people/{imported.id}/link")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = response.get_data(as_text=True).split('id="link" value="')[1].split('"')[0]
    assert link.startswith("http://localhost/auth/link/")
    stored = db.session.scalar(select(SignInLink))
    assert (stored.person_id, stored.created_by_id) == (imported.id, coordinator.id)
    assert link.rsplit("/", 1)[1] not in stored.token_hash
    has_password = db.session.scalar(select(Person).where(Person.username == "Coordinator"))
    response = client.post(f"/coordinators/people/{has_password.id}/link")
    assert response.status_code == 409
    assert "has a password" in response.get_data(as_text=True)
    assert client.post("/coordinators/people/999999/link").status_code == 404


def test_queue_lists_the_mentorships_flagged_for_want_of_a_check_in(
    client, coordinator, make_person
):
    pair = build_pair(make_person, started_days_ago=45)
    page = client.get("/coordinators/").get_data(as_text=True)
    assert "Mentorships without a check-in for long" not in page
    with transaction():
        assert lifecycle.sweep(date.today()).overdue == [("Mentee", "Mentor")]
    page = client.get("/coordinators/").get_data(as_text=True)
    assert "Mentorships without a check-in for long" in page
    assert f'href="/mentorships/{pair.id}"' in page
    assert "<bdi>Mentee</bdi> with <bdi>Mentor</bdi>" in page
