"""Every route refuses every person who must not use it, and a refusal changes nothing.

The table below classifies every route of the app; a new route fails
``test_every_route_is_classified`` until someone decides who may use it.
"""

from datetime import date

import pytest

from pathways.extensions import db
from pathways.models import Person
from pathways.services import access_tokens, transaction
from tests.helpers import (
    ANONYMOUS,
    COORDINATOR,
    EVERYONE,
    MENTEE,
    MENTOR,
    OTHER_MENTOR,
    OUTSIDER,
    SIGNED_IN,
    World,
    sign_in_as,
    snapshot,
)


def route(method, url, allowed, json=None):
    return {"method": method, "url": url, "allowed": allowed, "json": json}


def routes(w: World) -> dict[str, list[dict]]:
    """Who may use each route; anyone else must be refused."""
    m, r, p, h = w.mentorship_id, w.open_request_id, w.proposal_id, w.handover_id
    coordinators = {COORDINATOR}
    parties = {MENTOR, MENTEE}
    e, endorsers = w.endorsement_id, {MENTOR, COORDINATOR}
    return {
        "main.index": [route("GET", "/", EVERYONE)],
        "main.catalog": [route("GET", "/skills", EVERYONE)],
        "main.skill": [route("GET", "/skills/referencing", EVERYONE)],
        "main.roles": [route("GET", "/roles", EVERYONE)],
        "main.coverage": [route("GET", "/framework", EVERYONE)],
        "main.accept_handover": [route("POST", f"/handovers/{h}/accept", {OUTSIDER})],
        "main.decline_handover": [route("POST", f"/handovers/{h}/decline", {OUTSIDER})],
        "resources.index": [route("GET", "/resources/", EVERYONE)],
        "resources.missing": [route("GET", "/resources/missing", EVERYONE)],
        "resources.new": [route("GET", "/resources/new", SIGNED_IN)],
        "resources.review": [route("GET", "/resources/review", coordinators)],
        "resources.approve": [route("POST", "/resources/1/approve", coordinators)],
        "resources.reject": [route("POST", "/resources/1/reject", coordinators)],
        "static": [route("GET", "/static/css/app.css", EVERYONE)],
        "health.liveness": [route("GET", "/healthz", EVERYONE)],
        "health.readiness": [route("GET", "/readyz", EVERYONE)],
        "auth.signup": [route("GET", "/auth/signup", EVERYONE)],
        "auth.login": [route("GET", "/auth/login", EVERYONE)],
        "auth.logout": [route("POST", "/auth/logout", EVERYONE)],
        "auth.link_sign_in": [route("GET", "/auth/link/not-a-token", EVERYONE)],
        "auth.set_password": [route("GET", "/auth/password", SIGNED_IN)],
        "auth.settings": [route("GET", "/auth/settings", SIGNED_IN)],
        "auth.wikimedia_sign_in": [route("POST", "/auth/wikimedia", EVERYONE)],
        "auth.wikimedia_link": [route("POST", "/auth/wikimedia/link", SIGNED_IN)],
        "auth.wikimedia_callback": [route("GET", "/auth/wikimedia/callback", EVERYONE)],
        "auth.language": [route("POST", "/auth/language", SIGNED_IN)],
        "account.export": [route("GET", "/account/export", SIGNED_IN)],
        "account.delete": [route("GET", "/account/delete", SIGNED_IN)],
        "account.tokens": [route("GET", "/account/tokens", SIGNED_IN)],
        "account.revoke_token": [route("POST", "/account/tokens/1/revoke", SIGNED_IN)],
        "account.capx_import": [route("GET", "/account/capx", SIGNED_IN)],
        "people.profile": [route("GET", "/people/Mentee", EVERYONE)],
        "badges.issuer": [route("GET", "/badges/issuer.json", EVERYONE)],
        "badges.badge_class": [route("GET", "/badges/levels/fundamental.json", EVERYONE)],
        "badges.image": [route("GET", "/badges/levels/fundamental.svg", EVERYONE)],
        "badges.assertion": [route("GET", f"/badges/assertions/{w.badge_id}.json", EVERYONE)],
        "badges.certificate": [route("GET", f"/badges/{w.badge_id}", EVERYONE)],
        "badges.mine": [route("GET", "/badges/", SIGNED_IN)],
        "badges.revoke": [route("POST", f"/badges/{w.badge_id}/revoke", coordinators)],
        "badges.endorsement": [
            route("GET", f"/badges/assertions/{w.badge_id}/endorsement.json", EVERYONE)
        ],
        "badges.show_on_showcase": [route("POST", f"/badges/{w.badge_id}/showcase", {MENTEE})],
        "badges.withdraw_from_showcase": [
            route("POST", f"/badges/{w.badge_id}/showcase/withdraw", {MENTEE})
        ],
        "badges.endorsements_awaiting": [route("GET", "/badges/endorsements", SIGNED_IN)],
        "badges.endorsement_request": [
            route("GET", f"/badges/endorsements/{e}", endorsers),
        ],
        "badges.endorse": [route("POST", f"/badges/endorsements/{e}/endorse", endorsers)],
        "badges.not_yet": [route("POST", f"/badges/endorsements/{e}/not-yet", endorsers)],
        "badges.ask_again": [route("POST", "/badges/endorsements/ask/emerging", SIGNED_IN)],
        "showcase.index": [route("GET", "/showcase/", EVERYONE)],
        "showcase.hide": [route("POST", f"/showcase/{w.showcase_entry_id}/hide", coordinators)],
        "volunteers.ladder": [route("GET", "/ladder/", SIGNED_IN)],
        "volunteers.onboarding": [route("GET", "/ladder/start", SIGNED_IN)],
        "volunteers.replan": [route("GET", "/ladder/goals", SIGNED_IN)],
        "volunteers.step": [route("POST", f"/ladder/steps/{w.step_id}", {MENTEE})],
        "requests.new": [route("GET", "/requests/new", SIGNED_IN)],
        "requests.mine": [route("GET", "/requests/", SIGNED_IN)],
        "requests.withdraw": [route("POST", f"/requests/{r}/withdraw", {MENTEE})],
        "mentors.index": [route("GET", "/mentors/", SIGNED_IN)],
        "mentors.profile": [route("GET", f"/mentors/{w.people[MENTOR]}", SIGNED_IN)],
        "mentors.edit": [route("GET", "/mentors/me", SIGNED_IN)],
        "mentors.calls": [route("GET", "/mentors/calls", EVERYONE)],
        "mentors.offer_to_teach": [route("POST", "/mentors/calls/wiki-basics", SIGNED_IN)],
        "mentors.add_term": [route("POST", "/mentors/me/terms", SIGNED_IN)],
        "mentors.away": [route("POST", "/mentors/me/away", SIGNED_IN)],
        "mentors.back": [route("POST", "/mentors/me/back", SIGNED_IN)],
        "mentors.retire": [route("POST", "/mentors/me/retire", SIGNED_IN)],
        "mentorships.index": [route("GET", "/mentorships/", SIGNED_IN)],
        "mentorships.show": [route("GET", f"/mentorships/{m}", parties | coordinators)],
        "mentorships.end": [
            route("GET", f"/mentorships/{m}/end", parties | coordinators),
            route("POST", f"/mentorships/{m}/end", parties | coordinators),
        ],
        "mentorships.graduate": [
            route("GET", f"/mentorships/{m}/graduate", parties),
            route("POST", f"/mentorships/{m}/graduate", parties),
        ],
        "mentorships.agreement": [route("POST", f"/mentorships/{m}/agreement", parties)],
        "mentorships.confirm": [route("POST", f"/mentorships/{m}/confirm", parties)],
        "mentorships.checkin": [route("POST", f"/mentorships/{m}/checkins", parties)],
        "mentorships.report": [
            route("GET", f"/mentorships/{m}/report", parties),
            route("POST", f"/mentorships/{m}/report", parties),
        ],
        "mentorships.thank": [route("POST", f"/mentorships/{m}/thanks", {MENTEE, COORDINATOR})],
        "notifications.index": [route("GET", "/notifications/", SIGNED_IN)],
        "notifications.read_all": [route("POST", "/notifications/read", SIGNED_IN)],
        "notifications.follow": [route("GET", f"/notifications/{w.notification_id}", {MENTEE})],
        "coordinators.queue": [route("GET", "/coordinators/", coordinators)],
        "coordinators.approve": [
            route("POST", f"/coordinators/proposals/{p}/approve", coordinators)
        ],
        "coordinators.reject": [route("POST", f"/coordinators/proposals/{p}/reject", coordinators)],
        "coordinators.request_detail": [route("GET", f"/coordinators/requests/{r}", coordinators)],
        "coordinators.pick": [route("POST", f"/coordinators/requests/{r}/pick", coordinators)],
        "coordinators.batch": [route("POST", "/coordinators/batch", coordinators)],
        "coordinators.batch_review": [route("GET", "/coordinators/batch/x", coordinators)],
        "coordinators.succession": [
            route("GET", f"/coordinators/succession/{w.people[MENTOR]}", coordinators)
        ],
        "coordinators.propose_successors": [
            route("POST", f"/coordinators/succession/{w.people[MENTOR]}", coordinators)
        ],
        "coordinators.assign_backup": [
            route("POST", f"/coordinators/mentorships/{m}/backup", coordinators)
        ],
        "coordinators.remove_backup": [
            route("POST", f"/coordinators/mentorships/{m}/backup/remove", coordinators)
        ],
        "coordinators.reports": [route("GET", "/coordinators/reports", coordinators)],
        "coordinators.resolve_report": [
            route("POST", "/coordinators/reports/1/resolve", coordinators)
        ],
        "coordinators.audit": [route("GET", "/coordinators/audit", coordinators)],
        "coordinators.people": [route("GET", "/coordinators/people", coordinators)],
        "coordinators.sign_in_link": [
            route("POST", f"/coordinators/people/{w.people[OUTSIDER]}/link", coordinators)
        ],
        "coordinators.offboarding_template": [
            route("GET", "/coordinators/offboarding-template", coordinators),
            route("POST", "/coordinators/offboarding-template", coordinators),
        ],
        "coordinators.terms": [route("GET", "/coordinators/terms", coordinators)],
        "coordinators.add_term": [route("POST", "/coordinators/terms", coordinators)],
        "coordinators.nominate": [route("POST", "/coordinators/handover", coordinators)],
        "coordinators.cancel_handover": [
            route("POST", f"/coordinators/handover/{h}/cancel", coordinators)
        ],
        "jobs.show": [route("GET", f"/jobs/{w.job_id}", coordinators)],
        "jobs.retry": [route("POST", f"/jobs/{w.job_id}/retry", coordinators)],
        "dashboard.index": [route("GET", "/coordinators/dashboard/", coordinators)],
        "dashboard.export": [route("GET", "/coordinators/dashboard/hours.csv", coordinators)],
        **gathering_routes(w),
        **circle_routes(w),
        **api_routes(w),
    }


