"""Bad input is a clear 4xx, never a 500, and a refusal writes nothing.

Ids a database INTEGER cannot hold, control characters in forms, query strings and paths,
and dates outside the program's time are refused at the boundary, naming what is wrong.
PostgreSQL refuses NUL in text and integers from 2**31 with an error of its own, so these
tests matter most there (``TEST_DATABASE_URL``).
"""

import re
from datetime import date, timedelta

import pytest
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length

from pathways import create_app
from pathways.extensions import db
from pathways.forms import Form
from pathways.mentorships.forms import end_form_class
from pathways.models import CheckIn, MentorOffer, MentorRequest, Plan, RoleName, Term
from tests.helpers import PASSWORD, count, sign_in
from tests.security.input_world import EVERY_ROLE, build_program, field_errors

TODAY = date.today()
_ROUTE_APP = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
_INT_ARGUMENT = re.compile(r"<int(\([^)]*\))?:\w+>")
_ANY_ARGUMENT = re.compile(r"<[^>]+>")


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else min(rule.methods - {"HEAD", "OPTIONS"})


def _routes(having: re.Pattern) -> list[tuple[str, str]]:
    """(method, rule) of every route whose path has an argument matching ``having``."""
    return sorted(
        (_method(rule), rule.rule)
        for rule in _ROUTE_APP.url_map.iter_rules()
        if having.search(rule.rule)
    )


ID_ROUTES = _routes(_INT_ARGUMENT)
TEXT_ROUTES = [
    (method, rule)
    for method, rule in _routes(_ANY_ARGUMENT)
    if any(not _INT_ARGUMENT.fullmatch(a) for a in _ANY_ARGUMENT.findall(rule))
]


def row_counts() -> dict[str, int]:
    """Rows of every table: what a refused request must leave as it was."""
    return {table.name: count(table) for table in db.metadata.sorted_tables}


@pytest.fixture
def program(make_person, make_mentor):
    return build_program(make_person, make_mentor)


# Ids ---------------------------------------------------------------------------------


def test_every_int_route_is_listed():
    assert len(ID_ROUTES) >= 19
    assert ("GET", "/mentorships/<int:mentorship_id>") in ID_ROUTES


@pytest.mark.parametrize("value", [2**31 - 1, 2**31, 10**30])
@pytest.mark.parametrize(("method", "rule"), ID_ROUTES)
def test_an_id_a_database_cannot_hold_is_a_404_on_every_int_route(
    client, login_as, bearer, method, rule, value
):
    person = login_as(*EVERY_ROLE)
    api = rule.startswith("/api/")  # the API reads a token, never the session
    headers = bearer(person, "read", "write", "coordinate") if api else {}
    before = row_counts()
    response = client.open(_INT_ARGUMENT.sub(str(value), rule), method=method, headers=headers)
    # An API post checks its JSON body first: none is sent, so 422 names the body.
    assert response.status_code in ({404, 422} if api and method == "POST" else {404})
    assert row_counts() == before


@pytest.mark.parametrize("page", [2**31, 2**63, 10**30, 0, -1, "two"])
def test_audit_page_out_of_range_is_a_404(client, login_as, page):
    login_as(RoleName.COORDINATOR)
    assert client.get(f"/coordinators/audit?page={page}").status_code == 404


def test_audit_pages_in_range_still_work(client, login_as):
    login_as(RoleName.COORDINATOR)
    assert client.get("/coordinators/audit").status_code == 200
    assert client.get("/coordinators/audit?page=1").status_code == 200


@pytest.mark.parametrize("days", [2**31, 10**30])
def test_queue_waiting_days_out_of_range_is_a_form_error(client, login_as, days):
    login_as(RoleName.COORDINATOR)
    response = client.get(f"/coordinators/?waiting_days={days}")
    assert response.status_code == 200  # the queue shows a filter's mistake like test_queue_filters
    assert field_errors(response.get_data(as_text=True))["waiting_days"]


@pytest.mark.parametrize("mentor_id", [2**31, 10**30])
def test_picking_a_mentor_id_out_of_range_is_refused(client, program, mentor_id):
    sign_in(client, program.coordinator)
    before = row_counts()
    response = client.post(
        f"/coordinators/requests/{program.mentorship.request_id}/pick",
        data={"mentor_id": mentor_id},
    )
    assert response.status_code == 400
    assert row_counts() == before


