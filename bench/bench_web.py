"""The web pages under gunicorn, against a bare route of the same server, in one run.

    python -m bench.bench_web [--database URL] [--clients 20] [--seconds 5] [--json-out FILE]

The database (a SQLite file under /tmp by default, or ``--database``/``BENCH_WEB_DATABASE_URL``)
is filled once with the demo program, then the generated program (:mod:`bench.programs`:
10,000 mentees, 2,000 mentors) through ``flask profiles import``, and one ``flask match
propose`` (about 6,000 pending proposals). ``--reuse`` keeps a database filled before.

Gunicorn then serves the app with ``gunicorn.conf.py`` and 2 workers (rate limits in
Redis, ``--redis``), and ``--clients`` threads ask for each page in turn for
``--seconds``, signed in as a demo volunteer with a plan (ladder, request form, mentor
list) or the demo coordinator (queue, dashboard). ``/healthz``, which touches neither the
database nor a template, is the bare route. Printed per page: requests per second, p50
and p95 latency, and requests per second as a share of the bare route's. Then the
coordinator starts a batch pairing of every waiting request from the queue page. Last,
the floor: :mod:`bench.floor_app` (the same libraries, a session, one query and a tiny
template) under the same settings, the least any page of this stack can cost here.

Only 127.0.0.1 is asked; every loop is bounded in time and count.
"""

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench import harness
from bench.programs import generate, write_import_files

SIZE = (10_000, 2_000)
HOST = "127.0.0.1"
BARE = "bare route (/healthz)"
# page -> (path, who asks for it)
PAGES = {
    BARE: ("/healthz", None),
    "ladder": ("/ladder/", "volunteer"),
    "request form": ("/requests/new", "volunteer"),
    "mentor list": ("/mentors/", "volunteer"),
    "coordinator queue": ("/coordinators/", "coordinator"),
    "dashboard": ("/coordinators/dashboard/", "coordinator"),
}
# The same stack at its least (bench/floor_app.py): page -> path, asked as the volunteer
FLOOR = {
    "floor: bare Flask route": "/",
    "floor: least page": "/page",
}
MAX_REQUESTS_PER_CLIENT = 10_000
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class PageFigures:
    requests: int
    errors: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    share_of_bare: float | None = None


# Filling the database ----------------------------------------------------------------------


def fill(database_url: str, work: Path, size: tuple[int, int], seed: int) -> dict:
    """Demo program, the generated program and one batch run, each by the real CLI."""
    harness.fresh_database(database_url, work)
    env = harness.app_environment(database_url)
    logs = work / "logs"
    harness.measure(harness.flask("demo", "load"), env, logs / "web-demo.log", "demo load")
    for path in write_import_files(generate(*size, seed), work / "program"):
        harness.measure(
            harness.flask("profiles", "import", str(path)), env, logs / "web-import.log"
        )
    harness.measure(harness.flask("match", "propose"), env, logs / "web-propose.log")
    return contents(database_url)


def contents(database_url: str) -> dict | None:
    """How many people, mentors and pending proposals the database holds (None when it
    has no tables yet)."""
    import sqlalchemy as sa

    from pathways.models import MatchProposal, MentorOffer, Person, ProposalState

    engine = sa.create_engine(database_url)
    if not sa.inspect(engine).has_table(Person.__tablename__):
        engine.dispose()
        return None
    with engine.connect() as connection:

        def count(query):
            return connection.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

        found = {
            "people": count(sa.select(Person.id)),
            "mentors": count(sa.select(MentorOffer.id)),
            "pending_proposals": count(
                sa.select(MatchProposal.id).where(MatchProposal.state == ProposalState.PENDING)
            ),
        }
    engine.dispose()
    return found


# Signing in --------------------------------------------------------------------------------


def session_cookies(database_url: str) -> dict[str, str]:
    """A signed session cookie for the demo coordinator and for a volunteer with a plan
    and no waiting request, made with the server's secret key as Flask-Login would."""
    import sqlalchemy as sa

    from pathways import create_app
    from pathways.extensions import db
    from pathways.models import MentorRequest, Person, PersonRole, Plan, RoleName
    from pathways.services.matching import WAITING

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": harness.BENCH_SECRET})
    with app.app_context():
        waiting = sa.select(MentorRequest.mentee_id).where(MentorRequest.state.in_(WAITING))
        not_volunteers = sa.select(PersonRole.person_id).where(
            PersonRole.role != RoleName.VOLUNTEER
        )
        volunteer = db.session.scalar(
            sa.select(Person)
            .join(Plan, Plan.person_id == Person.id)
            .where(Person.id.not_in(waiting), Person.id.not_in(not_volunteers))
            .order_by(Person.id)
            .limit(1)
        )
        coordinator = db.session.scalar(
            sa.select(Person).where(Person.username == "demo-coordinator")
        )
        if volunteer is None or coordinator is None:
            raise harness.BenchError("No demo volunteer with a plan, or no demo coordinator")
        serializer = app.session_interface.get_signing_serializer(app)
        name = app.config["SESSION_COOKIE_NAME"]
        cookies = {
            role: f"{name}={serializer.dumps({'_user_id': person.get_id(), '_fresh': True})}"
            for role, person in (("volunteer", volunteer), ("coordinator", coordinator))
        }
        db.engine.dispose()
    return cookies


