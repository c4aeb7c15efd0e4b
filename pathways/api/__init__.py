"""The JSON API under ``/api/v1``, for programs acting for a person with a personal
access token.

Built on flask-smorest rather than APIFlask: it plugs into the app as one more
extension and blueprint (APIFlask replaces the ``Flask`` class itself, which this app's
factory, error pages and CLI would have to follow), its OpenAPI 3 document is generated
from the marshmallow schemas that also validate and serialise every request and response
(webargs parses; unknown fields, wrong types and out-of-range ids are refused before a
view runs), and it is maintained, small, and needs no JavaScript from a CDN: the docs
page (``api.docs``) is rendered here from the same document.

Every view calls the same service function as the web page for the same action, and is
allowed for the same people; a token's scopes can only narrow that (``auth.py``).
Errors have one shape, ``{"error": {"code", "message", "fields"}}`` (``pathways.errors``).
"""

from collections.abc import Callable

from flask import Blueprint, Flask, render_template
from flask_smorest import Api

from ..extensions import csrf
from ..input_rules import INTEGER_MAX
from ..web import IdConverter
from .schemas import ErrorBodySchema

PREFIX = "/api/v1"


class PathwaysApi(Api):
    """flask-smorest, with the app's own error handlers and error schema, and the
    OpenAPI document of its views written when the document is first read (the docs
    page, ``openapi.json``), not when the app starts: it is a tenth of a second of deep
    copies that every command and web worker paid, most of them never to read it."""

    ERROR_SCHEMA = ErrorBodySchema

    def __init__(self, *args, **kwargs) -> None:
        self._undocumented: list[Callable[[], None]] = []
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        while self._undocumented:
            self._undocumented.pop(0)()
        return self._spec

    @spec.setter
    def spec(self, spec) -> None:
        self._spec = spec
        self._undocumented = []

    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        """flask-smorest's own, with the views' documentation postponed."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        app, spec = self._app, self._spec

        def document() -> None:
            blp.register_views_in_doc(self, app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})

        self._undocumented.append(document)

    def _register_error_handlers(self):
        """``pathways.errors`` answers every error, HTML pages' and the API's alike."""


api = PathwaysApi()
pages = Blueprint("api", __name__)


@pages.get(f"{PREFIX}/docs")
def docs():
    """Every operation of the OpenAPI document, as a page: no script, no CDN."""
    spec = api.spec.to_dict()
    operations = [
        (path, method.upper(), operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    return render_template("api/docs.html", spec=spec, operations=operations)


def _id_parameter(converter: IdConverter) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": INTEGER_MAX}


def init_app(app: Flask) -> None:
    from . import circles, gatherings  # noqa: F401  (they add their operations to blp)
    from .routes import blp

    app.config.update(
        API_TITLE="Pathways API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api.init_app(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_converter(IdConverter, _id_parameter)
    csrf.exempt(blp)
    api.register_blueprint(blp, url_prefix=PREFIX)
    app.register_blueprint(pages)
