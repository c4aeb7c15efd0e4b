"""Apps beside the ``app`` fixture's with rate limits on (``other_app`` makes them).

Rate limits count where ``TEST_REDIS_URL`` says. Without it they count in memory and
need nothing. With it (CI sets it), the same tests count in that Redis, each app under
a key prefix of its own so runs and tests never see each other's counts; a Redis that
does not answer fails the tests, never skips them.
"""

import os
import re
from collections.abc import Callable
from uuid import uuid4

import pytest
from flask import Flask

from pathways.extensions import limiter

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def rate_limit_storage() -> str:
    return REDIS_URL or "memory://"


def rate_limit_settings() -> dict:
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": rate_limit_storage(),
        "REDIS_KEY_PREFIX": f"pathways-test-{uuid4().hex}",
    }


@pytest.fixture
def limited_app(other_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """Make apps with rate limits on, counted as ``TEST_REDIS_URL`` says, and ``settings``."""

    def make(**settings) -> Flask:
        limited = other_app(**rate_limit_settings(), **settings)
        if not limiter.storage.check():
            pytest.fail(f"The rate limit storage {rate_limit_storage()} does not answer")
        return limited

    return make


def csrf_token(page: str) -> str:
    """The hidden CSRF field's value in a rendered form."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
