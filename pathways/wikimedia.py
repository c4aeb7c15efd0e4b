"""Talking to Wikimedia sites: the OAuth 2 client for Meta-Wiki, and our User-Agent.

Sign-in uses the authorization-code flow with PKCE through Authlib's Flask client,
against MediaWiki's OAuth 2 endpoints under ``/w/rest.php/oauth2/``; the only grant
asked for is the identity (no e-mail). Nothing is registered unless
``WIKIMEDIA_OAUTH_CLIENT_ID`` and ``WIKIMEDIA_OAUTH_CLIENT_SECRET`` are set.

Every request to a Wikimedia site names this tool, where it lives and who runs it,
as https://meta.wikimedia.org/wiki/User-Agent_policy asks.
"""

from dataclasses import dataclass
from importlib.metadata import version

from flask import Flask, current_app
from flask.config import Config

OAUTH_PATH = "/w/rest.php/oauth2/"
EXTENSION = "pathways.wikimedia"


class ProviderUnreachable(Exception):
    """The wiki did not answer, or answered with something that is not OAuth."""


class Refused(Exception):
    """The wiki or the flow refused the sign-in: ``error`` is OAuth's code for why
    (``access_denied`` when the person said no)."""

    def __init__(self, error: str | None) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class WikiIdentity:
    """Who the wiki says signed in: its central user id (``sub``) and username."""

    user_id: str
    username: str


def is_configured(config: Config) -> bool:
    return bool(config["WIKIMEDIA_OAUTH_CLIENT_ID"] and config["WIKIMEDIA_OAUTH_CLIENT_SECRET"])


def user_agent(config: Config) -> str:
    """``Pathways/<version> (<tool URL>; <contact>) Authlib/<v> requests/<v>``."""
    where = [config["TOOL_URL"] or config["BASE_URL"], config["OPERATOR_CONTACT"]]
    contact = "; ".join(part for part in where if part)
    libraries = " ".join(f"{name}/{version(name)}" for name in ("Authlib", "requests"))
    return f"Pathways/{version('pathways')} ({contact}) {libraries}"


def init_app(app: Flask) -> None:
    """Register the Meta-Wiki client on ``app`` when a consumer is configured."""
    if not is_configured(app.config):
        return
    from authlib.integrations.flask_client import OAuth  # loaded only when configured

    base = app.config["WIKIMEDIA_OAUTH_URL"].rstrip("/") + OAUTH_PATH
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth.register(
        "wikimedia",
        client_id=app.config["WIKIMEDIA_OAUTH_CLIENT_ID"],
        client_secret=app.config["WIKIMEDIA_OAUTH_CLIENT_SECRET"],
        authorize_url=base + "authorize",
        access_token_url=base + "access_token",
        api_base_url=base,
        client_kwargs={
            "code_challenge_method": "S256",
            "default_timeout": app.config["WIKIMEDIA_TIMEOUT_SECONDS"],
        },
        user_agent=user_agent(app.config),
    )


def client():
    """The registered Meta-Wiki client of the current app, or None when not configured."""
    return current_app.extensions.get(EXTENSION)


def callback_url() -> str:
    """Where the wiki sends the person back: fixed by ``BASE_URL``, as registered."""
    return current_app.config["BASE_URL"].rstrip("/") + "/auth/wikimedia/callback"


def authorize_redirect():
    """The redirect to the wiki's consent page; state and PKCE verifier go in the session."""
    return client().authorize_redirect(callback_url())


def identity_from_callback() -> WikiIdentity:
    """Exchange the callback's code for a token, then ask the wiki who it belongs to.

    Raises :class:`Refused` for a refusal, a wrong or missing ``state`` or a code the
    wiki does not accept (used, expired), and ``ProviderUnreachable`` when the wiki is down.
    """
    import requests
    from authlib.integrations.base_client import OAuthError

    wiki = client()
    try:
        token = wiki.authorize_access_token()
        response = wiki.get("resource/profile", token=token)
        response.raise_for_status()
        profile = response.json()
    except OAuthError as error:
        raise Refused(error.error) from error
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnreachable(str(error)) from error
    user_id, username = profile.get("sub"), profile.get("username")
    if user_id in (None, "") or not isinstance(username, str) or not username:
        raise ProviderUnreachable("the profile names no user")
    return WikiIdentity(user_id=str(user_id), username=username)
