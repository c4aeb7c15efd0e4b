from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter
from . import bp

REDIS_TIMEOUT_SECONDS = 1.0


@bp.get("/healthz")
@limiter.exempt
def liveness():
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
def readiness():
    down = [name for name, answers in _stores().items() if not answers()]
    if down:
        return jsonify(status="unavailable", down=down), 503
    return jsonify(status="ok")


def _stores() -> dict:
    stores = {"database": _database_answers}
    if _redis_urls():
        stores["redis"] = _redis_answers
    return stores


def _database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    finally:
        db.session.rollback()
    return True


def _redis_urls() -> list[str]:
    """The Redis servers the app uses: rate-limit storage, and the job queue's."""
    urls = [current_app.config["RATELIMIT_STORAGE_URI"], current_app.config.get("REDIS_URL")]
    return sorted({url for url in urls if url and url.startswith(("redis://", "rediss://"))})


def _redis_answers() -> bool:
    import redis

    for url in _redis_urls():
        try:
            redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS).ping()
        except redis.RedisError:
            return False
    return True
