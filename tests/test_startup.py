"""Starting the app, or any ``flask`` command, loads none of the heavy libraries: the
matcher's numeric side, Alembic, the OAuth client, RQ, the iCalendar writer and the
username confusables table (disarm) load when first needed.

Each check runs in a fresh interpreter, since this test process has long loaded them.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "sklearn", "scipy", "pandas", "numpy", "ortools", "sparse_dot_topn", "alembic",
    "authlib", "requests", "rq", "icalendar", "disarm",
)  # fmt: skip
REPO = Path(__file__).resolve().parent.parent
REPORT_LOADED = f"""
import json, sys
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))))
"""


def command(*args: str) -> str:
    """Code that runs ``flask --app wsgi ARGS`` in the interpreter, output discarded."""
    return (
        "import contextlib, io, sys\n"
        "from flask.cli import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    cli.main({['--app', 'wsgi', *args]!r}, standalone_mode=False)\n"
    )


def loaded_after(code: str) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", code + REPORT_LOADED],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "start",
    [
        "import pathways.models",
        "import wsgi",
        # Any command's start: the CLI lists every command and its help.
        command("--help"),
        command("match", "--help"),
    ],
)
def test_starting_loads_no_heavy_library(start):
    assert loaded_after(start) == []


def test_the_matcher_loads_its_libraries_when_used():
    loaded = loaded_after("from matcher import MentorIndex, analyze, pair\nanalyze('wiki')")
    assert {"scipy", "ortools", "sparse_dot_topn"} <= set(loaded)
    assert "sklearn" not in loaded, "analysing text (an import's row checks) fits nothing"
    assert "sklearn" in loaded_after("from matcher import TextIndex\nTextIndex({1: 'wiki'})")


def test_the_confusables_table_loads_when_a_name_is_checked():
    assert "disarm" in loaded_after("from pathways import usernames; usernames.key('Ada')")


def test_a_worker_loads_the_matchers_libraries_before_it_forks_a_job():
    warm = (
        "from pathways import create_app\n"
        "from pathways.jobs.worker import warm_up\n"
        "with create_app().app_context():\n"
        "    warm_up()\n"
    )
    assert {"numpy", "scipy", "sklearn", "ortools", "sparse_dot_topn"} <= set(loaded_after(warm))
