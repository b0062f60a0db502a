"""Hostile imports: exit 0 or 1, never a traceback, and an archive untouched by a refused import."""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import TRACEBACK, cli, customers, examples, make_archive_file

from creditfile.engine.validation import validate_customer, validate_customers
from creditfile.policy import default_policy_path, load_policy
from creditfile.store import Archive

FUZZ = settings(
    max_examples=examples(30),
    deadline=10_000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
SEEDS = customers(4, seed=31)
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "2026-02-30",
            "9999-99-99",
            "C000001",
            "active",
            "\u0000",
            "x" * 5000,
            "ringlock_scaffolding",
            "government_agency",
            "-1",
            "1e309",
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def hostile_document(draw: st.DrawFn) -> Any:
    """A generated customer with a few fields replaced, removed or added."""
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc) or [("id",)]))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(HOSTILE)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(HOSTILE)
    return draw(st.one_of(st.just(doc), HOSTILE)) if draw(st.integers(0, 9)) == 0 else doc


# Cells cannot hold control characters (openpyxl refuses to save them).
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive every import in this module goes to."""
    return make_archive_file(tmp_path_factory.mktemp("imp") / "archive.json", 8)


def _state(archive: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in archive.parent.glob(archive.name + "*")
        if not p.name.endswith(".lock")
    }


def import_file(archive: Path, file: Path) -> int:
    """Import ``file``; check the outcome; return the exit code."""
    before = _state(archive)
    outcome = cli(["--db", str(archive), "--actor", "fuzz", "import", str(file)])
    assert TRACEBACK not in outcome.out + outcome.err
    assert outcome.code in (0, 1), (outcome.code, outcome.err[-800:])
    if outcome.code == 1:
        assert outcome.err.strip(), "refused without saying why"
        assert str(file) in outcome.err, outcome.err[-800:]
        assert _state(archive) == before, "a refused import changed the archive"
    return outcome.code


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


STAMPED = ("assessed_on", "assessed_by")


def _carries(stored: Any, imported: Any) -> bool:
    """Whether ``stored`` holds every field ``imported`` carried, with its value."""
    if isinstance(imported, dict) and isinstance(stored, dict):
        # null clears a field: stored as null, or left absent when it held nothing already
        return all(
            (k in stored and _carries(stored[k], v))
            or (v is None and stored.get(k) is None)
            or k in STAMPED  # a changed score is stamped with who and when
            for k, v in imported.items()
        )
    if isinstance(imported, list) and isinstance(stored, list):
        # leases and sources merge: each record the file carried is among the stored ones
        return all(any(_carries(s, item) for s in stored) for item in imported)
    return bool(stored == imported)


def import_cells(archive: Path, file: Path) -> None:
    """Import a damaged sheet: accepted, every stored customer is valid; refused, the message
    points at a place in the file (a cell or a line), not just at the file."""
    before = {d["id"]: d for d in Archive.open(archive).documents()}
    outcome = cli(["--db", str(archive), "--actor", "fuzz", "import", str(file)])
    assert TRACEBACK not in outcome.out + outcome.err
    policy = load_policy(default_policy_path())
    if outcome.code == 0:
        stored = Archive.open(archive).documents()
        assert all(validate_customer(doc, policy) == [] for doc in stored)
        assert {d["id"] for d in stored} >= set(before)  # an import never removes a customer
    else:
        assert outcome.code == 1, outcome.err[-800:]
        assert {d["id"]: d for d in Archive.open(archive).documents()} == before
        assert re.search(re.escape(str(file)) + r":\S", outcome.err), outcome.err[-800:]


def import_documents(archive: Path, file: Path, docs: list[Any]) -> None:
    """Import ``file`` holding ``docs``: an accepted import stores exactly what it carried, and a
    refused one had a document that validation (independently of the import) finds wrong."""
    code = import_file(archive, file)
    policy = load_policy(default_policy_path())
    if code == 0:
        stored = {d["id"]: d for d in Archive.open(archive).documents()}
        for doc in docs:
            assert _carries(stored[doc["id"]], doc), (doc, stored[doc["id"]])
        for doc in stored.values():
            assert validate_customer(doc, policy) == [], doc
    else:
        ids = [d.get("id") for d in docs if isinstance(d, dict)]
        assert (
            len(ids) < len(docs)
            or len(set(map(str, ids))) < len(ids)
            or validate_customers(docs, policy)
        ), f"refused although every document is valid: {docs!r}"


@FUZZ
@given(docs=st.lists(hostile_document(), min_size=1, max_size=4))
def test_json_array_import(
    archive: Path, tmp_path_factory: pytest.TempPathFactory, docs: list[Any]
) -> None:
    file = tmp_path_factory.mktemp("in") / "customers.json"
    file.write_text(_dumps(docs), encoding="utf-8")
    import_documents(archive, file, docs)


@FUZZ
@given(docs=st.lists(hostile_document(), min_size=1, max_size=4), blank=st.booleans())
def test_json_lines_import(
    archive: Path, tmp_path_factory: pytest.TempPathFactory, docs: list[Any], blank: bool
) -> None:
    file = tmp_path_factory.mktemp("in") / "customers.jsonl"
    lines = [_dumps(d) for d in docs]
    if blank:
        lines.insert(1, "")
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_documents(archive, file, docs)


@FUZZ
@given(
    data=st.binary(max_size=300),
    suffix=st.sampled_from([".json", ".jsonl", ".csv", ".xlsx", ".txt"]),
)
def test_random_bytes_import(
    archive: Path, tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    file = tmp_path_factory.mktemp("in") / f"customers{suffix}"
    file.write_bytes(data)
    assert import_file(archive, file) == 1 or data.strip() in (b"", b"[]")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh archive exported as CSV and XLSX: realistic spreadsheets to damage."""
    out = tmp_path_factory.mktemp("exp")
    archive = make_archive_file(out / "source.json", 8)
    files = {}
    for fmt in ("csv", "xlsx"):
        target = out / f"customers.{fmt}"
        outcome = cli(["--db", str(archive), "export", "--format", fmt, "--out", str(target)])
        assert outcome.code == 0, outcome.err
        files[fmt] = target
    return files


