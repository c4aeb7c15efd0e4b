"""An outsider's test: schemathesis generates requests from the app's own OpenAPI
document and calls the app in-process, as anonymous, a volunteer, a mentor and a
coordinator, each with a token of every scope they may hold. No answer may be a 500,
have a status the document does not list, or break the response schema.

Then the document's links are followed as a state machine (create a request → read
it → withdraw it). A few derandomized examples per operation, on the test's own
database, keep each run within seconds."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import initialize
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful.state_machine import StepInput
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pathways.models import RequestState, RoleName
from pathways.services import mentor_requests, plans, transaction

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
CREATE = "POST /api/v1/me/requests"
READ = "GET /api/v1/me/requests/{request_id}"
WITHDRAW = "POST /api/v1/me/requests/{request_id}/withdraw"
WAITING = {RequestState.OPEN, RequestState.PROPOSED}
SCOPES = {
    "volunteer": ("read", "write"),
    "mentor": ("read", "write"),
    "coordinator": ("read", "write", "coordinate"),
}


@pytest.fixture
def headers_of(make_person, make_mentor, bearer):
    """A person of each kind, with a ladder, and a mentor to ask for: their token headers."""

    def make(kind: str) -> dict[str, str]:
        if kind == "anonymous":
            return {}
        mentor = make_mentor()
        person = {
            "volunteer": make_person,
            "mentor": lambda: mentor,
            "coordinator": lambda: make_person(RoleName.COORDINATOR),
        }[kind]()
        with transaction():
            plans.build_plan(person, ["newcomer"], "", ["en"], 3)
        return bearer(person, *SCOPES[kind])

    return make


def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def fuzz_every_operation(app, headers: dict[str, str]) -> None:
    for found in api_schema(app).get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @EXAMPLES
        def call(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()


@pytest.mark.parametrize("kind", ["anonymous", "volunteer", "mentor", "coordinator"])
def test_the_api_as_each_kind_of_person(app, headers_of, kind):
    fuzz_every_operation(app, headers_of(kind))


def test_the_links_from_a_new_request_are_followed(app, make_person, make_mentor, bearer):
    """Each scenario starts by creating a request (with a real skill: random names are
    refused, and fuzzed above), follows the document's links from it, and ends with the
    person's requests withdrawn, so that every scenario starts alike."""
    make_mentor()
    person = make_person()
    headers = bearer(person, "read", "write")
    schema = api_schema(app).include(path_regex=r"^/api/v1/me/requests")
    machine = schema.as_state_machine()
    create = schema.find_operation_by_label(CREATE)
    followed: list[str] = []

    class Requests(machine):
        @initialize(target=machine.bundles[f"{CREATE} -> 201"])
        def create_a_request(self):
            step = StepInput.initial(create.Case(body={"skills": ["referencing"]}))
            self.recorder.record_case(case=step.case)  # as the machine's own rules do
            return self.step(step)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            super().after_call(response, case)
            if response.status_code == 200 and case.path_parameters:
                followed.append(case.operation.label)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

        def teardown(self):
            with transaction():
                for request in mentor_requests.requests_of(person):
                    if request.state in WAITING:
                        mentor_requests.withdraw_request(person, request)

    Requests.run(
        settings=settings(
            max_examples=8,
            stateful_step_count=4,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert {READ, WITHDRAW} <= set(followed)