def gathering_routes(w: World) -> dict[str, list[dict]]:
    """Trainings and communities: public to read, a place for anyone signed in, posting
    for mentors and coordinators, attendance for the host (and coordinators)."""
    t = w.training_id
    return {
        "trainings.index": [route("GET", "/events/", EVERYONE)],
        "trainings.new": [route("GET", "/events/new", {MENTOR, OTHER_MENTOR, COORDINATOR})],
        "trainings.show": [route("GET", f"/events/{t}", EVERYONE)],
        "trainings.calendar": [route("GET", f"/events/{t}.ics", EVERYONE)],
        "trainings.my_calendar": [route("GET", "/events/mine.ics", SIGNED_IN)],
        "trainings.sign_up": [route("POST", f"/events/{t}/signup", SIGNED_IN)],
        "trainings.cancel": [route("POST", f"/events/{t}/cancel", SIGNED_IN)],
        "trainings.confirm": [
            route("POST", f"/events/{t}/attendance/{w.signup_id}", {MENTOR, COORDINATOR})
        ],
        "communities.index": [route("GET", "/communities/", EVERYONE)],
        "api_v1.trainings_list": [route("GET", "/api/v1/trainings", EVERYONE)],
        "api_v1.communities_list": [route("GET", "/api/v1/communities", EVERYONE)],
        "api_v1.training_signup": [route("POST", f"/api/v1/trainings/{t}/signup", SIGNED_IN)],
    }


