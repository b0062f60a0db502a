"""万/亿 and thousands separators read the same from a workbook, a Chinese-headed CSV and an
interchange CSV, through the real ``creditfile import``; anything else is refused at its cell
with the same message, and nothing is written."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Run

from creditfile.store import Archive

CAPITAL = "profile.registered_capital"


def _xlsx(folder: Path, capital: object, founded: object) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "客户"
    sheet.append(["客户编号", "客户名称", "客户性质", "注册资本", "成立日期"])
    sheet.append(["C1", "武汉宏达建设工程有限公司", "开发商", capital, founded])
    path = folder / "customers.xlsx"
    book.save(path)
    return path


def _sheet_csv(folder: Path, capital: str, founded: str) -> Path:
    path = folder / "customers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["客户编号", "客户名称", "客户性质", "注册资本", "成立日期"])
        writer.writerow(["C1", "武汉宏达建设工程有限公司", "开发商", capital, founded])
    return path


def _interchange_csv(folder: Path, capital: str, founded: str) -> Path:
    path = folder / "interchange.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name", "nature", CAPITAL, "profile.founded_on"])
        writer.writerow(["C1", "武汉宏达建设工程有限公司", "developer", capital, founded])
    return path


WRITERS = {"xlsx": _xlsx, "sheet csv": _sheet_csv, "interchange csv": _interchange_csv}


@pytest.mark.parametrize("form", list(WRITERS))
@pytest.mark.parametrize(
    ("capital", "amount"),
    [("5,000万", 50_000_000), ("0.5亿", 50_000_000), ("50,000,000", 50_000_000),
     ("¥1,250,000.50元", 1_250_000.5)],
)  # fmt: skip
def test_an_amount_reads_the_same_from_every_file(
    run: Run, tmp_path: Path, form: str, capital: str, amount: float
) -> None:
    path = WRITERS[form](tmp_path, capital, "2008年3月5日")
    result = run("import", path.name)
    assert result.returncode == 0, result.stderr
    stored = Archive.open(tmp_path / "archive.json").get("C1")
    assert stored is not None
    assert stored["profile"]["registered_capital"] == amount
    assert stored["profile"]["founded_on"] == "2008-03-05"


@pytest.mark.parametrize("form", list(WRITERS))
@pytest.mark.parametrize(
    ("capital", "why"),
    [("5,00万", "every three digits"), ("1,2345", "every three digits"), ("5千", "万 and 亿"),
     ("五千万", "in digits")],
)  # fmt: skip
def test_an_amount_that_reads_two_ways_is_refused_at_its_place(
    run: Run, tmp_path: Path, form: str, capital: str, why: str
) -> None:
    path = WRITERS[form](tmp_path, capital, "2008-03-05")
    result = run("import", path.name)
    assert result.returncode == 1
    assert why in result.stderr and repr(capital) in result.stderr, result.stderr
    assert path.name in result.stderr
    assert (
        not (tmp_path / "archive.json").exists()
        or not Archive.open(tmp_path / "archive.json").records()
    )


def test_a_number_cell_is_its_own_value(run: Run, tmp_path: Path) -> None:
    path = _xlsx(tmp_path, 50_000_000, "2008-03-05")
    assert run("import", path.name).returncode == 0
    exported = json.loads(run("export", "--format", "json").stdout)
    assert exported[0]["profile"]["registered_capital"] == 50_000_000
