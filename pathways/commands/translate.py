"""``flask translate``: extract, update and compile the message catalogs (pybabel)."""

import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..config import REPO_ROOT

translate = AppGroup("translate", help="Extract, update and compile translations.")


def _pybabel(*args: str) -> None:
    """Run pybabel from the repository root, so the catalogs name files relative to it."""
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=REPO_ROOT
    )


KEYWORDS = ("_l", "_ln:1,2")  # lazy_gettext and lazy_ngettext, as the code imports them
TEMPLATE = REPO_ROOT / "translations" / "messages.pot"


def extract_messages(output: Path) -> None:
    """Write the message template of the code, templates and catalog to ``output``."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    config = str(REPO_ROOT / "babel.cfg")
    _pybabel("extract", "-F", config, *keywords, "--sort-by-file", "-o", str(output), ".")


@translate.command("extract")
def translate_extract() -> None:
    """Write translations/messages.pot from the code, templates and framework catalog."""
    extract_messages(TEMPLATE)


@translate.command("update")
def translate_update() -> None:
    """Merge new strings of messages.pot into every language.

    New strings arrive empty, never as a guess from a similar one (a fuzzy entry the app
    would not show, and translators easily miss).
    """
    translate_extract.callback()
    _pybabel(
        "update",
        "--no-fuzzy-matching",
        "-i",
        str(TEMPLATE),
        "-d",
        str(REPO_ROOT / "translations"),
    )


@translate.command("init")
@click.argument("code")
def translate_init(code: str) -> None:
    """Start the catalog of a new language, e.g. ``de`` or ``pt_BR``."""
    _pybabel("init", "-i", str(TEMPLATE), "-d", str(REPO_ROOT / "translations"), "-l", code)


@translate.command("compile")
def translate_compile() -> None:
    """Compile the .po files the app reads."""
    _pybabel("compile", "-d", str(REPO_ROOT / "translations"))