def circle_routes(w: World) -> dict[str, list[dict]]:
    """A circle's board is private to its members (the mentee), its facilitator (the
    mentor) and coordinators; leading it is the facilitator's and coordinators'."""
    c, p = w.circle_id, w.post_id
    party, leads = {MENTOR, MENTEE}, {MENTOR, COORDINATOR}
    return {
        "circles.index": [route("GET", "/circles/", SIGNED_IN)],
        "circles.show": [route("GET", f"/circles/{c}", party | {COORDINATOR})],
        "circles.add_post": [route("POST", f"/circles/{c}/posts", party)],
        "circles.schedule": [route("POST", f"/circles/{c}/schedule", leads)],
        "circles.hide_post": [route("POST", f"/circles/posts/{p}/hide", leads)],
        "circles.restore_post": [route("POST", f"/circles/posts/{p}/restore", leads)],
        "circles.report_post": [
            route("GET", f"/circles/posts/{p}/report", party),
            route("POST", f"/circles/posts/{p}/report", party),
        ],
        "circles.hand_over": [
            route("GET", f"/circles/{c}/hand-over", leads),
            route("POST", f"/circles/{c}/hand-over", leads),
        ],
        "circles.end": [route("POST", f"/circles/{c}/end", leads)],
        # Those who see the circle reach the leave page; the service refuses the
        # facilitator and coordinators (not members) with a 409 that says why.
        "circles.leave": [
            route("GET", f"/circles/{c}/leave", party | {COORDINATOR}),
            route("POST", f"/circles/{c}/leave", party | {COORDINATOR}),
        ],
        "circles.approve": [route("POST", f"/circles/{c}/approve", {COORDINATOR})],
        "circles.new": [route("GET", "/circles/new", {COORDINATOR})],
        "coordinators.resolve_circle_report": [
            route("POST", "/coordinators/circle-reports/1/resolve", {COORDINATOR})
        ],
    }


