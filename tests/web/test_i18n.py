import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pathways.models import RoleName

REPO = Path(__file__).resolve().parents[2]


def html_tag(response) -> str:
    body = response.get_data(as_text=True)
    return body[body.index("<html") : body.index(">", body.index("<html")) + 1]


def test_english_by_default(client):
    response = client.get("/")
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert "Sign in" in response.get_data(as_text=True)


def test_lang_parameter_selects_spanish_and_is_remembered(client):
    response = client.get("/?lang=es")
    assert html_tag(response) == '<html lang="es" dir="ltr">'
    assert "Iniciar sesión" in response.get_data(as_text=True)
    assert html_tag(client.get("/skills")) == '<html lang="es" dir="ltr">'


def test_accept_language_header(client):
    response = client.get("/", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"})
    assert html_tag(response) == '<html lang="fr" dir="ltr">'


def test_arabic_is_right_to_left(client):
    response = client.get("/", headers={"Accept-Language": "ar"})
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert "تسجيل الدخول" in response.get_data(as_text=True)


def test_unsupported_language_falls_back_to_english(client):
    response = client.get("/?lang=xx", headers={"Accept-Language": "de"})
    assert html_tag(response) == '<html lang="en" dir="ltr">'


def test_user_preference_wins_over_parameter_and_header(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    person.locale = "ar"
    from pathways.extensions import db

    db.session.commit()
    response = client.get("/?lang=es", headers={"Accept-Language": "fr"})
    assert html_tag(response) == '<html lang="ar" dir="rtl">'


def test_stylesheet_uses_logical_properties_only():
    css = (REPO / "pathways" / "static" / "css" / "app.css").read_text()
    for physical in (
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
        "text-align: right",
        "float: left",
        "float: right",
    ):
        assert physical not in css


@pytest.mark.parametrize("locale", ["es", "ar"])
def test_compiled_catalogs_match_their_sources(locale, tmp_path):
    """A .po edited without recompiling would silently show stale text."""
    po = REPO / "translations" / locale / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    fresh = tmp_path / "messages.mo"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "compile",
            "-i",
            str(po),
            "-o",
            str(fresh),
        ],
        check=True,
        capture_output=True,
    )
    assert fresh.read_bytes() == mo.read_bytes()


def message_ids(path: Path) -> set:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def test_message_template_is_up_to_date(tmp_path):
    """babel.cfg must name real folders, and new strings must reach messages.pot."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(REPO / "babel.cfg"),
            "-k",
            "_l",
            "-o",
            str(fresh),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    assert message_ids(fresh) == message_ids(REPO / "translations" / "messages.pot")
