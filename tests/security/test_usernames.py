"""Names people can trust: any script is welcome, look-alikes of a taken name are not."""

import pytest
from sqlalchemy import select

from pathways.extensions import db
from pathways.models import Person
from pathways.services import DomainError, accounts, transaction
from tests.helpers import PASSWORD, count


def sign_up(client, username: str):
    return client.post(
        "/auth/signup",
        data={
            "username": username,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "languages": "en",
        },
    )


@pytest.mark.parametrize(
    "name", ["रवि कुमार", "हिन्दी_लेखक", "محمد.علي", "Алёна", "张伟", "Zoë-Ana", "ناصر\u200cخان"]
)
def test_names_in_any_script_are_welcome(client, name):
    assert sign_up(client, name).status_code == 302
    assert count(Person) == 1


@pytest.mark.parametrize(
    "look_alike",
    [
        "demo-c\u043e\u043erdinator",  # Cyrillic о twice
        "DEMO-COORDINATOR",
        "demo-coordinat\u043er",
        "ｄｅｍｏ-coordinator",  # full-width letters
    ],
)
def test_a_look_alike_of_a_taken_name_is_refused(client, make_person, look_alike):
    make_person(username="demo-coordinator")
    response = sign_up(client, look_alike)
    assert response.status_code == 422
    assert "looks too much like one" in response.get_data(as_text=True)
    assert count(Person) == 1


def test_a_capital_i_that_reads_as_l_is_refused(make_person):
    make_person(username="Ilona")
    with pytest.raises(DomainError, match="looks too much like"), transaction():
        accounts.create_person("llona", PASSWORD, set())


@pytest.mark.parametrize(
    "name",
    [
        "demo\u200bcoordinator",  # a zero-width space
        "\u0301accent-first",  # a combining mark cannot start a name
        "-dash-first",
        "a/b",
        "x",
    ],
)
def test_names_that_hide_or_reorder_text_are_refused(client, name):
    assert sign_up(client, name).status_code == 422
    assert count(Person) == 0


def test_a_bidi_override_never_reaches_a_stored_name(client):
    sign_up(client, "abc\u202edef")
    assert [p.username for p in db.session.scalars(select(Person))] == ["abcdef"]
    with pytest.raises(DomainError), transaction():
        accounts.create_person("ghi\u202ejkl", PASSWORD, set())


def test_signing_in_with_a_look_alike_finds_the_real_account(make_person):
    person = make_person(username="demo-coordinator")
    assert accounts.authenticate("DEMO-c\u043eordinator", PASSWORD) == person