def api_routes(w: World) -> dict[str, list[dict]]:
    """The API's operations: the same people as the web page for the same action."""
    m, r, p = w.mentorship_id, w.open_request_id, w.proposal_id
    coordinators, parties = {COORDINATOR}, {MENTOR, MENTEE}
    v1 = "/api/v1"
    checkin = {"happened_on": date.today().isoformat(), "minutes": 10}
    return {
        "api.docs": [route("GET", f"{v1}/docs", EVERYONE)],
        "api-docs.openapi_json": [route("GET", f"{v1}/openapi.json", EVERYONE)],
        "api_v1.levels": [route("GET", f"{v1}/catalog/levels", EVERYONE)],
        "api_v1.pillars": [route("GET", f"{v1}/catalog/pillars", EVERYONE)],
        "api_v1.skills": [route("GET", f"{v1}/catalog/skills", EVERYONE)],
        "api_v1.roles": [route("GET", f"{v1}/catalog/roles", EVERYONE)],
        "api_v1.resources_list": [route("GET", f"{v1}/resources", EVERYONE)],
        "api_v1.resource": [route("GET", f"{v1}/resources/1", EVERYONE)],
        "api_v1.ladder": [route("GET", f"{v1}/me/ladder", SIGNED_IN)],
        "api_v1.mark_step": [
            route("POST", f"{v1}/me/ladder/steps/{w.step_id}", {MENTEE}, {"status": "started"})
        ],
        "api_v1.capx_profile": [route("GET", f"{v1}/me/profile/capx", SIGNED_IN)],
        "api_v1.import_capx_profile": [route("POST", f"{v1}/me/profile/capx", SIGNED_IN, {})],
        "api_v1.mentors": [route("GET", f"{v1}/mentors", SIGNED_IN)],
        "api_v1.mentor": [route("GET", f"{v1}/mentors/{w.people[MENTOR]}", SIGNED_IN)],
        "api_v1.my_requests": [route("GET", f"{v1}/me/requests", SIGNED_IN)],
        "api_v1.my_circles": [route("GET", f"{v1}/me/circles", SIGNED_IN)],
        "api_v1.request_mentor": [route("POST", f"{v1}/me/requests", SIGNED_IN)],
        "api_v1.my_request": [route("GET", f"{v1}/me/requests/{r}", {MENTEE})],
        "api_v1.withdraw": [route("POST", f"{v1}/me/requests/{r}/withdraw", {MENTEE})],
        "api_v1.queue": [route("GET", f"{v1}/coordinator/queue", coordinators)],
        "api_v1.approve": [route("POST", f"{v1}/coordinator/proposals/{p}/approve", coordinators)],
        "api_v1.reject": [
            route("POST", f"{v1}/coordinator/proposals/{p}/reject", coordinators, {"reason": "x"})
        ],
        "api_v1.dashboard_figures": [route("GET", f"{v1}/coordinator/dashboard", coordinators)],
        "api_v1.my_mentorships": [route("GET", f"{v1}/me/mentorships", SIGNED_IN)],
        "api_v1.mentorship": [route("GET", f"{v1}/mentorships/{m}", parties | coordinators)],
        "api_v1.checkins": [route("GET", f"{v1}/mentorships/{m}/checkins", parties | coordinators)],
        "api_v1.add_checkin": [route("POST", f"{v1}/mentorships/{m}/checkins", parties, checkin)],
    }


