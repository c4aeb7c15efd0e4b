"""The API's trainings and communities: public reads, as the pages are, and sign-up."""

from flask_login import current_user

from ..models import Training
from ..services import communities, trainings, transaction
from ..services.access_tokens import WRITE
from . import schemas as s
from .auth import requires
from .routes import _documented, _found, _page, blp

TRAINING_FIELDS = set(s.TrainingSchema._declared_fields) - {"places_taken"}


def _training(training: Training) -> dict:
    return {
        **{field: getattr(training, field) for field in TRAINING_FIELDS},
        "places_taken": len(training.signups),
    }


@blp.get("/trainings")
@blp.response(200, s.page_of(s.TrainingSchema))
@blp.arguments(s.TrainingArgsSchema, location="query")
@_documented(secured=False)
def trainings_list(args):
    """Upcoming trainings, soonest first; ``language`` and ``skill`` narrow the list."""
    rows = trainings.upcoming(args.get("language"), args.get("skill"))
    return _page([_training(t) for t in rows], args)


@blp.post("/trainings/<int:training_id>/signup")
@requires(WRITE)
@blp.response(200, s.TrainingSchema)
@_documented()
def training_signup(training_id: int):
    """Take a place at a training (409 when none is left)."""
    training = _found(Training, training_id)
    with transaction():
        trainings.sign_up(current_user, training)
    return _training(training)


@blp.get("/communities")
@blp.response(200, s.page_of(s.CommunitySchema))
@blp.arguments(s.CommunityArgsSchema, location="query")
@_documented(secured=False)
def communities_list(args):
    """The community directory; ``language`` keeps the communities working in it."""
    return _page(communities.directory(args.get("language")), args)