@pytest.mark.parametrize("preferred", ["²", str(2**31), str(10**30)])
def test_a_preferred_mentor_that_is_no_id_is_refused_next_to_the_field(
    client, login_as, make_mentor, preferred
):
    make_mentor()
    login_as()
    before = count(MentorRequest)
    response = client.post(
        "/requests/new", data={"skills": "referencing", "preferred_mentor": preferred}
    )
    assert response.status_code == 422
    assert "not a mentor" in field_errors(response.get_data(as_text=True))["preferred_mentor"]
    assert count(MentorRequest) == before


# Control characters ------------------------------------------------------------------


def test_nul_in_checkin_notes_is_refused_naming_the_field(client, program):
    sign_in(client, program.mentor)
    before = row_counts()
    response = client.post(
        f"/mentorships/{program.mentorship.id}/checkins",
        data={"happened_on": TODAY.isoformat(), "minutes": 30, "notes": "Sources\x00 and more"},
    )
    assert response.status_code == 422
    assert "Notes" in field_errors(response.get_data(as_text=True))["notes"]
    assert row_counts() == before


def test_nul_in_interests_is_refused_naming_the_field(client, login_as):
    login_as()
    before = count(Plan)
    response = client.post(
        "/ladder/start",
        data={
            "stances-referencing": "confident",
            "interests": "old maps\x00",
            "hours_per_week": "3",
            "languages": "en",
        },
    )
    assert response.status_code == 422
    assert "What interests you?" in field_errors(response.get_data(as_text=True))["interests"]
    assert count(Plan) == before


def test_nul_in_the_sign_in_username_is_refused_naming_the_field(client, make_person):
    make_person(username="Known")
    before = row_counts()
    response = client.post("/auth/login", data={"username": "Known\x00", "password": PASSWORD})
    assert response.status_code == 422
    assert "Username" in field_errors(response.get_data(as_text=True))["username"]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/coordinators/?language=e%00n", "language"),
        ("/coordinators/?skill=%1B", "skill"),
        ("/?lang=es%00", "lang"),
        ("/coordinators/audit?page=1%00", "page"),
        ("/coordinators/dashboard/?since=2024-01-01%C2%85", "since"),
        ("/coordinators/?%00=1", None),
    ],
)
def test_a_control_character_in_a_query_parameter_is_a_400_naming_it(
    client, login_as, path, parameter
):
    login_as(RoleName.COORDINATOR)
    response = client.get(path)
    assert response.status_code == 400
    if parameter:
        assert f"“{parameter}”" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "rule"), TEXT_ROUTES)
def test_a_control_character_in_a_path_segment_is_a_404(client, login_as, method, rule):
    login_as(*EVERY_ROLE)
    before = row_counts()
    path = _ANY_ARGUMENT.sub(lambda m: "7" if _INT_ARGUMENT.fullmatch(m[0]) else "a%00b", rule)
    response = client.open(path, method=method)
    assert response.status_code == 404
    assert row_counts() == before


@pytest.mark.parametrize(
    ("field", "value", "refused"),
    [
        ("reason", "tab\there", True),  # a single-line field takes no tab or line break
        ("reason", "line\nbreak", True),
        ("reason", "escape\x1b[31m", True),
        ("reason", "next line\x85", True),  # C1 control
        ("reason", "delete\x7f", True),
        ("notes", "line one\r\nline two\tindented", False),  # multi-line text keeps them
        ("notes", "nul\x00", True),
        ("notes", "bell\x07", True),
    ],
)
def test_the_base_form_refuses_control_characters_naming_the_field(app, field, value, refused):
    class Sample(Form):
        reason = StringField("Reason")
        notes = TextAreaField("Notes")

    with app.test_request_context(method="POST", data={field: value}):
        form = Sample()
        assert form.validate() is not refused
        if refused:
            (message,) = form.errors[field]
            assert field.capitalize() in message and "U+" in message


def _form_classes(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_form_classes(sub)}
    return found


