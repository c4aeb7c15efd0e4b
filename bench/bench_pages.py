"""Each page of :mod:`bench.bench_web` asked for in this process, one request after
another: the CPU milliseconds and SQL statements of one request, no server, no queueing.

    python -m bench.bench_pages --database URL [--requests 20] [--profile PAGE]

Run it on a database :mod:`bench.bench_web` filled (its ``--work``/web.sqlite, or the
PostgreSQL one): the same people sign in and the same pages are asked for, with the
production settings of that run (rate limits in memory). A few requests warm each page up
first, then the median CPU time (``time.process_time``) of ``--requests`` requests is
printed. ``--profile PAGE`` prints a cProfile of that page's requests instead, by
cumulative CPU time.
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time

import sqlalchemy as sa

from bench import harness
from bench.bench_web import BARE, PAGES, session_cookies

WARM_UP = 3


def make_app(database_url: str):
    """The app as the web bench's server runs it: production settings, rate limits in
    memory (one process), no job queue (no page here starts a job)."""
    from pathways import create_app

    return create_app(
        {
            "PATHWAYS_ENV": "production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": harness.BENCH_SECRET,
            "SESSION_COOKIE_SECURE": False,
            "HSTS_MAX_AGE": 0,
            "RATELIMIT_STORAGE_URI": "memory://",
            "REDIS_URL": None,
        }
    )


def clients(app, database_url: str) -> dict:
    """A test client per role, signed in with the cookie the web bench uses."""
    signed_in = {None: app.test_client()}
    for role, cookie in session_cookies(database_url).items():
        name, value = cookie.split("=", 1)
        signed_in[role] = app.test_client()
        signed_in[role].set_cookie(name, value)
    return signed_in


def statements_of(app, ask) -> int:
    from pathways.extensions import db

    with app.app_context():
        engine = db.engine
    counted = []
    listener = lambda *args: counted.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        ask()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(counted)


def measure(client, path: str, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        began = time.process_time()
        response = client.get(path)
        times.append((time.process_time() - began) * 1000)
        if response.status_code != 200:
            raise harness.BenchError(f"{path} answered {response.status_code}")
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", choices=[page for page in PAGES if page != BARE])
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    app = make_app(args.database)
    signed_in = clients(app, args.database)
    for page, (path, role) in PAGES.items():
        if args.profile not in (None, page):
            continue
        client = signed_in[role]
        measure(client, path, WARM_UP)
        if args.profile:
            profile = cProfile.Profile(time.process_time)
            profile.runcall(measure, client, path, args.requests)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
            continue
        statements = statements_of(app, lambda: client.get(path))  # noqa: B023
        times = measure(client, path, args.requests)
        print(
            f"{page:<24} {statistics.median(times):7.1f} ms CPU per request"
            f" (min {min(times):.1f}, max {max(times):.1f}), {statements} SQL statements",
            flush=True,
        )


if __name__ == "__main__":
    main()
