"""Configuration read from the environment, with safe local defaults.

Local use needs no setting at all: the database is a SQLite file in the instance
folder and the secret key is generated once and kept there. Production sets
``DATABASE_URL`` (``postgresql+psycopg://…``) and ``SECRET_KEY``.
"""

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SECRET_KEY = os.environ.get("SECRET_KEY")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(REPO_ROOT / "translations")
    LANGUAGES = ("en", "es", "fr", "ar", "hi", "pt", "id")

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute")

    PASSWORD_HASH_PROFILE = os.environ.get("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_CONSECUTIVE_TERMS = int(os.environ.get("MAX_CONSECUTIVE_TERMS", "2"))
    BURNOUT_DAYS_AT_CAPACITY = int(os.environ.get("BURNOUT_DAYS_AT_CAPACITY", "90"))
    MATCH_MIN_SCORE = float(os.environ.get("MATCH_MIN_SCORE", "0.05"))
    MAIL_LOG_ONLY = os.environ.get("MAIL_LOG_ONLY", "1") == "1"
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")


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
