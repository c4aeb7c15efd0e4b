import csv
import io
from datetime import date, datetime, timedelta

import pytest

from pathways.catalog import get_catalog
from pathways.extensions import db
from pathways.models import (
    CheckIn,
    MentorOffer,
    MentorRequest,
    Mentorship,
    RoleName,
    SkillStance,
    Stance,
    Term,
)

PAGE = "/coordinators/dashboard/"
TABLES = ("mentor-load", "matches", "skills", "hours", "waiting")


def build_program(make_person, mentors: int, prefix: str = "mentor") -> None:
    """Mentors with terms, teachable skills, mentees, check-ins and waiting requests."""
    today = date.today()
    skill_ids = list(get_catalog().skills)
    now = datetime.now().replace(microsecond=0)
    for i in range(mentors):
        mentor = make_person(RoleName.MENTOR, username=f"{prefix}{i}")
        mentee = make_person(username=f"{prefix}-mentee{i}")
        db.session.add(
            MentorOffer(
                person_id=mentor.id,
                capacity=1 + i % 3,
                full_since=now - timedelta(days=100) if i % 3 == 0 else None,
                terms=[
                    Term(
                        starts_on=today - timedelta(days=300),
                        ends_on=today + timedelta(days=5 + i),
                    )
                ],
            )
        )
        db.session.add(
            SkillStance(person_id=mentor.id, skill_id=skill_ids[i % 7], stance=Stance.CAN_TEACH)
        )
        mentorship = Mentorship(
            mentor_id=mentor.id, mentee_id=mentee.id, started_at=now - timedelta(days=31 * i)
        )
        mentorship.checkins = [CheckIn(happened_on=today, minutes=30 + i)]
        db.session.add(mentorship)
        db.session.add(
            MentorRequest(
                mentee_id=mentee.id,
                skills=[skill_ids[i % 5]],
                created_at=now - timedelta(days=i + 1),
            )
        )
    db.session.commit()


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_page_shows_the_numbers_to_coordinators(client, login_as, make_person):
    build_program(make_person, 3)
    login_as(RoleName.COORDINATOR, username="Coord", email="coord@example.org")

    response = client.get(PAGE)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Program dashboard" in body
    assert "mentor0" in body and "mentor2" in body
    assert "mentor-mentee2" in body  # the longest-waiting request
    assert "Median wait" in body and "2 days" in body  # waiting 1, 2 and 3 days
    assert "3 of 6 places used" in body  # one mentee each, of capacities 1 + 2 + 3
    assert "Mentors close to burnout" in body
    assert get_catalog().skills[list(get_catalog().skills)[0]].name in body
    assert body.count('role="img"') == 2 + 3  # two charts, one load bar per mentor
    assert "coord@example.org" not in body
    assert "@example" not in body


def test_empty_program_renders(client, login_as):
    login_as(RoleName.COORDINATOR)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "No request is waiting for a mentor." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [RoleName.VOLUNTEER, RoleName.MENTOR])
@pytest.mark.parametrize("url", [PAGE, "/coordinators/dashboard/hours.csv"])
def test_others_are_refused(client, login_as, role, url):
    login_as(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [PAGE, "/coordinators/dashboard/waiting.csv"])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("table", TABLES)
