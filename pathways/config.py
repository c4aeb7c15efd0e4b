"""Configuration read from the environment, with safe local defaults.

Local use needs no setting at all: the database is a SQLite file in the instance
folder and the secret key is generated once and kept there.

Production is declared, never guessed: ``PATHWAYS_ENV=production`` (``gunicorn.conf.py``
sets it unless the environment says otherwise). Then the app refuses to start without
``SECRET_KEY`` and ``DATABASE_URL``, cookies are sent over HTTPS only and browsers are
told to keep to HTTPS (HSTS); ``SESSION_COOKIE_SECURE=0`` and ``HSTS_MAX_AGE=0`` turn
those off for a site served over plain HTTP.
"""

import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flask import Config as FlaskConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = "production"
REQUIRED_IN_PRODUCTION = {"SECRET_KEY": "SECRET_KEY", "SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}
ONE_YEAR = 365 * 24 * 3600
T = TypeVar("T")


def _unless_unset(name: str, parse: Callable[[str], T]) -> T | None:
    """A setting from the environment, or None when unset: ``complete`` then decides."""
    value = os.environ.get(name)
    return None if value is None else parse(value)


class Config:
    PATHWAYS_ENV = os.environ.get("PATHWAYS_ENV", "development")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY = os.environ.get("SECRET_KEY")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _unless_unset("SESSION_COOKIE_SECURE", lambda value: value == "1")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    HSTS_MAX_AGE = _unless_unset("HSTS_MAX_AGE", int)
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(REPO_ROOT / "translations")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STORAGE_OPTIONS: dict = {}
    REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX")
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute")
    SIGN_IN_ADDRESS_RATE_LIMIT = os.environ.get("SIGN_IN_ADDRESS_RATE_LIMIT", "100 per hour")
    SIGN_UP_RATE_LIMIT = os.environ.get("SIGN_UP_RATE_LIMIT", "20 per hour")
    PASSWORD_CHANGE_RATE_LIMIT = os.environ.get("PASSWORD_CHANGE_RATE_LIMIT", "10 per hour")
    REQUEST_CREATION_RATE_LIMIT = os.environ.get("REQUEST_CREATION_RATE_LIMIT", "10 per hour")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")

    PASSWORD_HASH_PROFILE = os.environ.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_CONSECUTIVE_TERMS = int(os.environ.get("MAX_CONSECUTIVE_TERMS", "2"))
    # Coordinators serve in terms: at most this many in a row (then a break, as mentors),
    # each lasting this many years at most, with a reminder this many days before the end.
    COORDINATOR_MAX_CONSECUTIVE_TERMS = int(
        os.environ.get("COORDINATOR_MAX_CONSECUTIVE_TERMS", "2")
    )
    COORDINATOR_MAX_TERM_YEARS = int(os.environ.get("COORDINATOR_MAX_TERM_YEARS", "2"))
    COORDINATOR_TERM_REMINDER_DAYS = int(os.environ.get("COORDINATOR_TERM_REMINDER_DAYS", "14"))
    # Peer circles: how many volunteers a circle takes, and how many circles in a row one
    # facilitator may lead before a break (the same rule as mentors' terms).
    CIRCLE_MIN_SIZE = int(os.environ.get("CIRCLE_MIN_SIZE", "3"))
    CIRCLE_MAX_SIZE = int(os.environ.get("CIRCLE_MAX_SIZE", "8"))
    FACILITATOR_MAX_CONSECUTIVE_TERMS = int(
        os.environ.get("FACILITATOR_MAX_CONSECUTIVE_TERMS", "2")
    )
    BURNOUT_DAYS_AT_CAPACITY = int(os.environ.get("BURNOUT_DAYS_AT_CAPACITY", "90"))
    # The lifecycle sweep: a mentor with no sign-in and no check-in for this many days is
    # set away; a mentorship with no check-in for this many days, or for twice its agreed
    # interval if that is longer, is flagged on the coordinators' queue.
    MENTOR_INACTIVE_DAYS = int(os.environ.get("MENTOR_INACTIVE_DAYS", "10"))
    CHECKIN_OVERDUE_DAYS = int(os.environ.get("CHECKIN_OVERDUE_DAYS", "30"))
    DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))
    MATCH_MIN_SCORE = float(os.environ.get("MATCH_MIN_SCORE", "0.05"))
    # The levels whose badge waits for a mentor's endorsement of the evidence. Fundamental
    # is issued at once: newcomers often have no mentor yet.
    BADGE_ENDORSEMENT_LEVELS = frozenset(
        level.strip()
        for level in os.environ.get(
            "BADGE_ENDORSEMENT_LEVELS", "emerging,deepening,elevated"
        ).split(",")
        if level.strip()
    )
    REDIS_URL = os.environ.get("REDIS_URL")
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "pathways")
    JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT", "3600"))
    JOB_STALE_SECONDS = int(os.environ.get("JOB_STALE_SECONDS", "900"))
    JOB_STEP_DELAY = float(os.environ.get("JOB_STEP_DELAY", "0"))
    IMPORT_JOB_MIN_ROWS = int(os.environ.get("IMPORT_JOB_MIN_ROWS", "1000"))
    SUCCESSION_JOB_MIN_MENTEES = int(os.environ.get("SUCCESSION_JOB_MIN_MENTEES", "20"))
    MAIL_LOG_ONLY = os.environ.get("MAIL_LOG_ONLY", "1") == "1"
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    # Sign in with a Wikimedia account: off until a consumer's id and secret are set.
    WIKIMEDIA_OAUTH_URL = os.environ.get("WIKIMEDIA_OAUTH_URL", "https://meta.wikimedia.org")
    WIKIMEDIA_OAUTH_CLIENT_ID = os.environ.get("WIKIMEDIA_OAUTH_CLIENT_ID")
    WIKIMEDIA_OAUTH_CLIENT_SECRET = os.environ.get("WIKIMEDIA_OAUTH_CLIENT_SECRET")
    WIKIMEDIA_TIMEOUT_SECONDS = float(os.environ.get("WIKIMEDIA_TIMEOUT_SECONDS", "10"))
    # Wikimedia's User-Agent policy: who runs this tool and how to reach them.
    TOOL_URL = os.environ.get("TOOL_URL")
    OPERATOR_CONTACT = os.environ.get("OPERATOR_CONTACT")


