"""An individual's ID number through the command line: left out of show and exports unless
asked, and a reveal recorded without the number."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "faults"))
from faultkit import cli

GOOD = "11010519491231002X"  # the standard's own example


def _doc(**person: Any) -> dict[str, Any]:
    return {"id": "P1", "name": "张三", "nature": "individual", "profile": {"person": person}}


def _cells(path: Path) -> set[object]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {value for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for value in row}  # fmt: skip


def test_exports_and_show_leave_the_number_out_unless_asked(tmp_path: Path) -> None:
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps(_doc(id_number=GOOD, age=30), ensure_ascii=False) + "\n")
    db = ["--db", str(tmp_path / "archive.json")]
    assert cli([*db, "import", str(source)]).code == 0
    for argv in (["show", "P1"], ["export"], ["export", "--format", "csv"]):
        assert GOOD not in cli([*db, *argv]).out, argv
    for flags, shown in (([], False), (["--include-personal"], True)):
        out = tmp_path / f"e{len(flags)}.xlsx"
        assert cli([*db, "export", *flags, "--out", str(out)]).code == 0
        assert (GOOD in _cells(out)) is shown
    asked = cli([*db, "show", "P1", "--include-personal"])
    assert GOOD in asked.out
    history = cli([*db, "history", "P1"]).out
    assert "personal data revealed" in history and GOOD not in history
