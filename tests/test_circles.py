"""Peer circles: batch proposals, approval under the facilitator's capacity, terms and
their limit, hand-over, the board's moderation and reports, and privacy."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pathways.extensions import db
from pathways.models import (
    Circle,
    CirclePost,
    CircleReport,
    CircleState,
    FacilitatorTerm,
    MentorRequest,
    Notification,
    ProgramEvent,
    RequestState,
    RoleName,
)
from pathways.services import (
    DomainError,
    NotAllowed,
    circles,
    dashboard,
    mentor_requests,
    offers,
    privacy,
    transaction,
)
from pathways.services.next_steps import next_steps
from pathways.web import linked

TODAY = date.today()


@pytest.fixture
def group(make_person):
    """Three volunteers who asked for a circle on the fundamental rung."""

    def make(count=3, skills=("referencing",), languages=("en",)):
        people = [make_person(languages=languages) for _ in range(count)]
        with transaction():
            for person in people:
                mentor_requests.request_mentor(person, list(skills), "", wants_group=True)
        return people

    return make


def run_batch(coordinator):
    with transaction():
        return mentor_requests.run_batch_pairing(coordinator)


def proposed(batch_id) -> Circle:
    [circle] = circles.proposed_circles(batch_id)
    return circle


@pytest.fixture
def active_circle(make_person, make_mentor, group):
    coordinator = make_person(RoleName.COORDINATOR)
    facilitator = make_mentor(username="Guide", capacity=2)
    members = group()
    circle = proposed(run_batch(coordinator).id)
    with transaction():
        circles.approve_circle(coordinator, circle, TODAY)
    return circle, coordinator, facilitator, members


def test_a_group_request_waits_for_the_batch_and_is_not_paired_one_to_one(
    make_person, make_mentor, group
):
    coordinator = make_person(RoleName.COORDINATOR)
    make_mentor(capacity=5)
    members = group()
    assert all(r.state == RequestState.OPEN for r in db.session.scalars(select(MentorRequest)))
    batch = run_batch(coordinator)
    assert batch.proposals == [] and batch.circles == 1
    circle = proposed(batch.id)
    assert sorted(m.person_id for m in circle.members) == sorted(p.id for p in members)
    assert circle.state == CircleState.PROPOSED and circle.level_id == "fundamental"
    assert {r.state for r in db.session.scalars(select(MentorRequest))} == {RequestState.PROPOSED}


def test_too_few_for_a_circle_are_unmatched_with_why(make_person, make_mentor, group):
    coordinator = make_person(RoleName.COORDINATOR)
    make_mentor()
    group(count=2)
    batch = run_batch(coordinator)
    assert {u.reason for u in batch.unmatched} == {"too_few"}
    review = mentor_requests.batch_review(batch.id)
    assert [reason for _, reason in review.unmatched] == ["too_few", "too_few"]


def test_a_new_batch_replaces_the_circles_still_proposed(make_person, make_mentor, group):
    coordinator = make_person(RoleName.COORDINATOR)
    make_mentor()
    group()
    first = run_batch(coordinator)
    second = run_batch(coordinator)
    assert circles.proposed_circles(first.id) == []
    assert len(circles.proposed_circles(second.id)) == 1


def test_approval_opens_the_circle_takes_a_place_and_tells_everyone(active_circle):
    circle, coordinator, facilitator, members = active_circle
    assert circle.state == CircleState.ACTIVE
    assert offers.loads([facilitator.id])[facilitator.id] == (1, 2)
    assert {r.state for r in db.session.scalars(select(MentorRequest))} == {RequestState.MATCHED}
    kinds = dict(db.session.execute(select(Notification.person_id, Notification.kind)).all())
    assert kinds[facilitator.id] == "circle_leading"
    assert all(kinds[m.id] == "circle_joined" for m in members)
    assert db.session.scalar(select(ProgramEvent.kind).order_by(ProgramEvent.id.desc())) == (
        "circle_approved"
    )
    assert circles.facilitates(facilitator.id, members[0].id)
    assert not circles.facilitates(members[0].id, facilitator.id)
    assert (circle.starts_on, circle.ends_on) == (TODAY, TODAY + timedelta(days=300))


def test_the_dashboard_counts_a_facilitated_circle_as_a_place_used(active_circle):
    _, _, facilitator, _ = active_circle
    [load] = [m for m in dashboard.mentor_load(TODAY) if m.mentor_id == facilitator.id]
    assert (load.used, load.capacity) == (1, 2)


def test_a_facilitator_without_a_free_place_is_refused(make_person, make_mentor, group):
    coordinator = make_person(RoleName.COORDINATOR)
    facilitator = make_mentor(capacity=1)
    group()
    circle = proposed(run_batch(coordinator).id)
    mentee = make_person()
    with transaction():
        request = mentor_requests.request_mentor(mentee, ["referencing"], "", facilitator.id)
        mentor_requests.approve_proposal(coordinator, request.proposals[0], TODAY)
    with pytest.raises(DomainError) as refused, transaction():
        circles.approve_circle(coordinator, circle, TODAY)
    assert refused.value.field == "facilitator"
    assert "no free place" in str(refused.value.message)
    assert db.session.get(Circle, circle.id).state == CircleState.PROPOSED


def test_a_facilitated_circle_counts_against_capacity_for_one_to_one_approvals(
    active_circle, make_person
):
    _, coordinator, facilitator, _ = active_circle
    first, second = make_person(), make_person()
    with transaction():
        request = mentor_requests.request_mentor(first, ["referencing"], "", facilitator.id)
        mentor_requests.approve_proposal(coordinator, request.proposals[0], TODAY)
    with transaction():
        request = mentor_requests.request_mentor(second, ["referencing"], "", facilitator.id)
    assert request.proposals == []  # no place left: the circle holds one of two


def test_a_circle_of_a_withdrawn_request_is_refused(make_person, make_mentor, group):
    coordinator = make_person(RoleName.COORDINATOR)
    make_mentor()
    members = group()
    circle = proposed(run_batch(coordinator).id)
    with transaction():
        mentor_requests.withdraw_request(members[0], mentor_requests.open_request_of(members[0]))
    with pytest.raises(DomainError, match="no longer waiting"), transaction():
        circles.approve_circle(coordinator, circle, TODAY)


def test_the_facilitators_term_limit_reuses_the_consecutive_terms_rule(
    app, make_person, make_mentor
):
    app.config["FACILITATOR_MAX_CONSECUTIVE_TERMS"] = 1
    coordinator = make_person(RoleName.COORDINATOR)
    facilitator = make_mentor(capacity=3, username="Leader")
    names = [make_person().username for _ in range(6)]
    with transaction():
        circles.create_circle(coordinator, "One", "fundamental", "en", "Leader", names[:3], TODAY)
    with pytest.raises(DomainError) as refused, transaction():
        circles.create_circle(coordinator, "Two", "fundamental", "en", "Leader", names[3:], TODAY)
    assert refused.value.field == "facilitator"
    assert "in a row" in str(refused.value.message)
    assert db.session.scalar(select(func.count()).select_from(FacilitatorTerm)) == 1
    assert facilitator.id == db.session.scalar(select(FacilitatorTerm.person_id))


def test_hand_over_moves_the_place_and_tells_the_members(active_circle, make_mentor):
    circle, coordinator, facilitator, members = active_circle
    successor = make_mentor(username="Next", capacity=1)
    assert successor in circles.handover_candidates(circle, TODAY)
    with transaction():
        circles.hand_over(facilitator, circle, successor, TODAY)
    assert circle.facilitator_id == successor.id
    assert offers.loads([facilitator.id, successor.id]) == {
        facilitator.id: (0, 2),
        successor.id: (1, 1),
    }
    assert [(t.person_id, t.ends_on) for t in circle.terms][0] == (facilitator.id, TODAY)
    assert circles.facilitates(successor.id, members[0].id)
    assert not circles.facilitates(facilitator.id, members[0].id)
    told = db.session.scalars(
        select(Notification.person_id).where(Notification.kind == "circle_handed_over")
    ).all()
    assert sorted(told) == sorted(m.id for m in members)


def test_hand_over_to_a_full_mentor_is_refused_naming_the_field(
    active_circle, make_mentor, make_person
):
    circle, coordinator, facilitator, _ = active_circle
    full = make_mentor(capacity=1)
    mentee = make_person()
    with transaction():
        request = mentor_requests.request_mentor(mentee, ["referencing"], "", full.id)
        mentor_requests.approve_proposal(coordinator, request.proposals[0], TODAY)
    with pytest.raises(DomainError) as refused, transaction():
        circles.hand_over(coordinator, circle, full, TODAY)
    assert refused.value.field == "facilitator"
    assert db.session.get(Circle, circle.id).facilitator_id == facilitator.id


def test_only_the_facilitator_or_a_coordinator_hands_over_or_ends(active_circle, make_mentor):
    circle, _, _, members = active_circle
    with pytest.raises(NotAllowed):
        circles.hand_over(members[0], circle, make_mentor(), TODAY)
    with pytest.raises(NotAllowed):
        circles.end_circle(members[0], circle, TODAY)


def test_ending_frees_the_place_and_thanks_the_facilitator(active_circle):
    circle, coordinator, facilitator, members = active_circle
    with transaction():
        circles.end_circle(coordinator, circle, TODAY)
    assert circle.state == CircleState.ENDED
    assert offers.loads([facilitator.id])[facilitator.id] == (0, 2)
    assert not circles.facilitates(facilitator.id, members[0].id)
    assert db.session.scalar(
        select(Notification.kind)
        .where(Notification.person_id == facilitator.id)
        .order_by(Notification.id.desc())
    ) == ("circle_thanks")


def test_posts_are_length_limited_by_members_only_and_escaped(active_circle, make_person):
    circle, _, facilitator, members = active_circle
    with pytest.raises(DomainError) as refused:
        circles.post(members[0], circle, "reflection", "x" * 2001)
    assert refused.value.field == "body" and "2000" in str(refused.value.message)
    with pytest.raises(NotAllowed):
        circles.post(make_person(), circle, "reflection", "hello")
    with pytest.raises(DomainError):
        circles.post(members[0], circle, "gossip", "hello")
    with transaction():
        circles.post(members[0], circle, "reflection", "x" * 2000)
        circles.post(facilitator, circle, "practice", "Cite sources")
    assert len(circles.board(circle, members[1])) == 2


def test_links_in_posts_are_clickable_only_for_the_web_and_never_pass_markup():
    html = str(
        linked("See https://en.wikipedia.org/wiki/Help:Referencing. <b>x</b> javascript:alert(1)")
    )
    assert (
        '<a href="https://en.wikipedia.org/wiki/Help:Referencing" rel="nofollow ugc noopener">'
        in html
    )
    assert "Referencing</a>." in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "javascript:alert(1)" in html
    assert html.count("<a ") == 1
    assert "<a " not in str(linked('http://"onmouseover=alert(1)'))
    # What reads as no address at all stays text (it raised, a 500 for every reader)
    for broken in ("https://[oops", "https://example.org:99999/"):
        assert str(linked(f"see {broken} here")) == f"see {broken} here"


def test_the_facilitator_hides_and_restores_a_post(active_circle):
    circle, _, facilitator, members = active_circle
    with transaction():
        entry = circles.post(members[0], circle, "reflection", "off topic")
    with pytest.raises(NotAllowed):
        circles.hide_post(members[1], entry)
    with transaction():
        circles.hide_post(facilitator, entry)
    assert circles.board(circle, members[1]) == []
    assert circles.board(circle, facilitator) == [entry]
    with transaction():
        circles.restore_post(facilitator, entry)
    assert circles.board(circle, members[1]) == [entry]


def test_a_reported_post_reaches_the_coordinators_and_is_resolved(active_circle):
    circle, coordinator, facilitator, members = active_circle
    with transaction():
        entry = circles.post(members[0], circle, "reflection", "rude words")
    with transaction():
        report = circles.report_post(members[1], entry, "This is rude.")
    assert circles.circle_reports() == [report]
    assert next_steps(coordinator, TODAY).coordinator.open_reports == 1
    assert db.session.scalar(
        select(Notification.kind).where(Notification.person_id == coordinator.id)
    ) == ("circle_post_reported")
    with transaction():
        circles.resolve_circle_report(coordinator, report)
    with pytest.raises(DomainError):
        circles.resolve_circle_report(coordinator, report)


def test_schedule_is_validated(active_circle):
    circle, _, facilitator, _ = active_circle
    for fields, at in (
        (("Readers", 7, "18:00", "UTC"), "weekday"),
        (("Readers", 1, "25:00", "UTC"), "meets_at"),
        (("Readers", 1, "18:00", "Mars/Olympus"), "timezone"),
        (("", 1, "18:00", "UTC"), "title"),
    ):
        with pytest.raises(DomainError) as refused:
            circles.set_schedule(facilitator, circle, *fields)
        assert refused.value.field == at
    with transaction():
        circles.set_schedule(facilitator, circle, "Readers", 2, "18:30", "Asia/Kolkata")
    assert (circle.weekday, circle.meets_at, circle.timezone) == (2, "18:30", "Asia/Kolkata")


def test_export_holds_memberships_posts_and_reports_and_deletion_removes_them(active_circle):
    circle, _, facilitator, members = active_circle
    with transaction():
        entry = circles.post(members[0], circle, "reflection", "my own words")
        circles.report_post(members[1], entry, "hmm")
        circles.post(members[1], circle, "practice", "keep this")
    exported = privacy.export_data(members[0])["peer_circles"]
    assert exported["circles"][0]["role"] == "member"
    assert exported["posts"][0]["body"] == "my own words"
    assert privacy.export_data(facilitator)["peer_circles"]["facilitator_terms"]
    assert privacy.export_data(members[1])["peer_circles"]["reports"][0]["text"] == "hmm"
    with transaction():
        privacy.delete_account(members[0])
    assert db.session.scalars(select(CirclePost.body)).all() == ["keep this"]
    assert db.session.scalar(select(func.count()).select_from(CircleReport)) == 0
    assert members[0].id not in {m.person_id for m in circle.members}
    with transaction():
        privacy.delete_account(facilitator)
    assert circle.state == CircleState.ENDED


def test_the_coverage_map_names_peer_circles_for_good_practice_and_regular_meetings(app):
    from pathways.catalog import get_catalog

    covered = {
        r.id
        for r in get_catalog().recommendations.values()
        if r.feature == "peer-circles" and r.page == "circles.index"
    }
    assert covered == {"share-best-practices", "regular-community-meetings"}


def kinds_told(person) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.kind)
            .where(Notification.person_id == person.id)
            .order_by(Notification.id)
        )
    )


def test_a_member_leaves_their_posts_stay_and_the_facilitator_is_told(active_circle):
    circle, _, facilitator, members = active_circle
    with transaction():
        circles.post(members[0], circle, "reflection", "My first edit")
    group_member = members[0]
    with transaction():
        circles.leave_circle(group_member, circle)
    db.session.expire_all()
    assert group_member.id not in {m.person_id for m in circle.members}
    assert not circles.can_view(group_member, circle)
    assert [p.body for p in circles.board(circle, facilitator)] == ["My first edit"]
    assert kinds_told(facilitator)[-2:] == ["circle_member_left", "circle_too_small"]
    event = db.session.scalars(select(ProgramEvent).order_by(ProgramEvent.id.desc())).first()
    assert (event.kind, event.actor_id, event.data["members"]) == (
        "circle_left",
        group_member.id,
        2,
    )
    assert circle.state == CircleState.ACTIVE


def test_leaving_a_circle_still_large_enough_tells_only_that_someone_left(active_circle, app):
    circle, _, facilitator, members = active_circle
    app.config["CIRCLE_MIN_SIZE"] = 2
    with transaction():
        circles.leave_circle(members[0], circle)
    assert kinds_told(facilitator)[-1] == "circle_member_left"
    assert "circle_too_small" not in kinds_told(facilitator)


def test_leaving_is_refused_to_a_non_member_and_in_an_ended_circle(active_circle):
    circle, coordinator, facilitator, members = active_circle
    for outsider in (facilitator, coordinator):
        with pytest.raises(DomainError) as refused:
            circles.leave_circle(outsider, circle)
        assert "not a member" in str(refused.value.message)
    with transaction():
        circles.end_circle(coordinator, circle, TODAY)
    with pytest.raises(DomainError) as refused:
        circles.leave_circle(members[0], circle)
    assert "not active" in str(refused.value.message)
    assert len(circle.members) == 3
