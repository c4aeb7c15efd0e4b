"""The README's production set-up: it boots, keeps cookies safe, and its limits hold.

The last tests start gunicorn for real with the README's command. With
``TEST_REDIS_URL`` set, four workers count sign-in failures in that Redis; without it,
one worker counts them in memory (several workers with memory limits refuse to start).
"""

import http.client
import importlib.metadata
import os
import secrets
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import request
from packaging.requirements import Requirement

from pathways import create_app
from pathways.config import REPO_ROOT
from tests.helpers import PASSWORD, free_port

from .conftest import REDIS_URL, csrf_token, rate_limit_storage

SIGN_IN_LIMIT = 3
SAFE_COOKIE = {"Secure", "HttpOnly", "SameSite=Lax"}


def test_the_redis_client_is_a_dependency():
    """``RATELIMIT_STORAGE_URI=redis://…`` needs the client: installing the app brings it."""
    requirements = [Requirement(line) for line in importlib.metadata.requires("pathways")]
    assert any(brings_redis(r) for r in requirements if r.marker is None)


def brings_redis(requirement: Requirement) -> bool:
    return requirement.name == "redis" or (
        requirement.name == "flask-limiter" and "redis" in requirement.extras
    )


def test_the_app_boots_with_redis_storage(other_app):
    """Booting does not connect, so this holds with or without a Redis listening."""
    other_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL or "redis://127.0.0.1:6379/0")


@pytest.mark.parametrize(
    ("missing", "variable"),
    [("SECRET_KEY", "SECRET_KEY"), ("SQLALCHEMY_DATABASE_URI", "DATABASE_URL")],
)
def test_production_refuses_to_start_without_its_settings(missing, variable):
    settings = {"SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": "sqlite://", missing: None}
    with pytest.raises(RuntimeError, match=variable):
        create_app({"PATHWAYS_ENV": "production", **settings})


def test_production_cookies_are_secure_httponly_and_lax(other_app, make_person):
    make_person(username="Ada")
    production = other_app(PATHWAYS_ENV="production")
    response = production.test_client().post(
        "https://localhost/auth/login", data={"username": "Ada", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert cookie_flags(response.headers["Set-Cookie"]) >= SAFE_COOKIE
    assert production.config["REMEMBER_COOKIE_SECURE"]


def cookie_flags(set_cookie: str) -> set[str]:
    return {part.strip() for part in set_cookie.split(";")}


def test_development_cookies_work_over_plain_http(app):
    assert not app.config["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize(("trusted", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.5")])
def test_the_client_address_trusts_only_the_configured_proxies(other_app, trusted, seen):
    behind_proxies = other_app(TRUSTED_PROXIES=trusted)
    behind_proxies.add_url_rule("/address", "address", lambda: request.remote_addr)
    client = behind_proxies.test_client()
    response = client.get("/address", headers={"X-Forwarded-For": "203.0.113.5"})
    assert response.get_data(as_text=True) == seen


def test_production_signs_in_behind_an_https_proxy(limited_app, make_person):
    """CSRF on, the proxy says https: the Referer check of Flask-WTF applies too."""
    make_person(username="Ada")
    production = limited_app(PATHWAYS_ENV="production", WTF_CSRF_ENABLED=True, TRUSTED_PROXIES=1)
    client = production.test_client()
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    page = client.get("/auth/login", headers=proxy).get_data(as_text=True)
    response = client.post(
        "/auth/login",
        data={"username": "Ada", "password": PASSWORD, "csrf_token": csrf_token(page)},
        headers={**proxy, "Referer": "https://localhost/auth/login"},
    )
    assert response.status_code == 302
    assert "Strict-Transport-Security" in response.headers


# gunicorn, for real


PRODUCTION_SECTION = "## Production: PostgreSQL or MariaDB, and Redis"


def readme_gunicorn_command(port: int, workers: int) -> list[str]:
    """The gunicorn line of the README's production section, run by this Python's gunicorn
    on ``port`` with ``workers``."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split(PRODUCTION_SECTION, 1)[1].split("\n## ", 1)[0]
    line = next(line for line in section.splitlines() if line.startswith(".venv/bin/gunicorn"))
    _program, *options, app = shlex.split(line, comments=True)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return [gunicorn, *options, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), app]


def production_environment(database_url: str, storage: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATHWAYS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": storage,
        "TRUSTED_PROXIES": "1",
        "REDIS_KEY_PREFIX": secrets.token_hex(16),
        "SIGN_IN_RATE_LIMIT": f"{SIGN_IN_LIMIT} per minute",
    }


def ready_workers(log: Path) -> int:
    """Workers that loaded the app: gunicorn.conf.py logs "Worker N is ready" for each."""
    return log.read_text().count("is ready")


@contextmanager
def gunicorn(workers: int, environment: dict[str, str], log: Path) -> Iterator[int]:
    """Serve the README's command on a free port until every worker is ready; yield the port."""
    port = free_port()
    command = readme_gunicorn_command(port, workers)
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 90
        while ready_workers(log) < workers:
            assert process.poll() is None, f"gunicorn stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn is not ready:\n{log.read_text()}"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Visitor:
    """One person's browser behind an HTTPS proxy that sets X-Forwarded-For."""

    port: int
    address: str
    cookie: str = ""
    token: str = ""

    def send(self, method: str, path: str, body: str = "") -> Reply:
        headers = {
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            "Cookie": self.cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        try:
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def open_sign_in_page(self) -> Reply:
        response = self.send("GET", "/auth/login")
        self.cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        self.token = csrf_token(response.text)
        return response

    def sign_in(self, username: str, password: str = "wrong") -> int:
        form = {"username": username, "password": password, "csrf_token": self.token}
        return self.send("POST", "/auth/login", urlencode(form)).status


def somewhere() -> str:
    """A client address no other run has used: Redis keeps counts between runs."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def test_several_workers_refuse_to_start_with_limits_in_memory(migrated_database):
    refused = subprocess.run(
        readme_gunicorn_command(free_port(), workers=4),
        cwd=REPO_ROOT,
        env=production_environment(migrated_database, "memory://"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "RATELIMIT_STORAGE_URI=redis://" in refused.stderr


def test_the_sign_in_limit_holds_across_gunicorn_workers(migrated_database, tmp_path, make_person):
    make_person(username="Ada")
    make_person(username="Grace")
    workers = 4 if REDIS_URL else 1
    environment = production_environment(migrated_database, rate_limit_storage())
    with gunicorn(workers, environment, tmp_path / "gunicorn.log") as port:
        attacker = Visitor(port, somewhere())
        page = attacker.open_sign_in_page()
        assert cookie_flags(page.headers["Set-Cookie"]) >= SAFE_COOKIE
        assert "Strict-Transport-Security" in page.headers

        assert [attacker.sign_in("Ada") for _ in range(SIGN_IN_LIMIT)] == [422] * SIGN_IN_LIMIT
        with ThreadPoolExecutor(max_workers=8) as pool:
            burst = list(pool.map(lambda _: attacker.sign_in("Ada"), range(4 * SIGN_IN_LIMIT)))
        assert burst == [429] * (4 * SIGN_IN_LIMIT), "each worker counted on its own"

        assert attacker.sign_in("Ada", PASSWORD) == 429
        assert attacker.sign_in("Grace", PASSWORD) == 302
        ada = Visitor(port, somewhere())
        ada.open_sign_in_page()
        assert ada.sign_in("Ada", PASSWORD) == 302
