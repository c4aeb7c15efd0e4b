"""A stand-in for Meta-Wiki's OAuth 2 endpoints, served on loopback in a thread.

Built with Authlib's server side: the authorization-code grant with PKCE required,
one confidential client, codes that work once. The consent page answers at once
as ``user`` (or refuses, with ``consent = False``). Every User-Agent it receives is
kept in ``user_agents``, so tests can check what Pathways sends.
"""

import secrets
import threading
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

PATH = "/w/rest.php/oauth2"
CLIENT_ID, CLIENT_SECRET = "pathways-test-client", "pathways-test-secret"


@dataclass
class WikiUser:
    sub: int
    username: str


@dataclass
class Client(ClientMixin):
    redirect_uri: str

    def get_client_id(self):
        return CLIENT_ID

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return ""

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, CLIENT_SECRET)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    user: WikiUser
    redirect_uri: str
    code_challenge: str
    code_challenge_method: str

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return ""


@dataclass
class Provider:
    """The server's state: who consents, the codes and tokens issued, what it was sent."""

    client: Client
    user: WikiUser = field(default_factory=lambda: WikiUser(4242, "Wiki Newcomer"))
    consent: bool = True
    codes: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    user_agents: list = field(default_factory=list)
    url: str = ""


def build_app(provider: Provider) -> Flask:
    app = Flask(__name__)
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 3600}

    class Grant(AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code, request):
            provider.codes[code] = Code(
                code,
                request.user,
                request.payload.redirect_uri,
                request.payload.data.get("code_challenge"),
                request.payload.data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code, client):
            return provider.codes.get(code)

        def delete_authorization_code(self, authorization_code):
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    def query_client(client_id):
        return provider.client if client_id == CLIENT_ID else None

    def save_token(token, request):
        provider.tokens[token["access_token"]] = request.user

    server = AuthorizationServer(app, query_client=query_client, save_token=save_token)
    server.register_grant(Grant, [CodeChallenge(required=True)])

    @app.before_request
    def note_user_agent():
        provider.user_agents.append(request.headers.get("User-Agent", ""))

    @app.get(f"{PATH}/authorize")
    def authorize():
        user = provider.user if provider.consent else None
        grant = server.get_consent_grant(end_user=user)
        return server.create_authorization_response(grant=grant, grant_user=user)

    @app.post(f"{PATH}/access_token")
    def access_token():
        return server.create_token_response()

    @app.get(f"{PATH}/resource/profile")
    def profile():
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = provider.tokens.get(token) if scheme.lower() == "bearer" else None
        if user is None:
            return jsonify(error="invalid_token"), 401
        return jsonify(sub=user.sub, username=user.username, editcount=12, confirmed_email=True)

    return app


class Running:
    """The provider served on a free loopback port until ``stop``."""

    def __init__(self, redirect_uri: str) -> None:
        self.provider = Provider(Client(redirect_uri))
        self.server = make_server("127.0.0.1", 0, build_app(self.provider), threaded=True)
        self.provider.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
