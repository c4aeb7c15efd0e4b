from datetime import date, datetime, timedelta

import pytest

from pathways.catalog import get_catalog
from pathways.dashboard import charts
from pathways.extensions import db
from pathways.models import (
    CheckIn,
    MentorOffer,
    MentorRequest,
    Mentorship,
    MentorshipState,
    RequestState,
    RoleName,
    SkillStance,
    Stance,
    Term,
)
from pathways.services import dashboard

TODAY = date(2026, 1, 15)
NOON = datetime(2026, 1, 15, 12, 0)


def add_offer(
    person,
    capacity=2,
    terms=((TODAY - timedelta(days=100), TODAY + timedelta(days=200)),),
    full_since=None,
    away=None,
    retired=False,
):
    offer = MentorOffer(
        person_id=person.id,
        capacity=capacity,
        full_since=full_since,
        away_from=away[0] if away else None,
        away_until=away[1] if away else None,
        retired_at=NOON if retired else None,
        terms=[Term(starts_on=s, ends_on=e) for s, e in terms],
    )
    db.session.add(offer)
    db.session.commit()
    return offer


def add_mentorship(mentor, mentee, started_at=NOON, state=MentorshipState.ACTIVE):
    mentorship = Mentorship(
        mentor_id=mentor.id, mentee_id=mentee.id, started_at=started_at, state=state
    )
    db.session.add(mentorship)
    db.session.commit()
    return mentorship


def add_request(mentee, created_at=NOON, state=RequestState.OPEN, skills=()):
    request = MentorRequest(
        mentee_id=mentee.id, created_at=created_at, state=state, skills=list(skills)
    )
    db.session.add(request)
    db.session.commit()
    return request


@pytest.fixture
def mentor(make_person):
    def make(username, **offer):
        person = make_person(RoleName.MENTOR, username=username)
        add_offer(person, **offer)
        return person

    return make


# Waiting time --------------------------------------------------------------------------


def test_waiting_times_counts_open_and_proposed_requests_oldest_first(make_person):
    for name, days, state in (
        ("Ten", 10, RequestState.OPEN),
        ("Four", 4, RequestState.PROPOSED),
        ("One", 1, RequestState.OPEN),
        ("Done", 50, RequestState.MATCHED),
        ("Gone", 60, RequestState.WITHDRAWN),
    ):
        add_request(make_person(username=name), NOON - timedelta(days=days), state)

    waiting = dashboard.waiting_times(TODAY)

    assert waiting.count == 3
    assert waiting.median_days == 4
    assert waiting.max_days == 10
    assert [(r.username, r.days, r.state) for r in waiting.oldest] == [
        ("Ten", 10, RequestState.OPEN),
        ("Four", 4, RequestState.PROPOSED),
        ("One", 1, RequestState.OPEN),
    ]


def test_waiting_times_without_requests(app):
    waiting = dashboard.waiting_times(TODAY)
    assert (waiting.count, waiting.median_days, waiting.max_days, waiting.oldest) == (
        0,
        None,
        None,
        [],
    )


@pytest.mark.parametrize("waiting", [1, 2, 5, 6])
def test_waiting_times_of_the_oldest_only_keeps_the_figures_of_all(make_person, waiting):
    for i, days in enumerate((9, 9, 7, 4, 2, 0)[:waiting]):
        add_request(make_person(username=f"W{i}"), NOON - timedelta(days=days))

    every = dashboard.waiting_times(TODAY)
    oldest = dashboard.waiting_times(TODAY, limit=2)

    assert (oldest.count, oldest.median_days, oldest.max_days) == (
        every.count,
        every.median_days,
        every.max_days,
    )
    assert oldest.requests == every.requests[:2]


# Matches per month ---------------------------------------------------------------------


def test_matches_per_month_buckets_across_a_year_boundary(make_person, mentor):
    ada = mentor("Ada", capacity=10)
    for started in (
        datetime(2025, 1, 31, 23, 59),  # before the twelve months shown
        datetime(2025, 2, 1, 0, 0),
        datetime(2025, 12, 31, 23, 30),
        datetime(2026, 1, 1, 0, 10),
        datetime(2026, 1, 14, 9, 0),
    ):
        add_mentorship(ada, make_person(), started, MentorshipState.ENDED)

    months = dashboard.matches_per_month(TODAY)

    assert len(months) == 12
    assert months[0].month == date(2025, 2, 1)
    assert months[-1].month == date(2026, 1, 1)
    counts = {m.month: m.count for m in months}
    assert counts[date(2025, 2, 1)] == 1
    assert counts[date(2025, 12, 1)] == 1
    assert counts[date(2026, 1, 1)] == 2
    assert sum(counts.values()) == 4


