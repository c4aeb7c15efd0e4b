"""The ``flask`` commands: accounts, demo data, translations."""

import subprocess
import sys

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


def register(app: Flask) -> None:
    for command in (create_coordinator, demo, translate, profiles, match, ladder):
        app.cli.add_command(command)
