"""A file that cannot be read as customers is refused in the language asked for: the place
(``FILE:LINE:COLUMN``) first and as it is, then what is wrong and what to do, run as the real
``creditfile import`` under ``--lang zh`` and ``--lang en``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import Run, no_traceback

from creditfile.formats.interchange import FormatError, read_records
from creditfile.presentation.translation import translation

CJK = re.compile(r"[\u3400-\u9fff]")

# name, bytes, the place, the Chinese wording, the English wording
CASES = [
    (
        "c.csv",
        ",,\nC1,宏达建设,\n".encode(),
        "c.csv:1:1",
        "第一行没有列名; 它必须是表头行 (id, name, …), 与导出文件的写法相同",
        "the first row names no column; it must be the header row (id, name, …), as an "
        "export writes it",
    ),
    (
        "typo.csv",
        b"id,nmae\nC1,x\n",
        "typo.csv:1:2",
        "未知的列 'nmae'; 您是指 'name' 吗?",
        "unknown column 'nmae'; did you mean 'name'?",
    ),
    (
        "one.json",
        b'{"id": "C1"}\n',
        "one.json:1:1",
        ".json 文件应保存一个客户数组 [{…}, {…}]; 如果每行一个客户, 请把文件命名为 .jsonl",
        "a .json file holds an array of customers [{…}, {…}]; for one customer per line "
        "name it .jsonl",
    ),
    (
        "twice.jsonl",
        b'{"id": "C1"}\n{"id": "C2", "id": "C3"}\n',
        "twice.jsonl:2",
        "键 'id' 在同一个对象中出现了两次; 请只保留一个",
        "key 'id' appears twice in one object; keep one",
    ),
    (
        "latin.csv",
        b"id,name\nC1,caf\xe9\n",
        "latin.csv:2",
        "不是 UTF-8 文本 (第 14 字节); 请把文件另存为 UTF-8 (在 Excel 中选择 “CSV UTF-8”)",
        "not UTF-8 text (byte 14); save the file as UTF-8 (in Excel: “CSV UTF-8”)",
    ),
    (
        "short.csv",
        b"id,name\nC1,x,y\n",
        "short.csv:2:3",
        "有 3 个单元格, 但表头只有 2 列; 含逗号的单元格请加引号",
        "3 cells but the header has 2 columns; quote cells with commas",
    ),
]


@pytest.mark.parametrize(("name", "data", "place", "chinese", "english"), CASES)
def test_an_unreadable_file_is_refused_in_the_language_asked(
    run: Run, tmp_path: Path, name: str, data: bytes, place: str, chinese: str, english: str
) -> None:
    (tmp_path / name).write_bytes(data)
    said = run("--lang", "zh", "import", name)
    assert said.returncode == 1 and no_traceback(said), said.stderr
    assert said.stderr.strip() == f"creditfile: {place}: {chinese}; 未导入任何内容"
    said = run("--lang", "en", "import", name)
    assert said.returncode == 1 and no_traceback(said), said.stderr
    assert said.stderr.strip() == f"creditfile: {place}: {english}; nothing was imported"
    assert not (tmp_path / "archive.json").exists()  # a refused import leaves no archive


def test_a_missing_file_and_a_foreign_kind_follow_the_locale(run: Run, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("id,name\n")
    zh = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    missing = run("import", "gone.csv", env=zh)
    assert (
        missing.stderr.strip() == "creditfile: gone.csv: 没有这个文件; 请检查路径; 未导入任何内容"
    )
    foreign = run("import", "notes.txt", env=zh)
    assert foreign.stderr.strip().startswith("creditfile: notes.txt: 无法识别的文件类型")
    assert ".json, .jsonl, .ndjson, .csv" in foreign.stderr
    english = run("--lang", "en", "import", "notes.txt")
    assert "notes.txt: unknown kind of file; name it .json, .jsonl" in english.stderr
    assert not CJK.search(english.stderr)


def test_a_bad_list_cell_keeps_the_readers_reason_and_the_column(tmp_path: Path) -> None:
    sheet = tmp_path / "leases.csv"
    sheet.write_text('id,leases\nC1,"[{""item"": 1, ""item"": 2}]"\n', encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_records(sheet)
    assert str(caught.value) == (
        f"{sheet}:2:2: leases: not valid JSON (key 'item' appears twice in one object; keep "
        'one); write a list like [{"item": …}]'
    )
    assert caught.value.text(translation("zh").gettext) == (
        f"{sheet}:2:2: leases: 不是有效的 JSON (键 'item' 在同一个对象中出现了两次; 请只保留"
        '一个); 请写成这样的列表: [{"item": …}]'
    )


SHEET_CASES = [
    (
        ["phone.csv"],
        {"phone.csv": "客户编号,客户名称,电户\nC1,宏达建设,02785551234\n"},
        "phone.csv:C1: 未知的列 '电户'; 您是指 电话 吗? 请使用 `creditfile template --format "
        "xlsx` 的表头",
        "phone.csv:C1: unknown column '电户'; did you mean 电话? use the headers of "
        "`creditfile template --format xlsx`",
    ),
    (
        ["customers.csv", "leases.csv"],
        {
            "customers.csv": "客户编号,客户名称\nC1,宏达建设\n",
            "leases.csv": "合同编号,租赁物,金额,客户编号\nH1,挖掘机,100,C9\n",
        },
        "leases.csv:D2: 客户编号 'C9' 不在客户工作表中; 请添加该客户, 或更正编号",
        "leases.csv:D2: 客户编号 'C9' is not on the customer sheet; add the customer or "
        "correct the id",
    ),
    (
        ["amounts.csv"],
        {"amounts.csv": "客户编号,客户名称\nC1,宏达建设,5,000万\n"},
        "amounts.csv:C2: 第 2 行有 4 个单元格, 但表头只有 2 列; 值中的逗号会把它拆开 (5,000万): "
        '请给这个值加上双引号 ("5,000万"), 或从 Excel 另存为 CSV',
        "amounts.csv:C2: row 2 has 4 cells but the header names 2 columns; a comma inside a "
        'value splits it (5,000万): put that value in double quotes ("5,000万"), or save the '
        "sheet as CSV from Excel",
    ),
]


@pytest.mark.parametrize(("names", "files", "chinese", "english"), SHEET_CASES)
def test_a_sheet_that_does_not_fit_is_refused_in_the_language_asked(
    run: Run,
    tmp_path: Path,
    names: list[str],
    files: dict[str, str],
    chinese: str,
    english: str,
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    said = run("--lang", "zh", "import", *names)
    assert said.returncode == 1 and no_traceback(said), said.stderr
    assert said.stderr.splitlines() == [chinese, "creditfile: 无法把该表格读作客户; 未导入任何内容"]
    said = run("--lang", "en", "import", *names)
    assert said.stderr.splitlines() == [
        english,
        "creditfile: the spreadsheet cannot be read as customers; nothing was imported",
    ]