def test_matches_per_month_with_a_short_window(app):
    months = dashboard.matches_per_month(date(2026, 3, 31), months=3)
    assert [m.month for m in months] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert {m.count for m in months} == {0}


# Mentors -------------------------------------------------------------------------------


def test_mentor_load_counts_active_and_paused_against_capacity(make_person, mentor):
    ada = mentor("Ada", capacity=3)
    add_mentorship(ada, make_person())
    add_mentorship(ada, make_person(), state=MentorshipState.PAUSED)
    add_mentorship(ada, make_person(), state=MentorshipState.ENDED)
    mentor(
        "Bea",
        capacity=1,
        away=(TODAY - timedelta(days=2), TODAY + timedelta(days=5)),
        terms=((TODAY - timedelta(days=10), TODAY + timedelta(days=20)),),
    )
    mentor("Cy", retired=True)
    mentor("Dee", terms=())

    loads = {m.username: m for m in dashboard.mentor_load(TODAY)}

    assert set(loads) == {"Ada", "Bea", "Dee"}
    assert (loads["Ada"].used, loads["Ada"].capacity, loads["Ada"].away) == (2, 3, False)
    assert (loads["Bea"].used, loads["Bea"].capacity, loads["Bea"].away) == (0, 1, True)
    assert loads["Bea"].term_ends_on == TODAY + timedelta(days=20)
    assert loads["Dee"].term_ends_on is None
    assert [m.username for m in dashboard.mentor_load(TODAY)][0] == "Ada"


def test_terms_ending_soon(make_person, mentor):
    soon = TODAY + timedelta(days=10)
    ada = mentor(
        "Ada",
        terms=(
            (TODAY - timedelta(days=300), soon),
            (soon + timedelta(days=1), soon + timedelta(days=200)),
        ),
    )
    add_mentorship(ada, make_person())
    mentor("Bea", terms=((TODAY - timedelta(days=300), TODAY + timedelta(days=3)),))
    mentor("Cy", terms=((TODAY - timedelta(days=300), TODAY + timedelta(days=45)),))
    mentor("Dee", terms=((TODAY - timedelta(days=300), TODAY - timedelta(days=1)),))

    ending = dashboard.terms_ending_soon(TODAY, days=30)

    assert [(t.username, t.days_left, t.mentees, t.has_next_term) for t in ending] == [
        ("Bea", 3, 0, False),
        ("Ada", 10, 1, True),
    ]


def test_burnout_risk_after_n_days_at_capacity(make_person, mentor):
    long_full = mentor("Long", capacity=1, full_since=NOON - timedelta(days=91))
    add_mentorship(long_full, make_person())
    just_full = mentor("Just", capacity=1, full_since=NOON - timedelta(days=90))
    add_mentorship(just_full, make_person())
    # full_since is stale once capacity grew: not full any more, so not at risk.
    mentor("Grown", capacity=3, full_since=NOON - timedelta(days=200))

    risks = dashboard.burnout_risk(TODAY, days=90)
    assert [(r.username, r.days_at_capacity) for r in risks] == [("Long", 91)]
    assert {r.username for r in dashboard.burnout_risk(TODAY, days=30)} == {"Long", "Just"}


def test_burnout_risk_defaults_to_config_and_flags_the_last_term_in_a_row(app, mentor):
    app.config["BURNOUT_DAYS_AT_CAPACITY"] = 10
    app.config["MAX_CONSECUTIVE_TERMS"] = 2
    mentor(
        "Serial",
        terms=(
            (TODAY - timedelta(days=500), TODAY - timedelta(days=140)),
            (TODAY - timedelta(days=120), TODAY + timedelta(days=200)),
        ),
    )
    mentor(
        "Rested",
        terms=(
            (TODAY - timedelta(days=600), TODAY - timedelta(days=300)),
            (TODAY - timedelta(days=120), TODAY + timedelta(days=200)),
        ),
    )

    risks = dashboard.burnout_risk(TODAY)

    assert [(r.username, r.consecutive_terms, r.days_at_capacity) for r in risks] == [
        ("Serial", 2, None)
    ]


# Skills --------------------------------------------------------------------------------


