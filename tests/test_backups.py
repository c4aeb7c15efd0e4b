"""Backup mentors: chosen from the matcher's suggestions, refused with the reason, shown
to the mentee while the primary is away, and counted on backup places of their own."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pathways.extensions import db
from pathways.models import CheckIn, Notification, ProgramEvent, RoleName
from pathways.services import DomainError, NotAllowed, backups, mentorships, offers, transaction
from tests.helpers import sign_in
from tests.test_mentoring import approve, ask, pending

TODAY = date.today()


@pytest.fixture
def coordinator(make_person):
    return make_person(RoleName.COORDINATOR, username="coord")


@pytest.fixture
def pair(make_mentor, make_person, coordinator):
    """A mentorship of "Mentee" with "Primary"."""
    make_mentor(username="Primary")
    return approve(coordinator, pending(ask(make_person(username="Mentee"))))


def assign(coordinator, mentorship, backup):
    with transaction():
        backups.assign_backup(coordinator, mentorship, backup, TODAY)


def test_the_backup_is_chosen_from_suggestions_with_a_free_place_and_a_language(
    pair, make_mentor, coordinator
):
    spanish = make_mentor(username="Spanish", languages=("es",))
    full = make_mentor(username="Full")
    with transaction():
        offers.offer_of(full).backup_capacity = 0
    free = make_mentor(username="Free")
    suggested = [s.mentor.id for s in backups.suggest_backups(pair, TODAY)]
    assert suggested == [free.id]
    assert spanish.id not in suggested
    assign(coordinator, pair, free)
    assert pair.backup_id == free.id
    assert (
        db.session.scalar(
            select(ProgramEvent.subject_id).where(ProgramEvent.kind == "backup_assigned")
        )
        == pair.id
    )
    told = db.session.scalars(
        select(Notification.person_id).where(Notification.kind == "backup_assigned")
    ).all()
    assert sorted(told) == sorted([free.id, pair.mentor_id, pair.mentee_id])


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("primary", "already in this mentorship"),
        ("mentee", "already in this mentorship"),
        ("away", "away on a wiki-break"),
        ("full", "no free backup place"),
        ("spanish", "shares no language"),
        ("volunteer", "is not a mentor"),
    ],
)
def test_a_bad_backup_is_refused_with_the_reason(
    pair, make_mentor, make_person, coordinator, who, reason
):
    candidates = {
        "primary": lambda: pair.mentor,
        "mentee": lambda: pair.mentee,
        "away": lambda: make_mentor(username="Away"),
        "full": lambda: make_mentor(username="Full"),
        "spanish": lambda: make_mentor(username="Spanish", languages=("es",)),
        "volunteer": lambda: make_person(username="Volunteer"),
    }
    candidate = candidates[who]()
    with transaction():
        if who == "away":
            offers.go_away(candidate, None, "", TODAY)
        if who == "full":
            offers.offer_of(candidate).backup_capacity = 0
    with pytest.raises(DomainError, match=reason) as refused:
        assign(coordinator, pair, candidate)
    assert refused.value.field == "backup_id"
    db.session.refresh(pair)
    assert pair.backup_id is None


def test_a_backup_place_is_separate_from_primary_places_and_never_counted_twice(
    pair, make_mentor, make_person, coordinator
):
    backup = make_mentor(username="Backup", capacity=1)
    assign(coordinator, pair, backup)
    assert offers.mentee_count(backup.id) == 0
    assert offers.backup_places_held(backup.id) == 1
    other = make_mentor(username="Other")
    second = approve(coordinator, pending(ask(make_person(username="Second"), preferred=other.id)))
    with pytest.raises(DomainError, match="no free backup place"):
        assign(coordinator, second, backup)
    mentee_of_backup = approve(
        coordinator, pending(ask(make_person(username="Third"), preferred=backup.id))
    )
    assert mentee_of_backup.mentor_id == backup.id
    assert offers.mentee_count(backup.id) == 1


def test_an_ended_mentorship_frees_the_backup_place(pair, make_mentor, coordinator):
    backup = make_mentor(username="Backup")
    assign(coordinator, pair, backup)
    with transaction():
        mentorships.end_mentorship(coordinator, pair, "done", {})
    assert offers.backup_places_held(backup.id) == 0
    assert backups.backing_up(backup) == []
    with pytest.raises(DomainError, match="has ended"):
        assign(coordinator, pair, backup)


def test_removing_the_backup(pair, make_mentor, coordinator):
    assign(coordinator, pair, make_mentor(username="Backup"))
    with transaction():
        backups.remove_backup(coordinator, pair)
    assert pair.backup_id is None
    with pytest.raises(DomainError, match="no backup"), transaction():
        backups.remove_backup(coordinator, pair)


def test_the_backup_stands_in_only_while_the_primary_is_away(pair, make_mentor, coordinator):
    backup = make_mentor(username="Backup")
    assign(coordinator, pair, backup)
    assert backups.backing_up(backup) == [pair]
    assert not mentorships.can_check_in(backup, pair)
    with pytest.raises(NotAllowed), transaction():
        mentorships.log_checkin(backup, pair, TODAY, 10, "hello", TODAY)
    with transaction():
        offers.go_away(pair.mentor, TODAY + timedelta(days=7), "", TODAY)
    assert (
        db.session.scalar(
            select(Notification.person_id).where(Notification.kind == "backup_standing_in")
        )
        == backup.id
    )
    with transaction():
        mentorships.log_checkin(pair.mentee, pair, TODAY, 10, "Are you there?", TODAY)
    told = db.session.scalars(
        select(Notification.person_id).where(Notification.kind == "checkin_logged")
    ).all()
    assert sorted(told) == sorted([backup.id, pair.mentor_id])
    with transaction():
        mentorships.log_checkin(backup, pair, TODAY, 20, "Yes, I am.", TODAY)
    assert [c.author_id for c in db.session.scalars(select(CheckIn).order_by(CheckIn.id))] == [
        pair.mentee_id,
        backup.id,
    ]


def test_a_primary_going_away_shows_the_backup_to_the_mentee_at_once(
    client, pair, make_mentor, coordinator
):
    assign(coordinator, pair, make_mentor(username="Backup"))
    with transaction():
        offers.go_away(pair.mentor, None, "", TODAY)
    sign_in(client, pair.mentee)
    page = client.get(f"/mentorships/{pair.id}").get_data(as_text=True)
    assert "stands in as backup mentor" in page
    assert "<bdi>Backup</bdi>" in page
    assert "Log the check-in" in page


def test_the_backup_writes_back_and_sees_the_mentees_they_back_up(
    client, pair, make_mentor, coordinator
):
    backup = make_mentor(username="Backup")
    assign(coordinator, pair, backup)
    sign_in(client, backup)
    listed = client.get("/mentorships/").get_data(as_text=True)
    assert "Backing up" in listed and "<bdi>Mentee</bdi>" in listed
    url = f"/mentorships/{pair.id}/checkins"
    data = {"happened_on": TODAY.isoformat(), "minutes": "15", "notes": "Hi"}
    assert client.post(url, data=data).status_code == 403
    with transaction():
        offers.go_away(pair.mentor, None, "", TODAY)
    assert client.post(url, data=data).status_code == 303
    assert db.session.scalar(select(CheckIn.author_id)) == backup.id


def test_a_coordinator_chooses_and_removes_a_backup_on_the_mentorship_page(
    client, pair, make_mentor, coordinator
):
    backup = make_mentor(username="Backup")
    sign_in(client, coordinator)
    page = client.get(f"/mentorships/{pair.id}").get_data(as_text=True)
    assert "Make <bdi>Backup</bdi> the backup" in page
    url = f"/coordinators/mentorships/{pair.id}/backup"
    refused = client.post(url, data={"backup_id": pair.mentor_id})
    assert refused.status_code == 409
    assert "already in this mentorship" in refused.get_data(as_text=True)
    assert client.post(url, data={}).status_code == 409
    assert client.post(url, data={"backup_id": backup.id}).status_code == 302
    db.session.refresh(pair)
    assert pair.backup_id == backup.id
    assert "Remove the backup" in client.get(f"/mentorships/{pair.id}").get_data(as_text=True)
    assert client.post(f"{url}/remove").status_code == 302
    db.session.refresh(pair)
    assert pair.backup_id is None
    audit = client.get("/coordinators/audit").get_data(as_text=True)
    backup_link = '<bdi><a href="/people/Backup">Backup</a></bdi>'
    assert f"{backup_link} backs up <bdi><a href=" in audit
    assert f"{backup_link} no longer backs up <bdi><a href=" in audit


def test_the_api_names_the_backup_of_a_mentorship(client, pair, make_mentor, coordinator, bearer):
    url = f"/api/v1/mentorships/{pair.id}"
    assert client.get(url, headers=bearer(pair.mentee)).get_json()["backup"] is None
    assign(coordinator, pair, make_mentor(username="Backup"))
    backup = client.get(url, headers=bearer(pair.mentee)).get_json()["backup"]
    assert backup["username"] == "Backup"


def test_a_mentor_chooses_their_backup_places_but_not_fewer_than_held(
    client, pair, make_mentor, coordinator
):
    from tests.web.test_mentors import offer_data

    backup = make_mentor(username="Backup")
    sign_in(client, backup)
    assert client.post("/mentors/me", data=offer_data(backup_capacity="3")).status_code == 302
    assert offers.offer_of(backup).backup_capacity == 3
    assert client.post("/mentors/me", data=offer_data(backup_capacity="")).status_code == 302
    assert offers.offer_of(backup).backup_capacity == 3
    assign(coordinator, pair, backup)
    refused = client.post("/mentors/me", data=offer_data(backup_capacity="0"))
    assert refused.status_code == 422
    assert "You back up 1 person now" in refused.get_data(as_text=True)
    with pytest.raises(DomainError, match="between 0 and 10") as too_many, transaction():
        offers.save_offer(backup, 2, "", "", ["referencing"], backup_capacity=11)
    assert too_many.value.field == "backup_capacity"
    db.session.expire_all()
    assert offers.offer_of(backup).backup_capacity == 3
