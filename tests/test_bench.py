"""The benchmarks' code paths at tiny sizes, so that ``make bench`` cannot rot: no timing
is asserted, only that every step runs and reports what it measured."""

import json
import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from bench import bench_app, bench_pages, bench_web, harness, report
from bench.counted_flask import StatementCounter
from bench.programs import generate, matcher_profiles, write_import_files
from pathways.extensions import db
from pathways.services import imports

TINY = ("--mentees", "50", "--mentors", "10")


def test_the_same_seed_gives_the_same_program():
    assert generate(50, 10, seed=3) == generate(50, 10, seed=3)
    assert generate(50, 10, seed=3) != generate(50, 10, seed=4)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_generated_files_pass_the_importers_checks(app, tmp_path, fmt):
    program = generate(50, 10)
    paths = write_import_files(program, tmp_path, fmt, rows_per_file=40)
    rows = [row for path in paths for row in imports.load(path)]
    assert len(paths) == 2
    assert [row.username for row in rows] == [p.username for p in program.people]
    assert sum(row.is_mentor for row in rows) == 10


def test_the_library_takes_the_same_program():
    mentors, mentees = matcher_profiles(generate(50, 10))
    assert len(mentors) == 10 and len(mentees) == 50
    assert {m.id for m in mentors}.isdisjoint(m.id for m in mentees)


def test_the_counter_counts_every_statement(app):
    counter = StatementCounter().install()
    try:
        db.session.execute(select(1))
        db.session.execute(select(2))
    finally:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", counter)
    assert counter.count == 2


def test_a_failing_command_stops_the_benchmark(tmp_path):
    env = harness.app_environment(harness.sqlite_url(tmp_path, "x.sqlite"))
    with pytest.raises(harness.BenchError, match="no-such-command"):
        harness.measure(harness.flask("no-such-command"), env, tmp_path / "log")


def test_an_unreachable_database_stops_the_benchmark():
    with pytest.raises(harness.BenchError, match="does not answer"):
        harness.check_reachable("postgresql+psycopg://postgres@127.0.0.1:9/nothing")


def test_a_postgresql_server_without_the_benchmarks_database_gets_it(database_url):
    url = sa.make_url(database_url)
    if url.get_backend_name() != "postgresql":
        url = sa.make_url("postgresql+psycopg://postgres@127.0.0.1:9/nothing")
        with pytest.raises(harness.BenchError, match="does not answer"):
            harness.check_reachable(url.render_as_string(hide_password=False))
        return
    missing = url.set(database=f"pathways_bench_{uuid.uuid4().hex[:8]}")
    harness.check_reachable(missing.render_as_string(hide_password=False))
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{missing.database}"'))
    server.dispose()


def test_the_app_benchmark_runs_at_a_tiny_size(tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_POSTGRES_URL", raising=False)
    out = tmp_path / "app.json"
    args = [*TINY, "--probe-mentees", "20", "--probe-mentors", "5", "--help-runs", "1"]
    redis = os.environ.get("TEST_REDIS_URL", "")  # the queued propose, or none
    args += ["--redis", redis]
    bench_app.main([*args, "--work", str(tmp_path), "--json-out", str(out)])
    figures = json.loads(out.read_text())
    sqlite = figures["databases"]["sqlite"]
    queued = sqlite["queued_propose"]
    assert (queued["seconds"] > 0 and queued["returncode"] == 0) if redis else queued is None
    assert figures["library"]["pairs"] > 0
    assert sqlite["import"]["queries_per_file"][0] > 0
    assert sqlite["propose"]["queries"] > 0 and sqlite["probe"]["propose"]["queries"] > 0
    assert "proposals" in sqlite["propose_summary"]
    assert figures["help"]["peak_mb"] > 0
    assert figures["help"]["libraries"] > 50 and figures["help"]["libraries_seconds"] > 0
    assert figures["library"]["load_seconds"] > 0
    text = report.render(figures, None, [], [])
    assert "sqlite: import 10k × 2k" in text
    assert "postgresql: import 10k × 2k ≤ 3 s and ≤ 400 MB | — | not measured" in text


def test_the_web_benchmark_runs_at_a_tiny_size(tmp_path, capsys):
    out = tmp_path / "web.json"
    args = [*TINY, "--workers", "1", "--clients", "2", "--seconds", "0.2", "--warm-up-rounds", "1"]
    redis = os.environ.get("TEST_REDIS_URL")
    args += ["--redis", redis] if redis else ["--no-queue"]  # the batch: queued, or run here
    bench_web.main([*args, "--work", str(tmp_path), "--json-out", str(out)])
    figures = json.loads(out.read_text())
    assert set(figures["pages"]) == set(bench_web.PAGES)
    assert all(page["requests"] > 0 and page["errors"] == 0 for page in figures["pages"].values())
    assert figures["batch"]["status"] == 302
    assert figures["queue"] == bool(redis)
    assert figures["contents"]["pending_proposals"] > 0
    assert set(figures["floor"]) == set(bench_web.FLOOR)
    assert all(page["requests"] > 0 and page["errors"] == 0 for page in figures["floor"].values())
    text = report.render(None, None, [figures], [])
    assert "sqlite web: dashboard p95 < 200 ms" in text
    assert "| floor: least page |" in text

    # The same pages in one process, on the database the web bench filled.
    capsys.readouterr()
    bench_pages.main(["--database", harness.sqlite_url(tmp_path, "web.sqlite"), "--requests", "2"])
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[0] for line in printed] == list(bench_web.PAGES)
    assert all("ms CPU per request" in line for line in printed)
