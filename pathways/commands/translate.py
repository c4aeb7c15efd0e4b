"""``flask translate``: extract, update and compile the message catalogs (pybabel)."""

import subprocess
import sys

from flask.cli import AppGroup

from ..config import REPO_ROOT

translate = AppGroup("translate", help="Extract, update and compile translations.")


def _pybabel(*args: str) -> None:
    """Run pybabel from the repository root, so the catalogs name files relative to it."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=REPO_ROOT
    )


@translate.command("extract")
def translate_extract() -> None:
    """Write translations/messages.pot from the code and templates."""
    _pybabel(
        "extract",
        "-F",
        str(REPO_ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--sort-by-file",
        "-o",
        str(REPO_ROOT / "translations" / "messages.pot"),
        ".",
    )


@translate.command("update")
def translate_update() -> None:
    """Merge new strings of messages.pot into every language."""
    translate_extract.callback()
    _pybabel(
        "update",
        "-i",
        str(REPO_ROOT / "translations" / "messages.pot"),
        "-d",
        str(REPO_ROOT / "translations"),
    )


@translate.command("compile")
def translate_compile() -> None:
    """Compile the .po files the app reads."""
    _pybabel("compile", "-d", str(REPO_ROOT / "translations"))
