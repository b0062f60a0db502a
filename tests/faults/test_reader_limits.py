"""Reader limits: files too large, too wide, too long or lying about their size are refused
quickly, with a message naming the file, the place and the limit."""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import TRACEBACK, cli, cli_process, customers

HEADERS = ["客户编号", "客户名称", "客户性质"]


def _import(tmp_path: Path, *files: Path) -> tuple[int, str, float]:
    started = time.perf_counter()
    done = cli(["--db", str(tmp_path / "archive.json"), "import", *map(str, files)])
    took = time.perf_counter() - started
    assert TRACEBACK not in done.err
    return done.code, done.err, took


def _workbook(path: Path, far_cell: str | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(HEADERS)
    sheet.append(["C1", "宏达建设", "普通公司"])
    if far_cell:
        sheet[far_cell] = "x"
    book.save(path)
    return path


def test_a_cell_at_xfd1048576_is_refused_in_seconds_at_its_cell(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "far.xlsx", "XFD1048576")
    assert book.stat().st_size < 30_000
    code, err, took = _import(tmp_path, book)
    assert code == 1
    assert f"{book}:客户!XFD1048576: a cell in column 16,384" in err
    assert "at most 1,000 columns" in err
    assert took < 2.0


def test_a_sheet_claiming_xfd1048576_is_read_by_what_it_holds(tmp_path: Path) -> None:
    small = _workbook(tmp_path / "small.xlsx")
    claimed = tmp_path / "claimed.xlsx"
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(claimed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(
                    b'<dimension ref="A1:C2" />', b'<dimension ref="A1:XFD1048576" />'
                )
                assert b"XFD1048576" in data
            target.writestr(item, data)
    code, err, took = _import(tmp_path, claimed)
    assert (code, err) == (0, ""), err
    assert took < 2.0


def test_a_workbook_that_unpacks_too_large_is_refused_unopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("creditfile.spreadsheets.reading.MAX_UNPACKED_BYTES", 100_000)
    book = tmp_path / "bomb.xlsx"
    _workbook(book)
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("xl/padding.bin", b"\0" * 200_000)
    code, err, _ = _import(tmp_path, book)
    assert code == 1
    assert f"{book}: unpacks to" in err and "over the limit of 100,000" in err


def test_a_csv_cell_over_the_limit_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("creditfile.formats.interchange.MAX_CELL_CHARS", 1_000)
    path = tmp_path / "long.csv"
    path.write_text(f"id,name,nature\nC1,ok,developer\nC2,{'x' * 2_000},developer\n", "utf-8")
    code, err, _ = _import(tmp_path, path)
    assert code == 1
    assert f"{path}:3: a cell longer than 1,000 characters" in err


def test_a_csv_file_with_too_many_columns_is_refused_at_its_header(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_001)) + "\n", "utf-8")
    code, err, _ = _import(tmp_path, path)
    assert code == 1
    assert f"{path}:1:1001: 1,001 columns; a file may have at most 1,000" in err


