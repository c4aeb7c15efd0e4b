"""The API's request and response bodies: marshmallow schemas that validate input,
shape output and make the OpenAPI document. Unknown fields are refused (marshmallow's
default), so a misspelt field is a 422 naming it rather than silently ignored."""

from datetime import UTC

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..input_rules import (
    INTEGER_MAX,
    control_character,
    control_character_error,
    without_bidi_controls,
)
from ..models import EndorsementState, ResourceFormat, StepStatus
from ..services.capx import MAX_LIST_ITEMS as MAX_CAPX_ITEMS
from ..services.rules import MAX_TEXT

Id = validate.Range(min=1, max=INTEGER_MAX)


class UtcDateTime(fields.DateTime):
    """A moment the database keeps in naive UTC, written with its offset (RFC 3339)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Text(fields.String):
    """Text sent in a body, under the rules a form's field follows: no control character
    (``multiline`` text keeps tab and line breaks) and no lone surrogate, refused naming
    the field (PostgreSQL refuses NUL, and no database can write a lone surrogate); free
    text loses its bidi embedding, override and isolate controls."""

    def __init__(self, *args, multiline: bool = False, **kwargs) -> None:
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        character = control_character(text, self.multiline)
        if character is not None:
            raise ValidationError(str(control_character_error(self.name, character)))
        return without_bidi_controls(text)


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


class ResourceArgsSchema(PageArgsSchema):
    skill = fields.String(metadata={"description": "A skill id: only its resources."})
    language = fields.String(
        validate=validate.Length(max=12), metadata={"description": "A language code, e.g. es."}
    )
    format = fields.String(validate=validate.OneOf([f.value for f in ResourceFormat]))


class ResourceSchema(Schema):
    id = fields.Integer(required=True)
    skill_id = fields.String(required=True)
    title = fields.String(required=True)
    link = fields.String(required=True)
    language = fields.String(required=True)
    format = fields.String(required=True)
    level = fields.String(required=True)
    translation_of = fields.Integer(allow_none=True, required=True)


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
    endorsement = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "enum": [s.value for s in EndorsementState],
            "description": "The mentor's endorsement that this level's badge waits for "
            "(pending), that said what to work on first (not_yet), or that was given "
            "(endorsed); null when the level was not finished or needs none.",
        },
    )


class LadderSchema(Schema):
    goal_roles = fields.List(fields.String(), required=True)
    hours_per_week = fields.Float(required=True)
    steps = fields.List(fields.Nested(StepSchema), required=True)
    rungs = fields.List(fields.Nested(RungSchema), required=True)


class StepUpdateSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in StepStatus]))
    reflection = Text(multiline=True, load_default="", validate=validate.Length(max=MAX_TEXT))


class StepUpdatedSchema(Schema):
    step = fields.Nested(StepSchema, required=True)
    badge_level = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "The level whose badge this step earned, if any (a level that "
            "needs a mentor's endorsement earns none yet: see the ladder's rungs)."
        },
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
    wants_group = fields.Boolean(
        required=True, metadata={"description": "A peer circle rather than one mentor."}
    )
    created_at = UtcDateTime(required=True)
    proposals = fields.List(fields.Nested(ProposalSchema), required=True)


class QueuedRequestSchema(RequestSchema):
    mentee = fields.Nested(PersonRefSchema, required=True)


class RequestCreateSchema(Schema):
    skills = fields.List(
        fields.String(validate=validate.Length(max=80)),
        required=True,
        validate=validate.Length(max=MAX_PER_PAGE),
    )
    note = Text(multiline=True, load_default="", validate=validate.Length(max=MAX_TEXT))
    preferred_mentor_id = fields.Integer(load_default=None, allow_none=True, validate=Id)
    wants_group = fields.Boolean(
        load_default=False,
        metadata={"description": "Ask for a peer circle; the next batch run proposes one."},
    )


class QueueArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=INTEGER_MAX))
    language = fields.String(load_default="", validate=validate.Length(max=12))
    skill = fields.String(load_default="", validate=validate.Length(max=80))
    waiting_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=3650))


class RejectSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))


class MentorshipCreatedSchema(Schema):
    mentorship_id = fields.Integer(required=True)


# Peer circles ---------------------------------------------------------------------------


class CirclePostSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "reflection or practice"})
    author = fields.String(
        allow_none=True, required=True, metadata={"description": "The author's username."}
    )
    body = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    hidden = fields.Boolean(
        required=True, metadata={"description": "Hidden by the facilitator: shown only to them."}
    )


class CircleScheduleSchema(Schema):
    weekday = fields.Integer(
        allow_none=True, required=True, metadata={"description": "0 = Monday; null: not set"}
    )
    meets_at = fields.String(
        allow_none=True, required=True, metadata={"description": "HH:MM; null: not set"}
    )
    timezone = fields.String(required=True)


class CircleSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    level = fields.String(required=True, metadata={"description": "The circle's rung."})
    language = fields.String(required=True)
    schedule = fields.Nested(CircleScheduleSchema, required=True)
    state = fields.String(required=True)
    facilitator = fields.String(
        allow_none=True, required=True, metadata={"description": "The facilitator's username."}
    )
    member_count = fields.Integer(required=True)
    posts = fields.List(fields.Nested(CirclePostSchema), required=True)


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
    started_at = UtcDateTime(required=True)
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
    notes = Text(multiline=True, load_default="", validate=validate.Length(max=MAX_TEXT))


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


# Capacity Exchange profiles -------------------------------------------------------------------


class CapxLanguageSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(strict=True, metadata={"description": "CapX's language id."})
    code = fields.String(metadata={"description": "A language code, instead of an id."})
    proficiency = fields.String(
        load_default="", metadata={"description": "0 to 5, or n (native); blank if not told."}
    )


def _capx_ids(description: str) -> fields.List:
    return fields.List(
        fields.Integer(strict=True),
        load_default=list,
        validate=validate.Length(max=MAX_CAPX_ITEMS),
        metadata={"description": description},
    )


class CapxProfileSchema(Schema):
    """A CapX profile as its API gives it; the fields Pathways does not read are ignored."""

    class Meta:
        unknown = EXCLUDE

    skills_known = _capx_ids("CapX skill ids the person knows: “confident” here.")
    skills_available = _capx_ids("CapX skill ids the person can teach: “can teach” here.")
    skills_wanted = _capx_ids("CapX skill ids the person wants to learn: “learning” here.")
    language = fields.List(
        fields.Nested(CapxLanguageSchema),
        load_default=list,
        validate=validate.Length(max=MAX_CAPX_ITEMS),
    )


class CapxImportArgsSchema(Schema):
    preview = fields.Boolean(
        load_default=False, metadata={"description": "Only say what would change."}
    )


class CapxImportSchema(Schema):
    applied = fields.Boolean(required=True)
    stances = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "The new self-assessment of each skill that changes."},
    )
    languages = fields.List(fields.String(), required=True, metadata={"description": "Added."})
    interests = fields.String(
        required=True,
        metadata={"description": "The interests with the wanted skills' names; empty if kept."},
    )
    unmapped_skills = fields.List(
        fields.String(), required=True, metadata={"description": "CapX skills left out, by name."}
    )
    unknown_languages = fields.List(fields.String(), required=True)


class CapxUserSchema(Schema):
    username = fields.String(required=True)


class CapxExportSchema(Schema):
    user = fields.Nested(CapxUserSchema, required=True)
    skills_known = fields.List(fields.Integer(), required=True)
    skills_available = fields.List(fields.Integer(), required=True)
    skills_wanted = fields.List(fields.Integer(), required=True)
    language = fields.List(fields.Nested(CapxLanguageSchema), required=True)


# Trainings and communities ------------------------------------------------------------


class TrainingSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    online = fields.Boolean(required=True)
    venue = fields.String(required=True)
    link = fields.String(allow_none=True)
    language = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    starts_at = fields.DateTime(
        required=True, metadata={"description": "UTC; `timezone` is the training's own zone."}
    )
    timezone = fields.String(required=True)
    minutes = fields.Integer(required=True)
    places = fields.Integer(required=True)
    places_taken = fields.Integer(required=True)


class TrainingArgsSchema(PageArgsSchema):
    language = fields.String(validate=validate.Length(max=12))
    skill = fields.String(validate=validate.Length(max=80))


class CommunitySchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    languages = fields.List(fields.String(), required=True)
    region = fields.String(required=True)
    topics = fields.String(required=True)
    link = fields.String(required=True)
    how_to_join = fields.String(required=True)


class CommunityArgsSchema(PageArgsSchema):
    language = fields.String(validate=validate.Length(max=12))
