"""The coordinators' terms page and the hand-over, as coordinators and successors use them."""

from datetime import date, timedelta

import pytest
from flask_babel import format_date

from pathways.extensions import db
from pathways.models import Handover, HandoverState, Person, RoleName, RoleTerm
from pathways.services import coordinator_terms, transaction
from tests.helpers import count, sign_in

TODAY = date.today()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


@pytest.fixture
def coordinator(login_as) -> Person:
    return login_as(RoleName.VOLUNTEER, RoleName.COORDINATOR, username="Coordinator")


@pytest.fixture
def successor(make_person) -> Person:
    return make_person(username="Successor")


def invite(coordinator: Person, note: str = "Hello") -> Handover:
    with transaction():
        return coordinator_terms.nominate_successor(
            coordinator, "Successor", TODAY + timedelta(days=200), note, TODAY
        )


def test_the_page_lists_coordinators_and_invites_an_open_ended_one_to_set_a_term(
    app, client, coordinator, make_person
):
    colleague = make_person(RoleName.COORDINATOR, username="Colleague")
    with transaction():
        coordinator_terms.add_coordinator_term(
            coordinator, colleague, TODAY, TODAY + timedelta(days=30), TODAY
        )
    page = client.get("/coordinators/terms").get_data(as_text=True)
    assert "<bdi>Colleague</bdi>: term until" in page
    with app.test_request_context():
        assert format_date(TODAY + timedelta(days=30)) in page
    assert "<bdi>Coordinator</bdi>: no term, open-ended." in page
    assert "Set your term below." in page
    assert 'href="/coordinators/terms"' in client.get("/coordinators/").get_data(as_text=True)


def test_a_coordinator_adds_a_term_and_a_refusal_names_its_field(client, coordinator):
    form = {"term-person_id": coordinator.id, "term-starts_on": days(0), "term-ends_on": days(90)}
    response = client.post("/coordinators/terms", data=form)
    assert response.status_code == 302
    assert count(RoleTerm) == 1
    response = client.post("/coordinators/terms", data=form | {"term-ends_on": days(100)})
    assert response.status_code == 422
    assert 'id="term-starts_on-error"' in response.get_data(as_text=True)
    assert "overlaps" in response.get_data(as_text=True)
    too_long = form | {"term-starts_on": days(200), "term-ends_on": days(200 + 3 * 366)}
    response = client.post("/coordinators/terms", data=too_long)
    assert response.status_code == 422
    assert 'id="term-ends_on-error"' in response.get_data(as_text=True)
    response = client.post("/coordinators/terms", data=form | {"term-person_id": "999999"})
    assert response.status_code == 422
    assert 'id="term-person_id-error"' in response.get_data(as_text=True)
    assert count(RoleTerm) == 1


def test_a_coordinator_invites_a_successor_then_withdraws(client, coordinator, successor):
    form = {"handover-successor": "nobody", "handover-ends_on": days(100), "handover-note": ""}
    response = client.post("/coordinators/handover", data=form)
    assert response.status_code == 422
    assert 'id="handover-successor-error"' in response.get_data(as_text=True)
    note = "<script>alert(1)</script>\nsecond line"
    form |= {"handover-successor": "successor", "handover-note": note}
    response = client.post("/coordinators/handover", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You invited <bdi>Successor</bdi> to take over" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    handover = db.session.query(Handover).one()
    assert client.post(f"/coordinators/handover/{handover.id}/cancel").status_code == 302
    assert handover.state == HandoverState.CANCELLED
    assert client.post(f"/coordinators/handover/{handover.id}/cancel").status_code == 409


def test_the_successor_sees_the_invitation_and_accepts_still_signed_in(
    client, make_person, successor
):
    outgoing = make_person(RoleName.COORDINATOR, username="Outgoing")
    handover = invite(outgoing, note="Mind the <b>queue</b>")
    sign_in(client, successor)
    page = client.get("/").get_data(as_text=True)
    assert "<bdi>Outgoing</bdi> invites you to take over as coordinator." in page
    assert "Mind the &lt;b&gt;queue&lt;/b&gt;" in page
    assert "0 proposals to review." in page and "0 open reports" in page
    response = client.post(f"/handovers/{handover.id}/accept", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/coordinators/terms"  # signed in anew, with the role
    assert successor.has_role(RoleName.COORDINATOR)
    assert "invites you" not in client.get("/").get_data(as_text=True)


def test_the_successor_declines(client, make_person, successor):
    outgoing = make_person(RoleName.COORDINATOR, username="Outgoing")
    handover = invite(outgoing)
    sign_in(client, successor)
    response = client.post(f"/handovers/{handover.id}/decline")
    assert response.status_code == 302
    assert handover.state == HandoverState.DECLINED
    assert client.post(f"/handovers/{handover.id}/accept").status_code == 409
    assert not successor.has_role(RoleName.COORDINATOR)


def test_notifications_of_a_hand_over_read_as_sentences_and_lead_to_the_right_page(
    client, coordinator, successor
):
    handover = invite(coordinator)
    with transaction():
        coordinator_terms.accept_handover(successor, handover, TODAY)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "<bdi>Successor</bdi> accepted to take over as coordinator." in page
    audit = client.get("/coordinators/audit").get_data(as_text=True)
    coordinator_link = '<bdi><a href="/people/Coordinator">Coordinator</a></bdi>'
    successor_link = '<bdi><a href="/people/Successor">Successor</a></bdi>'
    assert f"{coordinator_link} invited {successor_link} to take over as coordinator." in audit
    assert f"{successor_link} took over as coordinator from {coordinator_link}." in audit
    sign_in(client, db.session.get(Person, successor.id))
    page = client.get("/notifications/").get_data(as_text=True)
    assert "invites you to take over as coordinator" in page
    assert "Welcome: you coordinate the program now, until" in page
