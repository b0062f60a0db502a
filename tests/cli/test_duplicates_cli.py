"""The same company twice: a credit code already on file refuses the import (naming the
customer that has it), a name that matches warns, and ``creditfile duplicates`` lists pairs."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Run

from creditfile.application.customers import save_customer
from creditfile.application.duplicates import DuplicateCreditCodeError
from creditfile.policy import load_policy
from creditfile.store import Archive

SAVE: dict[str, Any] = {
    "policy": load_policy(Path(__file__).parents[2] / "policy" / "default.yaml"),
    "as_of": date(2026, 11, 30),
}
CODE = "91350100M000100Y43"
OTHER_CODE = "9144030071526726XG"


def _customer(cid: str, name: str, code: str | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": cid, "name": name, "nature": "developer"}
    if code:
        doc["credit_code"] = code
    return doc


def _import(run: Run, folder: Path, docs: list[dict[str, Any]], name: str = "in.jsonl") -> Any:
    text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    (folder / name).write_text(text, "utf-8")
    return run("import", name)


@pytest.fixture
def on_file(run: Run, tmp_path: Path) -> Path:
    result = _import(run, tmp_path, [_customer("C1", "武汉宏达建设工程有限公司", CODE)])
    assert result.returncode == 0, result.stderr
    return tmp_path / "archive.json"


def test_a_credit_code_already_on_file_refuses_the_import(
    on_file: Path, run: Run, tmp_path: Path
) -> None:
    before = on_file.read_bytes()
    result = _import(run, tmp_path, [_customer("C9", "宏达建设", CODE)], "again.jsonl")
    assert result.returncode == 1
    assert f"credit_code {CODE!r} is already C1 (武汉宏达建设工程有限公司)" in result.stderr
    assert "again.jsonl" in result.stderr and "C9" in result.stderr
    assert on_file.read_bytes() == before


def test_the_same_code_twice_in_one_import_is_refused(run: Run, tmp_path: Path) -> None:
    docs = [_customer("C1", "甲公司", OTHER_CODE), _customer("C2", "乙公司", OTHER_CODE)]
    result = _import(run, tmp_path, docs)
    assert result.returncode == 1 and "is already C1 (甲公司)" in result.stderr


def test_reimporting_a_customer_with_its_own_code_is_fine(on_file: Path, run: Run) -> None:
    result = _import(run, on_file.parent, [_customer("C1", "武汉宏达建设工程有限公司", CODE)])
    assert result.returncode == 0, result.stderr
    assert "note:" not in result.stderr


def test_a_near_identical_name_is_imported_with_a_note_naming_the_other(
    on_file: Path, run: Run
) -> None:
    twin = _customer("C2", "武汉宏达建设工程有限责任公司 ")
    result = _import(run, on_file.parent, [twin], "twin.jsonl")
    assert result.returncode == 0, result.stderr
    assert "has the name of C1 武汉宏达建设工程有限公司" in result.stderr
    assert "creditfile merge C1 C2" in result.stderr


def test_a_wrong_check_character_is_refused_with_the_right_one(run: Run, tmp_path: Path) -> None:
    result = _import(run, tmp_path, [_customer("C1", "甲公司", CODE[:-1] + "4")])
    assert result.returncode == 1
    assert "the last character should be '3'" in result.stderr


def test_duplicates_lists_suspected_pairs(on_file: Path, run: Run) -> None:
    archive = Archive.open(on_file)
    docs = [
        _customer("C2", "武汉宏达建设工程有限责任公司"),
        _customer("C3", "武汉宏达（建设）工程有限公司"),
        _customer("C4", "南昌万坤市政工程有限公司", OTHER_CODE),
        _customer("C5", "南昌万坤市政", OTHER_CODE),  # written before codes were checked
    ]
    archive.import_customers(docs, actor="setup")
    pairs = json.loads(run("duplicates", "--json").stdout)
    assert {(p["keep"], p["drop"], p["reason"]) for p in pairs} == {
        ("C1", "C2", "name"),
        ("C1", "C3", "name"),  # brackets are set aside
        ("C4", "C5", "credit_code"),
    }
    text = run("duplicates").stdout
    assert "C4" in text and "same 统一社会信用代码" in text and "creditfile merge" in text


def test_no_duplicates(on_file: Path, run: Run) -> None:
    assert run("duplicates").stdout.strip() == "no suspected duplicates"


def test_a_save_with_another_customers_code_is_refused(on_file: Path) -> None:
    archive = Archive.open(on_file)
    archive.import_customers([_customer("C2", "乙公司")], actor="setup")
    before = on_file.read_bytes()
    with pytest.raises(DuplicateCreditCodeError) as caught:
        save_customer(archive, _customer("C2", "乙公司", CODE), base_rev=1, actor="wang", **SAVE)
    assert "is already C1 (武汉宏达建设工程有限公司)" in str(caught.value)
    assert on_file.read_bytes() == before
    saved = save_customer(
        archive, _customer("C2", "乙公司", OTHER_CODE), base_rev=1, actor="w", **SAVE
    )
    assert saved["credit_code"] == OTHER_CODE


def test_many_repeated_names_are_counted_not_listed_one_by_one(run: Run, tmp_path: Path) -> None:
    docs = [_customer(f"N{i:03d}", "武汉华兴建筑劳务有限公司") for i in range(25)]
    result = _import(run, tmp_path, docs)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "note:" in line]
    assert len(notes) == 11
    assert "14 more customers share a name with another" in notes[-1]
    assert "creditfile duplicates" in notes[-1]


def test_a_taken_code_is_refused_in_the_language_in_force(
    on_file: Path, run: Run, tmp_path: Path
) -> None:
    (tmp_path / "again.jsonl").write_text(
        json.dumps(_customer("C9", "宏达建设", CODE), ensure_ascii=False) + "\n", "utf-8"
    )
    result = run("--lang", "zh", "import", "again.jsonl")
    assert result.returncode == 1
    assert f"统一社会信用代码 {CODE!r} 已属于 C1(武汉宏达建设工程有限公司)" in result.stderr
    assert "one company is one customer" not in result.stderr