@pytest.fixture
def tokens(world) -> dict[str, dict]:
    """Each person's API token with every scope they may hold; the API ignores the
    session cookie the tests also set, so a refusal here is the token's person's."""
    headers = {ANONYMOUS: {}}
    for actor in SIGNED_IN:
        person = db.session.get(Person, world.people[actor])
        scopes = ["read", "write"] + (["coordinate"] if actor == COORDINATOR else [])
        with transaction():
            _, secret = access_tokens.create_token(person, "matrix", scopes)
        headers[actor] = {"Authorization": f"Bearer {secret}"}
    return headers


def call(client, world, tokens, actor, entry):
    sign_in_as(client, world, actor)
    api = entry["url"].startswith("/api/")
    return client.open(
        entry["url"],
        method=entry["method"],
        json=entry["json"],
        headers=tokens[actor] if api else {},
    )


def is_refusal(actor: str, response) -> bool:
    if response.request.path.startswith("/api/"):
        return response.status_code == (401 if actor == ANONYMOUS else 403)
    if actor == ANONYMOUS:
        return response.status_code == 302 and "/auth/login" in response.headers["Location"]
    return response.status_code == 403


def test_every_route_is_classified(app, world):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(routes(world)) == endpoints


def test_every_route_refuses_everyone_it_must_and_changes_nothing(app, client, world, tokens):
    before = snapshot()
    for endpoint, entries in routes(world).items():
        for entry in entries:
            for actor in sorted(EVERYONE - entry["allowed"]):
                response = call(client, world, tokens, actor, entry)
                assert is_refusal(actor, response), (endpoint, entry["method"], actor)
    db.session.expire_all()
    assert snapshot() == before


def test_allowed_people_can_open_every_page(app, client, world, tokens):
    for endpoint, entries in routes(world).items():
        for entry in (e for e in entries if e["method"] == "GET"):
            for actor in sorted(entry["allowed"]):
                response = call(client, world, tokens, actor, entry)
                response.close()
                assert not is_refusal(actor, response), (endpoint, actor)
                assert response.status_code < 500, (endpoint, actor)


def needed_scope(entry: dict) -> str:
    if entry["url"].startswith("/api/v1/coordinator/"):
        return "coordinate"
    return "read" if entry["method"] == "GET" else "write"


def narrow_token(world: World, actor: str, entry: dict) -> dict[str, str]:
    """A token of ``actor`` with every scope they may hold but the one ``entry`` needs."""
    person = db.session.get(Person, world.people[actor])
    held = {"read", "write"} | ({"coordinate"} if actor == COORDINATOR else set())
    with transaction():
        _, secret = access_tokens.create_token(
            person, "narrow", sorted(held - {needed_scope(entry)})
        )
    return {"Authorization": f"Bearer {secret}"}


def test_every_api_route_refuses_a_token_without_its_scope(app, client, world):
    """The people allowed, with a token lacking the operation's scope: a 403, no change."""
    calls = [
        (endpoint, entry, narrow_token(world, min(entry["allowed"]), entry))
        for endpoint, entries in api_routes(world).items()
        for entry in entries
        if entry["allowed"] != EVERYONE
    ]
    assert len(calls) >= 18  # every operation that needs a token
    before = snapshot()
    for endpoint, entry, headers in calls:
        response = client.open(
            entry["url"], method=entry["method"], json=entry["json"], headers=headers
        )
        assert response.status_code == 403, endpoint
    db.session.expire_all()
    assert snapshot() == before
