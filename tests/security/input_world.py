"""A small mentoring program for the bad-input tests, and the field errors of a page."""

from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from pathways.models import Mentorship, Person, RoleName
from pathways.services import mentor_requests, transaction

EVERY_ROLE = (RoleName.VOLUNTEER, RoleName.MENTOR, RoleName.COORDINATOR)


@dataclass
class Program:
    coordinator: Person
    mentor: Person
    mentee: Person
    mentorship: Mentorship


def build_program(make_person, make_mentor) -> Program:
    """A coordinator, a mentor and a mentee paired by an approved request."""
    coordinator = make_person(*EVERY_ROLE, username="Coordinator")
    mentor = make_mentor(username="Mentor")
    mentee = make_person(username="Mentee")
    with transaction():
        request = mentor_requests.request_mentor(mentee, ["referencing"], "", mentor.id)
        mentorship = mentor_requests.approve_proposal(
            coordinator, request.proposals[0], date.today()
        )
    return Program(coordinator, mentor, mentee, mentorship)


class _FieldErrors(HTMLParser):
    """The text of each ``<p class="error" id="<field>-error">`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "p" and "error" in (found.get("class") or "").split():
            self._open = (found.get("id") or "").removesuffix("-error")
            self.errors.setdefault(self._open, "")

    def handle_endtag(self, tag):
        if tag == "p":
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self.errors[self._open] += data


def field_errors(body: str) -> dict[str, str]:
    """Error messages shown next to fields, by field id."""
    parser = _FieldErrors()
    parser.feed(body)
    return parser.errors
