"""Strict import files: a malformed file is refused whole, with the line (and field).

The CSV and JSON Lines importer must never guess: an unterminated quote, a row with the
wrong number of values, a NUL or other control character, or bytes that are not UTF-8
refuse the whole file with where the problem is, and nothing is written.
"""

import json

import pytest

from pathways.services import imports, transaction
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

MENTEE = {"role": "mentee", "languages": ["en"], "wants": ["referencing"]}


def test_an_unterminated_quote_refuses_the_file_at_the_line_it_opens(app, tmp_path):
    path = write_csv(
        tmp_path,
        GOOD_MENTOR,
        'Cy,mentee,en,,"old maps,,referencing,,',
        GOOD_MENTEE,
        "Dee,mentee,en,,,,referencing,,",
    )
    errors = rejected(path)
    assert where(errors) == [(3, "interests")]
    assert "quote" in str(errors[0].message)


def test_a_quote_closed_rows_later_is_refused_where_it_opens(app, tmp_path):
    path = write_csv(tmp_path, GOOD_MENTOR, 'Cy,mentee,en,,"old maps,,referencing,,', 'Dee",x')
    errors = rejected(path)
    assert [e.line for e in errors] == [3]


@pytest.mark.parametrize(
    "row", ["Cy,mentee,en", "Cy,mentee,en,,,,referencing", GOOD_MENTEE + ",surplus"]
)
def test_a_row_with_the_wrong_number_of_values_is_refused(app, tmp_path, row):
    errors = rejected(write_csv(tmp_path, GOOD_MENTOR, row))
    assert where(errors) == [(3, None)]
    assert "9" in str(errors[0].message)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("Cy,mentee,en,,old\x00maps,,referencing,,", "interests"),
        ("Cy,mentee,en,UTC\x00,,,referencing,,", "timezone"),
        ("Cy,mentee,en,,,,referencing\x1b,,", "wants"),
        ("Cy,mentee,en,,,,referencing,,goals\x85", "goals"),
        ("Cy,mentee,en\x7f,,,,referencing,,", "languages"),
        ("Cy\tCy,mentee,en,,,,referencing,,", "username"),
    ],
)
def test_a_control_character_in_a_csv_cell_is_refused_with_line_and_field(
    app, tmp_path, row, field
):
    errors = rejected(write_csv(tmp_path, GOOD_MENTOR, row))
    assert where(errors) == [(3, field)]
    assert "U+" in str(errors[0].message)


def test_a_nul_in_the_header_is_refused_on_line_one(app, tmp_path):
    errors = rejected(write_csv(tmp_path, GOOD_MENTEE, header=HEADER + "\x00"))
    assert [e.line for e in errors] == [1]


def test_an_unknown_column_is_named_without_its_control_characters(app, tmp_path):
    # its name reaches a terminal: an escape sequence there would rewrite what follows
    errors = rejected(write_csv(tmp_path, GOOD_MENTEE + ",x", header=HEADER + ",\x1b[2Jcolour"))
    assert [(e.line, e.field) for e in errors] == [(1, "\ufffd[2jcolour")]


def test_line_breaks_and_tabs_stay_allowed_in_free_text(app, tmp_path):
    path = write_csv(tmp_path, 'Cy,mentee,en,,"maps\r\n\tand atlases",,referencing,,')
    with transaction():
        imports.import_file(path)
    assert person("Cy").interests == "maps\r\n\tand atlases"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interests": "old\u0000maps"}, "interests"),
        ({"username": "Cy\u0000"}, "username"),
        ({"wants": ["referencing\u0001"]}, "wants"),
        ({"interests": "lone \ud800 surrogate"}, "interests"),
        ({"skills": [{"skill": "referencing\u0000", "level": "confident"}]}, "skills"),
    ],
)
def test_a_control_character_in_a_jsonl_value_is_refused_with_line_and_field(
    app, tmp_path, changes, field
):
    good = {"username": "Ana", "role": "mentor", "languages": ["es"], "skills": ["referencing"]}
    line = json.dumps({"username": "Cy", **MENTEE, **changes})  # \u escapes, as JSON allows
    errors = rejected(write_jsonl(tmp_path, good, line))
    assert where(errors) == [(2, field)]


def test_a_jsonl_line_naming_a_key_twice_is_refused(app, tmp_path):
    line = '{"username": "Cy", "username": "Dee", "role": "mentee", "languages": ["en"]}'
    errors = rejected(write_jsonl(tmp_path, line))
    assert where(errors) == [(1, "username")]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (f'{{"username": "Cy", "capacity": {"9" * 5000}}}', None),
        ('{"username": "Cy", "wants": [{"skill": "a", "skill": "b"}]}', "skill"),
    ],
)
def test_a_jsonl_line_python_cannot_read_plainly_is_refused(app, tmp_path, line, field):
    assert where(rejected(write_jsonl(tmp_path, line))) == [(1, field)]


def test_a_csv_capacity_with_too_many_digits_is_refused(app, tmp_path):
    errors = rejected(write_csv(tmp_path, f"Cy,mentor,en,,,referencing,,{'9' * 5000},"))
    assert where(errors) == [(2, "capacity")]


def test_a_non_utf8_jsonl_file_is_refused_with_the_line(app, tmp_path):
    path = tmp_path / "people.jsonl"
    good = json.dumps({"username": "Ana", **MENTEE})
    path.write_bytes(good.encode() + b"\n" + b'{"username": "Jos\xe9"}\n')
    assert where(rejected(path)) == [(2, None)]


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_the_cli_refuses_a_file_with_a_nul_and_writes_nothing(app, runner, tmp_path, suffix):
    if suffix == "csv":
        path = write_csv(tmp_path, GOOD_MENTOR, "Cy,mentee,en,,old\x00maps,,referencing,,")
    else:
        path = write_jsonl(tmp_path, {"username": "Cy", **MENTEE, "interests": "old\u0000maps"})
    before = counts()
    result = runner.invoke(args=["profiles", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "nothing imported" in result.output
    assert "interests" in result.output and "U+0000" in result.output
    assert counts() == before
