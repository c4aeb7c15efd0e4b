"""`flask profiles import`: CSV and JSON Lines, every row checked first, all or nothing."""

import time
from datetime import date

import pytest
from sqlalchemy import select

from pathways.config import REPO_ROOT
from pathways.extensions import db
from pathways.models import (
    Person,
    ProfileVersion,
    ProgramEvent,
    RequestState,
    RoleName,
    SkillStance,
    Stance,
)
from pathways.services import accounts, imports, mentor_requests, offers, transaction
from pathways.services.imports import formats as import_formats
from pathways.services.imports import rows as import_rows
from tests.helpers import (
    GOOD_MENTEE,
    GOOD_MENTOR,
    HEADER,
    counts,
    person,
    rejected,
    where,
    write_csv,
    write_jsonl,
)

DEMO = REPO_ROOT / "data" / "demo"


def stances(who: Person) -> dict[str, Stance]:
    rows = db.session.scalars(select(SkillStance).where(SkillStance.person_id == who.id))
    return {row.skill_id: row.stance for row in rows}


# Happy paths -------------------------------------------------------------------------


def test_demo_csv_imports_mentors_with_offer_and_term_and_mentees_with_request(app, runner):
    result = runner.invoke(args=["profiles", "import", str(DEMO / "program.csv")])
    assert result.exit_code == 0, result.output
    assert "Imported 7 people" in result.output

    amaru = person("amaru_qillqa")
    assert amaru.password_hash is None
    assert amaru.role_names == {RoleName.VOLUNTEER, RoleName.MENTOR}
    assert amaru.language_codes == ["en", "es", "qu"]
    assert amaru.timezone == "America/Lima"
    assert stances(amaru) == {
        "referencing": Stance.CAN_TEACH,
        "running-events": Stance.CAN_TEACH,
        "wiki-basics": Stance.CONFIDENT,
    }
    offer = offers.offer_of(amaru)
    assert offer.capacity == 3
    assert offer.intro.startswith("Acompaño")
    [term] = offer.terms
    assert term.starts_on == date.today() <= term.ends_on
    assert (term.ends_on - term.starts_on).days in (365, 366)

    fatou = person("Fatou Ndiaye")
    assert stances(fatou)["outreach"] == Stance.CAN_TEACH  # "Outreach (can teach)"
    assert stances(fatou)["grant-proposals"] == Stance.CONFIDENT  # "grant-proposals:confident"

    lucia = person("Lucía-Mapas")
    assert lucia.role_names == {RoleName.VOLUNTEER}
    assert stances(lucia) == {
        "wiki-basics": Stance.LEARNING,
        "referencing": Stance.NOT_YET,
        "using-sandbox": Stance.NOT_YET,
    }
    request = mentor_requests.open_request_of(lucia)
    assert request.state == RequestState.OPEN
    assert request.skills == ["referencing", "using-sandbox"]
    assert request.note.startswith("Publicar")
    assert mentor_requests.open_request_of(person("Kwame_Reads")).skills == [
        "running-events",
        "outreach",
    ]

    assert counts()["MentorOffer"] == 3
    assert counts()["MentorRequest"] == 4
    event = db.session.scalar(select(ProgramEvent).where(ProgramEvent.kind == "profiles_imported"))
    assert event.actor_id is None
    assert event.data == {"source": "program.csv", "mentors": 3, "mentees": 4, "requests": 4}
    assert db.session.get(ProfileVersion, 1).value >= 1


def test_demo_jsonl_imports_skill_objects_and_id_level_pairs(app, runner):
    result = runner.invoke(args=["profiles", "import", str(DEMO / "program.jsonl")])
    assert result.exit_code == 0, result.output
    assert "Imported 5 people" in result.output
    siosaia = person("Siosaia_T")
    assert stances(siosaia) == {
        "referencing": Stance.CAN_TEACH,
        "storytelling": Stance.CAN_TEACH,
        "wiki-basics": Stance.CONFIDENT,
    }
    assert offers.offer_of(siosaia).capacity == 2
    assert stances(person("Bao_Nguyen"))["wiki-basics"] == Stance.LEARNING
    sefo = mentor_requests.open_request_of(person("Sefo"))
    assert sefo.skills == ["storytelling"]
    assert sefo.note == ""
    assert person("Joana Edita").timezone == "America/Sao_Paulo"


def test_mentee_with_interests_only_gets_a_request_without_skills(app, tmp_path):
    path = write_csv(tmp_path, "Cleo,mentee,fr,,photographie des monuments de Lyon,,,,")
    with transaction():
        summary = imports.import_file(path)
    assert (summary.mentees, summary.requests) == (["Cleo"], 1)
    request = mentor_requests.open_request_of(person("Cleo"))
    assert request.skills == []
    assert person("Cleo").timezone == "UTC"


