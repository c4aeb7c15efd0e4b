"""``flask create-coordinator``: the first coordinator of a program."""

import click

from ..services import DomainError, accounts, transaction


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
