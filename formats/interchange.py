"""Customer interchange files (SPEC §6): reading and writing JSON arrays, JSON Lines and CSV.

Every reader returns one ``SourceRecord`` per customer, knowing its file, its 0-based index and
the line it starts on, so that validation problems can be shown where the person can fix them.
A ``grading`` that an export added is dropped on reading: the archive regrades.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import gc
import io
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

import orjson

from creditfile.document import field_catalogue, without_personal
from creditfile.document.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_RECORDS,
    NO_SUCH_FILE,
    file_said,
)
from creditfile.document.merging import REVISION_KEY, is_clear_marker
from creditfile.document.personal import DEFAULT_PERSONAL_NATURES
from creditfile.document.values import AmountError, date_or_text, parse_amount
from creditfile.policy import CreditfileError
from creditfile.policy.errors import Phrase, json_reason, os_said, phrase, verbatim
from creditfile.presentation.inert import cell_text, json_text, uncell_text

__all__ = [
    "EXTENSIONS",
    "READERS",
    "WRITERS",
    "FormatError",
    "SourceRecord",
    "format_of",
    "read_csv",
    "read_json",
    "read_jsonl",
    "read_records",
    "write_csv",
    "write_json",
    "write_jsonl",
]

EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
DERIVED = "grading"  # added by exports; never read back
Target = str | Path | IO[str]


@dataclass(frozen=True)
class SourceRecord:
    """One customer as read from a file.

    Attributes:
        file: The file it came from, as given.
        index: Its 0-based position among the file's records.
        line: The 1-based line it starts on, when the format has lines.
        doc: The parsed document (any JSON value: validation says what is wrong with it).
    """

    file: str
    index: int
    line: int | None
    doc: Any


class FormatError(CreditfileError):
    """A file that cannot be read as customers at all: where, and what to do.

    The message is a ``Phrase`` worded by the front end in the language in force, after the
    place (``FILE:LINE:COLUMN``) as it is; ``message`` is its English.
    """

    def __init__(
        self, file: str, line: int | None, column: int | None, message: Phrase | str
    ) -> None:
        said = message if isinstance(message, Phrase) else verbatim(message)
        self.file, self.line, self.column, self.message = file, line, column, str(said)
        where = file + (f":{line}" if line else "") + (f":{column}" if line and column else "")
        super().__init__(Phrase("{where}: {message}", {"where": where, "message": said}))


class _Refused(ValueError):
    """A JSON text the reader refuses though json would read it; ``said`` says why."""

    def __init__(self, said: Phrase) -> None:
        self.said = said
        super().__init__(str(said))


def format_of(path: str | Path) -> str:
    """The format (``json``, ``jsonl``, ``csv``) a file name's extension stands for.

    Raises:
        FormatError: for any other extension.
    """
    found = EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        known = ", ".join(EXTENSIONS)
        raise FormatError(
            str(path), None, None, phrase("unknown kind of file; name it {known}", known=known)
        )
    return found


def read_records(path: str | Path) -> list[SourceRecord]:
    """Every customer record of a JSON (array), JSON Lines or CSV file, by its extension.

    Raises:
        FormatError: the file is missing, unreadable, not UTF-8 or not well-formed.
    """
    reader = READERS[format_of(path)]
    # Parsed documents hold no reference cycles; collecting while 100,000 of them are built
    # only rescans the growing heap again and again.
    paused = gc.isenabled()
    gc.disable()
    try:
        return reader(path)
    finally:
        if paused:
            gc.enable()


def _text(path: str | Path) -> str:
    return _decoded(str(path), _data(path))


def _data(path: str | Path) -> bytes:
    file = str(path)
    problem = file_said(path, MAX_FILE_BYTES)
    if problem:
        raise FormatError(file, None, None, problem)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise FormatError(file, None, None, NO_SUCH_FILE) from None
    except OSError as exc:
        raise FormatError(
            file, None, None, phrase("cannot read: {error}", error=os_said(exc))
        ) from None


def _decoded(file: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # a byte-order mark from Excel is fine
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            file,
            line,
            None,
            phrase(
                "not UTF-8 text (byte {byte}); save the file as UTF-8 (in Excel: “CSV UTF-8”)",
                byte=exc.start,
            ),
        ) from None


# --- JSON and JSON Lines ---------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise _Refused(phrase("{name} is not allowed in JSON; write a number or null", name=name))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys without a word; an import must not guess.
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(
                    phrase("key {key} appears twice in one object; keep one", key=repr(key))
                )
            seen.add(key)
    return doc


_DECODER = json.JSONDecoder(parse_constant=_no_constant, object_pairs_hook=_unique_keys)
_SPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    """The position of the first non-blank character at or after ``pos``."""
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]


def _decode(text: str, pos: int, file: str, line: int, first_line: int = 1) -> tuple[Any, int]:
    """One JSON value at ``pos`` (on ``line``); ``text`` starts on the file's ``first_line``."""
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        at = exc.lineno + first_line - 1
        raise FormatError(
            file, at, exc.colno, phrase("not valid JSON: {reason}", reason=json_reason(exc))
        ) from None
    except RecursionError:
        raise FormatError(file, line, None, phrase("nested too deeply to be a customer")) from None
    except _Refused as exc:  # a constant or a duplicate key
        raise FormatError(file, line, None, exc.said) from None
    except ValueError as exc:  # a number too long to read: Python's own words
        raise FormatError(file, line, None, str(exc)) from None


