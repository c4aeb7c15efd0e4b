"""Jobs: long work (batch pairing, succession, large imports, the lifecycle sweep) run on
the RQ queue when ``REDIS_URL`` is set, else in the process that starts it; and the
page that follows one.

``kinds`` says what each kind does, ``runner`` starts, runs and retries them,
``queue`` talks to Redis and ``worker`` is what ``flask worker`` runs.
"""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from . import routes  # noqa: E402,F401
