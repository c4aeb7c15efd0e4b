"""Gunicorn in production: ``.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app``.

Options given on the command line win over these (``--bind``, ``--workers``); so do
``PORT`` and ``WEB_CONCURRENCY`` in the environment, as buildpack platforms set them.
"""

import gc
import os

# Serving with this file is production unless the environment says otherwise: the app
# then refuses to start without SECRET_KEY and DATABASE_URL (see pathways/config.py).
os.environ.setdefault("PATHWAYS_ENV", "production")

# A platform that gives the port (Toolforge, other buildpack hosts) gets every interface
# on it; otherwise only this machine, behind a reverse proxy.
bind = f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# The app alone decides which X-Forwarded-* headers to believe (TRUSTED_PROXIES):
# gunicorn believes none, so one setting says it, not two.
forwarded_allow_ips = ""
# No runtime management socket: the app needs none, and several instances on one
# host would share its default path.
control_socket_disable = True


def on_starting(server) -> None:
    """Refuse several workers that would each count rate limits in their own memory."""
    from pathways.config import Config

    if server.cfg.workers > 1 and Config.RATELIMIT_STORAGE_URI.startswith("memory://"):
        raise RuntimeError(
            f"{server.cfg.workers} workers would each count rate limits alone: set "
            "RATELIMIT_STORAGE_URI=redis://… (see the README), or serve with --workers 1"
        )


def post_worker_init(worker) -> None:
    """The worker has loaded the app, which lives as long as the worker: the garbage
    collector's full passes need not walk it again (they paused a request for ~0.13 s
    every 70 ladder pages or so; ~0.06 s with it frozen)."""
    gc.freeze()
    worker.log.info("Worker %s is ready", worker.pid)
