"""``flask profiles``: import a program's people from a spreadsheet, and sign-in links."""

from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from ..services import DomainError, accounts, imports, signin_links, transaction
from .jobs import run_job

profiles = AppGroup("profiles", help="Import people from CSV or JSON Lines; sign-in links.")
ERRORS_SHOWN = 200


def _report(rejected: imports.ImportRejected, path: Path) -> click.ClickException:
    for error in rejected.errors[:ERRORS_SHOWN]:
        click.echo(str(error), err=True)
    hidden = len(rejected.errors) - ERRORS_SHOWN
    if hidden > 0:
        click.echo(f"… and {hidden} more.", err=True)
    count = len(rejected.errors)
    return click.ClickException(
        f"{path.name}: nothing imported, {count} problem{'s' if count != 1 else ''} found."
    )


@profiles.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "jsonl"]),
    help="Default: from the file name (.csv, .jsonl, .ndjson).",
)
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
def import_profiles(file: Path, file_format: str | None, dry_run: bool) -> None:
    """Import one person a row, all or nothing. See pathways/services/imports for the
    columns; lists are ;-separated in CSV and JSON Lines' arrays. A file of
    IMPORT_JOB_MIN_ROWS rows or more is written by a job (on a worker if REDIS_URL is set)."""
    try:
        fmt = imports.detect_format(file, file_format)
        text = imports.read_text(file)
        rows = imports.parse(text, fmt)
    except imports.ImportRejected as rejected:
        raise _report(rejected, file) from rejected
    if dry_run:
        mentors = sum(row.is_mentor for row in rows)
        click.echo(
            f"{file.name}: {len(rows)} rows are fine ({mentors} mentors, "
            f"{len(rows) - mentors} mentees). Nothing written (dry run)."
        )
        return
    few = len(rows) < current_app.config["IMPORT_JOB_MIN_ROWS"]
    params = {"source": file.name, "format": fmt, "text": text}
    result = run_job("profiles_import", params, "Importing", here=few).result
    click.echo(
        f"Imported {result['mentors'] + result['mentees']} people from {file.name}: "
        f"{result['mentors']} mentors (each with a term from today), {result['mentees']} "
        f"mentees ({result['requests']} open requests)."
    )
    click.echo(
        "They have no password yet: make each a sign-in link with "
        "'flask --app wsgi profiles link USERNAME', then run 'flask --app wsgi match propose'."
    )


def link_url(token: str) -> str:
    """The full link, built from BASE_URL (there is no request to take the host from)."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for("auth.link_sign_in", token=token, _external=True)


@profiles.command("link")
@click.argument("username")
@click.option(
    "--hours",
    default=signin_links.DEFAULT_TTL_HOURS,
    show_default=True,
    help="How long the link works.",
)
def make_link(username: str, hours: int) -> None:
    """Print a one-time sign-in link for a person without a password."""
    person = accounts.find_by_username(username)
    if person is None:
        raise click.ClickException(f"No person is called {username!r}.")
    try:
        with transaction():
            token = signin_links.create_link(None, person, hours)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(link_url(token))