def test_a_name_taken_between_the_check_and_the_write_refuses_the_whole_file(app, tmp_path):
    path = write_csv(tmp_path, GOOD_MENTOR, "Cleo,mentee,fr,,photographie de Lyon,,,,")
    checked = imports.load(path)
    with transaction():
        accounts.create_person("cleo", None, {RoleName.VOLUNTEER}, languages=["fr"])
    before = counts()
    with pytest.raises(imports.ImportRejected) as info, transaction():
        imports.write(checked)
    assert where(info.value.errors) == [(None, "username")]
    assert counts() == before


def test_mentor_capacity_defaults_to_two_and_skill_names_are_resolved(app, tmp_path):
    path = write_csv(tmp_path, "Dan,mentor,en,,,Being a mentor;Using the sandbox,,,")
    with transaction():
        imports.import_file(path)
    dan = person("Dan")
    assert offers.offer_of(dan).capacity == import_rows.DEFAULT_CAPACITY
    assert stances(dan) == {"mentoring": Stance.CAN_TEACH, "using-sandbox": Stance.CAN_TEACH}


def test_format_option_overrides_the_file_name(app, runner, tmp_path):
    path = write_jsonl(
        tmp_path,
        {"username": "Eve", "role": "mentee", "languages": ["en"], "wants": ["referencing"]},
        name="export.txt",
    )
    result = runner.invoke(args=["profiles", "import", str(path)])
    assert result.exit_code == 1
    assert "name it .csv or .jsonl" in result.output
    result = runner.invoke(args=["profiles", "import", "--format", "jsonl", str(path)])
    assert result.exit_code == 0, result.output
    assert person("Eve")


def test_ndjson_extension_and_blank_lines_keep_line_numbers(app, tmp_path):
    path = write_jsonl(
        tmp_path,
        {"username": "Eve", "role": "mentee", "languages": ["en"], "wants": ["referencing"]},
        "",
        {"username": "Fay", "role": "mentee", "languages": ["en"], "wants": ["nope"]},
        name="people.ndjson",
    )
    assert where(rejected(path)) == [(3, "wants")]


def test_csv_with_excel_bom_and_crlf_and_multiline_cell(app, tmp_path):
    path = tmp_path / "excel.csv"
    rows = [
        HEADER,
        'Gus,mentee,en,,"Local history\r\nand old maps",,referencing,,',
        "Hal,mentee,en,,,,nothing-like-this,,",
    ]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode() + b"\r\n")
    assert where(rejected(path)) == [(4, "wants")]  # the multi-line cell spans lines 2-3
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows[:2]).encode() + b"\r\n")
    with transaction():
        imports.import_file(path)
    assert person("Gus").interests == "Local history\r\nand old maps"


def test_dry_run_checks_everything_and_writes_nothing(app, runner):
    before = counts()
    result = runner.invoke(args=["profiles", "import", "--dry-run", str(DEMO / "program.csv")])
    assert result.exit_code == 0, result.output
    assert "7 rows are fine (3 mentors, 4 mentees)" in result.output
    assert counts() == before


# Bad rows: each error names the line and the field; nothing is written -----------------


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (",mentee,en,,,,referencing,,", "username", "A username is needed."),
        ("a/b,mentee,en,,,,referencing,,", "username", "Use letters and digits in any script"),
        ("Ivy,,en,,,,referencing,,", "role", "Give the role"),
        ("Ivy,coach,en,,,,referencing,,", "role", "“coach” is not a role"),
        ("Ivy,mentee,,,,,referencing,,", "languages", "Name at least one language"),
        ("Ivy,mentee,english!,,,,referencing,,", "languages", "is not a language code"),
        ("Ivy,mentee,en,Mars/Olympus,,,referencing,,", "timezone", "is not a time zone"),
        ("Ivy,mentor,en,,,no-such-skill,,2,", "skills", "Unknown skill: “no-such-skill”"),
        ("Ivy,mentor,en,,,referencing:expert,,2,", "skills", "“expert” is not a level"),
        ("Ivy,mentor,en,,,Referencing (guru),,2,", "skills", "“guru” is not a level"),
        ("Ivy,mentor,en,,,referencing;Referencing,,2,", "skills", "listed twice"),
        ("Ivy,mentee,en,,,,no-such-skill,,", "wants", "Unknown skill: “no-such-skill”"),
        ("Ivy,mentee,en,,,referencing,referencing,,", "wants", "also under skills"),
        ("Ivy,mentor,en,,,referencing,,0,", "capacity", "Take between 1 and 10 mentees"),
        ("Ivy,mentor,en,,,referencing,,-1,", "capacity", "Take between 1 and 10 mentees"),
        ("Ivy,mentor,en,,,referencing,,11,", "capacity", "Take between 1 and 10 mentees"),
        ("Ivy,mentor,en,,,referencing,,two,", "capacity", "“two” is not a whole number"),
        ("Ivy,mentor,en,,,referencing,,2.5,", "capacity", "not a whole number"),
        ("Ivy,mentee,en,,,,referencing,3,", "capacity", "Only mentors have a capacity."),
        ("Ivy,mentor,en,,history,,,2,", "skills", "at least one skill to teach"),
        ("Ivy,mentor,en,,,referencing:confident,,2,", "skills", "at the level can_teach"),
        ("Ivy,mentee,en,,,,,,", "wants", "Empty profile"),
        ("Ivy,mentee,en,,,referencing,,,", "wants", "Empty profile"),
        ("Ivy,mentee,en,,the of and,,,,I would like to", "interests", "only common words"),
        ("Ivy,mentee,es,,quiero aprender con ayuda,,,,", "interests", "only common words"),
        (
            "Ivy,mentee,en,,,,referencing;using-sandbox;wiki-basics;outreach;policy;mediation,,",
            "wants",
            "at most 5 skills",
        ),
        (f"Ivy,mentee,en,,{'x' * 4001},,referencing,,", "interests", "under 4000 characters"),
    ],
)
def test_bad_csv_row_is_reported_with_line_and_field(app, tmp_path, row, field, message):
    path = write_csv(tmp_path, GOOD_MENTOR, row)
    errors = rejected(path)
    assert where(errors) == [(3, field)]
    assert message in str(errors[0].message)
    assert str(errors[0]).startswith(f"line 3, {field}: ")


