"""A believable demo program: volunteers, mentors with terms and capacities, one coordinator.

Deterministic for a seed, so a screenshot or a bug report can be reproduced.
"""

import random
from datetime import date, timedelta
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .catalog import get_catalog
from .demo_trainings import add_demo_trainings
from .extensions import db
from .models import MentorOffer, Mentorship, Person, RoleName, SkillStance, Stance, Term
from .services import (
    DomainError,
    circles,
    endorsements,
    mentor_requests,
    mentorships,
    offers,
    plans,
    resources,
    showcase,
)
from .services.accounts import create_person, hash_password
from .services.communities import load_directory
from .services.matching import offer_is_open

DEMO_PASSWORD = "pathways-demo"
RESOURCES_PATH = Path(__file__).resolve().parent.parent / "data" / "resources.yaml"
VOLUNTEERS = 36
MENTORS = 14
REQUESTS = 14
APPROVED = 6
PLANS = 12

NAMES = (
    "Amani",
    "Bilal",
    "Chiara",
    "Dawit",
    "Esra",
    "Farida",
    "Goran",
    "Hina",
    "Ifeoma",
    "Joaquín",
    "Kavya",
    "Lwazi",
    "Mei",
    "Nour",
    "Oluwaseun",
    "Priya",
    "Quentin",
    "Rania",
    "Siosaia",
    "Tomás",
    "Ulla",
    "Valentina",
    "Wanjiru",
    "Xochitl",
    "Yusuf",
    "Zeynep",
    "Aroha",
    "Bao",
    "Cyrine",
    "Diego",
    "Elif",
    "Fatou",
    "Gustavo",
    "Hamza",
    "Ingrid",
    "Jamal",
    "Keoni",
    "Leila",
    "Mateo",
    "Naledi",
    "Omar",
    "Paulo",
    "Rashid",
    "Sakura",
    "Thandiwe",
    "Ulises",
    "Vusi",
    "Wiremu",
    "Yara",
    "Zainab",
)
SUFFIXES = ("wiki", "edits", "_lib", "-maps", "WM", "reads", "-cz", "history", "_photos", "bee")
LANGUAGE_SETS = (
    ("en",),
    ("es", "en"),
    ("fr",),
    ("ar", "en"),
    ("hi", "en"),
    ("pt",),
    ("id", "en"),
    ("sw", "en"),
    ("es",),
    ("ar", "fr"),
    ("fr", "en"),
    ("pt", "es"),
)
TIMEZONES = (
    "Africa/Nairobi",
    "America/Bogota",
    "Europe/Paris",
    "Africa/Cairo",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Asia/Jakarta",
    "Africa/Lagos",
    "Europe/Madrid",
    "Asia/Beirut",
)
INTERESTS = (
    "I want to organize edit-a-thons about women scientists and run meetups in my city",
    "Me interesa escribir artículos sobre historia local con buenas referencias",
    "I photograph monuments and want to upload them to Commons and add them to articles",
    "Je veux apprendre à citer mes sources et améliorer les articles sur la musique",
    "أريد أن أتعلم كيفية تحرير ويكيبيديا وكتابة مقالات عن الأدب العربي",
    "I care about closing the gender gap and want to start a local user group",
    "मैं हिंदी विकिपीडिया पर विज्ञान के लेख लिखना चाहता हूँ",
    "Quero organizar oficinas de edição em universidades e escrever relatórios de impacto",
    "I am a librarian and want to run training sessions for my colleagues",
    "I want to handle disputes calmly and help with mediation on talk pages",
    "Saya ingin menulis artikel tentang budaya Indonesia dan mengajak teman kuliah",
    "I maintain templates and bots and would like to learn Lua modules",
    "I want to apply for a grant for a photo contest and learn to write the report",
    "I lead a small affiliate and want to plan strategy and share power with new members",
)
INTROS = (
    "Editing since 2012, mostly history and referencing. Happy to help newcomers find sources.",
    "I run monthly edit-a-thons with our user group and coach first-time organizers.",
    "Commons and Wikidata volunteer; I teach uploading, licensing and structured data.",
    "Former arbitrator; I help people through conflict, mediation and policy questions.",
    "Grants committee member: proposals, budgets, reports and impact evaluation.",
    "Trainer in Wiki Education programs; I love turning students into editors.",
)


def _person_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(NAMES)}{rng.choice(SUFFIXES)}"
        if name.casefold() not in taken:
            taken.add(name.casefold())
            return name