def complete(config: FlaskConfig, instance_path: str) -> None:
    """Fill in the settings that depend on where the app runs.

    In production, a missing secret key or database is an error, not a local default.
    """
    production = config["PATHWAYS_ENV"] == PRODUCTION
    if production:
        _refuse_missing_production_settings(config)
        _refuse_anonymous_wikimedia_client(config)
    if config["SESSION_COOKIE_SECURE"] is None:
        config["SESSION_COOKIE_SECURE"] = production
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
    if config["HSTS_MAX_AGE"] is None:
        config["HSTS_MAX_AGE"] = ONE_YEAR if production else 0
    config["SQLALCHEMY_DATABASE_URI"] = config["SQLALCHEMY_DATABASE_URI"] or instance_database_uri(
        instance_path
    )
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(config["SQLALCHEMY_DATABASE_URI"]),
        **config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    config["SECRET_KEY"] = config["SECRET_KEY"] or instance_secret_key(instance_path)
    _keep_redis_keys_under_the_prefix(config, production)


def _refuse_missing_production_settings(config: FlaskConfig) -> None:
    missing = [variable for name, variable in REQUIRED_IN_PRODUCTION.items() if not config[name]]
    if missing:
        raise RuntimeError(
            f"PATHWAYS_ENV=production needs {' and '.join(missing)} in the environment"
            " (see the README's production section)"
        )


def _refuse_anonymous_wikimedia_client(config: FlaskConfig) -> None:
    """Wikimedia's User-Agent policy asks every tool to say how to reach its operator."""
    if config["WIKIMEDIA_OAUTH_CLIENT_ID"] and not config["OPERATOR_CONTACT"]:
        raise RuntimeError(
            "Sign-in with a Wikimedia account is configured: PATHWAYS_ENV=production needs"
            " OPERATOR_CONTACT (an e-mail address or a wiki user page) for the User-Agent"
            " that Wikimedia's policy asks for"
        )


