"""Every ``flask`` command of Pathways, one module per area, registered in one place."""

from flask import Flask

from .accounts import create_coordinator
from .database import database
from .demo import demo
from .jobs import worker
from .ladder import ladder
from .lifecycle import lifecycle
from .match import match
from .profiles import profiles
from .translate import translate


def register(app: Flask) -> None:
    commands = (
        create_coordinator,
        database,
        demo,
        translate,
        profiles,
        match,
        ladder,
        lifecycle,
        worker,
    )
    for command in commands:
        app.cli.add_command(command)
