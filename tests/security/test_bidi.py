"""User text cannot reorder the page around it.

Bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069) are removed
from free text on the way in, and every piece of user text (usernames, notes, intros,
reasons…) is shown inside ``<bdi>``, so a right-to-left name or a stray override stays
inside its own box on left-to-right and right-to-left pages alike.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from wtforms import PasswordField, StringField, TextAreaField

from pathways.auth.links import MAY_SET_PASSWORD
from pathways.extensions import db
from pathways.forms import Form
from pathways.jobs import runner
from pathways.models import (
    BadgeEndorsement,
    CheckIn,
    Community,
    MentorRequest,
    Person,
    RoleName,
    Training,
)
from pathways.services import (
    access_tokens,
    circles,
    coordinator_terms,
    imports,
    mentor_requests,
    mentorships,
    offers,
    plans,
    recognition,
    resources,
    showcase,
    trainings,
    transaction,
)
from tests.helpers import PASSWORD, led_circle, person, sign_in, write_csv
from tests.security.input_world import EVERY_ROLE
from tests.test_trainings import DRAFT

TODAY = date.today()
MARK = "Zq"  # every piece of user text in the world below holds it
RLO, PDF, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"
# Pages that show no user text outside form fields, or are not HTML.
NO_USER_TEXT = {
    "static",
    "main.catalog",
    "health.liveness",
    "health.readiness",
    "main.roles",
    "main.coverage",
    "auth.signup",
    "auth.login",
    "auth.link_sign_in",
    "badges.issuer",
    "badges.badge_class",
    "badges.image",
    "badges.assertion",
    "badges.endorsement",
    "volunteers.onboarding",
    "volunteers.replan",
    "coordinators.offboarding_template",
    "dashboard.export",
    "account.export",
    "notifications.follow",
    # Open calls name catalog skills and counts only.
    "mentors.calls",
    # Off without a wiki to talk to; tests/web/test_wikimedia_sign_in.py checks that the
    # names in its refusals are isolated.
    "auth.wikimedia_callback",
    # The API answers JSON, not HTML; its docs page shows the OpenAPI document only.
    "api.docs",
    "api-docs.openapi_json",
    "api_v1.levels",
    "api_v1.pillars",
    "api_v1.skills",
    "api_v1.roles",
    "api_v1.ladder",
    "api_v1.mentors",
    "api_v1.mentor",
    "api_v1.my_requests",
    "api_v1.my_circles",
    "api_v1.my_request",
    "api_v1.capx_profile",
    "api_v1.queue",
    "api_v1.dashboard_figures",
    "api_v1.my_mentorships",
    "api_v1.mentorship",
    "api_v1.checkins",
    "api_v1.resources_list",
    "api_v1.resource",
    "resources.new",
    "api_v1.trainings_list",
    "api_v1.communities_list",
    "trainings.new",
    "trainings.calendar",
    "trainings.my_calendar",
    "circles.new",
}


@dataclass
class World:
    coordinator: Person
    mentor: Person
    mentee: Person
    mentorship_id: int
    pages: list[tuple[Person, str]]


@pytest.fixture
def world(make_person) -> World:
    """A program where every username and every free text holds :data:`MARK`."""
    coordinator = make_person(*EVERY_ROLE, username=f"{MARK}Coordinator")
    mentor = make_person(RoleName.VOLUNTEER, RoleName.MENTOR, username=f"{MARK}Mentor")
    other = make_person(RoleName.VOLUNTEER, RoleName.MENTOR, username=f"{MARK}Other")
    mentee, second, third, newcomer = (
        make_person(username=f"{MARK}{n}") for n in ("Mentee", "Two", "Ter", "New")
    )
    with transaction():
        for person in (mentor, other):
            offers.save_offer(person, 3, f"{MARK} intro", f"{MARK} projects", ["referencing"])
            offers.add_term(person, TODAY - timedelta(days=1), TODAY + timedelta(days=20))
        plan = plans.build_plan(mentee, ["newcomer"], f"{MARK} interests", ["en"], 3)
        plans.mark_step(mentee, plan.steps[0].id, "started", f"{MARK} reflection")
        first = mentor_requests.request_mentor(mentee, ["referencing"], f"{MARK} note", mentor.id)
        mentorship = mentor_requests.approve_proposal(coordinator, first.proposals[0], TODAY)
        mentorships.save_agreement(mentee, mentorship, f"{MARK} goals", f"{MARK} expects", 7)
        mentorships.log_checkin(mentor, mentorship, TODAY, 30, f"{MARK} notes", TODAY)
        # as the lifecycle sweep leaves it: on the coordinators' queue, ready to graduate
        mentorship.checkin_overdue_on = mentorship.graduation_offered_on = TODAY
        mentorships.send_thanks(mentee, mentor, f"{MARK} thanks")
        mentorships.report_problem(mentee, mentorship, f"{MARK} report")
        two = mentor_requests.request_mentor(second, ["referencing"], f"{MARK} two", mentor.id)
        ended = mentor_requests.approve_proposal(coordinator, two.proposals[0], TODAY)
        answers = {"learned": f"{MARK} learned"}
        mentorships.end_mentorship(second, ended, f"{MARK} ended", answers)
        waiting = mentor_requests.request_mentor(third, ["referencing"], f"{MARK} waits", mentor.id)
        mentor_requests.reject_proposal(coordinator, waiting.proposals[0], f"{MARK} rejected")
        batch_id = mentor_requests.run_batch_pairing(coordinator).id
        badge = recognition.issue_level_badge(mentee, "fundamental")
        recognition.revoke_badge(coordinator, badge, f"{MARK} revoked")
        shown = recognition.issue_level_badge(second, "fundamental")
        showcase.show(second, shown, f"{MARK} story")
        waits = BadgeEndorsement(person_id=mentee.id, level_id="emerging")
        answered = BadgeEndorsement(
            person_id=second.id, level_id="emerging", state="not_yet", comment=f"{MARK} first"
        )
        db.session.add_all([waits, answered])
        offers.go_away(mentor, None, f"{MARK} away", TODAY)
        access_tokens.create_token(mentee, f"{MARK} token", ["read"])
        coordinator_terms.nominate_successor(
            coordinator, newcomer.username, TODAY + timedelta(days=90), f"{MARK} note", TODAY
        )
        for author, language in ((mentor, "en"), (newcomer, "es")):
            resources.add_resource(
                author,
                skill_id="wiki-basics",
                title=f"{MARK} {language} guide",
                language=language,
                format="guide",
                level_id="fundamental",
                link=f"https://example.org/{MARK}/{language}",
            )
    training = gatherings(mentor, mentee)
    circle, post = led_circle(mentor, [mentee, second, third], f"{MARK} circle", f"{MARK} post")
    with transaction():
        circles.report_post(second, post, f"{MARK} reported")
    job = runner.start("batch_pairing", {}, coordinator)
    m, c = mentorship.id, coordinator
    pages = [
        (c, "/coordinators/"),
        (c, f"/coordinators/requests/{waiting.id}"),
        (c, f"/coordinators/batch/{batch_id}"),
        (c, f"/coordinators/succession/{mentor.id}"),
        (c, "/coordinators/reports"),
        (c, "/coordinators/audit"),
        (c, "/coordinators/people"),
        (c, "/coordinators/terms"),
        (newcomer, "/"),
        (c, "/coordinators/dashboard/"),
        (c, f"/jobs/{job.id}"),
        (c, f"/mentorships/{m}"),
        (c, f"/mentorships/{ended.id}"),
        (c, f"/badges/{badge.public_id}"),
        (c, "/badges/endorsements"),
        (c, f"/badges/endorsements/{waits.id}"),
        (second, "/badges/"),
        (newcomer, "/showcase/"),
        (c, "/mentors/"),
        (c, f"/mentors/{mentor.id}"),
        (c, "/notifications/"),
        (mentor, "/mentors/me"),
        (mentor, "/notifications/"),
        (mentee, "/mentorships/"),
        (mentee, f"/mentorships/{m}/end"),
        (mentee, f"/mentorships/{m}/graduate"),
        (mentee, f"/mentorships/{m}/report"),
        (mentee, "/requests/"),
        (mentee, "/ladder/"),
        (mentee, "/notifications/"),
        (mentee, "/auth/settings"),
        (mentee, "/auth/password"),
        (mentee, "/account/delete"),
        (mentee, "/account/tokens"),
        (mentee, "/account/capx"),
        (newcomer, "/requests/new?skills=referencing"),
        (newcomer, f"/people/{MARK}Mentee"),
        (newcomer, "/skills/wiki-basics"),
        (newcomer, "/resources/"),
        (newcomer, "/resources/missing?lang=es"),
        (c, "/resources/review"),
        (mentor, f"/events/{training.id}"),
        (mentee, "/events/"),
        (mentee, "/communities/"),
        (c, "/circles/"),
        (mentee, f"/circles/{circle.id}"),
        (mentee, f"/circles/{circle.id}/leave"),
        (mentor, f"/circles/{circle.id}/hand-over"),
        (second, f"/circles/posts/{post.id}/report"),
    ]
    return World(coordinator, mentor, mentee, m, pages)


def gatherings(host: Person, attendee: Person) -> Training:
    """A training whose texts hold the mark, with ``attendee`` signed up (on their ladder
    and in the host's list), and a community in the directory named with it."""
    draft = replace(DRAFT, title=f"{MARK} title", description=f"{MARK} description", language="en")
    with transaction():
        training = trainings.post_training(
            host, replace(draft, online=False, venue=f"{MARK} venue")
        )
        trainings.sign_up(attendee, training)
        db.session.add(
            Community(
                key="mark",
                name=f"{MARK} community",
                kind="channel",
                languages=["en"],
                region=f"{MARK} region",
                topics=f"{MARK} topics",
                link="https://example.org/",
                how_to_join=f"{MARK} join",
            )
        )
    return training


class _UnisolatedText(HTMLParser):
    """Text holding :data:`MARK` that is not inside ``<bdi>`` (nor a title or form control)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    EXEMPT = {"bdi", "title", "textarea", "option", "script", "style"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data):
        if MARK in data and not self.EXEMPT & set(self.open):
            self.found.append(f"{'>'.join(self.open[-3:])}: {data.strip()[:60]}")


def unisolated(body: str) -> list[str]:
    parser = _UnisolatedText()
    parser.feed(body)
    return parser.found


def _allow_password_page(client) -> None:
    with client.session_transaction() as state:
        state[MAY_SET_PASSWORD] = True


def test_every_piece_of_user_text_is_shown_inside_bdi(client, world):
    problems = []
    for viewer, path in world.pages:
        sign_in(client, viewer)
        _allow_password_page(client)
        response = client.get(path)
        assert response.status_code in (200, 410), path  # a revoked badge is Gone
        body = response.get_data(as_text=True)
        assert MARK in body, path
        problems += [f"{path} {text}" for text in unisolated(body)]
    assert problems == []


def test_every_page_showing_user_text_is_walked(app, world):
    walked = {app.url_map.bind("localhost").match(path.split("?")[0])[0] for _, path in world.pages}
    shown = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert shown - NO_USER_TEXT - walked == set()


def test_a_flash_naming_a_person_isolates_the_name(client):
    response = client.post(
        "/auth/signup",
        data={
            "username": f"{MARK}نور",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "languages": "ar",
        },
        follow_redirects=True,
    )
    assert f"<bdi>{MARK}نور</bdi>" in response.get_data(as_text=True)


# Bidi controls are removed on the way in ---------------------------------------------


def test_an_override_in_checkin_notes_is_removed_and_the_page_keeps_its_order(client, world):
    mentorship_id = world.mentorship_id
    sign_in(client, world.mentor)
    notes = f"before {RLO}reversed{PDF} and {LRI}isolated{PDI} after"
    response = client.post(
        f"/mentorships/{mentorship_id}/checkins",
        data={"happened_on": TODAY.isoformat(), "minutes": 30, "notes": notes},
    )
    assert response.status_code == 303
    saved = db.session.scalar(db.select(CheckIn.notes).order_by(CheckIn.id.desc()).limit(1))
    assert saved == "before reversed and isolated after"
    body = client.get(f"/mentorships/{mentorship_id}").get_data(as_text=True)
    assert RLO not in body
    assert "<bdi>before reversed and isolated after</bdi>" in body


def test_marks_that_do_not_open_a_scope_are_kept(client, world):
    mentorship_id = world.mentorship_id
    sign_in(client, world.mentor)
    client.post(
        f"/mentorships/{mentorship_id}/checkins",
        data={"happened_on": TODAY.isoformat(), "minutes": 30, "notes": f"שלום{RLM}!"},
    )
    saved = db.session.scalar(db.select(CheckIn.notes).order_by(CheckIn.id.desc()).limit(1))
    assert saved == f"שלום{RLM}!"


@pytest.mark.parametrize(
    ("path", "data", "stored"),
    [
        (
            "/ladder/goals",
            {"goal_roles": "newcomer", "interests": f"maps {RLO}spam", "hours_per_week": "3"},
            lambda world: world.mentee.interests,
        ),
        (
            "/mentors/me",
            {"teach_skills": "referencing", "capacity": "3", "intro": f"hi {RLO}spam"},
            lambda world: offers.offer_of(world.mentor).intro,
        ),
    ],
)
def test_overrides_are_removed_from_interests_and_intros(client, world, path, data, stored):
    sign_in(client, world.mentee if path.startswith("/ladder") else world.mentor)
    response = client.post(path, data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert RLO not in stored(world)


def test_the_base_form_removes_overrides_from_text_but_not_from_passwords(app):
    class Sample(Form):
        name = StringField("Name")
        notes = TextAreaField("Notes")
        secret = PasswordField("Secret")

    sent = f"a{RLO}b{LRI}c{PDI}"
    with app.test_request_context(
        method="POST", data=dict.fromkeys(("name", "notes", "secret"), sent)
    ):
        form = Sample()
    assert (form.name.data, form.notes.data, form.secret.data) == ("abc", "abc", sent)


def test_overrides_are_removed_from_imported_free_text(app, tmp_path):
    path = write_csv(tmp_path, f"Cy,mentee,en,,maps {RLO}spam,,referencing,,goals {LRI}x{PDI}")
    with transaction():
        imports.import_file(path)
    assert person("Cy").interests == "maps spam"
    assert db.session.scalar(db.select(MentorRequest.note)) == "goals x"
