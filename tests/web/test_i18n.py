"""Which language a page is in, the switcher on every page, dates and numbers in the
reader's language and time zone. The catalogs themselves: ``tests/test_translations.py``."""

import re
from datetime import datetime
from pathlib import Path

import pytest

from pathways.extensions import db
from pathways.models import ProgramEvent, RoleName
from tests.helpers import translations_with

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "pathways" / "templates"


def html_tag(response) -> str:
    body = response.get_data(as_text=True)
    return body[body.index("<html") : body.index(">", body.index("<html")) + 1]


def switcher(response) -> str:
    body = response.get_data(as_text=True)
    start = body.index('<form class="language-picker"')
    return body[start : body.index("</form>", start)]


def save_locale(person, code: str | None) -> None:
    person.locale = code
    db.session.commit()


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


@pytest.mark.parametrize("asked", ["xx", "de", "../../etc", "es%00", "a" * 300, "ES_es", "en-"])
def test_an_unknown_or_malformed_lang_falls_back_to_the_browser_then_english(client, asked):
    with_browser = client.get(f"/?lang={asked}", headers={"Accept-Language": "fr"})
    assert with_browser.status_code in (200, 400)  # 400 names a control character
    if with_browser.status_code == 200:
        assert html_tag(with_browser) == '<html lang="fr" dir="ltr">'
    without = client.get(f"/skills?lang={asked}", headers={"Accept-Language": "de"})
    assert html_tag(without) == '<html lang="en" dir="ltr">'


def test_lang_parameter_wins_for_its_page_then_the_saved_preference_returns(client, login_as):
    save_locale(login_as(RoleName.VOLUNTEER), "ar")
    assert html_tag(client.get("/?lang=es", headers={"Accept-Language": "fr"})) == (
        '<html lang="es" dir="ltr">'
    )
    assert html_tag(client.get("/skills", headers={"Accept-Language": "fr"})) == (
        '<html lang="ar" dir="rtl">'
    )


def test_without_a_saved_preference_the_remembered_choice_then_the_browser_decide(client, login_as):
    login_as(RoleName.VOLUNTEER)
    assert html_tag(client.get("/", headers={"Accept-Language": "hi"})) == (
        '<html lang="hi" dir="ltr">'
    )
    client.get("/?lang=id")
    assert html_tag(client.get("/", headers={"Accept-Language": "hi"})) == (
        '<html lang="id" dir="ltr">'
    )


@pytest.mark.parametrize("saved", ["xx", "de", "", "ar\n", "pt_XX_bad"])
def test_a_saved_preference_naming_no_language_falls_back_to_the_browser(client, login_as, saved):
    save_locale(login_as(RoleName.VOLUNTEER), saved)
    assert html_tag(client.get("/", headers={"Accept-Language": "pt"})) == (
        '<html lang="pt" dir="ltr">'
    )
    assert html_tag(client.get("/", headers={"Accept-Language": "de"})) == (
        '<html lang="en" dir="ltr">'
    )


# The switcher ---------------------------------------------------------------------------


def test_visitors_switch_with_a_get_form_naming_each_language_in_itself(client):
    form = switcher(client.get("/skills?lang=ar"))
    assert 'method="get"' in form and "csrf_token" not in form
    names = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', form))
    assert names == {
        "en": "English",
        "ar": "العربية",
        "es": "Español",
        "fr": "Français",
        "hi": "हिन्दी",
        "id": "Indonesia",
        "pt": "Português",
    }
    assert '<option value="ar" lang="ar" selected>' in form


def test_signed_in_people_switch_with_a_post_that_comes_back_to_the_page(client, login_as):
    login_as(RoleName.VOLUNTEER)
    form = switcher(client.get("/mentors/?lang=fr&x=1"))
    assert 'method="post" action="/auth/language"' in form
    assert 'name="csrf_token"' in form
    assert '<input type="hidden" name="next" value="/mentors/?x=1">' in form