def read_json(path: str | Path) -> list[SourceRecord]:
    """The customers of a JSON file holding one array ``[{…}, {…}]``, each with its line."""
    file, text = str(path), _text(path)
    pos = _skip(text, 0)
    if not text.startswith("[", pos):
        line, column = _place(text, pos)
        raise FormatError(
            file,
            line,
            column,
            phrase(
                "a .json file holds an array of customers [{{…}}, {{…}}]; for one customer per "
                "line name it .jsonl"
            ),
        )
    records: list[SourceRecord] = []
    line, counted = 1, 0
    pos = _skip(text, pos + 1)
    while not text.startswith("]", pos):
        line += text.count("\n", counted, pos)
        counted = pos
        doc, pos = _decode(text, pos, file, line)
        records.append(_record(file, len(records), line, doc))
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif not text.startswith("]", pos):
            raise FormatError(file, *_place(text, pos), phrase("expected , or ] after a customer"))
    pos = _skip(text, pos + 1)
    if pos < len(text):
        raise FormatError(file, *_place(text, pos), phrase("unexpected text after the closing ]"))
    return records


def read_jsonl(path: str | Path) -> list[SourceRecord]:
    """The customers of a JSON Lines file: one JSON object per line; blank lines are skipped."""
    file, data = str(path), _data(path)
    # Each line is read from the file's bytes (orjson refuses bytes that are not UTF-8). The
    # whole file is decoded only for a line orjson does not read as written: that decoding
    # says where the file is not UTF-8, as it would before any line were read.
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    text: list[str] | None = None
    records: list[SourceRecord] = []
    for number, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        doc = _compact(raw)
        if doc is _NOT_COMPACT:
            text = _decoded(file, data).split("\n") if text is None else text
            line = text[number - 1]
            if not line.strip():
                continue
            doc, end = _decode(line, _skip(line, 0), file, number, first_line=number)
            if line[end:].strip():
                message = phrase("one customer per line: unexpected text after the JSON object")
                raise FormatError(file, number, _skip(line, end) + 1, message)
        if len(records) >= MAX_RECORDS and text is None:
            _decoded(file, data)  # a file that is not UTF-8 is told so first, as it always was
        records.append(_record(file, len(records), number, doc))
    return records


_NOT_COMPACT = object()


def _compact(line: bytes) -> Any:
    """The value of a line written exactly as orjson writes it, else ``_NOT_COMPACT``.

    JSON Lines files are mostly written by programs (an export, another system), compactly.
    orjson reads such a line in half the time json takes with its duplicate-key check. A line
    that orjson writes back byte for byte holds no key twice (one would be lost), no NaN, no
    number too long and no escape the two could read apart, so its value is json's too. Any
    other line is read by ``_decode``, which refuses and words what it refuses as before.
    """
    try:
        doc = orjson.loads(line)
        same = orjson.dumps(doc) == line
    except (orjson.JSONDecodeError, TypeError):
        return _NOT_COMPACT
    return doc if same else _NOT_COMPACT


