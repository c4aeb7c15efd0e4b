"""``flask demo load``: a believable mentoring program for a first look."""

import click
from flask.cli import AppGroup

from ..services import DomainError, transaction

demo = AppGroup("demo", help="Demo data for a first look at the app.")


@demo.command("load")
@click.option("--seed", default=2026, show_default=True, help="Same seed, same program.")
@click.option("--if-empty", is_flag=True, help="Do nothing, successfully, if people exist.")
def demo_load(seed: int, if_empty: bool) -> None:
    """Fill an empty database with a believable mentoring program."""
    from ..demo import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("The database already holds people; demo data not loaded.")
        return
    try:
        with transaction():
            summary = load_demo(seed)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(summary)
