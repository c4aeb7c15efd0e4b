"""Whatever anyone sends to any route, the answer is never a 500, and a refusal changes
nothing.

Hypothesis draws, for every route of the app, who sends it (each role, or nobody), the
URL's parameters (real ids, and ids out of any column's range), query parameters and
form fields — the names every form of the app uses, found by reading its pages — with
hostile values: NUL and other control characters, bidi overrides, huge and negative
numbers, dates far in the past and future, long text.
"""

import re
import uuid
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.catalog import get_catalog
from tests.helpers import (
    ANONYMOUS,
    COORDINATOR,
    MENTEE,
    MENTOR,
    OUTSIDER,
    World,
    sign_in_as,
    snapshot,
)

ACTORS = (ANONYMOUS, OUTSIDER, MENTEE, MENTOR, COORDINATOR)
EXAMPLES_PER_ROUTE = 12
OUT_OF_RANGE = (0, 2**31 - 1, 2**31, 2**63, 10**30)
QUERY_NAMES = ("page", "lang", "language", "skill", "skills", "waiting_days", "since", "next")
NAMED = re.compile(r"""<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)\"""")
HOSTILE = (
    "",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202eevil",
    "\u2066x",
    "-1",
    "0",
    "2147483648",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "1900-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "referencing",
    "en",
    "ar",
    "y",
    "//evil.example",
    "https://[oops",  # urlsplit raises on it
    "https://example.org:99999/",
    "<script>alert(1)</script>",
    "'; DROP TABLE person; --",
    "x" * 5000,
)
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))


def url_values(world: World) -> dict[str, list]:
    """Candidates for each URL parameter name: the world's real ones first."""
    catalog = get_catalog()
    people = list(world.people.values())
    return {
        "int": [world.mentorship_id, world.open_request_id, world.proposal_id, world.step_id]
        + [world.notification_id, *people, *OUT_OF_RANGE],
        "public_id": [world.badge_id, str(uuid.uuid4())],
        "level_id": [*catalog.levels, "wizardry"],
        "skill_id": [*list(catalog.skills)[:3], "nope"],
        "username": ["Mentee", "Coord", "deleted#1", "nobody"],
        "table": ["hours", "waiting", "nope"],
        "filename": ["css/app.css", "../secret"],
        "token": ["not-a-token"],
        "batch_id": ["x", str(uuid.uuid4())],
    }


FIELD_NAMES = pytest.StashKey[list[str]]()


@pytest.fixture
def field_names(request, app, world: World) -> list[str]:
    """Every form field name on the pages the world's people can open (read once a run)."""
    if FIELD_NAMES not in request.config.stash:
        request.config.stash[FIELD_NAMES] = read_field_names(app, world)
    return request.config.stash[FIELD_NAMES]


def read_field_names(app, world: World) -> list[str]:
    names: set[str] = set()
    client = app.test_client()
    for actor in ACTORS:
        sign_in_as(client, world, actor)
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and not rule.arguments:
                names |= set(NAMED.findall(client.get(rule.rule).get_data(as_text=True)))
        for page in (f"/mentorships/{world.mentorship_id}", f"/badges/{world.badge_id}"):
            names |= set(NAMED.findall(client.get(page).get_data(as_text=True)))
    return sorted(names - {"csrf_token"})


def endpoints():
    from pathways import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static")


@pytest.mark.parametrize("endpoint", endpoints())
def test_no_input_makes_a_route_fail_or_half_write(app, world, field_names, endpoint):
    (rule,) = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
    candidates = url_values(world)
    client = app.test_client()

    def argument(name: str):
        converter = type(rule._converters[name]).__name__
        pool = candidates["int"] if converter == "IntegerConverter" else candidates.get(name)
        return st.sampled_from(pool) if pool else st.text(min_size=1, max_size=20)

    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        actor=st.sampled_from(ACTORS),
        method=st.sampled_from(sorted(rule.methods & {"GET", "POST"})),
        arguments=st.fixed_dictionaries({name: argument(name) for name in rule.arguments}),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), values, max_size=3),
        form=st.dictionaries(
            st.sampled_from(field_names), st.lists(values, min_size=1, max_size=2)
        ),
    )
    def send(actor, method, arguments, query, form):
        path = rule.rule
        for name, value in arguments.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", quote(str(value), safe=""), path)
        sign_in_as(client, world, actor)
        before = snapshot()
        response = client.open(path, method=method, query_string=query, data=form)
        assert response.status_code < 500, (method, path, query, form)
        refused = response.status_code >= 400 or "/auth/login" in response.headers.get(
            "Location", ""
        )
        if refused:
            assert snapshot() == before, (method, path, response.status_code)

    send()