def _place(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _record(file: str, index: int, line: int | None, doc: Any) -> SourceRecord:
    if index >= MAX_RECORDS:
        raise FormatError(
            file,
            line,
            None,
            phrase(
                "more than {limit} customers in one file; split it into several files and import "
                "them together",
                limit=format(MAX_RECORDS, ","),
            ),
        )
    if type(doc) is dict and DERIVED in doc:
        doc = {key: value for key, value in doc.items() if key != DERIVED}
    return SourceRecord(file, index, line, doc)


# --- CSV -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    """The CSV columns the customer schema allows: dotted leaves, JSON-text lists, numbers."""

    leaves: tuple[str, ...]  # in schema order, e.g. contact.phone
    json_text: frozenset[str]  # lists written as JSON text: leases, sources
    numeric: frozenset[str]
    amounts: frozenset[str]  # read as people write amounts: 5,000万 (creditfile.document.values)
    dates: frozenset[str]  # read in the forms the card takes: 2026/3/5, 2026年3月5日
    free_text: frozenset[str]  # kept as written, spaces and all, so a round trip is exact
    open_prefixes: tuple[str, ...]  # sections whose keys the policy decides: assessment.


@cache
def _columns() -> _Columns:
    catalogue = field_catalogue()
    # A list is one column of JSON text; its records' fields have none of their own.
    leaves = [f for f in catalogue if not f.in_list and f.format != "section" and f.name != "*"]
    return _Columns(
        leaves=tuple(f.key for f in leaves),
        json_text=frozenset(f.key for f in leaves if f.format == "list"),
        numeric=frozenset(f.key for f in leaves if {"number", "integer"} & set(f.types)),
        amounts=frozenset(f.key for f in leaves if f.format == "amount"),
        dates=frozenset(f.key for f in leaves if f.format == "date"),
        # The name identifies the customer: spaces around it are a slip, not content.
        free_text=frozenset(f.key for f in leaves if f.format == "text" and not f.required),
        open_prefixes=tuple(f.parent + "." for f in catalogue if f.name == "*"),
    )


_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _cell_number(text: str) -> Any:
    """A number for numeric text (thousands separators allowed), else the text unchanged."""
    plain = text.replace(",", "")
    if len(plain) > 40 or not _NUMBER.fullmatch(plain):
        return text  # kept as written: validation says it is not a number
    return int(plain) if plain.lstrip("+-").isdigit() else float(plain)


def _cell_amount(text: str) -> Any:
    """An amount as the card and a sheet read it; a plain number (``1e-05``, as an export may
    write one) as itself; else the text unchanged, for validation to say why."""
    try:
        return parse_amount(text)
    except AmountError:
        pass
    if len(text) <= 40 and _NUMBER.fullmatch(text):
        return float(text)
    return text


def _header_problem(header: str, cols: _Columns) -> Phrase | None:
    if header in cols.leaves or header.startswith(cols.open_prefixes):
        return None
    if header in (DERIVED, REVISION_KEY) or header.startswith(DERIVED + "."):
        return None
    named = _named_field(header)
    close = [named] if named else difflib.get_close_matches(header, cols.leaves, n=1)
    if close:
        return phrase(
            "unknown column {column}; did you mean {suggestion}?",
            column=repr(header),
            suggestion=repr(close[0]),
        )
    return phrase("unknown column {column} (see an export for the columns)", column=repr(header))


def _named_field(header: str) -> str | None:
    """The dotted key of the field a header names as people write it (``电话``, ``phone``)."""
    wanted = header.strip().lower()
    for field in field_catalogue().values():
        if not field.in_list and wanted in (n.lower() for n in field.column_names()):
            return field.key
    return None


def read_csv(path: str | Path) -> list[SourceRecord]:
    """The customers of a CSV file: one row each, dotted headers for nested fields.

    ``leases`` and ``sources`` hold JSON text; numeric columns become numbers; an empty cell
    leaves its field out, a clear marker (``[清空]``) makes it null; a ``revision`` column
    (from an export) is read as the row's revision; ``grading`` columns are ignored.
    """
    file, cols = str(path), _columns()
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(_text(path), newline=""))
    try:
        header = [uncell_text(h.strip()) for h in next(reader, [])]
        if len(header) > MAX_COLUMNS:
            raise FormatError(
                file,
                1,
                MAX_COLUMNS + 1,
                phrase(
                    "{count} columns; a file may have at most {limit}",
                    count=format(len(header), ","),
                    limit=format(MAX_COLUMNS, ","),
                ),
            )
        if header and not any(header):
            raise FormatError(
                file,
                1,
                1,
                phrase(
                    "the first row names no column; it must be the header row (id, name, …), as "
                    "an export writes it"
                ),
            )
        for number, name in enumerate(header, start=1):
            problem = _header_problem(name, cols) if name else None  # blank: must stay empty
            if problem or (name and name in header[: number - 1]):
                twice = phrase("column {column} appears twice", column=repr(name))
                raise FormatError(file, 1, number, problem or twice)
        plan = [_column_plan(number, name, cols) for number, name in enumerate(header, start=1)]
        records: list[SourceRecord] = []
        last = reader.line_num
        for row in reader:
            line, last = last + 1, reader.line_num
            if any(cell.strip() for cell in row):
                doc = _row_document(row, plan, file, line)
                records.append(_record(file, len(records), line, doc))
    except csv.Error as exc:
        message = phrase("not readable as CSV: {error}", error=str(exc))
        if "field limit" in str(exc):
            message = phrase(
                "a cell longer than {limit} characters, the limit for one cell",
                limit=format(MAX_CELL_CHARS, ","),
            )
        raise FormatError(file, reader.line_num or 1, None, message) from None
    return records