# The server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def web_environment(database_url: str, workers: int, redis_url: str, queue: bool):
    return harness.app_environment(
        database_url,
        PATHWAYS_ENV="production",
        **({"REDIS_URL": redis_url} if queue else {}),
        RATELIMIT_STORAGE_URI=redis_url if workers > 1 else "memory://",
        REDIS_KEY_PREFIX=harness.BENCH_REDIS_KEY_PREFIX,
        SESSION_COOKIE_SECURE="0",
        HSTS_MAX_AGE="0",
    )


def run_queued_jobs(database_url: str, workers: int, redis_url: str, log: Path) -> None:
    """What the batch button queued, run by a worker until the queue is empty, so the
    next run does not find a batch still waiting (and refuse its own)."""
    env = web_environment(database_url, workers, redis_url, queue=True)
    flask = Path(sys.executable).with_name("flask")
    with log.open("ab") as out:
        subprocess.run(
            [str(flask), "--app", "wsgi", "worker", "--burst"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=harness.REPO, check=True,
        )  # fmt: skip


def start_gunicorn(
    database_url: str,
    workers: int,
    redis_url: str,
    queue: bool,
    port: int,
    log: Path,
    app: str = "wsgi:app",
    ready: str = "/healthz",
) -> subprocess.Popen:
    """Gunicorn with the repository's configuration, as in production: jobs go onto the
    Redis queue; several workers count rate limits in Redis, one may count them in memory."""
    env = web_environment(database_url, workers, redis_url, queue)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    args = [str(gunicorn), "-c", "gunicorn.conf.py", "--workers", str(workers)]
    args += ["--bind", f"{HOST}:{port}", app]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        server = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=harness.REPO
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise harness.BenchError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            if get(port, ready, None)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    harness.stop(server)
    raise harness.BenchError(f"gunicorn did not answer {ready} within 60 s")


# Clients -----------------------------------------------------------------------------------


def request(port: int, method: str, path: str, cookie: str | None, body: bytes | None = None):
    """(status, headers, body) of one request on a new connection."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    headers = {"Connection": "close"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def get(port: int, path: str, cookie: str | None) -> tuple[int, bytes]:
    status, _, body = request(port, "GET", path, cookie)
    return status, body


def hammer(port: int, path: str, cookie: str | None, clients: int, seconds: float) -> PageFigures:
    """``clients`` threads asking for ``path`` until ``seconds`` have passed."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(number: int) -> None:
        start.wait()
        mine = latencies[number]
        while time.perf_counter() < deadline[0] and len(mine) < MAX_REQUESTS_PER_CLIENT:
            began = time.perf_counter()
            try:
                status, _ = get(port, path, cookie)
            except OSError:
                status = 0
            mine.append(time.perf_counter() - began)
            errors[number] += status != 200

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(t for mine in latencies for t in mine)
    return PageFigures(
        requests=len(ordered),
        errors=sum(errors),
        seconds=elapsed,
        per_second=len(ordered) / elapsed,
        p50_ms=percentile(ordered, 0.50) * 1000,
        p95_ms=percentile(ordered, 0.95) * 1000,
    )


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def warm_up(port: int, path: str, cookie: str | None, rounds: int = 3) -> None:
    """A few requests from 4 clients, so both workers have loaded what the page needs;
    a page that does not answer 200 stops the run."""
    statuses: list[int] = []

    def ask() -> None:
        statuses.append(get(port, path, cookie)[0])

    for _ in range(rounds):
        threads = [threading.Thread(target=ask) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if any(status != 200 for status in statuses):
        raise harness.BenchError(f"{path} answered {statuses}, not 200")


def start_batch(port: int, cookie: str) -> dict:
    """The coordinator's "pair everyone waiting" button: the form's token from the
    queue page, then the POST, timed until the answer."""
    status, headers, body = request(port, "GET", "/coordinators/", cookie)
    token = CSRF_FIELD.search(body.decode())
    if status != 200 or token is None:
        return {"error": f"queue page answered {status} without a form token"}
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith(cookie.split("=", 1)[0] + "="):
            cookie = value.split(";", 1)[0]
    form = urlencode({"csrf_token": token.group(1)}).encode()
    began = time.perf_counter()
    try:
        status, _, _ = request(port, "POST", "/coordinators/batch", cookie, form)
    except OSError as error:
        return {"error": f"no answer: {error}", "seconds": time.perf_counter() - began}
    return {"status": status, "seconds": time.perf_counter() - began}


# The run -----------------------------------------------------------------------------------


def bench(args) -> dict:
    args.work.mkdir(parents=True, exist_ok=True)
    url = args.database or harness.sqlite_url(args.work, "web.sqlite")
    if harness.backend(url) != "sqlite":
        harness.check_reachable(url)
    filled = contents(url) if args.reuse else None
    size = (args.mentees, args.mentors)
    if not filled or filled["people"] < sum(size):
        print("filling the database (demo, import, match propose)…", flush=True)
        filled = fill(url, args.work, size, args.seed)
    print(
        f"{harness.backend(url)}: {filled['people']:,} people, {filled['mentors']:,} mentors,"
        f" {filled['pending_proposals']:,} pending proposals",
        flush=True,
    )
    cookies = session_cookies(url)
    port = free_port()
    log = args.work / "logs" / "gunicorn.log"
    server = start_gunicorn(url, args.workers, args.redis, args.queue, port, log)
    results = {"database": harness.backend(url), "contents": filled, "clients": args.clients}
    results["workers"], results["queue"] = args.workers, args.queue
    try:
        pages = {}
        for page, (path, role) in PAGES.items():
            cookie = cookies.get(role) if role else None
            warm_up(port, path, cookie, args.warm_up_rounds)
            pages[page] = hammer(port, path, cookie, args.clients, args.seconds)
            print_page(page, pages[page], pages[BARE], flush=True)
        results["pages"] = {page: asdict(figures) for page, figures in pages.items()}
        if args.batch:
            results["batch"] = start_batch(port, cookies["coordinator"])
            print(f"start a batch from the web: {results['batch']}")
    finally:
        harness.stop(server)
    if args.batch and args.queue:
        run_queued_jobs(url, args.workers, args.redis, args.work / "logs" / "worker.log")
    results["floor"] = {
        page: asdict(figures)
        for page, figures in floor(url, args, cookies["volunteer"], pages[BARE]).items()
    }
    return results


def floor(url: str, args, cookie: str, bare: PageFigures) -> dict[str, PageFigures]:
    """:mod:`bench.floor_app` under the same gunicorn settings, asked like the pages."""
    port = free_port()
    log = args.work / "logs" / "gunicorn-floor.log"
    server = start_gunicorn(
        url, args.workers, args.redis, args.queue, port, log, "bench.floor_app:app", "/"
    )
    figures = {}
    try:
        for page, path in FLOOR.items():
            warm_up(port, path, cookie, args.warm_up_rounds)
            figures[page] = hammer(port, path, cookie, args.clients, args.seconds)
            print_page(page, figures[page], bare, flush=True)
    finally:
        harness.stop(server)
    return figures


def print_page(page: str, figures: PageFigures, bare: PageFigures, flush: bool = False) -> None:
    figures.share_of_bare = figures.per_second / bare.per_second
    print(
        f"{page:<24} {figures.per_second:8.1f} req/s  p50 {figures.p50_ms:7.1f} ms"
        f"  p95 {figures.p95_ms:7.1f} ms  {figures.share_of_bare:6.1%} of bare"
        f"  ({figures.requests} requests, {figures.errors} errors)",
        flush=flush,
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("BENCH_WEB_DATABASE_URL"))
    parser.add_argument(
        "--redis",
        default=harness.BENCH_REDIS,
        help="the job queue, as in production, and the workers' shared rate-limit storage",
    )
    parser.add_argument(
        "--no-queue",
        dest="queue",
        action="store_false",
        help="run jobs in the web process, the embedded default (one worker: no Redis at all)",
    )
    parser.add_argument("--mentees", type=int, default=SIZE[0])
    parser.add_argument("--mentors", type=int, default=SIZE[1])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0, help="per page")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warm-up-rounds", type=int, default=3, help="of 4 requests a page")
    parser.add_argument("--reuse", action="store_true", help="keep a database filled before")
    parser.add_argument("--no-batch", dest="batch", action="store_false")
    parser.add_argument("--work", type=Path, default=Path("/tmp/pathways-bench/web"))
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse(sys.argv[1:] if argv is None else argv)
    results = bench(args)
    harness.save_json(results, args.json_out)
    return results


if __name__ == "__main__":
    main()
