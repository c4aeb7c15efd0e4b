"""The API's operations. Each one parses with a schema, calls the service function the
web page calls, inside one transaction, and answers with a schema."""

from dataclasses import asdict
from datetime import date

from flask import abort, current_app
from flask_login import current_user
from flask_smorest import Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from ..catalog import get_catalog
from ..catalog_messages import translated
from ..extensions import db, limiter
from ..i18n import reader_languages
from ..input_rules import read_json
from ..models import MatchProposal, MentorRequest, Mentorship, Person, PlanStep, RoleName
from ..services import (
    capx,
    dashboard,
    endorsements,
    mentor_requests,
    mentorships,
    offers,
    plans,
    resources,
    transaction,
)
from ..services.access_tokens import COORDINATE, READ, WRITE
from ..services.matching import active_mentee_counts, is_away, teachable_skills
from . import PREFIX
from . import schemas as s
from .auth import FORBIDDEN, UNAUTHORIZED, authenticate, rate_limit_key, requires


class ArgumentsParser(FlaskParser):
    """webargs' own, reading JSON bodies with :func:`read_json`: nesting too deep to read
    is a 400 like any other body that does not parse."""

    def _raw_load_json(self, req):
        return read_json(req.get_data(cache=True)) if is_json_request(req) else missing


blp = Blueprint("api_v1", __name__, description="Pathways JSON API, version 1")
blp.ARGUMENTS_PARSER = ArgumentsParser()
blp.before_request(authenticate)
# Once, with the blueprint: the limiter keeps a blueprint's limits for the process, so a
# limit added by each app made (tests make many) would count every request once per app.
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key)(blp)

ERRORS = {
    400: {"description": "Malformed request (e.g. JSON that does not parse)."},
    404: {"description": "No such record."},
    409: {"description": "The record's state refuses the action."},
    422: {"description": "Input at fault; `fields` names it."},
    429: {"description": "Too many requests."},
}


def _documented(*, secured: bool = True):
    """The error responses every operation may give, in the one error body shape.

    Only noted on the view here (the innermost decorator); ``_document_errors`` writes
    them when the OpenAPI document is first made. Written with ``blp.alt_response`` at
    import, seven responses per view made flask-smorest deep-copy an error schema some
    two thousand times at every start of a command or worker."""
    codes = {**ERRORS, **(UNAUTHORIZED if secured else {}), **(FORBIDDEN if secured else {})}

    def decorate(view):
        view._apidoc = {**getattr(view, "_apidoc", {}), "error_responses": codes}
        if secured:
            view = blp.doc(security=[{"bearer": []}])(view)
        return view

    return decorate


def _document_errors(doc: dict, doc_info: dict, **kwargs) -> dict:
    """The responses ``_documented`` noted, first of each operation's, as
    ``blp.alt_response`` would have put them."""
    codes = doc_info.pop("error_responses", {})
    response = doc_info.setdefault("response", {})
    responses = {
        code: [{"schema": s.ErrorBodySchema(), **info, "content_type": None}]
        for code, info in codes.items()
    }
    for code, documented in response.get("responses", {}).items():
        responses.setdefault(code, []).extend(documented)
    if responses:
        response["responses"] = responses
    return doc


# flask-smorest's hook for what a view's decorators noted, run as the document is made.
blp._prepare_doc_cbks.insert(0, _document_errors)


def _page(items: list, args: dict) -> dict:
    page, per_page = args["page"], args["per_page"]
    start = (page - 1) * per_page
    return {
        "items": items[start : start + per_page],
        "page": page,
        "per_page": per_page,
        "total": len(items),
    }


def _loaded_page(pagination, items: list) -> dict:
    """A page the service loaded from the database (``Pagination``), its items shown."""
    return {
        "items": items,
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
    }


