from flask import render_template, request
from flask_babel import get_locale

from ..services import communities
from . import bp


@bp.app_template_global()
def communities_in(codes: list[str]):
    """The directory's communities in these languages (for the sign-up page and ladder)."""
    return communities.in_languages(codes)


@bp.app_template_global()
def community_kind(kind: str) -> str:
    return str(communities.KINDS.get(kind, kind))


@bp.get("/")
def index():
    language = request.args.get("language") or None
    return render_template(
        "communities/index.html",
        communities=communities.directory(language),
        language=language,
        page_language=str(get_locale().language),
    )
