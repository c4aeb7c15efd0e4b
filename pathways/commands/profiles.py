"""``flask profiles``: import a program's people from a spreadsheet, and sign-in links."""

from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from ..services import DomainError, accounts, imports, signin_links, transaction

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
    """Import one person a row, all or nothing. See pathways/services/imports.py for
    the columns; lists are ;-separated in CSV and JSON arrays in JSON Lines."""
    try:
        if dry_run:
            rows = imports.load(file, file_format)
            mentors = sum(row.is_mentor for row in rows)
            click.echo(
                f"{file.name}: {len(rows)} rows are fine ({mentors} mentors, "
                f"{len(rows) - mentors} mentees). Nothing written (dry run)."
            )
            return
        with transaction():
            summary = imports.import_file(file, file_format)
    except imports.ImportRejected as rejected:
        raise _report(rejected, file) from rejected
    click.echo(
        f"Imported {summary.people} people from {file.name}: {len(summary.mentors)} mentors "
        f"(each with a term from today), {len(summary.mentees)} mentees "
        f"({summary.requests} open requests)."
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