def _found(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


# Catalog: public, as the catalog pages are ------------------------------------------------


def _translated_items(items, *fields: str) -> list[dict]:
    return [{**asdict(item), **{f: translated(item, f) for f in fields}} for item in items]


@blp.get("/catalog/levels")
@blp.response(200, s.page_of(s.LevelSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented(secured=False)
def levels(args):
    """The levels of the framework, lowest first; names in the Accept-Language."""
    items = sorted(get_catalog().levels.values(), key=lambda level: level.rank)
    return _page(_translated_items(items, "name", "description"), args)


@blp.get("/catalog/pillars")
@blp.response(200, s.page_of(s.PillarSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented(secured=False)
def pillars(args):
    """The pillars of the framework."""
    return _page(_translated_items(get_catalog().pillars.values(), "name", "description"), args)


@blp.get("/catalog/skills")
@blp.response(200, s.page_of(s.SkillSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented(secured=False)
def skills(args):
    """The skills, in catalog order."""
    return _page(_translated_items(get_catalog().skills.values(), "name", "description"), args)


@blp.get("/catalog/roles")
@blp.response(200, s.page_of(s.RoleSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented(secured=False)
def roles(args):
    """The roles of the ladder of engagement, by rank."""
    items = sorted(get_catalog().roles.values(), key=lambda role: role.rank)
    return _page(_translated_items(items, "name", "description"), args)


# Learning resources: public, as the list page is -------------------------------------------


def _resource(resource) -> dict:
    return {
        "id": resource.id,
        "skill_id": resource.skill_id,
        "title": resource.title,
        "link": resource.link,
        "language": resource.language,
        "format": resource.format.value,
        "level": resource.level_id,
        "translation_of": resource.translation_of_id,
    }


@blp.get("/resources")
@blp.response(200, s.page_of(s.ResourceSchema))
@blp.arguments(s.ResourceArgsSchema, location="query")
@_documented(secured=False)
def resources_list(args):
    """The approved learning resources, filtered by skill, language and format; the
    Accept-Language's language first."""
    found = resources.approved(args.get("skill"), args.get("language"), args.get("format"))
    ordered = resources.reader_first(found, reader_languages())
    return _page([_resource(r) for r in ordered], args)


@blp.get("/resources/<int:resource_id>")
@blp.response(200, s.ResourceSchema)
@_documented(secured=False)
def resource(resource_id: int):
    """One approved learning resource."""
    found = resources.find_resource(resource_id)
    if found is None or found.approved_at is None:
        abort(404)
    return _resource(found)


# My ladder --------------------------------------------------------------------------------


def _step(row: PlanStep) -> dict:
    return {
        "id": row.id,
        "skill_id": row.skill_id,
        "level": get_catalog().skills[row.skill_id].level,
        "status": row.status.value,
        "reflection": row.reflection,
    }


@blp.get("/me/ladder")
@requires(READ)
@blp.response(200, s.LadderSchema)
@_documented()
def ladder():
    """My ladder: goals, steps in order, and progress per level (404 before onboarding)."""
    plan = plans.plan_of(current_user)
    if plan is None:
        abort(404)
    asked = endorsements.endorsements_of(current_user)
    return {
        "goal_roles": plan.goal_roles,
        "hours_per_week": plan.hours_per_week,
        "steps": [_step(row) for row in plan.steps],
        "rungs": [
            {
                "level": r.level_id,
                "done": r.done,
                "total": r.total,
                "endorsement": asked[r.level_id].state.value if r.level_id in asked else None,
            }
            for r in plans.progress_by_rung(plan)
        ],
    }


@blp.post("/me/ladder/steps/<int:step_id>")
@requires(WRITE)
@blp.arguments(s.StepUpdateSchema)
@blp.response(200, s.StepUpdatedSchema)
@_documented()
def mark_step(update, step_id):
    """Mark progress on one of my steps (403 for someone else's)."""
    row = _found(PlanStep, step_id)
    with transaction():
        badge = plans.mark_step(current_user, step_id, update["status"], update["reflection"])
    return {"step": _step(row), "badge_level": badge.level_id if badge else None}


# My Capacity Exchange profile -------------------------------------------------------------------


@blp.get("/me/profile/capx")
@requires(READ)
@blp.response(200, s.CapxExportSchema)
@_documented()
def capx_profile():
    """My skills and languages as a Capacity Exchange profile (the catalog mapped onto CapX)."""
    return capx.export_profile(current_user)


@blp.post("/me/profile/capx")
@requires(WRITE)
@blp.arguments(s.CapxProfileSchema)
@blp.arguments(s.CapxImportArgsSchema, location="query")
@blp.response(200, s.CapxImportSchema)
@_documented()
def import_capx_profile(body, args):
    """Import a CapX profile: stances only rise, languages are added; ``preview`` writes nothing.

    Skills CapX has and this catalog lacks come back by name in ``unmapped_skills``.
    """
    profile = capx.parse_profile(body)
    if args["preview"]:
        plan = capx.preview(current_user, profile)
    else:
        with transaction():
            plan = capx.apply_import(current_user, profile)
    return {
        "applied": not args["preview"],
        "stances": {skill_id: str(stance) for skill_id, stance in plan.stances.items()},
        "languages": plan.languages,
        "interests": plan.interests,
        "unmapped_skills": plan.unmapped_skills,
        "unknown_languages": plan.unknown_languages,
    }


# Mentors ------------------------------------------------------------------------------------


def _mentors(listed) -> list[dict]:
    ids = [offer.person_id for offer in listed]
    taught, held, today = teachable_skills(ids), active_mentee_counts(ids), date.today()
    return [
        {
            "id": offer.person_id,
            "username": offer.person.username,
            "intro": offer.intro,
            "wiki_projects": offer.wiki_projects,
            "away": is_away(offer, today),
            "has_free_place": held.get(offer.person_id, 0) < offer.capacity,
            "languages": offer.person.language_codes if offer.show_languages else None,
            "skills": taught.get(offer.person_id, []) if offer.show_skills else None,
        }
        for offer in listed
    ]


@blp.get("/mentors")
@requires(READ)
@blp.response(200, s.page_of(s.MentorSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented()
def mentors(args):
    """Everyone who mentors now, by name: the public fields only, as the mentors page."""
    listed = offers.listed_offers(args["page"], args["per_page"])
    return _loaded_page(listed, _mentors(listed.items))


@blp.get("/mentors/<int:person_id>")
@requires(READ)
@blp.response(200, s.MentorSchema)
@_documented()
def mentor(person_id):
    """One mentor's public fields."""
    offer = offers.offer_of_person_id(person_id)
    if offer is None or not offer.person.is_active:
        abort(404)
    return _mentors([offer])[0]


# My mentor requests ---------------------------------------------------------------------------


def _request(request: MentorRequest) -> dict:
    return {
        "id": request.id,
        "state": request.state.value,
        "skills": request.skills,
        "note": request.note,
        "wants_group": request.wants_group,
        "created_at": request.created_at,
        "mentee": {"id": request.mentee_id, "username": request.mentee.username},
        "proposals": [
            {
                "id": p.id,
                "mentor": {"id": p.mentor_id, "username": p.mentor.username},
                "state": p.state.value,
                "score": p.score,
            }
            for p in request.proposals
        ],
    }


@blp.get("/me/requests")
@requires(READ)
@blp.response(200, s.page_of(s.RequestSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented()
def my_requests(args):
    """My requests, newest first, with their proposals."""
    return _page([_request(r) for r in mentor_requests.requests_of(current_user)], args)


def _request_link(operation: str, path: str) -> dict:
    """An OpenAPI link from a created request to an operation on it (for clients and fuzzers)."""
    return {
        "operationRef": f"#/paths/{(PREFIX + path).replace('/', '~1')}/{operation}",
        "parameters": {"request_id": "$response.body#/id"},
    }


@blp.post("/me/requests")
@requires(WRITE)
@blp.arguments(s.RequestCreateSchema)
@blp.response(201, s.RequestSchema)
@blp.doc(
    responses={
        201: {
            "links": {
                "ReadRequest": _request_link("get", "/me/requests/{request_id}"),
                "WithdrawRequest": _request_link("post", "/me/requests/{request_id}/withdraw"),
            }
        }
    }
)
@_documented()
def request_mentor(body):
    """Ask for a mentor, or a peer circle (``wants_group``); the best mentor is proposed
    to the coordinators at once, a circle by the next batch run (409 if one waits)."""
    with transaction():
        created = mentor_requests.request_mentor(
            current_user,
            body["skills"],
            body["note"],
            body["preferred_mentor_id"],
            body["wants_group"],
        )
    return _request(created)


def _my_request(request_id: int) -> MentorRequest:
    request = _found(MentorRequest, request_id)
    if request.mentee_id != current_user.id:
        abort(403)
    return request


@blp.get("/me/requests/<int:request_id>")
@requires(READ)
@blp.response(200, s.RequestSchema)
@_documented()
def my_request(request_id):
    """One of my requests, with its proposals (403 for someone else's)."""
    return _request(_my_request(request_id))


@blp.post("/me/requests/<int:request_id>/withdraw")
@requires(WRITE)
@blp.response(200, s.RequestSchema)
@_documented()
def withdraw(request_id):
    """Withdraw my waiting request (403 for someone else's, 409 if already decided)."""
    request = _found(MentorRequest, request_id)
    with transaction():
        mentor_requests.withdraw_request(current_user, request)
    return _request(request)


# Coordinators -----------------------------------------------------------------------------------


@blp.get("/coordinator/queue")
@requires(COORDINATE, RoleName.COORDINATOR)
@blp.response(200, s.page_of(s.QueuedRequestSchema))
@blp.arguments(s.QueueArgsSchema, location="query")
@_documented()
def queue(args):
    """The requests waiting for a mentor, oldest first, 25 a page, as the queue page."""
    waiting = mentor_requests.waiting_queue(
        args["language"].strip().lower(), args["skill"], args["waiting_days"], args["page"]
    )
    return _loaded_page(waiting, [_request(r) for r in waiting.items])


@blp.post("/coordinator/proposals/<int:proposal_id>/approve")
@requires(COORDINATE, RoleName.COORDINATOR)
@blp.response(201, s.MentorshipCreatedSchema)
@_documented()
def approve(proposal_id):
    """Pair the mentee and the mentor (409 if the mentor has no place, or it was decided)."""
    proposal = _found(MatchProposal, proposal_id)
    with transaction():
        mentorship = mentor_requests.approve_proposal(current_user, proposal, date.today())
    return {"mentorship_id": mentorship.id}


@blp.post("/coordinator/proposals/<int:proposal_id>/reject")
@requires(COORDINATE, RoleName.COORDINATOR)
@blp.arguments(s.RejectSchema)
@blp.response(200, s.RequestSchema)
@_documented()
def reject(body, proposal_id):
    """Reject with a reason; the next best mentor, if any, is proposed."""
    proposal = _found(MatchProposal, proposal_id)
    with transaction():
        mentor_requests.reject_proposal(current_user, proposal, body["reason"])
    return _request(proposal.request)


@blp.get("/coordinator/dashboard")
@requires(COORDINATE, RoleName.COORDINATOR)
@blp.response(200, s.DashboardSchema)
@_documented()
def dashboard_figures():
    """The dashboard's figures: waiting times, matches per month, loads, skills demand."""
    today = date.today()
    waiting = dashboard.waiting_times(today)
    return {
        "waiting": waiting.count,
        "median_wait_days": waiting.median_days,
        "longest_wait_days": waiting.max_days,
        "matches_per_month": dashboard.matches_per_month(today),
        "mentor_load": dashboard.mentor_load(today),
        "skills_demand": dashboard.skills_demand(),
    }


# Mentorships -------------------------------------------------------------------------------------


def _person(person: Person) -> dict:
    return {"id": person.id, "username": person.username}


def _mentorship(m: Mentorship) -> dict:
    return {
        "id": m.id,
        "mentor": _person(m.mentor),
        "mentee": _person(m.mentee),
        "backup": _person(m.backup) if m.backup else None,
        "state": m.state.value,
        "started_at": m.started_at,
        "checkin_every_days": m.checkin_every_days,
    }


def _viewable(mentorship_id: int) -> Mentorship:
    mentorship = _found(Mentorship, mentorship_id)
    if not mentorships.can_view(current_user, mentorship):
        abort(403)
    return mentorship


@blp.get("/me/mentorships")
@requires(READ)
@blp.response(200, s.page_of(s.MentorshipSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented()
def my_mentorships(args):
    """The mentorships I am part of, as mentor or mentee, newest first."""
    return _page([_mentorship(m) for m in mentorships.mentorships_of(current_user)], args)


@blp.get("/mentorships/<int:mentorship_id>")
@requires(READ)
@blp.response(200, s.MentorshipSchema)
@_documented()
def mentorship(mentorship_id):
    """One mentorship: for its two people and coordinators, as its page."""
    return _mentorship(_viewable(mentorship_id))


@blp.get("/mentorships/<int:mentorship_id>/checkins")
@requires(READ)
@blp.response(200, s.page_of(s.CheckInSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented()
def checkins(args, mentorship_id):
    """A mentorship's check-ins, oldest first."""
    rows = sorted(_viewable(mentorship_id).checkins, key=lambda c: (c.happened_on, c.id))
    return _page(rows, args)


@blp.post("/mentorships/<int:mentorship_id>/checkins")
@requires(WRITE)
@blp.arguments(s.CheckInCreateSchema)
@blp.response(201, s.CheckInSchema)
@_documented()
def add_checkin(body, mentorship_id):
    """Log a check-in, as the mentor or the mentee (in UTC days)."""
    mentorship = _viewable(mentorship_id)
    with transaction():
        mentorships.log_checkin(
            current_user,
            mentorship,
            body["happened_on"],
            body["minutes"],
            body["notes"],
            today=date.today(),
        )
    return max(mentorship.checkins, key=lambda c: c.id)
