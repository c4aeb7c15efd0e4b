"""The app against its engine, on the same generated program, in one run.

    python -m bench.bench_app [--postgres URL] [--large] [--json-out FILE]

For one synthetic program (:mod:`bench.programs`, 10,000 mentees × 2,000 mentors by
default) it measures, each in a process of its own:

* the matcher library alone: profiles → ``MentorIndex`` → ``pair`` (what ``match
  propose`` has to do at the least);
* ``flask profiles import`` of the program's files and ``flask match propose``, end to
  end, on a fresh SQLite file and on a fresh PostgreSQL schema (``--postgres`` or
  ``BENCH_POSTGRES_URL``; a URL that does not answer stops the run);
* ``flask match propose`` again as production runs it (``--redis`` or
  ``BENCH_REDIS_URL``; ``--redis ''`` leaves it out): REDIS_URL set and a worker already
  listening, the command queueing the batch and following it to its end;
* the same commands on a small program (``--probe``), to show whether a command's SQL
  statement count grows with the number of rows;
* ``flask --app wsgi --help``, the start-up every command pays.

It prints times, peak memory, SQL statements and the ratio app / library. ``--large``
runs 100,000 × 10,000 on PostgreSQL only.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import harness
from bench.programs import generate, matcher_profiles, write_import_files

DEFAULT_SIZE = (10_000, 2_000)
LARGE_SIZE = (100_000, 10_000)
PROBE_SIZE = (1_000, 200)
MIN_SCORE = 0.05


def library(mentees: int, mentors: int, seed: int, out: Path) -> None:
    """In this process: the matcher alone on the program; its timings go to ``out``."""
    import matcher
    from pathways.catalog import get_catalog

    program = generate(mentees, mentors, seed)
    catalog = get_catalog()
    context = {skill_id: catalog.skill_text(skill_id) for skill_id in catalog.skills}
    started, cpu_started = time.perf_counter(), time.process_time()
    matcher.preload()  # what a cold process pays first, a warm worker never again
    loaded = time.perf_counter()
    mentor_profiles, mentee_profiles = matcher_profiles(program)
    index = matcher.MentorIndex(mentor_profiles, context)
    fitted = time.perf_counter()
    assignment = matcher.pair(index, mentee_profiles, min_score=MIN_SCORE)
    done = time.perf_counter()
    result = {
        "seconds": done - started,
        "cpu_seconds": time.process_time() - cpu_started,
        "load_seconds": loaded - started,
        "fit_seconds": fitted - loaded,
        "pair_seconds": done - fitted,
        "pairs": len(assignment.pairs),
        "unmatched": len(assignment.unmatched),
    }
    out.write_text(json.dumps(result))


def run_library(size: tuple[int, int], seed: int, work: Path) -> dict:
    out = work / "library.json"
    args = [sys.executable, "-m", "bench.bench_app", "library", *map(str, size), str(seed)]
    args.append(str(out))
    env = harness.app_environment("sqlite://")
    process = harness.measure(args, env, work / "logs" / "library.log", "matcher library")
    return json.loads(out.read_text()) | {"process": process.as_dict()}


def run_app(
    database_url: str, files: list[Path], work: Path, tag: str, redis_url: str = ""
) -> dict:
    """Import ``files`` into a fresh database, then propose a batch, in the command's
    process and (with ``redis_url``) queued to a worker: each measured."""
    harness.fresh_database(database_url, work)
    env = harness.app_environment(database_url)
    logs = work / "logs"
    imports = [
        harness.measure(
            harness.flask("profiles", "import", str(path)),
            env,
            logs / f"{tag}-import-{path.stem}.log",
            f"profiles import {path.name}",
        )
        for path in files
    ]
    propose = harness.measure(
        harness.flask("match", "propose"), env, logs / f"{tag}-propose.log", "match propose"
    )
    queued = run_queued_propose(database_url, redis_url, logs, tag) if redis_url else None
    return {
        "queued_propose": queued and queued.as_dict(),
        "import": {
            "seconds": sum(m.seconds for m in imports),
            "cpu_seconds": sum(m.cpu_seconds for m in imports),
            "peak_mb": max(m.peak_mb for m in imports),
            "queries_per_file": [m.queries for m in imports],
            "files": len(files),
        },
        "propose": propose.as_dict(),
        "propose_summary": _last_summary(logs / f"{tag}-propose.log"),
    }


def run_queued_propose(database_url: str, redis_url: str, logs: Path, tag: str):
    """``match propose`` with the job queue: the worker is started (and waited for)
    first, as in production; the command's time is the coordinator's wait. Its CPU is
    the command's own: the batch's is the worker's."""
    env = harness.app_environment(
        database_url, REDIS_URL=redis_url, REDIS_KEY_PREFIX=harness.BENCH_REDIS_KEY_PREFIX
    )
    worker = harness.start_worker(env, logs / f"{tag}-worker.log")
    try:
        return harness.measure(
            harness.flask("match", "propose"),
            env,
            logs / f"{tag}-queued-propose.log",
            "match propose (queued)",
        )
    finally:
        harness.stop(worker)


