"""Every ``flask`` command of Pathways, one module per area, registered in one place."""

from flask import Flask

from .accounts import create_coordinator
from .database import database
from .demo import demo
from .ladder import ladder
from .match import match
from .profiles import profiles
from .translate import translate


def register(app: Flask) -> None:
    for command in (create_coordinator, database, demo, translate, profiles, match, ladder):
        app.cli.add_command(command)