def _add_person(
    username: str, roles: set[RoleName], rng: random.Random, password_hash: str
) -> Person:
    person = create_person(username, None, roles, languages=list(rng.choice(LANGUAGE_SETS)))
    person.password_hash = password_hash
    person.timezone = rng.choice(TIMEZONES)
    person.interests = rng.choice(INTERESTS)
    return person


def _assess(person: Person, skill_ids: list[str], stance: Stance) -> None:
    for skill_id in skill_ids:
        db.session.add(SkillStance(person_id=person.id, skill_id=skill_id, stance=stance))


def _add_mentor(person: Person, rng: random.Random, skill_ids: list[str], today: date) -> None:
    _assess(person, rng.sample(skill_ids, k=rng.randint(3, 7)), Stance.CAN_TEACH)
    offer = MentorOffer(
        person_id=person.id,
        capacity=rng.choice((1, 2, 2, 3, 3, 4)),
        intro=rng.choice(INTROS),
        wiki_projects=rng.choice(("Wikipedia", "Commons, Wikidata", "Wikipedia, Wikisource")),
    )
    start = today - timedelta(days=rng.randint(10, 300))
    offer.terms = [Term(starts_on=start, ends_on=start + timedelta(days=365))]
    if rng.random() < 0.15:
        offer.away_from = today - timedelta(days=3)
        offer.away_until = today + timedelta(days=rng.randint(7, 40))
        offer.away_reason = "Wiki-break"
    db.session.add(offer)


def _add_plans(rng: random.Random, volunteers: list[Person]) -> None:
    """Ladders for some volunteers; the demo volunteer has started the first steps."""
    roles = list(get_catalog().roles)
    for person in volunteers[:PLANS]:
        plan = plans.build_plan(
            person,
            [rng.choice(roles[:4])],
            person.interests,
            person.language_codes,
            rng.choice((2, 3, 5)),
        )
        for step in plan.steps[: rng.randint(0, 3)]:
            plans.mark_step(person, step.id, "done", "I practised this on my own wiki.")


def _add_mentoring_activity(
    rng: random.Random, coordinator: Person, volunteers: list[Person], today: date
) -> None:
    """Requests waiting for review, a few approved mentorships with check-ins, one ended."""
    wanted = [s.id for s in get_catalog().skills.values() if s.level in ("fundamental", "emerging")]
    askers = volunteers[1 : REQUESTS + 1]
    for person in askers:
        mentor_requests.request_mentor(
            person, rng.sample(wanted, k=rng.randint(1, 3)), rng.choice(INTERESTS), None
        )
    batch = mentor_requests.run_batch_pairing(coordinator)
    approved = [
        mentor_requests.approve_proposal(coordinator, proposal, today)
        for proposal in mentor_requests.proposals_of_batch(batch.id)[:APPROVED]
    ]
    for mentorship in approved[:4]:
        mentorships.save_agreement(
            mentorship.mentor,
            mentorship,
            "Learn to cite reliable sources and publish a first article.",
            "We meet online every two weeks; messages on my talk page are welcome.",
            14,
        )
        mentorships.confirm_agreement(mentorship.mentee, mentorship)
        mentorships.log_checkin(
            mentorship.mentee,
            mentorship,
            today,
            rng.choice((30, 45, 60)),
            "Reviewed a draft.",
            today,
        )
    _add_recognition(approved[:2])
    ending = approved[-1]
    mentorships.end_mentorship(
        ending.mentor,
        ending,
        "Goals reached.",
        {
            "learned": "Referencing and talk pages.",
            "handed_on": "Article drafts list.",
            "open_threads": "A deletion discussion to follow.",
        },
    )


CIRCLE_POSTS = (
    ("reflection", "This week I added three citations to a stub; the cite tool saved me time."),
    ("practice", "Preview before saving, and say what you changed in the edit summary."),
    ("practice", "A friendly guide to reliable sources: https://en.wikipedia.org/wiki/WP:RS"),
)


def _add_circles(
    coordinator: Person, mentors: list[Person], volunteers: list[Person], today: date
) -> None:
    """One active peer circle, led by the first mentor who can take one more, with a few
    posts; and two volunteers waiting for a circle, for the next batch run."""
    loads = offers.loads(m.id for m in mentors)
    facilitator = next(
        m
        for m in mentors
        if loads[m.id][0] < loads[m.id][1] and offer_is_open(offers.offer_of(m), today)
    )
    language = facilitator.language_codes[0]
    members = [v for v in volunteers[REQUESTS + 1 : -2] if language in v.language_codes][:4]
    circle = circles.create_circle(
        coordinator,
        "First citations",
        "fundamental",
        language,
        facilitator.username,
        [m.username for m in members],
        today,
    )
    circles.set_schedule(facilitator, circle, "First citations", 2, "18:00", "UTC")
    for author, (kind, body) in zip(
        (members[0], facilitator, members[1]), CIRCLE_POSTS, strict=True
    ):
        circles.post(author, circle, kind, body)
    for person in volunteers[-2:]:
        mentor_requests.request_mentor(person, ["referencing"], "", wants_group=True)


