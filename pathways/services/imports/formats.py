"""Reading an import file: its format, its size, its bytes as UTF-8, and its records —
strictly, never a guess. Every problem is a :class:`RowError` with its line and field;
:class:`ImportRejected` carries them all."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

from ...i18n import format_unit
from ...input_rules import printable, read_json
from .. import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
FIELDS = (
    "username",
    "role",
    "languages",
    "timezone",
    "interests",
    "skills",
    "wants",
    "capacity",
    "goals",
)
REQUIRED_COLUMNS = ("username", "role", "languages")
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class RowError:
    """One problem: the file line it is on (None for the file as a whole) and the field."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = "file" if self.line is None else f"line {self.line}"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ImportRejected(DomainError):
    """The file was refused; ``errors`` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            _ln(
                "Nothing was imported: %(num)d problem found.",
                "Nothing was imported: %(num)d problems found.",
                len(errors),
            )
        )
        self.errors = errors


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        if given not in FORMATS.values():
            raise ImportRejected([RowError(None, "format", _l("Use csv or jsonl."))])
        return given
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        message = _l("Unknown file type: name it .csv or .jsonl, or give the format.")
        raise ImportRejected([RowError(None, "format", message)])
    return found


def read_text(path: Path) -> str:
    """The file as text; refuses a file over the size limit before reading it all."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _too_large(size)
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    return decode(data)


def _too_large(size: int) -> ImportRejected:
    message = _l(
        "The file has %(size)s; the limit is %(limit)s. Split it into smaller files.",
        size=format_unit(size, "digital-byte"),
        limit=format_unit(MAX_BYTES // (1024 * 1024), "digital-megabyte"),
    )
    return ImportRejected([RowError(None, None, message)])


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = _l(
            "The file is not UTF-8: byte %(offset)d cannot be read. Save it as UTF-8 "
            "(in a spreadsheet: CSV UTF-8) and try again.",
            offset=error.start,
        )
        raise ImportRejected([RowError(line, None, message)]) from error


def _too_many_rows(line: int) -> ImportRejected:
    message = _ln(
        "More than %(num)d row: split the file.",
        "More than %(num)d rows: split the file.",
        MAX_ROWS,
    )
    return ImportRejected([RowError(line, None, message)])


def csv_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, row) for each non-blank record; a row's line is where its record starts.

    A row whose number of values is not the header's is ``{None: (None, message)}``.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    columns: list[str] = []
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            raise ImportRejected([RowError(1, None, _l("The file is empty."))])
        columns = [name.strip().lower() for name in header]
        _check_header(columns)
        count, start = 0, reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise _too_many_rows(line)
            if len(values) != len(columns):
                yield line, {None: (None, _wrong_count(len(values), len(columns)))}
                continue
            yield line, dict(zip(columns, values, strict=True))
    except csv.Error as error:
        raise _not_csv(text, start, columns, error) from error


def _wrong_count(found: int, expected: int):
    return _l(
        "This row has %(found)s; the header has %(expected)s.",
        found=_ln("%(num)d value", "%(num)d values", found),
        expected=_ln("%(num)d column", "%(num)d columns", expected),
    )


def _not_csv(text: str, line: int, columns: list[str], error: csv.Error) -> ImportRejected:
    """The file refused at the record starting on ``line``, naming an unclosed quote's column."""
    record = "".join(io.StringIO(text, newline="").readlines()[line - 1 :])
    column = _open_quote_column(record)
    if column is None:
        message = _l("Not valid CSV: %(problem)s.", problem=str(error))
        return ImportRejected([RowError(line, None, message)])
    message = _l(
        "A quote opens a value here and never closes, so every line after it would be "
        "read into that value. Close the quote."
    )
    field_name = columns[column] if column < len(columns) else None
    return ImportRejected([RowError(line, field_name, message)])


def _open_quote_column(record: str) -> int | None:
    """The column (from 0) of the quote ``record`` opens and never closes, if any."""
    column, opened = 0, None
    for character in record:
        if character == '"':
            opened = column if opened is None else None
        elif character == "," and opened is None:
            column += 1
    return opened


def _check_header(columns: list[str]) -> None:
    errors = []
    for position, name in enumerate(columns):
        if name not in FIELDS:  # named as printable: the name reaches terminals and pages
            errors.append(RowError(1, printable(name) or f"#{position + 1}", _unknown_field()))
        elif columns.index(name) != position:
            errors.append(RowError(1, name, _l("This column appears twice.")))
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            errors.append(RowError(1, name, _l("This column is missing.")))
    if errors:
        raise ImportRejected(errors)


def _unknown_field():
    return _l("Unknown column; the columns are: %(names)s.", names=", ".join(FIELDS))


def jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, object) for each non-blank line; a line that is not a JSON object is
    ``{None: (field, message)}``."""
    count = 0
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows(number)
        yield number, _json_object(raw)


class _DuplicateKey(ValueError):
    pass


def _without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def _json_object(raw: str) -> dict[Any, Any]:
    try:
        value = read_json(raw, object_pairs_hook=_without_duplicate_keys)
    except _DuplicateKey as error:
        return {None: (printable(error.args[0]), _l("This key appears twice on the line."))}
    except json.JSONDecodeError as error:
        return {None: (None, _l("Not valid JSON: %(problem)s.", problem=error.msg))}
    except ValueError:  # only a number with more digits than Python converts
        return {None: (None, _l("Not valid JSON: a number has too many digits."))}
    if not isinstance(value, dict):
        return {None: (None, _l("Each line holds one JSON object."))}
    return value
