"""The WSGI entry point: ``gunicorn wsgi:app`` in production, ``flask --app wsgi`` locally."""

from pathways import create_app

app = create_app()
