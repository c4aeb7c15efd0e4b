"""An outsider's test: schemathesis generates requests from the app's own OpenAPI
document and calls the app in-process, as anonymous and as a volunteer with a write
token. No answer may be a 500, have a status the document does not list, or break the
response schema. A few examples per operation keep the run near a minute."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pathways.services import plans, transaction

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def volunteer(make_person, make_mentor, bearer) -> dict[str, str]:
    make_mentor()
    person = make_person()
    with transaction():
        plans.build_plan(person, ["newcomer"], "", ["en"], 3)
    return bearer(person, "read", "write")


def fuzz_every_operation(app, headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    for found in schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @EXAMPLES
        def call(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()


def test_the_api_as_anonymous(app):
    fuzz_every_operation(app, {})


def test_the_api_as_a_volunteer_with_a_write_token(app, volunteer):
    fuzz_every_operation(app, volunteer)