_Plan = tuple[int, str, list[str], str]  # column number, header, path, what the cells hold


def _column_plan(number: int, name: str, cols: _Columns) -> _Plan:
    if name == DERIVED or name.startswith(DERIVED + "."):
        kind = "ignored"
    elif not name:
        kind = "blank"
    elif name in cols.json_text:
        kind = "json"
    elif name in cols.amounts:
        kind = "amount"
    elif name in cols.dates:
        kind = "date"
    elif (
        name in cols.numeric
        or name == REVISION_KEY
        or (name not in cols.leaves and name.startswith(cols.open_prefixes))
    ):
        kind = "number"
    elif name in cols.free_text:
        kind = "free"
    else:
        kind = "text"
    return number, name, name.split("."), kind


def _cell_json(cell: str, name: str, file: str, line: int, column: int) -> Any:
    """A list column's cell read as JSON (a customer's leases)."""
    try:
        return _DECODER.decode(cell)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, _Refused):
            error = exc.said
        elif isinstance(exc, json.JSONDecodeError):
            error = json_reason(exc)
        else:
            error = verbatim(str(exc))
        raise FormatError(
            file,
            line,
            column,
            phrase(
                '{column}: not valid JSON ({error}); write a list like [{{"item": …}}]',
                column=name,
                error=error,
            ),
        ) from None


def _row_document(row: list[str], plan: list[_Plan], file: str, line: int) -> dict[str, Any]:
    if len(row) > len(plan):
        message = phrase(
            "{cells} cells but the header has {columns} columns; quote cells with commas",
            cells=len(row),
            columns=len(plan),
        )
        raise FormatError(file, line, len(plan) + 1, message)
    doc: dict[str, Any] = {}
    for (column, name, parts, kind), raw in zip(plan, row, strict=False):
        cell = uncell_text(raw.strip())
        if not cell or kind == "ignored":
            continue
        value: Any = uncell_text(raw) if kind == "free" else cell
        if is_clear_marker(cell) and kind != "blank":
            value = None  # clears the stored value; an empty cell leaves it
        elif kind == "json":
            value = _cell_json(cell, name, file, line, column)
        elif kind == "number":
            value = _cell_number(cell)
        elif kind == "amount":
            value = _cell_amount(cell)
        elif kind == "date":
            value = date_or_text(cell)
        elif kind == "blank":
            raise FormatError(
                file,
                line,
                column,
                phrase("a cell in a column without a header; add the header or clear the column"),
            )
        target = doc
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return doc


