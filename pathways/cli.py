"""The ``flask`` commands: accounts, demo data, translations."""

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from .config import REPO_ROOT
from .match_cli import match
from .profiles_cli import profiles
from .services import DomainError, accounts, transaction
from .volunteers.cli import ladder

translate = AppGroup("translate", help="Extract, update and compile translations.")
demo = AppGroup("demo", help="Demo data for a first look at the app.")


@click.command("create-coordinator")
@click.argument("username")
@click.option("--email", default=None, help="Optional address for notifications.")
@click.password_option()
def create_coordinator(username: str, email: str | None, password: str) -> None:
    """Create the first coordinator, or make an existing account a coordinator."""
    try:
        with transaction():
            person = accounts.create_coordinator(username, password, email)
    except DomainError as error:
        raise click.UsageError(f"{error.field}: {error.message}") from error
    click.echo(f"{person.username} is a coordinator.")


@demo.command("load")
@click.option("--seed", default=2026, show_default=True, help="Same seed, same program.")
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, if people exist.")
def demo_load(seed: int, if_empty: bool) -> None:
    """Fill an empty database with a believable mentoring program."""
    from .demo import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("The database already holds people; demo data not loaded.")
        return
    try:
        with transaction():
            summary = load_demo(seed)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(summary)


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
    """Merge new strings of messages.pot into every language."""
    translate_extract.callback()
    _pybabel(
        "update",
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


def register(app: Flask) -> None:
    for command in (create_coordinator, demo, translate, profiles, match, ladder):
        app.cli.add_command(command)
