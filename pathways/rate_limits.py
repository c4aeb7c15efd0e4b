"""The named rate limits, worn by views as decorators under their route.

Counts live in the limiter's storage, ``RATELIMIT_STORAGE_URI``: memory serves one
process; several workers share Redis, or each would count alone (``gunicorn.conf.py``
refuses that). The client's address is ``request.remote_addr``, which ``ProxyFix``
takes from ``X-Forwarded-For`` only as far as ``TRUSTED_PROXIES`` allows.

Sign-in counts failures only, per username and address: someone guessing locks out
neither the person signing in from elsewhere nor everyone behind the same proxy. A
looser ceiling of failures per address, shared with sign-in links, stops one address
from trying name after name.

To limit another view: add a setting such as ``PASSWORD_CHANGE_RATE_LIMIT = "10 per
hour"`` to ``Config`` and a decorator here (``per_person("…")`` or ``per_address("…")``),
and put it under the route and any ``@login_required``; or reuse one: a "change my
password" form wears ``@rate_limits.password_change``, as ``/auth/password`` does, and
shares its count per person.
"""

import time
from collections.abc import Callable

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .extensions import limiter
from .services.accounts import username_key

View = Callable[..., object]


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def person_or_address() -> str:
    """The signed-in person, so people behind one address do not share a count."""
    if current_user.is_authenticated:
        return f"person:{current_user.id}"
    return f"address:{get_remote_address()}"


def username_at_address() -> str:
    """The username tried (compared as accounts compare it) and where from."""
    return f"{username_key(request.form.get('username', ''))}@{get_remote_address()}"


def failed(response: Response) -> bool:
    """A refused attempt (wrong password, unknown link), not the limit's own 429."""
    return 400 <= response.status_code < 500 and response.status_code != 429


def per_address(setting: str) -> Callable[[View], View]:
    """POSTs per client address; every view wearing it shares one count."""
    return limiter.shared_limit(_setting(setting), scope=setting, methods=["POST"])


def per_person(setting: str) -> Callable[[View], View]:
    """POSTs per signed-in person; every view wearing it shares one count."""
    return limiter.shared_limit(
        _setting(setting), scope=setting, key_func=person_or_address, methods=["POST"]
    )


sign_in_failures_per_address = limiter.shared_limit(
    _setting("SIGN_IN_ADDRESS_RATE_LIMIT"),
    scope="SIGN_IN_ADDRESS_RATE_LIMIT",
    methods=["POST"],
    deduct_when=failed,
)
sign_in_failures_per_username = limiter.limit(
    _setting("SIGN_IN_RATE_LIMIT"),
    key_func=username_at_address,
    methods=["POST"],
    deduct_when=failed,
)


def sign_in(view: View) -> View:
    """Failed sign-ins: per username and address, under a ceiling per address."""
    return sign_in_failures_per_address(sign_in_failures_per_username(view))


sign_in_link = sign_in_failures_per_address
# The wiki sends people back with a GET: its refusals (a wrong state, a used code) count
# towards the same ceiling as failed sign-ins from the address.
wikimedia_callback = limiter.shared_limit(
    _setting("SIGN_IN_ADDRESS_RATE_LIMIT"),
    scope="SIGN_IN_ADDRESS_RATE_LIMIT",
    methods=["GET"],
    deduct_when=failed,
)
sign_up = per_address("SIGN_UP_RATE_LIMIT")
password_change = per_person("PASSWORD_CHANGE_RATE_LIMIT")
request_creation = per_person("REQUEST_CREATION_RATE_LIMIT")


def seconds_until_retry() -> int:
    """How long the limit just exceeded keeps refusing, in seconds, as in Retry-After."""
    return max(1, int(limiter.current_limit.reset_at - time.time()))
