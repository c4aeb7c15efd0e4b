"""Each process of the ``Procfile`` (what Toolforge runs) starts from the repository with
only its environment set, as a buildpack host starts it."""

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from tests.helpers import free_port

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's console scripts: gunicorn, flask


def processes() -> dict[str, str]:
    lines = (REPO / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def environment(database_url: str, **settings: str) -> dict[str, str]:
    """Only what a host sets: PATH, HOME, and the tool's own settings."""
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "PATHWAYS_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        **settings,
    }


def start(name: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            ["sh", "-c", processes()[name]],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def run(name: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", "-c", processes()[name]],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def head_revision() -> str:
    return ScriptDirectory(str(REPO / "migrations")).get_current_head()


def test_the_procfile_names_the_processes_toolforge_runs():
    assert set(processes()) == {"web", "worker", "migrate", "sweep"}


def test_migrate_brings_an_empty_database_to_head(empty_database_url):
    done = run("migrate", environment(empty_database_url))
    assert done.returncode == 0, done.stdout + done.stderr
    engine = sa.create_engine(empty_database_url)
    with engine.connect() as connection:
        assert (
            connection.scalar(sa.text("SELECT version_num FROM alembic_version")) == head_revision()
        )
    engine.dispose()


def test_web_answers_the_health_check_on_port(migrated_database, tmp_path):
    port = free_port()
    env = environment(migrated_database, PORT=str(port), WEB_CONCURRENCY="1")
    web = start("web", env, tmp_path / "web.log")
    try:
        assert health_answer(port, web, tmp_path / "web.log") == b'{"status":"ok"}\n'
    finally:
        web.terminate()
        web.wait(timeout=30)


def health_answer(port: int, process: subprocess.Popen, log: Path) -> bytes:
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, f"web stopped:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                return answer.read()
        except OSError:
            assert time.monotonic() < deadline, f"web does not answer:\n{log.read_text()}"
            time.sleep(0.3)


def test_sweep_exits_zero(migrated_database):
    done = run("sweep", environment(migrated_database))
    assert done.returncode == 0, done.stdout + done.stderr


REDIS_URL = os.environ.get("TEST_REDIS_URL")


def test_worker_connects_to_the_queue_under_the_key_prefix(migrated_database, tmp_path):
    """With Redis (CI's PostgreSQL and MariaDB runs) the worker registers under the
    prefix; without it, it says there is nothing to do rather than wait for nothing."""
    prefix = secrets.token_hex(16)
    settings = {"REDIS_URL": REDIS_URL, "REDIS_KEY_PREFIX": prefix} if REDIS_URL else {}
    env = environment(migrated_database, **settings)
    if not REDIS_URL:
        done = run("worker", env)
        assert done.returncode != 0 and "REDIS_URL is not set" in done.stderr
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    worker = start("worker", env, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 90
        while not list(client.scan_iter(f"{prefix}:rq:worker:*")):
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        client.close()


def test_a_gunicorn_worker_freezes_what_it_loaded_for_the_garbage_collector():
    import gc
    import logging
    import runpy
    from types import SimpleNamespace

    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    worker = SimpleNamespace(pid=os.getpid(), log=logging.getLogger("gunicorn-test"))
    try:
        config["post_worker_init"](worker)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