def _finish_levels_up_to_emerging(person: Person) -> None:
    plan = plans.plan_of(person) or plans.build_plan(
        person, ["editor"], person.interests, person.language_codes, 3
    )
    catalog = get_catalog()
    for step in plan.steps:
        level = catalog.levels[catalog.skills[step.skill_id].level]
        if level.rank <= catalog.levels["emerging"].rank:
            plans.mark_step(person, step.id, "done", "I practised this on my own wiki.")


def _add_recognition(pairs: list[Mentorship]) -> None:
    """One mentee's Emerging level endorsed by their mentor and on the showcase with a
    story; another's waiting for their mentor's endorsement."""
    for mentorship in pairs:
        _finish_levels_up_to_emerging(mentorship.mentee)
    endorsed = pairs[0]
    badge = endorsements.endorse(
        endorsed.mentor,
        endorsements.endorsement_of(endorsed.mentee, "emerging"),
        "Every article cites reliable sources, and the talk page discussions stayed friendly.",
    )
    showcase.show(
        endorsed.mentee,
        badge,
        "I started with one missing article about my town's library; now I help newcomers "
        "find sources for theirs.",
    )


def add_resources(coordinator: Person, path: Path = RESOURCES_PATH) -> int:
    """List the seed file's learning resources, added by ``coordinator``; how many."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    catalog = get_catalog()
    for entry in entries:
        original = entry.get("translation_of")
        resources.add_resource(
            coordinator,
            skill_id=entry["skill"],
            title=entry["title"],
            language=entry["language"],
            format=entry["format"],
            level_id=entry.get("level", catalog.skills[entry["skill"]].level),
            link=entry["link"],
            translation_of_id=resources.find_by_link(original).id if original else None,
        )
    return len(entries)


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Person)) == 0


def load_demo(seed: int = 2026) -> str:
    """Add the demo program to an empty database and say what was made."""
    if not database_is_empty():
        raise DomainError(
            _l("The database already holds people; demo data goes only into an empty one.")
        )
    rng = random.Random(seed)
    today = date.today()
    skill_ids = list(get_catalog().skills)
    taken: set[str] = {"demo-coordinator", "demo-mentor", "demo-volunteer"}
    password = hash_password(DEMO_PASSWORD)

    coordinator = _add_person(
        "demo-coordinator", {RoleName.COORDINATOR, RoleName.VOLUNTEER}, rng, password
    )
    mentors = [_add_person("demo-mentor", {RoleName.MENTOR, RoleName.VOLUNTEER}, rng, password)]
    mentors += [
        _add_person(_person_name(rng, taken), {RoleName.MENTOR, RoleName.VOLUNTEER}, rng, password)
        for _ in range(MENTORS - 1)
    ]
    volunteers = [_add_person("demo-volunteer", {RoleName.VOLUNTEER}, rng, password)]
    volunteers += [
        _add_person(_person_name(rng, taken), {RoleName.VOLUNTEER}, rng, password)
        for _ in range(VOLUNTEERS - 1)
    ]
    db.session.flush()
    for mentor in mentors:
        _add_mentor(mentor, rng, skill_ids, today)
    fundamentals = [s.id for s in get_catalog().skills_at("fundamental")]
    for volunteer in volunteers:
        _assess(volunteer, rng.sample(fundamentals, k=rng.randint(0, 3)), Stance.CONFIDENT)
    db.session.flush()
    _add_plans(rng, volunteers)
    _add_mentoring_activity(rng, coordinator, volunteers, today)
    _add_circles(coordinator, mentors, volunteers, today)
    listed = add_resources(coordinator)
    gatherings = add_demo_trainings([coordinator, mentors[0]], today), load_directory()
    return (
        f"Demo program: {len(volunteers)} volunteers, {len(mentors)} mentors, 1 coordinator, "
        f"{listed} learning resources, {gatherings[0]} trainings, {gatherings[1]} communities, "
        "1 peer circle. "
        f"Sign in as demo-volunteer, demo-mentor or demo-coordinator with password {DEMO_PASSWORD}."
    )
