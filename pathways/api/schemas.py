"""The API's request and response bodies: marshmallow schemas that validate input,
shape output and make the OpenAPI document. Unknown fields are refused (marshmallow's
default), so a misspelt field is a 422 naming it rather than silently ignored."""

from marshmallow import Schema, fields, validate

from ..input_rules import INTEGER_MAX
from ..models import StepStatus
from ..services.rules import MAX_TEXT

Id = validate.Range(min=1, max=INTEGER_MAX)
MAX_PER_PAGE = 100


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"example": "invalid"})
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "The message for each input at fault, by its name."},
    )


class ErrorBodySchema(Schema):
    error = fields.Nested(ErrorSchema, required=True)


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=INTEGER_MAX))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """A page of ``item_schema`` items and where it stands among all of them."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema))})


# Catalog --------------------------------------------------------------------------------


class LevelSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    rank = fields.Integer(required=True)
    description = fields.String(required=True)


class PillarSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)


class SkillSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    track = fields.String(required=True)
    description = fields.String(required=True)
    prerequisites = fields.List(fields.String(), required=True)
    effort_hours = fields.Float(required=True)


class RoleSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    rank = fields.Integer(required=True)
    description = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)


# Ladder ---------------------------------------------------------------------------------


class StepSchema(Schema):
    id = fields.Integer(required=True)
    skill_id = fields.String(required=True)
    level = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in StepStatus]})
    reflection = fields.String(required=True)


class RungSchema(Schema):
    level = fields.String(required=True)
    done = fields.Integer(required=True)
    total = fields.Integer(required=True)


class LadderSchema(Schema):
    goal_roles = fields.List(fields.String(), required=True)
    hours_per_week = fields.Float(required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    rungs = fields.List(fields.Nested(RungSchema), required=True)


class StepUpdateSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in StepStatus]))
    reflection = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))


class StepUpdatedSchema(Schema):
    step = fields.Nested(StepSchema, required=True)
    badge_level = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The level whose badge this step earned, if any."},
    )


# People and mentors ---------------------------------------------------------------------


class PersonRefSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)


class MentorSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    intro = fields.String(required=True)
    wiki_projects = fields.String(required=True)
    away = fields.Boolean(required=True)
    has_free_place = fields.Boolean(required=True)
    languages = fields.List(
        fields.String(), allow_none=True, required=True, metadata={"description": "null: hidden"}
    )
    skills = fields.List(
        fields.String(), allow_none=True, required=True, metadata={"description": "null: hidden"}
    )


# Requests and proposals -----------------------------------------------------------------


class ProposalSchema(Schema):
    id = fields.Integer(required=True)
    mentor = fields.Nested(PersonRefSchema, required=True)
    state = fields.String(required=True)
    score = fields.Float(required=True)


class RequestSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    proposals = fields.List(fields.Nested(ProposalSchema), required=True)


class QueuedRequestSchema(RequestSchema):
    mentee = fields.Nested(PersonRefSchema, required=True)


class RequestCreateSchema(Schema):
    skills = fields.List(
        fields.String(validate=validate.Length(max=80)),
        required=True,
        validate=validate.Length(max=MAX_PER_PAGE),
    )
    note = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))
    preferred_mentor_id = fields.Integer(load_default=None, allow_none=True, validate=Id)


class QueueArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=INTEGER_MAX))
    language = fields.String(load_default="", validate=validate.Length(max=12))
    skill = fields.String(load_default="", validate=validate.Length(max=80))
    waiting_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=3650))


class RejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class MentorshipCreatedSchema(Schema):
    mentorship_id = fields.Integer(required=True)


# Mentorships ----------------------------------------------------------------------------


class MentorshipSchema(Schema):
    id = fields.Integer(required=True)
    mentor = fields.Nested(PersonRefSchema, required=True)
    mentee = fields.Nested(PersonRefSchema, required=True)
    backup = fields.Nested(
        PersonRefSchema,
        allow_none=True,
        required=True,
        metadata={"description": "Stands in while the mentor is away."},
    )
    state = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    checkin_every_days = fields.Integer(required=True)


class CheckInSchema(Schema):
    id = fields.Integer(required=True)
    author_id = fields.Integer(allow_none=True, required=True)
    happened_on = fields.Date(required=True)
    minutes = fields.Integer(required=True)
    notes = fields.String(required=True)


class CheckInCreateSchema(Schema):
    happened_on = fields.Date(required=True)
    minutes = fields.Integer(required=True, validate=validate.Range(min=0, max=24 * 60))
    notes = fields.String(load_default="", validate=validate.Length(max=MAX_TEXT))


# Dashboard ------------------------------------------------------------------------------


class MonthCountSchema(Schema):
    month = fields.Date(required=True)
    count = fields.Integer(required=True)


class MentorLoadSchema(Schema):
    mentor_id = fields.Integer(required=True)
    username = fields.String(required=True)
    used = fields.Integer(required=True)
    capacity = fields.Integer(required=True)
    away = fields.Boolean(required=True)


class SkillDemandSchema(Schema):
    skill_id = fields.String(required=True)
    requested = fields.Integer(required=True)
    offered = fields.Integer(required=True)


class DashboardSchema(Schema):
    waiting = fields.Integer(required=True)
    median_wait_days = fields.Float(allow_none=True, required=True)
    longest_wait_days = fields.Integer(allow_none=True, required=True)
    matches_per_month = fields.List(fields.Nested(MonthCountSchema), required=True)
    mentor_load = fields.List(fields.Nested(MentorLoadSchema), required=True)
    skills_demand = fields.List(fields.Nested(SkillDemandSchema), required=True)