def test_skills_demand_compares_requests_with_mentors_who_teach(make_person, mentor):
    first, second, third = list(get_catalog().skills)[:3]
    add_request(make_person(), skills=[first, second])
    add_request(make_person(), skills=[first], state=RequestState.MATCHED)
    add_request(make_person(), skills=[first, third], state=RequestState.WITHDRAWN)
    teacher = mentor("Teacher")
    retired = mentor("Retired", retired=True)
    volunteer = make_person(RoleName.VOLUNTEER)
    for person in (teacher, retired, volunteer):
        db.session.add(SkillStance(person_id=person.id, skill_id=first, stance=Stance.CAN_TEACH))
    db.session.add(SkillStance(person_id=teacher.id, skill_id=third, stance=Stance.CAN_TEACH))
    db.session.add(SkillStance(person_id=teacher.id, skill_id=second, stance=Stance.CONFIDENT))
    db.session.commit()

    rows = dashboard.skills_demand()

    assert [(s.skill_id, s.requested, s.offered) for s in rows] == [
        (first, 2, 1),
        (second, 1, 0),
        (third, 0, 1),
    ]
    assert rows[0].name == get_catalog().skills[first].name
    assert len(dashboard.skills_demand(limit=1)) == 1


# Hours ---------------------------------------------------------------------------------


def test_mentoring_hours_sums_checkin_minutes_per_mentor(make_person, mentor):
    ada, bea = mentor("Ada", capacity=5), mentor("Bea")
    one = add_mentorship(ada, make_person())
    two = add_mentorship(ada, make_person(), state=MentorshipState.ENDED)
    three = add_mentorship(bea, make_person())
    for mentorship, day, minutes in (
        (one, date(2025, 12, 1), 30),
        (one, date(2026, 1, 5), 45),
        (two, date(2026, 1, 10), 60),
        (three, date(2025, 11, 1), 20),
    ):
        db.session.add(CheckIn(mentorship_id=mentorship.id, happened_on=day, minutes=minutes))
    db.session.commit()

    hours = dashboard.mentoring_hours()
    assert [(h.username, h.checkins, h.minutes, h.hours) for h in hours] == [
        ("Ada", 3, 135, 2.25),
        ("Bea", 1, 20, 0.33),
    ]
    since = dashboard.mentoring_hours(since=date(2026, 1, 1))
    assert [(h.username, h.minutes, h.hours) for h in since] == [("Ada", 105, 1.75)]


# Chart geometry ------------------------------------------------------------------------


def test_column_chart_scales_to_the_largest_value_and_mirrors_in_rtl():
    points = [("Jan", "2026", 2), ("Feb", "", 4), ("Mar", "", 0)]
    ltr = charts.column_chart(points, rtl=False, width=300, plot_height=100)
    rtl = charts.column_chart(points, rtl=True, width=300, plot_height=100)

    assert [c.height for c in ltr.columns] == [50, 100, 0]
    assert ltr.columns[0].x < ltr.columns[1].x < ltr.columns[2].x
    assert rtl.columns[0].x > rtl.columns[1].x > rtl.columns[2].x
    for left, right in zip(ltr.columns, rtl.columns, strict=True):
        assert right.x == pytest.approx(300 - left.x - left.width)
        assert (right.y, right.height, right.label) == (left.y, left.height, left.label)


def test_long_labels_are_thinned_or_cut_so_they_never_overlap():
    months = [(f"Month{i:02d}", "", i) for i in range(12)]  # 7 characters, wider than a slot
    labels = [c.label for c in charts.column_chart(months, rtl=False, width=360).columns]
    assert labels[0] == "Month00" and labels[1] == ""
    assert sum(1 for label in labels if label) == 6

    long_name = "Understanding open source and the world of Open Knowledge and beyond"
    row = charts.paired_bar_chart([(long_name, 1, 1)], rtl=False, width=360).rows[0]
    assert row.label.endswith("…") and len(row.label) < len(long_name)
    assert charts.paired_bar_chart([("Wiki basics", 1, 1)], rtl=False).rows[0].label == (
        "Wiki basics"
    )


def test_paired_bars_grow_from_the_start_edge():
    rows = [("Wiki basics", 4, 1)]
    ltr = charts.paired_bar_chart(rows, rtl=False, width=200).rows[0]
    rtl = charts.paired_bar_chart(rows, rtl=True, width=200).rows[0]

    assert ltr.first.x == 0 and ltr.first.width > 4 * ltr.second.width - 1
    assert rtl.first.x + rtl.first.width == pytest.approx(200)
    assert (ltr.label_x, rtl.label_x) == (0, 200)
    assert ltr.first.value_x > ltr.first.width
    assert rtl.first.value_x < rtl.first.x


def test_load_bar_fills_its_share_and_marks_full():
    assert charts.load_bar(1, 4, rtl=False).fill_width == 25
    half_rtl = charts.load_bar(1, 2, rtl=True)
    assert (half_rtl.fill_x, half_rtl.fill_width, half_rtl.full) == (50, 50, False)
    assert charts.load_bar(3, 3, rtl=False).full
    assert charts.load_bar(4, 3, rtl=False).fill_width == 100
    assert charts.column_chart([], rtl=False).columns == []