@FUZZ
@given(data=st.data())
def test_damaged_csv_import(
    archive: Path,
    exported: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    rows = exported["csv"].read_text("utf-8-sig").splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.integers(0, len(rows) - 1))
        cells = rows[row].split(",")
        col = data.draw(st.integers(0, len(cells) - 1))
        cells[col] = data.draw(
            st.one_of(
                st.text(max_size=10).filter(lambda t: "\n" not in t and "\r" not in t),
                st.sampled_from(
                    ["", "-5", "2026-13-01", "A", '"', "NaN", "1e400", "是", "x" * 3000]
                ),
            )
        )
        rows[row] = ",".join(cells)
    file = tmp_path_factory.mktemp("in") / "customers.csv"
    file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_cells(archive, file)


@settings(
    max_examples=examples(8),
    deadline=20_000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_damaged_xlsx_import(
    archive: Path,
    exported: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(exported["xlsx"])
    for _ in range(data.draw(st.integers(1, 4))):
        sheet = book[data.draw(st.sampled_from(book.sheetnames))]
        row = data.draw(st.integers(1, max(1, sheet.max_row)))
        col = data.draw(st.integers(1, max(1, sheet.max_column)))
        sheet.cell(row, col).value = data.draw(
            st.one_of(
                st.none(),
                st.integers(-(10**12), 10**12),
                st.floats(allow_nan=False),
                st.text(PRINTABLE, max_size=10).filter(lambda t: not t.startswith("=")),
                st.sampled_from(["2026-02-30", "A", "是", "active", "x" * 3000]),
            )
        )
    file = tmp_path_factory.mktemp("in") / "customers.xlsx"
    book.save(file)
    import_cells(archive, file)


@pytest.mark.parametrize("text", ["宏达\x08建设", "a\x1fb", "tab\tand\nnewline", "\u2028"])
def test_text_an_import_accepts_can_be_exported(tmp_path: Path, text: str) -> None:
    # Whatever an import accepts must come out again in every export format.
    doc = customers(1, seed=3)[0]
    doc["name"] = f"名称{text}"
    doc["trading"]["problems"] = text
    source = tmp_path / "one.jsonl"
    source.write_text(_dumps(doc) + "\n", encoding="utf-8")
    archive = tmp_path / "archive.json"
    refused = cli(["--db", str(archive), "import", str(source)])
    # A name is one line of visible characters; the message names the character, not the name.
    assert refused.code == 1 and "name: holds U+" in refused.err, refused.err
    assert text not in refused.err
    doc["name"] = "名称"
    source.write_text(_dumps(doc) + "\n", encoding="utf-8")
    imported = cli(["--db", str(archive), "import", str(source)])
    assert imported.code == 0, imported.err  # notes may hold any text
    for fmt in ("json", "jsonl", "csv", "xlsx"):
        target = tmp_path / f"out.{fmt}"
        outcome = cli(["--db", str(archive), "export", "--format", fmt, "--out", str(target)])
        assert outcome.code == 0, (fmt, outcome.err)
        assert target.stat().st_size > 0
    exported = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert exported[0]["trading"]["problems"] == text
