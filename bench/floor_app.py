"""The least a page of this stack costs: the reference beside the web benchmark's pages.

A Flask app of the same libraries as Pathways and none of its work: ``/page`` reads the
signed session cookie, asks the database one indexed query and renders a two-line
template; ``/`` answers one word. :mod:`bench.bench_web` serves it with the same
gunicorn settings on the same database in the same run, so the report shows how far
each page is from the floor, and how far the floor is from the targets.
"""

import os

from flask import Flask, render_template_string, session
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

PAGE = "<!doctype html><title>{{ name }}</title><p>Signed in: {{ signed_in }}</p>"

app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ["SECRET_KEY"],
    SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
)
db = SQLAlchemy(app)


@app.get("/")
def bare() -> str:
    return "ok"


@app.get("/page")
def page() -> str:
    name = db.session.execute(text("SELECT username FROM person ORDER BY id LIMIT 1")).scalar()
    return render_template_string(PAGE, name=name, signed_in="_user_id" in session)
