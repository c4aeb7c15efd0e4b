"""Running the real ``flask`` commands as child processes and measuring each one.

Every command runs in its own process, so its figures are its own: wall time, CPU time
and peak resident memory come from the kernel's accounting of that child
(``os.wait4``), and the number of SQL statements from :mod:`bench.counted_flask`.
A database that is configured but does not answer stops the benchmark with a message,
never a skip.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "bench.counted_flask", "--app", "wsgi"]
BENCH_SECRET = "bench-only-secret-key-not-for-production"
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
# Production refuses a shared Redis without a secret key prefix; this one is the bench's own.
BENCH_REDIS_KEY_PREFIX = "pathways-bench-only-prefix"


class BenchError(SystemExit):
    """The benchmark cannot go on; the message says why."""


@dataclass
class Measured:
    """One finished child process."""

    command: str
    seconds: float
    cpu_seconds: float
    peak_mb: float
    queries: int | None
    returncode: int

    def as_dict(self) -> dict:
        return asdict(self)


def app_environment(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a local ``flask`` command on ``database_url``: no job queue
    (work runs in the process), a fixed secret key, development settings. Python writes
    and reads the app's bytecode, as an installed app has it (``pip install`` compiles
    it; a ``PYTHONDONTWRITEBYTECODE`` of this shell would make every command compile
    ~120 modules again, ~0.1–0.4 s of CPU), so the first command run compiles them."""
    dropped = ("REDIS_URL", "FLASK_APP", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env |= {
        "DATABASE_URL": database_url,
        "SECRET_KEY": BENCH_SECRET,
        "PATHWAYS_ENV": "development",
        "PYTHONPATH": str(REPO),
    }
    return env | extra


def measure(args: list[str], env: dict[str, str], log: Path, label: str = "") -> Measured:
    """Run ``args`` to the end with its output in ``log``; raises :class:`BenchError`
    (with the log's end) if it fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("r", suffix=".count", delete=False) as counted:
        count_path = Path(counted.name)
    env = env | {"BENCH_QUERIES_FILE": str(count_path)}
    with log.open("wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    text = count_path.read_text().strip()
    count_path.unlink()
    result = Measured(
        command=label or " ".join(args),
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,
        queries=int(text) if text else None,
        returncode=child.returncode,
    )
    if child.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise BenchError(f"{result.command} failed (exit {child.returncode}):\n{tail}")
    return result


def start_worker(env: dict[str, str], log: Path, timeout: float = 120.0) -> subprocess.Popen:
    """``flask worker`` on ``env``'s REDIS_URL in the background, once it listens: it has
    started and loaded what jobs need, as a production worker has long before a batch."""
    flask_script = Path(sys.executable).with_name("flask")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [str(flask_script), "--app", "wsgi", "worker"],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO,
        )  # fmt: skip
    deadline = time.monotonic() + timeout
    while "Listening on" not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            stop(worker)
            raise BenchError(f"flask worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return worker


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (a worker ends the job at hand, gunicorn its requests), then a kill."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def flask(*args: str) -> list[str]:
    """``flask --app wsgi ARGS``, with the SQL statements counted."""
    return [*FLASK, *args]


def check_reachable(database_url: str) -> None:
    """Stop loudly if the database does not answer; a PostgreSQL server that answers
    without the benchmark's database gets it created."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        if not _created(sa.engine.make_url(database_url)):
            raise BenchError(f"The database at {database_url} does not answer: {error}") from error
    finally:
        engine.dispose()


def _created(url: sa.engine.URL) -> bool:
    """CREATE DATABASE through the server's ``postgres`` database; False if that fails."""
    if url.get_backend_name() != "postgresql" or not url.database:
        return False
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        server.dispose()
    return True


def fresh_database(database_url: str, work: Path) -> None:
    """An empty database at the migrations' head: a new SQLite file, or PostgreSQL's
    ``public`` schema dropped and made again."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        Path(url.database).unlink(missing_ok=True)
    else:
        check_reachable(database_url)
        engine = sa.create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    env = app_environment(database_url)
    measure(flask("db", "upgrade"), env, work / "logs" / "db-upgrade.log", "flask db upgrade")


def backend(database_url: str) -> str:
    """``sqlite`` or ``postgresql``."""
    return sa.engine.make_url(database_url).get_backend_name()


def sqlite_url(work: Path, name: str) -> str:
    return "sqlite:///" + str(work / name)


def save_json(results: dict, path: Path | None) -> None:
    """The figures as JSON at ``path``, if one is given."""
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2))
