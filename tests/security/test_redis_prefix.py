"""A private corner of a shared Redis: every key the app writes starts with its
``REDIS_KEY_PREFIX``, and two sites with different prefixes never count for each other.

Runs against ``TEST_REDIS_URL`` when set (CI: the Redis on 127.0.0.1:6379), otherwise
against an in-process fakeredis server: never skipped.
"""

import json
import os
import subprocess
import sys
from uuid import uuid4

import pytest
import redis

from pathways import create_app
from tests.helpers import make_app

from .conftest import REDIS_URL
from .test_rate_limits import lock_out, sign_in_status


@pytest.fixture
def shared_redis():
    """(URL, extra storage options, a client) of one Redis that two sites share."""
    if REDIS_URL:
        client = redis.Redis.from_url(REDIS_URL)
        yield REDIS_URL, {}, client
        client.close()
        return
    import fakeredis

    server = fakeredis.FakeServer()
    pool = redis.ConnectionPool(connection_class=fakeredis.FakeRedisConnection, server=server)
    yield "redis://fake", {"connection_pool": pool}, redis.Redis(connection_pool=pool)


def site(other_app, url: str, options: dict, prefix: str):
    return other_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=url,
        RATELIMIT_STORAGE_OPTIONS=options,
        REDIS_KEY_PREFIX=prefix,
        SIGN_IN_RATE_LIMIT="2 per minute",
    )


def test_two_sites_on_one_redis_neither_see_nor_count_each_others_keys(
    other_app, make_person, shared_redis
):
    url, options, client = shared_redis
    make_person(username="Ada")
    first, second = f"site-a-{uuid4().hex}", f"site-b-{uuid4().hex}"
    before = set(client.scan_iter())

    lock_out(site(other_app, url, options, first).test_client(), "Ada", 2)
    written_by_first = set(client.scan_iter()) - before
    assert written_by_first
    assert all(key.startswith(f"{first}:".encode()) for key in written_by_first)

    assert sign_in_status(site(other_app, url, options, second).test_client(), "Ada") == 422
    written_by_second = set(client.scan_iter()) - before - written_by_first
    assert written_by_second
    assert all(key.startswith(f"{second}:".encode()) for key in written_by_second)
    client.delete(*written_by_first, *written_by_second)


PRODUCTION = {
    "PATHWAYS_ENV": "production",
    "SECRET_KEY": "s",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
}


@pytest.mark.parametrize("prefix", [None, "short"])
def test_production_with_redis_refuses_to_start_without_a_secret_prefix(prefix):
    settings = {**PRODUCTION, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    with pytest.raises(RuntimeError, match="REDIS_KEY_PREFIX"):
        create_app({**settings, "REDIS_KEY_PREFIX": prefix})


def test_production_without_redis_needs_no_prefix(tmp_path):
    app = make_app("sqlite://", str(tmp_path), **PRODUCTION)
    assert app.config["REDIS_KEY_PREFIX"] == "pathways"


def test_a_prefix_with_other_characters_is_refused():
    with pytest.raises(RuntimeError, match="letters, digits"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_KEY_PREFIX": "my tool*"})


# One site in a process of its own, as a web worker is (RQ takes its key prefix once per
# process): a failed sign-in and a queued job, then the keys that appeared, as JSON.
# Without a Redis to share, the process keeps a fakeredis of its own.
ONE_SITE = """
import json, os
from datetime import date

import redis

settings = {"WTF_CSRF_ENABLED": False}
if os.environ["REDIS_URL"] == "redis://fake":
    import fakeredis

    pool = redis.ConnectionPool(
        connection_class=fakeredis.FakeRedisConnection, server=fakeredis.FakeServer()
    )
    redis.Redis.from_url = classmethod(lambda cls, url, **_: cls(connection_pool=pool))
    settings["RATELIMIT_STORAGE_OPTIONS"] = {"connection_pool": pool}
keys = redis.Redis.from_url(os.environ["REDIS_URL"])
before = set(keys.scan_iter())

from pathways import create_app
from pathways.jobs import runner
from pathways.services import transaction

app = create_app(settings)
with app.app_context():
    answer = app.test_client().post("/auth/login", data={"username": "nobody", "password": "x"})
    assert answer.status_code == 422, answer.status_code
    with transaction():
        runner.start("lifecycle_sweep", {"today": date.today().isoformat()}, None)
written = set(keys.scan_iter()) - before
print(json.dumps(sorted(key.decode() for key in written)))
if os.environ["REDIS_URL"] != "redis://fake" and written:
    keys.delete(*written)
"""


def test_after_a_failed_sign_in_and_a_queued_job_every_key_starts_with_the_prefix(
    app, migrated_database
):
    """(``app`` empties the tables afterwards: the queued job's row goes too.)"""
    url = REDIS_URL or "redis://fake"
    prefix = f"site-{uuid4().hex}"
    env = {
        **os.environ,
        "DATABASE_URL": migrated_database,
        "SECRET_KEY": "x",
        "REDIS_URL": url,
        "RATELIMIT_STORAGE_URI": url,
        "REDIS_KEY_PREFIX": prefix,
    }
    done = subprocess.run([sys.executable, "-c", ONE_SITE], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout.splitlines()[-1])
    assert any(":limits:" in key for key in written) and any(":rq:" in key for key in written)
    assert [key for key in written if not key.startswith(f"{prefix}:")] == []
