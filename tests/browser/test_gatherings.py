"""Issue 16's newcomer, in chromium on a phone without JavaScript: someone who signs up
in Spanish is pointed to the Spanish-speaking communities, and on the first rung of
their ladder sees an upcoming training that teaches that rung's skill; they take a place.

The training and the directory are set up in the database; everything else goes
through the pages, with CSRF on.
"""

import pytest
from playwright.sync_api import expect

from pathways.services import communities, transaction
from tests.test_trainings import DRAFT, post

from .helpers import PHONE, has_no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser


def test_a_spanish_newcomer_finds_a_training_and_a_community(new_page, make_mentor):
    with transaction():
        communities.load_directory()
    post(make_mentor(username="Anfitriona"))
    post(make_mentor(), language="fr", title="Atelier : citer ses sources")

    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto("/auth/signup?lang=es")
    joined = page.locator("section.communities-to-join")
    expect(joined.get_by_role("heading", level=2)).to_have_text("Comunidades en tu idioma")
    expect(joined.get_by_role("link", name="Wikimedia España")).to_have_attribute(
        "rel", "nofollow ugc noopener"
    )
    expect(joined).not_to_contain_text("Wikimédia France")
    assert has_no_horizontal_scroll(page), "the sign-up page scrolls sideways"
    page.get_by_label("Nombre de usuario").fill("Garza Tranquila")
    page.get_by_label("Contraseña", exact=True).fill("una frase de paso bien larga")
    page.get_by_label("Repite la contraseña").fill("una frase de paso bien larga")
    page.get_by_label("Idioma de la interfaz").select_option("es")
    page.get_by_label("Idiomas en los que puedes trabajar").fill("es")
    page.get_by_role("button", name="Crear mi cuenta").click()

    page.get_by_role("link", name="Mi escalera", exact=True).click()
    page.get_by_role("radio", name="Todavía no").first.check()
    page.get_by_role("checkbox", name="Recién llegado/a").check()
    page.get_by_role("button", name="Crear mi escalera").click()

    first_rung = page.locator("section.rung-section").first
    expect(first_rung.get_by_role("heading", level=2)).to_have_text("Fundamental")
    expect(first_rung.get_by_role("link", name="Wikimedia España")).to_be_visible()
    expect(first_rung.locator(".step-trainings").first).to_contain_text(DRAFT.title)
    expect(page.locator("main")).not_to_contain_text("Atelier : citer ses sources")
    assert has_no_horizontal_scroll(page), "the ladder scrolls sideways"
    screenshot(page, "phone-ladder-gatherings")

    first_rung.get_by_role("link", name=DRAFT.title).first.click()
    expect(page.locator("dl.facts")).to_contain_text("America/Mexico_City")
    page.get_by_role("button", name="Reservar una plaza").click()
    expect(page.locator(".flash")).to_have_text("Estás inscrito. ¡Nos vemos allí!")
    expect(page.locator("dl.facts")).to_contain_text("1 de 2 plazas ocupadas")
    assert has_no_horizontal_scroll(page), "the training page scrolls sideways"