def test_row_with_more_values_than_columns(app, tmp_path):
    path = write_csv(tmp_path, GOOD_MENTEE + ",surplus")
    assert where(rejected(path)) == [(2, None)]


def test_unknown_and_missing_columns_are_reported_on_line_one(app, tmp_path):
    path = write_csv(tmp_path, "Ivy,mentee,en", header="username,role,langs")
    errors = rejected(path)
    assert where(errors) == [(1, "langs"), (1, "languages")]
    assert "Unknown column" in str(errors[0].message)
    assert "missing" in str(errors[1].message)


def test_duplicate_usernames_in_the_file_compare_like_sign_up(app, tmp_path):
    path = write_csv(tmp_path, GOOD_MENTEE, GOOD_MENTOR, "ＢＥＡ,mentee,en,,,,referencing,,")
    errors = rejected(path)
    assert where(errors) == [(4, "username")]
    assert "is also on line 2" in str(errors[0].message)


def test_usernames_already_in_the_database_are_refused(app, tmp_path, make_person):
    make_person(username="Ana")
    path = write_csv(tmp_path, GOOD_MENTEE, "ＡＮＡ,mentee,en,,,,referencing,,")
    errors = rejected(path)
    assert where(errors) == [(3, "username")]
    assert "already has an account" in str(errors[0].message)


def test_every_bad_row_is_reported_in_one_run_and_good_rows_are_not_written(app, runner, tmp_path):
    path = write_csv(
        tmp_path,
        GOOD_MENTOR,
        "Ivy,mentor,en,Nowhere/Land,,no-such-skill,,0,",
        GOOD_MENTEE,
        "Jon,mentee,xx-!!,,,,,,",
    )
    before = counts()
    result = runner.invoke(args=["profiles", "import", str(path)])
    assert result.exit_code == 1
    assert counts() == before
    lines = result.output.splitlines()
    assert lines[:5] == [
        "line 3, capacity: Take between 1 and 10 mentees at once.",
        "line 3, skills: Unknown skill: “no-such-skill”.",
        "line 3, timezone: “Nowhere/Land” is not a time zone such as Europe/Paris or UTC.",
        "line 5, languages: “xx-!!” is not a language code such as en or pt-br.",
        "line 5, wants: Empty profile: give the skills wanted, interests or goals.",
    ]
    assert "people.csv: nothing imported, 5 problems found." in lines[-1]


def test_a_username_taken_while_writing_rolls_back_the_whole_file(
    app, tmp_path, monkeypatch, make_person
):
    path = write_csv(tmp_path, GOOD_MENTOR, GOOD_MENTEE)
    make_person(username="Bea")
    monkeypatch.setattr(import_rows, "_taken", lambda profiles: set())  # as if checked earlier
    errors = rejected(path)
    assert where(errors) == [(None, "username")]
    assert "run the import again" in str(errors[0].message)
    assert accounts.find_by_username("Ana") is None


