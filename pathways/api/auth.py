"""Who calls the API: the person of the ``Authorization: Bearer`` token, and nobody else.

A session cookie never signs anyone in here, so a page on another site cannot make a
signed-in browser write through the API (hence the blueprint's CSRF exemption).
A wrong, expired or revoked token is a 401; a token without the scope an operation
needs, or a person without the role the web page needs, is a 403.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from flask import abort, g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import login_manager
from ..models import RoleName
from ..services import access_tokens, transaction

UNAUTHORIZED = {401: {"description": "No token, or a wrong, expired or revoked one."}}
FORBIDDEN = {403: {"description": "The token lacks the scope, or the person the role."}}


def bearer_token() -> str | None:
    """The token of the Authorization header; a 401 if the header is not a Bearer one."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _space, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401)
    return token.strip()


def rate_limit_key() -> str:
    """Count per token (a hash of it: no database query before the limit), else address."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return f"address:{get_remote_address()}"


def authenticate() -> None:
    """Before every API view: the token's person becomes ``current_user``, or nobody."""
    g._login_user = login_manager.anonymous_user()
    g.api_token = None
    raw = bearer_token()
    if raw is None:
        return
    with transaction():
        token = access_tokens.authenticate(raw)
    if token is None:
        abort(401)
    g.api_token = token
    g._login_user = token.person


def requires(scope: str, role: RoleName | None = None) -> Callable:
    """The view needs a token with ``scope`` (and its person ``role``, as the web page)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = g.get("api_token")
            if token is None:
                abort(401)
            if scope not in token.scope_set:
                abort(403, _("This token does not have the %(scope)s scope.", scope=scope))
            if role is not None and not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