# --- writers ---------------------------------------------------------------------------------


def _exported(
    doc: Mapping[str, Any], include_personal: bool, natures: Collection[str]
) -> Mapping[str, Any]:
    return doc if include_personal else without_personal(doc, natures)


@contextlib.contextmanager
def _opened(target: Target, encoding: str) -> Iterator[IO[str]]:
    if isinstance(target, str | Path):
        with Path(target).open("w", encoding=encoding, newline="") as stream:
            yield stream
    else:
        yield target


def write_json(target: Target, docs: Iterable[Mapping[str, Any]], *,
               include_personal: bool = False,
               personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES) -> None:  # fmt: skip
    """Write a JSON array, one customer per line, UTF-8.

    Args:
        target: A path, or an open text stream (the caller chose its encoding).
        docs: Documents, each with its ``grading`` when exporting an archive.
        include_personal: Keep the personal data; dropped unless asked for explicitly (the
            ID number then masked).
        personal_natures: The natures whose customers are people: their phone and address
            are personal data too.
    """
    with _opened(target, "utf-8") as stream:
        first = True
        stream.write("[")
        for doc in docs:
            stream.write("\n" if first else ",\n")
            stream.write(_encoded(_exported(doc, include_personal, personal_natures)))
            first = False
        stream.write("\n]\n" if not first else "]\n")


def _encoded(doc: Mapping[str, Any]) -> str:
    # Control, bidirectional and invisible characters as \uXXXX: the same JSON, but a file
    # shown on a terminal cannot steer it.
    return json_text(orjson.dumps(doc).decode("utf-8"))


def write_jsonl(target: Target, docs: Iterable[Mapping[str, Any]], *,
                include_personal: bool = False,
                personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES) -> None:  # fmt: skip
    """Write JSON Lines: one customer per line, UTF-8 (arguments as for ``write_json``)."""
    with _opened(target, "utf-8") as stream:
        for doc in docs:
            stream.write(_encoded(_exported(doc, include_personal, personal_natures)) + "\n")


def write_csv(target: Target, docs: Iterable[Mapping[str, Any]], *,
              include_personal: bool = False,
              personal_natures: Collection[str] = DEFAULT_PERSONAL_NATURES) -> None:  # fmt: skip
    """Write one row per customer with dotted headers; lists as JSON text.

    A path is written UTF-8 with a byte-order mark, so Excel shows Chinese correctly; for a
    stream the caller chooses the encoding (open it with ``utf-8-sig`` for Excel).
    Arguments as for ``write_json``.
    """
    rows = [_flat(_exported(doc, include_personal, personal_natures)) for doc in docs]
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    order = {name: rank for rank, name in enumerate(_columns().leaves)}
    sections = [f.key for f in field_catalogue().under("")]
    open_keys = _columns().open_prefixes  # assessment items lead their section

    def rank(name: str) -> tuple[int, int]:
        within = order.get(name, -1 if name.startswith(open_keys) else 10**6)
        return _section_rank(name, sections), within

    columns = sorted(seen, key=rank)
    with _opened(target, "utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow([cell_text(name) for name in columns])
        # A cell starting like a formula gets an apostrophe that read_csv takes away again.
        writer.writerows([cell_text(row.get(name, "")) for name in columns] for row in rows)


def _section_rank(name: str, sections: list[str]) -> int:
    head = name.split(".", 1)[0]
    return sections.index(head) if head in sections else len(sections)


def _flat(doc: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in doc.items():
        name = prefix + str(key)
        if isinstance(value, Mapping):  # an empty section has no columns
            out.update(_flat(value, name + "."))
        elif isinstance(value, list | tuple):
            out[name] = json.dumps(value, ensure_ascii=False) if value else ""
        else:
            out[name] = _cell_text(value)
    return out


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Reader = Callable[[str | Path], list[SourceRecord]]
Writer = Callable[..., None]
READERS: dict[str, Reader] = {"json": read_json, "jsonl": read_jsonl, "csv": read_csv}
WRITERS: dict[str, Writer] = {"json": write_json, "jsonl": write_jsonl, "csv": write_csv}