SUPPORTED_DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MariaDB"}
MARIADB_SQL_MODE = "STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO"
MARIADB_SESSION = f"SET SESSION sql_mode = '{MARIADB_SQL_MODE}', time_zone = '+00:00'"


def engine_options(url: str) -> dict:
    """How to talk to the database ``url`` names; an unsupported one is refused.

    MariaDB reads at READ COMMITTED, as PostgreSQL does: under its default REPEATABLE
    READ a count read after a row lock would still see the transaction's first snapshot,
    and two approvals could both fill a mentor's last place. Strict mode makes text
    longer than its column an error instead of a silent cut; utf8mb4 holds every script
    and emoji; connections are renewed before ToolsDB's idle timeout closes them.
    """
    backend = _backend_of(url)
    options: dict = {"pool_pre_ping": True}
    if backend == "mysql":
        options |= {
            "isolation_level": "READ COMMITTED",
            "pool_recycle": 280,
            "connect_args": {
                "charset": "utf8mb4",
                "init_command": MARIADB_SESSION,
            },
        }
    return options


def _backend_of(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = url.partition(":")[0]
    backend = "mysql" if backend == "mariadb" else backend
    if backend not in SUPPORTED_DATABASES:
        raise RuntimeError(
            f"DATABASE_URL names {backend!r}, which Pathways does not support; use one of "
            + ", ".join(f"{name} ({scheme}://)" for scheme, name in SUPPORTED_DATABASES.items())
        )
    return backend


REDIS_KEY_PREFIX_FORM = re.compile(r"[A-Za-z0-9_.-]+")
SECRET_PREFIX_LENGTH = 16
DEVELOPMENT_PREFIX = "pathways"


def uses_redis(config: FlaskConfig) -> bool:
    urls = (config["RATELIMIT_STORAGE_URI"], config.get("REDIS_URL") or "")
    return any(url.startswith(("redis://", "rediss://", "unix://")) for url in urls)


def _keep_redis_keys_under_the_prefix(config: FlaskConfig, production: bool) -> None:
    """Every key the app writes in Redis starts with ``REDIS_KEY_PREFIX`` and a colon.

    On a Redis shared by many tools with no password (Toolforge's), the prefix is the
    only fence: production refuses to start without a secret one. Locally it defaults
    to ``pathways``.
    """
    prefix = config["REDIS_KEY_PREFIX"]
    secret = prefix is not None and len(prefix) >= SECRET_PREFIX_LENGTH
    if production and uses_redis(config) and not secret:
        raise RuntimeError(
            "Redis is configured: PATHWAYS_ENV=production needs REDIS_KEY_PREFIX, a secret"
            f" of at least {SECRET_PREFIX_LENGTH} characters (e.g. `openssl rand -hex 16`),"
            " so that other users of the same Redis cannot read or reset this site's keys"
        )
    prefix = prefix or DEVELOPMENT_PREFIX
    if not REDIS_KEY_PREFIX_FORM.fullmatch(prefix):
        raise RuntimeError("REDIS_KEY_PREFIX may hold only letters, digits and _ . -")
    config["REDIS_KEY_PREFIX"] = prefix
    config["RATELIMIT_STORAGE_OPTIONS"] = {
        **config["RATELIMIT_STORAGE_OPTIONS"],
        "key_prefix": f"{prefix}:limits",
    }


def instance_database_uri(instance_path: str) -> str:
    """The zero-set-up default: a SQLite file in the instance folder."""
    return "sqlite:///" + str(Path(instance_path) / "pathways.sqlite")


def instance_secret_key(instance_path: str) -> str:
    """A random key generated on first use and kept in the instance folder.

    Used only when ``SECRET_KEY`` is not set, so a local install never runs on a
    key that is written in the source.
    """
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