def test_switching_saves_the_preference_and_returns(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    response = client.post("/auth/language", data={"lang": "hi", "next": "/mentors/?x=1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/mentors/?x=1"
    assert person.locale == "hi"
    assert html_tag(client.get("/", headers={"Accept-Language": "es"})) == (
        '<html lang="hi" dir="ltr">'
    )


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "", "/\\evil"])
def test_switching_never_leaves_the_site(client, login_as, target):
    login_as(RoleName.VOLUNTEER)
    response = client.post("/auth/language", data={"lang": "es", "next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("asked", ["xx", "", "../es", "es\x00"])
def test_switching_to_no_language_is_refused_and_saves_nothing(client, login_as, asked):
    person = login_as(RoleName.VOLUNTEER)
    response = client.post("/auth/language", data={"lang": asked, "next": "/"})
    assert response.status_code == 400
    assert person.locale is None


def test_csrf_protects_the_switch(login_as, other_app):
    person = login_as(RoleName.VOLUNTEER)
    client = other_app(WTF_CSRF_ENABLED=True).test_client()
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
    assert client.post("/auth/language", data={"lang": "es"}).status_code == 400
    db.session.refresh(person)
    assert person.locale is None


# Signing up in one's language -----------------------------------------------------------


def test_sign_up_preselects_the_browsers_language(client):
    page = client.get("/auth/signup", headers={"Accept-Language": "pt-BR,pt;q=0.9"})
    body = page.get_data(as_text=True)
    assert re.search(r'<select id="locale" name="locale">.*<option selected value="pt">', body)
    assert re.search(r'<input [^>]*name="languages" [^>]*value="pt">', body)


def test_sign_up_saves_the_chosen_language(client):
    from pathways.services import accounts

    client.post(
        "/auth/signup",
        data={
            "username": "Garça",
            "password": "a long enough passphrase",
            "password_again": "a long enough passphrase",
            "locale": "pt",
            "languages": "pt, es",
        },
    )
    person = accounts.find_by_username("Garça")
    assert (person.locale, person.language_codes) == ("pt", ["es", "pt"])
    assert html_tag(client.get("/", headers={"Accept-Language": "en"})) == (
        '<html lang="pt" dir="ltr">'
    )


# A new language -------------------------------------------------------------------------


def test_a_locale_folder_is_all_an_eighth_language_needs(tmp_path, other_app, own_catalogs):
    """The README's promise: add ``translations/de`` and German is offered and served."""
    folder = translations_with(tmp_path, "de", {"Sign in": "Anmelden"})
    client = other_app(BABEL_TRANSLATION_DIRECTORIES=str(folder)).test_client()
    assert '<option value="de" lang="de">Deutsch</option>' in switcher(client.get("/"))
    german = client.get("/?lang=de")
    assert html_tag(german) == '<html lang="de" dir="ltr">'
    assert ">Anmelden</a>" in german.get_data(as_text=True)


def test_a_folder_that_is_no_language_is_ignored(tmp_path, other_app, own_catalogs):
    folder = translations_with(tmp_path, "de", {})
    (folder / "de").rename(folder / "not-a-locale")
    app = other_app(BABEL_TRANSLATION_DIRECTORIES=str(folder))
    assert "not-a-locale" not in app.config["LANGUAGES"]
    assert app.test_client().get("/").status_code == 200


# Dates, numbers and time zones ----------------------------------------------------------


def test_times_are_shown_in_the_readers_time_zone(client, login_as):
    coordinator = login_as(RoleName.COORDINATOR)
    coordinator.timezone = "Asia/Kolkata"
    db.session.add(ProgramEvent(kind="request_made", created_at=datetime(2026, 1, 5, 12, 0)))
    db.session.commit()
    body = client.get("/coordinators/audit").get_data(as_text=True)
    assert "Jan 5, 2026, 5:30:00\u202fPM" in body


def test_a_time_zone_unknown_here_shows_utc(client, login_as):
    coordinator = login_as(RoleName.COORDINATOR)
    coordinator.timezone = "Mars/Olympus"
    db.session.add(ProgramEvent(kind="request_made", created_at=datetime(2026, 1, 5, 12, 0)))
    db.session.commit()
    assert "Jan 5, 2026, 12:00:00\u202fPM" in client.get("/coordinators/audit").get_data(
        as_text=True
    )


def test_templates_keep_to_one_date_style():
    """Dates go through ``dateformat``/``datetimeformat`` with the app's one style."""
    odd = re.compile(r"strftime|(?:\)|_at|_on|_until)\|string|(?:date|datetime)format\(")
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in odd.finditer(path.read_text())
    ]
    assert found == []


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


def test_translations_follow_a_forced_locale_and_come_back(app):
    """Texts are translated with translations found once per request and locale; a
    forced locale (the badge documents) finds its own, and the page's come back after."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    from pathways.catalog import get_catalog
    from pathways.catalog_messages import translated

    skill = get_catalog().skills["wiki-basics"]
    page = "{{ _('Save progress') }}"
    with app.test_request_context("/?lang=es"):
        spanish = (translated(skill), render_template_string(page), gettext("Save progress"))
        with force_locale("fr"):
            french = (translated(skill), render_template_string(page), gettext("Save progress"))
        assert (translated(skill), render_template_string(page)) == spanish[:2]
    assert spanish[1] == spanish[2] and french[1] == french[2]
    assert len({skill.name, spanish[0], french[0]}) == 3
    assert len({"Save progress", spanish[1], french[1]}) == 3


def test_numbers_and_quantities_are_babels_for_each_locale_and_forced_locale(app):
    """``decimalformat`` and ``unitformat`` keep the texts they made (per locale, number
    and type): the same as Babel's, and a forced locale gets its own."""
    from babel import numbers, units
    from flask import render_template_string
    from flask_babel import force_locale

    page = (
        "{{ 1234.5|decimalformat }} {{ 0.8312|decimalformat('0.00') }}"
        " {{ 2|unitformat('duration-hour') }} {{ 2.0|unitformat('duration-hour') }}"
    )

    def babels(code: str) -> str:
        return " ".join(
            [
                numbers.format_decimal(1234.5, locale=code),
                numbers.format_decimal(0.8312, "0.00", locale=code),
                units.format_unit(2, "duration-hour", locale=code),
                units.format_unit(2.0, "duration-hour", locale=code),
            ]
        )

    for code in ("en", "fr", "hi", "en"):
        with app.test_request_context(f"/?lang={code}"):
            assert render_template_string(page) == babels(code)
            with force_locale("ar"):
                assert render_template_string(page) == babels("ar")
