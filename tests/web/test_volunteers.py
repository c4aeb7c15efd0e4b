import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from pathways.catalog import get_catalog
from pathways.extensions import db
from pathways.models import Badge, Person, Plan, PlanStep, RoleName, SkillStance, StepStatus
from pathways.services import plans, transaction
from tests.helpers import count


def onboarding_data(stances=None, **overrides) -> dict:
    data = {
        "goal_roles": ["event-organizer"],
        "interests": "",
        "languages": "en",
        "hours_per_week": "3",
    }
    for skill_id, stance in (stances or {"wiki-basics": "not_yet"}).items():
        data[f"stances-{skill_id}"] = stance
    return data | overrides


def ladder_page(client) -> str:
    response = client.get("/ladder/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def step_names(body: str) -> list[str]:
    return re.findall(r'<h3><a href="/skills/([a-z0-9-]+)">', body)


def test_ladder_needs_sign_in(client):
    response = client.get("/ladder/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_without_a_plan_the_ladder_sends_to_onboarding(client, login_as):
    login_as(RoleName.VOLUNTEER)
    response = client.get("/ladder/")
    assert response.headers["Location"].endswith("/ladder/start")
    assert client.get("/ladder/goals").headers["Location"].endswith("/ladder/start")


def test_onboarding_form_has_an_accessible_grid(client, login_as):
    login_as(RoleName.VOLUNTEER)
    body = client.get("/ladder/start").get_data(as_text=True)
    catalog = get_catalog()
    assert body.count('<fieldset class="stance-level"') == len(catalog.levels)
    assert "<legend>Fundamental</legend>" in body
    assert body.count('role="radiogroup"') == len(catalog.skills)
    assert 'name="stances-referencing" value="can_teach"' in body
    assert 'value="event-organizer"' in body


def test_newcomer_for_event_organizer_gets_basics_first_then_organizing(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    response = client.post("/ladder/start", data=onboarding_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ladder/")
    body = ladder_page(client)
    names = step_names(body)
    catalog = get_catalog()
    assert names[0] == "wiki-basics"
    first_rung = [s for s in names if catalog.skills[s].level == "fundamental"]
    assert names[: len(first_rung)] == first_rung
    assert names.index("getting-connected") < names.index("running-events")
    assert names.index("running-events") < names.index("report-writing")
    assert names.index("project-management") < names.index("grant-proposals")
    assert "Needed to become Event organizer" in body
    assert "Comes before Running events" in body
    assert "A foundation: the first steps everyone takes" in body
    assert "<progress" in body
    assert 'href="/requests/new"' in body
    assert [row.skill_id for row in plans.plan_of(person).steps] == names


def test_confident_in_referencing_and_sandbox_no_longer_sees_them(client, login_as):
    login_as(RoleName.VOLUNTEER)
    stances = {"referencing": "confident", "using-sandbox": "confident"}
    assert client.post("/ladder/start", data=onboarding_data(stances)).status_code == 302
    names = step_names(ladder_page(client))
    assert "referencing" not in names and "using-sandbox" not in names
    assert "running-events" in names


def test_a_skill_being_learned_shows_as_started_on_the_ladder(client, login_as):
    login_as(RoleName.VOLUNTEER)
    stances = {"wiki-basics": "learning", "referencing": "not_yet"}
    assert client.post("/ladder/start", data=onboarding_data(stances)).status_code == 302
    body = ladder_page(client)
    learning = body.partition('href="/skills/wiki-basics"')[2].partition("</h3>")[0]
    assert '<span class="tag status">Started</span>' in learning
    assert 'class="step step-started"' in body and "already under way" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (onboarding_data({"no-such-skill": "confident"}), "Unknown skill: no-such-skill"),
        (onboarding_data({"referencing": "guru"}), "Unknown stance: guru"),
        (onboarding_data({}) | {"stances-wiki-basics": ""}, "Mark at least one skill"),
        (onboarding_data(goal_roles=["archmage"]), "Unknown role: archmage"),
        (onboarding_data(hours_per_week="0"), "Give between 0.25 and 80 hours a week."),
        (onboarding_data(hours_per_week="500"), "Give between 0.25 and 80 hours a week."),
        (onboarding_data(hours_per_week="lots"), "Not a valid float value."),
        (onboarding_data(interests="x" * 100_000), "Keep this under 10000 characters."),
        (onboarding_data(languages="klingon!"), "is not a language code"),
    ],
)
def test_onboarding_bad_input_shows_the_error_and_saves_nothing(client, login_as, data, message):
    person = login_as(RoleName.VOLUNTEER)
    response = client.post("/ladder/start", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert "Please correct the marked fields." in body
    assert count(SkillStance) == count(Plan) == count(PlanStep) == 0
    db.session.refresh(person)
    assert person.interests == "" and person.language_codes == ["en"]


def test_replan_keeps_progress_of_surviving_steps(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    client.post("/ladder/start", data=onboarding_data())
    rows = {row.skill_id: row for row in plans.plan_of(person).steps}
    basics, events = rows["wiki-basics"].id, rows["running-events"].id
    response = client.post(
        f"/ladder/steps/{basics}",
        data={f"step-{basics}-status": "done", f"step-{basics}-reflection": "Did the tour."},
    )
    assert response.status_code == 302
    client.post(f"/ladder/steps/{events}", data={f"step-{events}-status": "started"})

    form = client.get("/ladder/goals").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="event-organizer"', form)
    response = client.post(
        "/ladder/goals", data={"goal_roles": ["editor"], "interests": "", "hours_per_week": "2"}
    )
    assert response.status_code == 302
    plan = plans.plan_of(person)
    db.session.refresh(plan)
    by_skill = {row.skill_id: row for row in plan.steps}
    assert "running-events" not in by_skill
    assert db.session.get(PlanStep, events) is None
    assert by_skill["wiki-basics"].status == StepStatus.DONE
    assert by_skill["wiki-basics"].reflection == "Did the tour."
    assert plan.goal_roles == ["editor"] and plan.hours_per_week == 2
    body = ladder_page(client)
    assert "Did the tour." in body
    assert "Needed to become Editor" in body


def test_replan_bad_hours_is_refused_and_changes_nothing(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    client.post("/ladder/start", data=onboarding_data())
    before = [row.skill_id for row in plans.plan_of(person).steps]
    response = client.post(
        "/ladder/goals", data={"goal_roles": ["editor"], "hours_per_week": "500"}
    )
    assert response.status_code == 422
    assert "Give between 0.25 and 80 hours a week." in response.get_data(as_text=True)
    db.session.expire_all()
    plan = plans.plan_of(person)
    assert plan.goal_roles == ["event-organizer"]
    assert [row.skill_id for row in plan.steps] == before


def test_finishing_fundamental_through_the_form_issues_one_certificate(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    client.post("/ladder/start", data=onboarding_data())
    rung = plans.progress_by_rung(plans.plan_of(person))[0]
    assert rung.level_id == "fundamental"
    for row in rung.steps:
        response = client.post(f"/ladder/steps/{row.id}", data={f"step-{row.id}-status": "done"})
        assert response.status_code == 302
    assert count(Badge) == 1
    body = client.get("/ladder/", follow_redirects=True).get_data(as_text=True)
    badge = db.session.scalar(select(Badge))
    assert f"/badges/{badge.public_id}" in body
    assert "Fundamental: 11 of 11 steps done" in body


def test_step_form_bad_input_is_shown_with_422(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    client.post("/ladder/start", data=onboarding_data())
    row = plans.plan_of(person).steps[0]
    response = client.post(
        f"/ladder/steps/{row.id}",
        data={f"step-{row.id}-status": "done", f"step-{row.id}-reflection": "x" * 5000},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Keep this under 4000 characters." in body
    # The failed step's form is open, keeps what was sent and points at the error.
    reflection = f"step-{row.id}-reflection"
    assert f'aria-describedby="{reflection}-hint {reflection}-error" aria-invalid="true"' in body
    assert f'<p class="error" id="{reflection}-error">' in body
    assert re.search(rf'<input checked id="step-{row.id}-status-\d" [^>]*value="done">', body)
    assert "x" * 5000 + "</textarea>" in body
    db.session.refresh(row)
    assert row.status == StepStatus.NOT_STARTED


def test_a_steps_own_form_saves_its_progress(login_as, other_app):
    """The page writes each step's form by hand: its field names and token must be the
    ones the step's route reads, with the security token checked."""
    person = login_as(RoleName.VOLUNTEER)
    with transaction():
        plans.onboard(person, {"wiki-basics": "not_yet"}, [], "", ["en"], 3)
    row = plans.plan_of(person).steps[0]
    client = other_app(WTF_CSRF_ENABLED=True).test_client()
    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
    page = client.get("/ladder/").get_data(as_text=True)
    token = re.search(rf'name="step-{row.id}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert re.search(rf'<input checked id="step-{row.id}-status-0" [^>]*value="not_started">', page)
    assert f'maxlength="4000" name="step-{row.id}-reflection"' in page
    response = client.post(
        f"/ladder/steps/{row.id}",
        data={
            f"step-{row.id}-csrf_token": token.group(1),
            f"step-{row.id}-status": "started",
            f"step-{row.id}-reflection": "Began.",
        },
    )
    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.status, row.reflection) == (StepStatus.STARTED, "Began.")


def test_volunteer_cannot_mark_someone_elses_step(client, login_as, make_person):
    owner = make_person()
    with transaction():
        plans.onboard(owner, {"wiki-basics": "not_yet"}, [], "", ["en"], 3)
    row = plans.plan_of(owner).steps[0]
    login_as(RoleName.VOLUNTEER)
    response = client.post(f"/ladder/steps/{row.id}", data={f"step-{row.id}-status": "done"})
    assert response.status_code == 403
    db.session.refresh(row)
    assert row.status == StepStatus.NOT_STARTED
    assert client.post("/ladder/steps/999999", data={}).status_code == 404


def test_knows_everything_says_so_and_points_to_mentoring(client, login_as):
    login_as(RoleName.VOLUNTEER)
    stances = {skill_id: "can_teach" for skill_id in get_catalog().skills}
    assert client.post("/ladder/start", data=onboarding_data(stances)).status_code == 302
    body = ladder_page(client)
    assert "You know every skill on this ladder" in body
    assert 'href="/mentors/me"' in body
    assert "Offer to mentor" in body


def test_ladder_svg_is_accessible_and_mirrored_in_arabic(client, login_as):
    login_as(RoleName.VOLUNTEER)
    client.post("/ladder/start", data=onboarding_data())
    body = ladder_page(client)
    assert 'role="img"' in body and 'aria-labelledby="ladder-title ladder-desc"' in body
    assert '<title id="ladder-title">' in body and '<desc id="ladder-desc">' in body
    assert 'class="ladder-summary"' in body
    assert 'direction="ltr"' in body
    ltr_rails = re.findall(r'<line class="rail" x1="(\d+)"', body)

    refresh()  # the tests' app context outlives a request; a server's does not
    response = client.get("/ladder/?lang=ar")
    arabic = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert 'role="img"' in arabic and "<desc" in arabic
    assert 'direction="rtl"' in arabic
    rtl_rails = re.findall(r'<line class="rail" x1="(\d+)"', arabic)
    assert rtl_rails == [str(320 - int(x)) for x in ltr_rails]


def test_onboarding_again_prefills_the_grid_and_replans(client, login_as):
    person = login_as(RoleName.VOLUNTEER)
    client.post("/ladder/start", data=onboarding_data({"referencing": "learning"}))
    body = client.get("/ladder/start").get_data(as_text=True)
    assert re.search(r'name="stances-referencing" value="learning"\s+checked', body)
    assert not re.search(r'name="stances-referencing" value="confident"\s+checked', body)
    assert "You already have a ladder." in body
    basics = plans.plan_of(person).steps[0]
    assert basics.skill_id == "wiki-basics"
    client.post(f"/ladder/steps/{basics.id}", data={f"step-{basics.id}-status": "done"})

    stances = {"referencing": "confident", "wiki-basics": "not_yet"}
    assert client.post("/ladder/start", data=onboarding_data(stances)).status_code == 302
    db.session.expire_all()
    plan = plans.plan_of(person)
    assert "referencing" not in [row.skill_id for row in plan.steps]
    assert plan.steps[0].id == basics.id and plan.steps[0].status == StepStatus.DONE
    assert {s.skill_id: s.stance for s in db.session.get(Person, person.id).stances} == stances