# JSON Lines specifics ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("{not json", None, "Not valid JSON"),
        ("[" * 5000, None, "Nesting too deep"),  # RecursionError: the command crashed
        ('["a", "list"]', None, "one JSON object"),
        (
            {"username": "Ivy", "role": "mentee", "languages": "en", "wants": ["referencing"]},
            "languages",
            "JSON array",
        ),
        (
            {
                "username": "Ivy",
                "role": "mentee",
                "languages": ["en"],
                "wants": ["referencing"],
                "shoe_size": 42,
            },
            "shoe_size",
            "Unknown field",
        ),
        (
            {
                "username": "Ivy",
                "role": "mentor",
                "languages": ["en"],
                "skills": [{"skill": "referencing", "level": "wizard"}],
            },
            "skills",
            "not a level",
        ),
        (
            {
                "username": "Ivy",
                "role": "mentor",
                "languages": ["en"],
                "skills": [{"name": "referencing"}],
            },
            "skills",
            "Write a skill as text",
        ),
        (
            {
                "username": "Ivy",
                "role": "mentor",
                "languages": ["en"],
                "skills": ["referencing"],
                "capacity": True,
            },
            "capacity",
            "not a whole number",
        ),
        (
            {
                "username": "Ivy",
                "role": "mentor",
                "languages": ["en"],
                "skills": ["referencing"],
                "capacity": -1,
            },
            "capacity",
            "Take between 1 and 10",
        ),
        (
            {
                "username": "Ivy",
                "role": "mentee",
                "languages": ["en"],
                "wants": ["referencing"],
                "interests": 5,
            },
            "interests",
            "Write this as text",
        ),
        (
            {"username": ["Ivy"], "role": "mentee", "languages": ["en"], "wants": ["referencing"]},
            "username",
            "Write this as text",
        ),
    ],
)
def test_bad_jsonl_line_is_reported_with_line_and_field(app, tmp_path, row, field, message):
    good = {"username": "Ana", "role": "mentor", "languages": ["es"], "skills": ["referencing"]}
    errors = rejected(write_jsonl(tmp_path, good, row))
    assert where(errors) == [(2, field)]
    assert message in str(errors[0].message)


def test_jsonl_capacity_as_digit_string_is_accepted(app, tmp_path):
    row = {
        "username": "Ana",
        "role": "mentor",
        "languages": ["es"],
        "skills": ["referencing"],
        "capacity": "4",
    }
    with transaction():
        imports.import_file(write_jsonl(tmp_path, row))
    assert offers.offer_of(person("Ana")).capacity == 4


# The file as a whole -----------------------------------------------------------------


def test_non_utf8_file_names_the_line_and_byte(app, tmp_path):
    path = tmp_path / "latin1.csv"
    content = "\n".join([HEADER, GOOD_MENTOR, "José,mentee,es,,,,referencing,,"]) + "\n"
    path.write_bytes(content.encode("latin-1"))
    offset = content.encode("latin-1").index(b"\xe9")
    errors = rejected(path)
    assert where(errors) == [(3, None)]
    assert f"byte {offset}" in str(errors[0].message)
    assert "not UTF-8" in str(errors[0].message)


def test_a_50_mb_file_is_refused_quickly_without_reading_it(app, runner, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write((HEADER + "\n").encode())
        row = (GOOD_MENTEE + "\n").encode()
        handle.write(row * (50 * 1024 * 1024 // len(row) + 1))
    assert path.stat().st_size > 50 * 1024 * 1024
    before = counts()
    started = time.monotonic()
    result = runner.invoke(args=["profiles", "import", str(path)])
    assert time.monotonic() - started < 2
    assert result.exit_code == 1
    assert "the limit is 10 megabytes" in result.output
    assert counts() == before


def test_a_stream_longer_than_the_limit_is_cut_off(app, tmp_path, monkeypatch):
    path = write_csv(tmp_path, GOOD_MENTEE, GOOD_MENTOR)
    monkeypatch.setattr(import_formats, "MAX_BYTES", 40)
    errors = rejected(path)
    assert where(errors) == [(None, None)]
    assert "bytes; the limit is" in str(errors[0].message)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_more_rows_than_the_limit_are_refused(app, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(import_formats, "MAX_ROWS", 2)
    if fmt == "csv":
        path = write_csv(tmp_path, GOOD_MENTOR, GOOD_MENTEE, "Cy,mentee,en,,,,referencing,,")
        line = 4
    else:
        row = {"role": "mentee", "languages": ["en"], "wants": ["referencing"]}
        path = write_jsonl(tmp_path, *({"username": n, **row} for n in ("A1", "B2", "C3")))
        line = 3
    errors = rejected(path)
    assert where(errors) == [(line, None)]
    assert "More than 2 rows" in str(errors[0].message)


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "The file is empty."), (HEADER + "\n\n,,,,,,,,\n", "The file has no rows.")],
)
def test_empty_files_are_refused(app, tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_text(content, encoding="utf-8")
    errors = rejected(path)
    assert message in str(errors[0].message)


def test_missing_file_is_a_usage_error(app, runner, tmp_path):
    result = runner.invoke(args=["profiles", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