def test_every_form_of_the_app_applies_the_input_rules(app):
    end_form_class([])
    forms = {c for c in _form_classes(FlaskForm) if c.__module__.startswith("pathways.")}
    assert len(forms) >= 20
    assert {c.__qualname__ for c in forms if not issubclass(c, Form)} == set()


# MariaDB's TEXT holds 65,535 bytes: 16,383 characters of four bytes (utf8mb4).
LONGEST_TEXT_EVERY_DATABASE_HOLDS = 65_535 // 4


def _free_text_fields(form_class: type):
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        field_class = getattr(unbound, "field_class", None)
        text = field_class and issubclass(field_class, StringField)
        if text and not issubclass(field_class, PasswordField):
            yield f"{form_class.__qualname__}.{name}", unbound


def _longest(unbound) -> int | None:
    validators = unbound.kwargs.get("validators") or (unbound.args[1:2] or [()])[0]
    limits = [v.max for v in validators if isinstance(v, Length) and v.max >= 0]
    return min(limits, default=None)


def test_every_free_text_field_has_a_length_every_database_holds(app):
    """Text too long is the form's error naming the field, on every database: never a
    500 from PostgreSQL, nor a silent cut or a 500 from MariaDB."""
    end_form_class([])
    forms = {c for c in _form_classes(FlaskForm) if c.__module__.startswith("pathways.")}
    limits = {
        name: _longest(unbound) for form in forms for name, unbound in _free_text_fields(form)
    }
    assert len(limits) >= 15
    unlimited = sorted(name for name, limit in limits.items() if limit is None)
    assert unlimited == []
    too_long = sorted(
        name for name, limit in limits.items() if limit > LONGEST_TEXT_EVERY_DATABASE_HOLDS
    )
    assert too_long == []


# Dates -------------------------------------------------------------------------------


def add_term(client, starts_on: date, ends_on: date):
    data = {"term-starts_on": starts_on.isoformat(), "term-ends_on": ends_on.isoformat()}
    return client.post("/mentors/me/terms", data=data)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (date(1900, 1, 1), date(1900, 6, 1), "term-starts_on"),
        (date(2001, 1, 14), date(2001, 6, 1), "term-starts_on"),
        (TODAY + timedelta(days=6 * 366), TODAY + timedelta(days=6 * 366 + 100), "term-starts_on"),
        (TODAY, date(9999, 12, 31), "term-ends_on"),
    ],
)
def test_a_term_outside_the_programs_time_is_refused(
    client, make_mentor, starts_on, ends_on, field
):
    sign_in(client, make_mentor())
    before = count(Term)
    response = add_term(client, starts_on, ends_on)
    assert response.status_code == 422
    message = field_errors(response.get_data(as_text=True))[field]
    assert "2001" in message and "Term" in message
    assert count(Term) == before


@pytest.mark.parametrize("until", [date(2999, 1, 1), date(1, 1, 1)])
def test_a_wiki_break_date_outside_the_programs_time_is_refused(client, make_mentor, until):
    sign_in(client, make_mentor())
    response = client.post("/mentors/me/away", data={"away-away_until": until.isoformat()})
    assert response.status_code == 422
    assert "Back on" in field_errors(response.get_data(as_text=True))["away-away_until"]
    assert db.session.scalar(db.select(MentorOffer.away_from)) is None


def test_a_checkin_date_before_the_program_is_refused(client, program):
    sign_in(client, program.mentor)
    response = client.post(
        f"/mentorships/{program.mentorship.id}/checkins",
        data={"happened_on": "1900-01-01", "minutes": 30, "notes": ""},
    )
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["happened_on"]
    assert count(CheckIn) == 0


def test_the_dashboard_refuses_a_since_date_outside_the_programs_time(client, login_as):
    login_as(RoleName.COORDINATOR)
    body = client.get("/coordinators/dashboard/?since=1900-01-01").get_data(as_text=True)
    assert "2001" in field_errors(body)["since"]
    assert client.get("/coordinators/dashboard/hours.csv?since=1900-01-01").status_code == 400


def test_dates_inside_the_programs_time_are_still_accepted(client, make_mentor):
    sign_in(client, make_mentor())
    start = TODAY + timedelta(days=400)
    assert add_term(client, start, start + timedelta(days=300)).status_code == 302
    assert count(Term) == 2