def test_a_chinese_csv_with_too_many_columns_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "wide-zh.csv"
    path.write_text(",".join(HEADERS + ["x"] * 1_000) + "\n", "utf-8")
    code, err, _ = _import(tmp_path, path)
    assert code == 1
    assert f"{path}:ALO1: a cell in column 1,003" in err


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv"])
def test_more_customers_than_the_limit_are_refused_at_the_first_too_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setattr("creditfile.formats.interchange.MAX_RECORDS", 3)
    docs = [{"id": f"C{i}", "name": "n", "nature": "developer"} for i in range(5)]
    path = tmp_path / f"many{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(d) + "\n" for d in docs), "utf-8")
    elif suffix == ".json":
        path.write_text("[\n" + ",\n".join(json.dumps(d) for d in docs) + "\n]\n", "utf-8")
    else:
        path.write_text("id,name,nature\n" + "".join(f"C{i},n,developer\n" for i in range(5)))
    code, err, _ = _import(tmp_path, path)
    assert code == 1
    assert f"{path}:" in err and "more than 3 customers in one file" in err


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx"])
def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    for module in ("formats.interchange", "spreadsheets.reading"):
        monkeypatch.setattr(f"creditfile.{module}.MAX_FILE_BYTES", 100)
    monkeypatch.setattr("creditfile.spreadsheets.reading.MAX_XLSX_BYTES", 100)
    path = tmp_path / f"big{suffix}"
    if suffix == ".xlsx":
        _workbook(path)
    else:
        path.write_text("x" * 200, "utf-8")
    code, err, _ = _import(tmp_path, path)
    assert code == 1
    assert f"{path}: " in err and "over the limit of 100 bytes for one file" in err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_at_once(tmp_path: Path, device: str) -> None:
    link = tmp_path / "data.jsonl"
    link.symlink_to(device)
    done = cli_process(["--db", str(tmp_path / "a.json"), "import", str(link)], timeout=10)
    assert done.returncode == 1
    assert "not a regular file" in done.stderr


def test_a_note_over_a_million_characters_is_refused_with_its_field(tmp_path: Path) -> None:
    doc = customers(1)[0]
    doc["trading"]["problems"] = "长" * 1_000_001
    path = tmp_path / "note.jsonl"
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", "utf-8")
    code, err, _ = _import(tmp_path, path)
    assert code == 1
    assert "trading.problems: is longer than 1000000 characters" in err
    assert "长长" not in err


def test_limits_leave_a_real_export_alone(tmp_path: Path) -> None:
    docs = customers(50)
    path = tmp_path / "fine.jsonl"
    buffer = io.StringIO()
    for doc in docs:
        buffer.write(json.dumps(doc, ensure_ascii=False) + "\n")
    path.write_text(buffer.getvalue(), "utf-8")
    code, err, _ = _import(tmp_path, path)
    assert code == 0, err


DEMAND_HEADERS = ["客户编号", "租赁物", "数量", "需求日期"]


def _demand_file(tmp_path: Path, kind: str) -> Path:
    """A demand sheet past one limit: a far cell, a pipe, too wide, too many rows."""
    import os

    from openpyxl import Workbook

    if kind == "far.xlsx":
        book = Workbook()
        book.active.append(DEMAND_HEADERS)
        book.active["XFD1048576"] = "x"
        book.save(tmp_path / kind)
    elif kind == "pipe.csv":
        os.mkfifo(tmp_path / kind)  # opening it to read would wait for a writer forever
    elif kind == "device.csv":
        (tmp_path / kind).symlink_to("/dev/zero")
    elif kind == "wide.csv":
        (tmp_path / kind).write_text(",".join(DEMAND_HEADERS + ["x"] * 1_200) + "\n", "utf-8")
    else:
        row = "C1,tower_crane,1,2026-12-20\n"
        (tmp_path / kind).write_text(",".join(DEMAND_HEADERS) + "\n" + row * 100_001, "utf-8")
    return tmp_path / kind


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("far.xlsx", "more than 100,000 rows"),
        ("pipe.csv", "not a regular file"),
        ("device.csv", "not a regular file"),
        ("wide.csv", "wide.csv:1: 1,204 columns; a sheet may use at most 1,000"),
        ("rows.csv", "more than 100,000 rows"),
    ],
)
def test_a_demand_sheet_past_a_limit_is_refused_in_seconds(
    tmp_path: Path, kind: str, said: str
) -> None:
    path = _demand_file(tmp_path, kind)
    started = time.perf_counter()
    done = cli_process(
        ["--db", str(tmp_path / "a.json"), "demand", "import", str(path)], timeout=20
    )
    assert time.perf_counter() - started < 10
    assert TRACEBACK not in done.stderr
    assert done.returncode == 1, done.stderr
    assert f"{path}" in done.stderr and said in done.stderr, done.stderr