def test_each_csv_parses_with_a_header(client, login_as, make_person, table):
    build_program(make_person, 3)
    login_as(RoleName.COORDINATOR)

    response = client.get(f"/coordinators/dashboard/{table}.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"pathways-{table}-" in response.headers["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header and all(header)
    assert rows and all(len(row) == len(header) for row in rows)


def test_hours_csv_sums_per_mentor_and_respects_since(client, login_as, make_person):
    build_program(make_person, 2)
    login_as(RoleName.COORDINATOR)

    header, *rows = read_csv(client.get("/coordinators/dashboard/hours.csv"))
    assert header == ["username", "checkins", "minutes", "hours"]
    assert rows == [["mentor1", "1", "31", "0.52"], ["mentor0", "1", "30", "0.5"]]

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    _, *later = read_csv(client.get(f"/coordinators/dashboard/hours.csv?since={tomorrow}"))
    assert later == []
    assert client.get("/coordinators/dashboard/hours.csv?since=nonsense").status_code == 400


def test_csv_cells_cannot_start_a_formula(client, login_as, make_person):
    build_program(make_person, 2)
    for person, name in zip(
        db.session.scalars(db.select(MentorOffer)).all(),
        ('=HYPERLINK("http://evil")', "@SUM(A1)"),
        strict=True,
    ):
        person.person.username = name
    db.session.commit()
    login_as(RoleName.COORDINATOR)

    text = client.get("/coordinators/dashboard/mentor-load.csv").get_data(as_text=True)
    cells = [row[0] for row in csv.reader(io.StringIO(text))]

    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_unknown_table_is_not_found(client, login_as):
    login_as(RoleName.COORDINATOR)
    assert client.get("/coordinators/dashboard/emails.csv").status_code == 404


def test_rtl_page_mirrors_the_charts(client, login_as, make_person):
    build_program(make_person, 3)
    login_as(RoleName.COORDINATOR)

    body = client.get(PAGE + "?lang=ar").get_data(as_text=True)

    assert 'dir="rtl"' in body
    assert body.count('<svg role="img"') == 5
    assert 'aria-labelledby="matches-chart-title matches-chart-desc"' in body
    assert '<text x="360" y="11" text-anchor="start">' in body  # skill labels at the right


def test_invalid_since_shows_an_error(client, login_as):
    login_as(RoleName.COORDINATOR)
    response = client.get(PAGE + "?since=yesterday")
    assert response.status_code == 200
    assert "Give the date as YYYY-MM-DD." in response.get_data(as_text=True)


def test_page_queries_do_not_grow_with_mentors(client, login_as, make_person, count_queries):
    login_as(RoleName.COORDINATOR)
    build_program(make_person, 3, prefix="few")
    client.get(PAGE)  # warm-up: reloads the signed-in person that building expired
    with count_queries() as few:
        assert client.get(PAGE).status_code == 200

    build_program(make_person, 27, prefix="many")
    client.get(PAGE)
    with count_queries() as many:
        assert client.get(PAGE).status_code == 200

    assert few.n == many.n
    assert few.n < 25


def test_figures_are_kept_for_the_cache_seconds(
    app, client, login_as, make_person, count_queries, monkeypatch
):
    from pathways.services import dashboard

    app.config["DASHBOARD_CACHE_SECONDS"] = 60
    clock = [1000.0]
    monkeypatch.setattr(dashboard.time, "monotonic", lambda: clock[0])
    login_as(RoleName.COORDINATOR)
    build_program(make_person, 2, prefix="early")
    client.get(PAGE)
    with count_queries() as cached:
        first = client.get(PAGE).get_data(as_text=True)
    build_program(make_person, 1, prefix="late")
    kept = client.get(PAGE).get_data(as_text=True)
    clock[0] += 60
    with count_queries() as fresh:
        later = client.get(PAGE).get_data(as_text=True)

    assert "early-mentee1" in first  # the waiting requests are figures kept a while
    assert "late-mentee0" not in kept and "late-mentee0" in later
    assert cached.n < fresh.n


def test_mentor_load_shows_one_page_at_a_time(client, login_as, make_person):
    build_program(make_person, 27)
    login_as(RoleName.COORDINATOR)

    first = client.get(PAGE).get_data(as_text=True)
    second = client.get(PAGE + "?page=2&since=2020-01-01").get_data(as_text=True)

    assert first.count('class="chart chart-load"') == 25 and "Page 1 of 2" in first
    assert second.count('class="chart chart-load"') == 2
    assert "27 of 54 places used" in second  # the total counts every mentor
    assert "page=1&amp;since=2020-01-01" in second
