"""Health checks for whatever runs Pathways (Toolforge's web service, a load balancer).

``/healthz`` says the process answers (liveness) and touches no store. ``/readyz`` says
whether it can serve (readiness): the database answers, and Redis too when configured;
otherwise 503 with the names of the stores that are down. Neither needs a sign-in, sets
a cookie or counts against a rate limit.
"""

from flask import Blueprint

bp = Blueprint("health", __name__)

from . import routes  # noqa: E402,F401
