"""Interchange files: round trips, located parse errors, CSV conventions, personal data."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from creditfile.demodata.customers import generate_customers
from creditfile.document.limits import MAX_CELL_CHARS
from creditfile.engine import grade_archive
from creditfile.engine.validation import validate_customers
from creditfile.formats import interchange
from creditfile.formats.interchange import (
    READERS,
    WRITERS,
    FormatError,
    read_records,
    write_csv,
    write_json,
    write_jsonl,
)
from creditfile.policy import Policy

AS_OF = date(2026, 11, 29)


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    """Generated customers, with personal data on some of them."""
    return generate_customers(150, seed=4, as_of=AS_OF)


@pytest.fixture(scope="module")
def exported(docs: list[dict[str, Any]], default_policy: Policy) -> list[dict[str, Any]]:
    """The documents as an export carries them: each with its grading."""
    gradings = grade_archive(docs, default_policy, AS_OF)
    return [{**doc, "grading": gradings[doc["id"]]} for doc in docs]


def without_nulls(value: Any) -> Any:
    """What a CSV keeps of a document: empty cells are left out (lists are JSON text, kept)."""
    if isinstance(value, dict):
        kept = {k: without_nulls(v) for k, v in value.items() if v is not None and v != ""}
        return {k: v for k, v in kept.items() if v != {}}
    return value


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".ndjson", ".csv"])
def test_an_export_reads_back_as_the_same_customers(
    tmp_path: Path, docs: list[dict[str, Any]], exported: list[dict[str, Any]], suffix: str
) -> None:
    path = tmp_path / f"customers{suffix}"
    fmt = {".ndjson": "jsonl"}.get(suffix, suffix[1:])
    WRITERS[fmt](path, exported, include_personal=True)
    records = read_records(path)
    assert [r.index for r in records] == list(range(len(docs)))
    assert {r.file for r in records} == {str(path)}
    back = [r.doc for r in records]  # the grading an export adds is dropped
    if fmt == "csv":
        assert back == [without_nulls(d) for d in docs]
    else:
        assert back == docs


@pytest.mark.parametrize("writer", [write_json, write_jsonl, write_csv])
def test_personal_data_is_left_out_unless_asked_for(
    tmp_path: Path, exported: list[dict[str, Any]], writer: Any
) -> None:
    with_person = [d for d in exported if "person" in d["profile"]]
    assert with_person
    suffix = {write_json: ".json", write_jsonl: ".jsonl", write_csv: ".csv"}[writer]
    plain, personal = tmp_path / f"plain{suffix}", tmp_path / f"personal{suffix}"
    writer(plain, with_person)
    writer(personal, with_person, include_personal=True)
    assert "personality" not in plain.read_text("utf-8-sig")
    assert all("person" not in r.doc.get("profile", {}) for r in read_records(plain))
    assert all("person" in r.doc["profile"] for r in read_records(personal))
    assert all("person" in d["profile"] for d in with_person), "the caller's documents changed"


def test_csv_opens_in_excel_with_dotted_headers(
    tmp_path: Path, exported: list[dict[str, Any]]
) -> None:
    path = tmp_path / "customers.csv"
    write_csv(path, exported[:5])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel shows Chinese
    header = raw[3:].decode("utf-8").splitlines()[0].split(",")
    assert header[:3] == ["id", "name", "nature"]
    assert header.index("contact.phone") < header.index("leases") < header.index("sources")
    assert header.index("assessment.strength") < header.index("assessment.assessed_by")
    assert header[-1].startswith("grading.") and "grading.grade" in header
    assert exported[0]["name"] in raw.decode("utf-8")


def test_writers_also_write_to_an_open_stream(exported: list[dict[str, Any]]) -> None:
    stream = io.StringIO()
    write_json(stream, exported[:3])
    assert [d["id"] for d in json.loads(stream.getvalue())] == [d["id"] for d in exported[:3]]
    empty = io.StringIO()
    write_json(empty, [])
    assert json.loads(empty.getvalue()) == []
    table = io.StringIO()
    write_csv(table, exported[:2])
    assert table.getvalue().startswith("id,name,nature,")  # no byte-order mark in a stream
    assert set(READERS) == set(WRITERS) == {"json", "jsonl", "csv"}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_cells_become_numbers_text_or_nothing(tmp_path: Path, default_policy: Policy) -> None:
    path = write(tmp_path, "in.csv", (
        "id,name,nature,contact.phone,profile.registered_capital,profile.total_assets,"
        "assessment.strength,assessment.note,leases,profile.person.age\n"
        'C1,宏达建设,ordinary_company,013800000000,"1,250,000",,8.5,好,'
        '"[{""item"": ""tower_crane"", ""start"": ""2024-01-05"", ""amount"": 120000, '
        '""status"": ""active""}]",45\n'
        "C2 , 李四 ,individual,,abc,,,,,\n"
        ",,,,,,,,,\n"
    ), encoding="utf-8-sig")  # fmt: skip
    first, second = (r.doc for r in read_records(path))
    assert first == {
        "id": "C1", "name": "宏达建设", "nature": "ordinary_company",
        "contact": {"phone": "013800000000"},
        "profile": {"registered_capital": 1250000, "person": {"age": 45}},
        "assessment": {"strength": 8.5, "note": "好"},
        "leases": [{"item": "tower_crane", "start": "2024-01-05", "amount": 120000,
                    "status": "active"}],
    }  # fmt: skip
    assert second == {"id": "C2", "name": "李四", "nature": "individual",
                      "profile": {"registered_capital": "abc"}}  # fmt: skip
    problems = validate_customers([first, second], default_policy)
    assert [(p.index, p.path) for p in problems] == [(1, "profile.registered_capital")]


def test_csv_records_know_their_lines_even_with_multiline_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", (
        "id,name,nature,trading.problems\n"
        'C1,甲,individual,"第一行\n第二行"\n'
        "\n"
        "C2,乙,individual,\n"
    ))  # fmt: skip
    records = read_records(path)
    assert [(r.index, r.line, r.doc["id"]) for r in records] == [(0, 2, "C1"), (1, 5, "C2")]
    assert records[0].doc["trading"]["problems"] == "第一行\n第二行"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("id,nmae,nature\nC1,甲,individual\n", 1, 2, "did you mean 'name'"),
        # A field named as a spreadsheet names it: the dotted key it stands for.
        ("id,name,nature,phone\n", 1, 4, "unknown column 'phone'; did you mean 'contact.phone'"),
        ("id,name,nature,资产总额\n", 1, 4, "did you mean 'profile.total_assets'"),
        ("id,name,name\n", 1, 3, "appears twice"),
        ("id,name,nature\nC1,甲,individual,extra\n", 2, 4, "quote cells with commas"),
        ("id,name,nature,leases\nC1,甲,individual,[{\n", 2, 4, "leases: not valid JSON"),
        ("id,name,nature,\nC1,甲,individual,x\n", 2, 4, "without a header"),
        # One limit for a cell, far above any note (SECURITY.md, Import limits).
        ('id,name\nC1,"' + "x" * (MAX_CELL_CHARS + 1) + '"\n', 2, None, "a cell longer than"),
    ],
)
def test_csv_layout_errors_are_located(
    tmp_path: Path, text: str, line: int, column: int | None, words: str
) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(FormatError) as caught:
        read_records(path)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), line, column)
    assert words in error.message
    assert str(error).startswith(f"{path}:{line}")


def test_json_records_know_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "in.json", (
        '[\n  {"id": "C1", "name": "甲", "nature": "individual"},\n\n'
        '  {"id": "C2",\n   "name": "乙", "nature": "individual",\n'
        '   "grading": {"grade": "A"}}\n]\n'
    ))  # fmt: skip
    records = read_records(path)
    assert [(r.index, r.line) for r in records] == [(0, 2), (1, 4)]
    assert "grading" not in records[1].doc
    assert read_records(write(tmp_path, "empty.json", " [ ] ")) == []


def test_json_lines_skip_blank_lines_and_count_records(tmp_path: Path) -> None:
    path = write(tmp_path, "in.jsonl", (
        '{"id": "C1", "name": "甲", "nature": "individual"}\n\n'
        '  {"id": "C2", "name": "乙", "nature": "individual"}  \r\n'
    ))  # fmt: skip
    assert [(r.index, r.line, r.doc["id"]) for r in read_records(path)] == [(0, 1, "C1"),
                                                                           (1, 3, "C2")]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "line", "column", "words"),
    [
        (
            "a.json",
            '[\n {"id": "C1",\n  "name" "甲"}\n]',
            3,
            10,
            "a colon is missing after the key",
        ),
        ("a.json", '{"id": "C1"}', 1, 1, "name it .jsonl"),
        ("a.json", '[{"id": "C1"} {"id": "C2"}]', 1, 15, "expected , or ]"),
        ("a.json", '[{"id": "C1"}] x', 1, 16, "after the closing ]"),
        ("a.json", "", 1, 1, "holds an array"),
        ("a.json", '[\n{"id": "C1", "amount": NaN}]', 2, None, "NaN is not allowed"),
        ("a.json", '[\n{"id": "C1", "id": "C2"}]', 2, None, "'id' appears twice"),
        ("a.json", "[" * 100_000, 1, None, "nested too deeply"),
        ("a.jsonl", '{"id": "C1"}\n{"id": "C2"', 2, 12, "not valid JSON"),
        ("a.jsonl", '{"id": "C1"} {"id": "C2"}\n', 1, 14, "one customer per line"),
    ],
)
def test_json_errors_are_located(
    tmp_path: Path, name: str, text: str, line: int, column: int | None, words: str
) -> None:
    with pytest.raises(FormatError) as caught:
        read_records(write(tmp_path, name, text))
    error = caught.value
    assert (error.line, error.column) == (line, column), error
    assert words in error.message


# Compact lines, as orjson writes them, that json and orjson must not read apart: each is
# read (or refused, with the same words) exactly as the line-by-line JSON reader does.
_COMPACT_LINES = [
    '{"id":"C1","id":"C2"}',  # a key twice: refused, never the last one kept
    '{"id":"C1","n":{"a":1,"a":2}}',
    '{"id":"C1","amount":NaN}',
    '{"id":"C1","amount":Infinity}',
    '{"id":"C1","amount":-Infinity}',
    '{"id":"C1","n":' + "9" * 30 + "}",  # beyond 64 bits
    '{"id":"C1","n":' + "9" * 5000 + "}",  # beyond what json reads
    '{"id":"C1","note":"\\ud800"}',  # a lone surrogate, escaped
    '{"id":"C1","note":"\\u4e2d\\/"}',
    '{"id":"C1","x":1e400,"y":-0,"z":1.0,"w":0.1,"v":1E5,"u":5e-324}',
    '{"id":"C1","deep":' + "[" * 300 + "]" * 300 + "}",
    '{"id":"C1","name":"成都宏达","leases":[{"amount":155300,"rate":22.5}]}',
    "[1,2]",
    '"text"',
]


@pytest.mark.parametrize("line", _COMPACT_LINES)
def test_a_compact_line_is_read_as_json_reads_it(
    tmp_path: Path, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "in.jsonl", line + "\n")

    def read() -> Any:
        try:
            return [r.doc for r in read_records(path)]
        except FormatError as exc:
            return exc.message

    found = read()
    with monkeypatch.context() as patched:  # every line through json's careful reading
        patched.setattr(interchange, "_compact", lambda _line: interchange._NOT_COMPACT)
        expected = read()
    assert json.dumps(found, default=repr) == json.dumps(expected, default=repr)
    assert type(found) is type(expected)


def test_unreadable_files_are_refused_with_what_to_do(tmp_path: Path) -> None:
    gbk = write(tmp_path, "gbk.csv", "id,name,nature\nC1,宏达,ordinary_company\n", "gbk")
    with pytest.raises(FormatError, match=r"not UTF-8.*CSV UTF-8") as caught:
        read_records(gbk)
    assert caught.value.line == 2
    with pytest.raises(FormatError, match="no such file"):
        read_records(tmp_path / "missing.json")
    with pytest.raises(FormatError, match=r"unknown kind of file; name it \.json"):
        read_records(write(tmp_path, "customers.txt", "[]"))


def test_csv_round_trip_keeps_the_spaces_around_text(tmp_path: Path) -> None:
    doc = {
        "id": "C1",
        "name": "甲公司",
        "nature": "ordinary_company",  # a company's address is exported (an individual's not)
        "contact": {"address": "  武汉市 解放大道100号  "},
        "trading": {"problems": "\t待核实 "},
        "assessment": {"note": " 备注 "},
    }
    path = tmp_path / "out.csv"
    write_csv(path, [doc])
    assert read_records(path)[0].doc == doc


def test_csv_keys_and_dates_are_read_without_the_spaces_around_them(tmp_path: Path) -> None:
    path = write(
        tmp_path, "in.csv", "id,name,nature,profile.founded_on\n C1 ,甲, individual ,2001-02-03 \n"
    )
    doc = read_records(path)[0].doc
    assert (doc["id"], doc["nature"], doc["profile"]["founded_on"]) == (
        "C1",
        "individual",
        "2001-02-03",
    )
