"""Security headers on every response, and pages that work under a strict CSP."""

import re
from pathlib import Path

import pytest

from pathways.config import REPO_ROOT
from pathways.models import RoleName

TEMPLATES = REPO_ROOT / "pathways" / "templates"
INLINE_CODE = re.compile(r"<style|<script(?![^>]*\ssrc=)|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";") if part.strip())


def test_no_site_can_frame_the_pages(client):
    response = client.get("/")
    assert directives(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_content_security_policy_allows_no_inline_code(client):
    policy = directives(client.get("/auth/login"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert (policy["object-src"], policy["base-uri"]) == ("'none'", "'none'")
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in " ".join(policy.values())


@pytest.mark.parametrize("path", ["/", "/auth/login", "/no-such-page", "/badges/issuer.json"])
def test_every_response_says_nosniff_and_same_origin_referrer(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response.headers


def test_open_badges_documents_stay_readable_from_any_site(client):
    response = client.get("/badges/issuer.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_view_may_choose_its_own_referrer_policy(other_app):
    app = other_app()
    app.add_url_rule("/private", "private", lambda: ("", {"Referrer-Policy": "no-referrer"}))
    response = app.test_client().get("/private")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_in_production(client, other_app):
    assert "Strict-Transport-Security" not in client.get("/").headers
    production = other_app(PATHWAYS_ENV="production")
    response = production.test_client().get("https://localhost/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.*")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_carry_no_inline_script_or_style(template: Path):
    found = INLINE_CODE.findall(template.read_text())
    assert not found, f"{template.name} has inline code a strict CSP refuses: {found}"


@pytest.mark.parametrize(
    ("role", "path"),
    [(RoleName.COORDINATOR, "/coordinators/dashboard/"), (RoleName.VOLUNTEER, "/")],
)
def test_rendered_pages_carry_no_inline_style(client, login_as, make_mentor, role, path):
    make_mentor()
    login_as(role)
    response = client.get(path)
    assert response.status_code == 200
    assert not INLINE_CODE.findall(response.get_data(as_text=True))


@pytest.mark.parametrize("host", ["a..b", "x" * 64 + ".example"])
@pytest.mark.parametrize("path", ["/", "/api/v1/catalog/skills"])
def test_a_host_no_address_can_be_built_for_is_a_400(client, host, path):
    """Werkzeug refuses the Host (an empty label, one over 63 characters); the error page
    then built its links for it, and raised: a 500."""
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 400
