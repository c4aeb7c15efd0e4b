"""The API's peer circles: the ones the token's person belongs to or leads, with their
boards as the web shows them to that person."""

from flask_login import current_user

from ..models import Circle, CirclePost
from ..services import circles
from ..services.access_tokens import READ
from . import schemas as s
from .auth import requires
from .routes import _documented, _page, blp


def _post(entry: CirclePost) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "author": entry.author.username if entry.author else None,
        "body": entry.body,
        "created_at": entry.created_at,
        "hidden": entry.hidden_at is not None,
    }


def _circle(circle: Circle, posts: list[CirclePost]) -> dict:
    return {
        "id": circle.id,
        "title": circle.title,
        "level": circle.level_id,
        "language": circle.language,
        "schedule": {
            "weekday": circle.weekday,
            "meets_at": circle.meets_at,
            "timezone": circle.timezone,
        },
        "state": circle.state.value,
        "facilitator": circle.facilitator.username if circle.facilitator else None,
        "member_count": len(circle.members),
        "posts": [_post(p) for p in posts],
    }


@blp.get("/me/circles")
@requires(READ)
@blp.response(200, s.page_of(s.CircleSchema))
@blp.arguments(s.PageArgsSchema, location="query")
@_documented()
def my_circles(args):
    """The peer circles I belong to or lead, newest first, with their boards (hidden
    posts only in the circles I lead)."""
    page = _page(circles.circles_of(current_user), args)
    boards = circles.boards(page["items"], current_user)
    return {**page, "items": [_circle(c, boards[c.id]) for c in page["items"]]}
