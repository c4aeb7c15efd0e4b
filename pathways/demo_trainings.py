"""The demo's trainings: a few upcoming ones in several languages, each teaching
Fundamental skills, dated from the day the demo is loaded."""

from datetime import date, datetime, time, timedelta

from .models import Person
from .services import trainings

DEMO_TRAININGS = (
    # (days ahead, language, time zone, title, skills, online, venue, link)
    (
        6,
        "es",
        "Europe/Madrid",
        "Taller en línea: tus primeras ediciones y referencias",
        ["wiki-basics", "referencing"],
        True,
        "",
        "https://www.wikimedia.es/",
    ),
    (
        9,
        "es",
        "America/Mexico_City",
        "Editatón de bienvenida: practica en tu taller",
        ["using-sandbox", "communicating-on-wiki"],
        False,
        "Biblioteca Vasconcelos, Ciudad de México",
        None,
    ),
    (
        8,
        "fr",
        "Europe/Paris",
        "Atelier découverte : citer ses sources",
        ["referencing"],
        True,
        "",
        "https://www.wikimedia.fr/",
    ),
    (
        12,
        "pt",
        "America/Sao_Paulo",
        "Oficina: primeiros passos na Wikipédia",
        ["wiki-basics", "using-sandbox"],
        True,
        "",
        None,
    ),
    (
        10,
        "hi",
        "Asia/Kolkata",
        "विकिपीडिया संपादन कार्यशाला: संदर्भ जोड़ना",
        ["referencing"],
        True,
        "",
        None,
    ),
    (
        14,
        "ar",
        "Africa/Cairo",
        "ورشة: أساسيات التحرير في ويكيبيديا",
        ["wiki-basics"],
        True,
        "",
        None,
    ),
    (
        7,
        "en",
        "UTC",
        "Newcomer hour: friendly interactions on talk pages",
        ["friendly-interactions", "communicating-on-wiki"],
        True,
        "",
        "https://en.wikipedia.org/wiki/Wikipedia:Teahouse",
    ),
)


def add_demo_trainings(hosts: list[Person], today: date) -> int:
    """Post the demo trainings, taking turns among ``hosts``; returns how many."""
    for index, (days, language, zone, title, skills, online, venue, link) in enumerate(
        DEMO_TRAININGS
    ):
        draft = trainings.TrainingDraft(
            title=title,
            description="",
            online=online,
            venue=venue,
            link=link or "",
            language=language,
            skills=skills,
            starts_local=datetime.combine(today + timedelta(days=days), time(18, 0)),
            timezone=zone,
            minutes=90,
            places=25,
        )
        trainings.post_training(hosts[index % len(hosts)], draft)
    return len(DEMO_TRAININGS)