def _last_summary(log: Path) -> str:
    """The ``Batch …: N proposals, M unmatched`` line of ``match propose``."""
    lines = [line for line in log.read_text().splitlines() if line.startswith("Batch ")]
    return lines[-1] if lines else ""


# Run in a fresh interpreter: ``flask --app wsgi --help``, then the names of the
# third-party modules it loaded, one a line after the marker.
_HELP_THEN_MODULES = """
import contextlib, io, sys
from flask.cli import cli
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    cli.main(["--app", "wsgi", "--help"])
own = {"wsgi", "pathways", "matcher", "bench", "__main__"}
print("--modules--")
print("\\n".join(sorted(
    name for name in sys.modules
    if name.split(".")[0] not in own | set(sys.stdlib_module_names)
)))
"""
_IMPORT_EACH = """
import contextlib, importlib, sys
for name in open(sys.argv[1]).read().split():
    with contextlib.suppress(Exception):
        importlib.import_module(name)
"""


def run_help(runs: int, work: Path) -> dict:
    """``flask --app wsgi --help`` with the real ``flask`` script, ``runs`` times after a
    warm-up: the median time and the largest peak memory; and, as often, the floor of
    any command's start: the third-party modules it loads, imported alone."""
    script = Path(sys.executable).with_name("flask")
    env = harness.app_environment(harness.sqlite_url(work, "help.sqlite"))
    logs = work / "logs"
    help_args = [str(script), "--app", "wsgi", "--help"]
    command = _median_of(runs, help_args, env, logs / "help.log", "flask --help")
    modules = work / "start-modules.txt"
    listing = subprocess.run(
        [sys.executable, "-c", _HELP_THEN_MODULES],
        env=env, cwd=harness.REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    modules.write_text(listing.partition("--modules--")[2])
    alone = [sys.executable, "-c", _IMPORT_EACH, str(modules)]
    libraries = _median_of(runs, alone, env, logs / "libraries.log", "its libraries alone")
    return command | {
        "libraries_seconds": libraries["seconds"],
        "libraries_mb": libraries["peak_mb"],
        "libraries": len(modules.read_text().split()),
    }


def _median_of(runs: int, args: list[str], env: dict[str, str], log: Path, label: str) -> dict:
    """``args`` run ``runs`` times after a warm-up: the median time, the range and the
    largest peak memory."""
    measured = [harness.measure(args, env, log, label) for _ in range(runs + 1)][1:]
    return {
        "seconds": statistics.median(m.seconds for m in measured),
        "seconds_min": min(m.seconds for m in measured),
        "seconds_max": max(m.seconds for m in measured),
        "peak_mb": max(m.peak_mb for m in measured),
        "runs": runs,
    }


def databases(args) -> dict[str, str]:
    """Backend name → URL; PostgreSQL only when configured, and then it must answer."""
    found = {}
    if not args.large:
        found["sqlite"] = harness.sqlite_url(args.work, "app.sqlite")
    postgres = args.postgres or os.environ.get("BENCH_POSTGRES_URL")
    if postgres:
        harness.check_reachable(postgres)
        found["postgresql"] = postgres
    elif args.large:
        raise harness.BenchError("--large runs on PostgreSQL only: give --postgres URL")
    return found


def bench(args) -> dict:
    size = LARGE_SIZE if args.large else (args.mentees, args.mentors)
    urls = databases(args)
    args.work.mkdir(parents=True, exist_ok=True)
    results = {"size": size, "seed": args.seed, "large": args.large, "databases": {}}
    program = generate(*size, args.seed)
    files = write_import_files(program, args.work / "program")
    del program
    probe_files = []
    if args.probe:
        probe = generate(args.probe_mentees, args.probe_mentors, args.seed)
        probe_files = write_import_files(probe, args.work / "probe")
        results["probe_size"] = (args.probe_mentees, args.probe_mentors)
    print(f"{size[0]:,} mentees × {size[1]:,} mentors; {len(files)} import file(s)", flush=True)
    results["library"] = run_library(size, args.seed, args.work)
    print_library(results["library"])
    for name, url in urls.items():
        measured = run_app(url, files, args.work, name, args.redis)
        if probe_files:
            measured["probe"] = run_app(url, probe_files, args.work, f"{name}-probe")
        results["databases"][name] = measured
        print_app(name, measured, results["library"])
    if not args.large:
        results["help"] = run_help(args.help_runs, args.work)
        print_help(results["help"])
    return results


def print_library(lib: dict) -> None:
    process = lib["process"]
    print(
        f"matcher library alone      {lib['seconds']:7.2f} s  CPU {lib['cpu_seconds']:5.2f} s"
        f"  (loading {lib['load_seconds']:.2f} s, fit {lib['fit_seconds']:.2f} s,"
        f" pair {lib['pair_seconds']:.2f} s)  peak {process['peak_mb']:6.0f} MB"
        f"  {lib['pairs']:,} pairs"
    )


def print_app(name: str, measured: dict, lib: dict) -> None:
    imp, propose = measured["import"], measured["propose"]
    ratio = propose["seconds"] / lib["seconds"]
    print(f"-- {name}")
    print(
        f"profiles import            {imp['seconds']:7.2f} s  CPU {imp['cpu_seconds']:5.2f} s"
        f"  peak {imp['peak_mb']:6.0f} MB"
        f"  SQL {imp['queries_per_file']}"
    )
    print(
        f"match propose              {propose['seconds']:7.2f} s"
        f"  CPU {propose['cpu_seconds']:5.2f} s"
        f"  peak {propose['peak_mb']:6.0f} MB  SQL {propose['queries']}  app/library ×{ratio:.1f}"
        f" (CPU ×{propose['cpu_seconds'] / lib['cpu_seconds']:.1f})"
    )
    print(f"                           {measured['propose_summary']}")
    if queued := measured.get("queued_propose"):
        print(
            f"match propose, queued      {queued['seconds']:7.2f} s"
            f"  (to a worker already listening; this command's CPU {queued['cpu_seconds']:.2f} s)"
        )
    if "probe" in measured:
        probe = measured["probe"]
        print(
            f"probe (small program)      SQL import {probe['import']['queries_per_file']},"
            f" propose {probe['propose']['queries']}"
        )


def print_help(measured: dict) -> None:
    print(
        f"flask --app wsgi --help    {measured['seconds']:7.2f} s (median of {measured['runs']};"
        f" {measured['seconds_min']:.2f}–{measured['seconds_max']:.2f})"
        f"  peak {measured['peak_mb']:6.0f} MB"
    )
    print(
        f"  its {measured['libraries']} third-party modules alone"
        f" {measured['libraries_seconds']:.2f} s  peak {measured['libraries_mb']:6.0f} MB"
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentees", type=int, default=DEFAULT_SIZE[0])
    parser.add_argument("--mentors", type=int, default=DEFAULT_SIZE[1])
    parser.add_argument("--large", action="store_true", help="100k × 10k, PostgreSQL only")
    parser.add_argument("--postgres", help="PostgreSQL URL (default: $BENCH_POSTGRES_URL)")
    parser.add_argument(
        "--redis",
        default=harness.BENCH_REDIS,
        help="the job queue for the queued propose ('' to leave it out)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--help-runs", type=int, default=5)
    parser.add_argument("--no-probe", dest="probe", action="store_false")
    parser.add_argument("--probe-mentees", type=int, default=PROBE_SIZE[0])
    parser.add_argument("--probe-mentors", type=int, default=PROBE_SIZE[1])
    parser.add_argument("--work", type=Path, default=Path("/tmp/pathways-bench/app"))
    parser.add_argument("--json-out", type=Path, help="Also write the figures as JSON here.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["library"]:
        mentees, mentors, seed, out = argv[1:]
        library(int(mentees), int(mentors), int(seed), Path(out))
        return {}
    args = parse(argv)
    results = bench(args)
    harness.save_json(results, args.json_out)
    return results


if __name__ == "__main__":
    main()
