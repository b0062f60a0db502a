"""Every refusal of the command line is in one language: Chinese under ``--lang zh`` (or a
Chinese locale), English under ``--lang en``, with the file named as given and the exit code
non-zero; run as the real program on the error paths a person meets (a missing file, a folder
given for a file, a file that is not JSON or YAML, a customer form given to ``import``)."""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path

import pytest
from cli_support import CJK, Run, no_english, refused

from creditfile.policy.errors import json_said, os_said
from creditfile.presentation.translation import translation

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
FILES = {
    "notes.txt": b"meeting notes\n",
    "cut.yaml": b"markets:\n  - item: [1,\n",
    "indented.yaml": b"policy_version: 1\n  scoring: 2\n",
    "cut.json": b'{"_default": {"1": {"id": ',
    "colon.json": '[\n {"id": "C1",\n  "name" "甲"}\n]\n'.encode(),
    "latin.csv": b"customer_id,item\nC1,caf\xe9\n",
}

# The arguments (``DIR`` a folder, ``GONE`` a file that is not there, the others as ``FILES``
# writes them), the file the message must name, and words of its English wording.
CASES = [
    (["demand", "import", "DIR"], "DIR", "is a folder; name a file"),
    (["demand", "import", "GONE.csv"], "GONE.csv", "no such file; check the path"),
    (["form", "import", "DIR"], "DIR", "is a folder; name a file"),
    (["form", "import", "GONE.xlsx"], "GONE.xlsx", "no such file; check the path"),
    (["market", "check", "DIR"], "DIR", "is a folder; name a file"),
    (["market", "check", "GONE.yaml"], "GONE.yaml", "no such file; check the path"),
    (
        ["market", "check", "cut.yaml"],
        "cut.yaml:3:1",
        "YAML syntax error: a value is missing here (a bracket or quote not closed?)",
    ),
    (
        ["report", "trend", "--from", "1800-01-01", "--to", "2026-11-30", "--period", "quarter"],
        "--from",
        "908 quarters from 1800-01-01 to 2026-11-30 is more than 400; give a later --from",
    ),
    (["--policy", "DIR", "list"], "DIR", "is a folder; name a policy file"),
    (["--policy", "GONE.yaml", "list"], "GONE.yaml", "no such file; check the path"),
    (
        ["policy", "check", "indented.yaml"],
        "indented.yaml:2:10",
        "YAML syntax error: a colon where none may stand",
    ),
    (["policy", "check", "notes.txt"], "notes.txt:1:1", "a policy is a mapping of keys"),
    (
        ["--db", "cut.json", "list"],
        "cut.json",
        "not valid JSON (line 1, column 27: the data ends too early)",
    ),
    (["import", "colon.json"], "colon.json:3:10", "not valid JSON: a colon is missing after"),
    (
        ["--db", "notes.txt/sub/archive.json", "demo", "--customers", "1"],
        "notes.txt/sub/archive.json",
        "cannot create its folder (a part of the path is not a folder)",
    ),
    (["demand", "import", "latin.csv"], "latin.csv", "not UTF-8 text (byte 23)"),
    (
        ["quote", "C00001", "--item", "steel_formwork", "--list-price", "12x"],
        "'12x'",
        "--list-price: '12x' is not an amount: it is not a number",
    ),
    (
        ["export", "--out", "notes.txt/all.csv"],
        "notes.txt/all.csv",
        "it cannot be examined (a part of the path is not a folder)",
    ),
]


@pytest.mark.parametrize(("args", "named", "english"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_refusal_is_told_in_the_language_asked(
    run: Run, archive_path: Path, args: list[str], named: str, english: str
) -> None:
    folder = archive_path.parent
    (folder / "DIR").mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    chinese = refused(run("--lang", "zh", *args))
    assert named in chinese and CJK.search(chinese), chinese
    no_english(chinese, named, *FILES)
    from_locale = refused(run(*args, env=ZH))
    assert from_locale.splitlines()[0] == chinese.splitlines()[0]
    said = refused(run("--lang", "en", *args))
    assert named in said and english in said, said
    assert not CJK.search(re.sub("[甲万亿]", "", said)), said  # the 甲 quoted, 5,000万 as example


def test_a_customer_form_given_to_import_points_to_form_import(
    run: Run, archive_path: Path
) -> None:
    assert run("form", "C00001", "--out", "C00001.xlsx").returncode == 0
    assert run("form", "--blank", "--out", "blank.xlsx").returncode == 0
    before = archive_path.read_bytes()
    for form in ("C00001.xlsx", "blank.xlsx"):
        chinese = refused(run("--lang", "zh", "import", form))
        assert chinese.splitlines()[0] == (
            f"{form}: 这是一份客户资料表 (由 `creditfile form` 生成), 不是客户工作表; "
            f"交回的资料表请用 `creditfile form import {form}` 登记"
        )
        assert "未导入任何内容" in chinese and "unknown" not in chinese
        english = refused(run("--lang", "en", "import", form))
        assert english.splitlines()[0] == (
            f"{form}: this is a customer form (made by `creditfile form`), not a sheet of "
            f"customers; record a returned form with `creditfile form import {form}`"
        )
        assert "nothing was imported" in english and not CJK.search(english)
    assert archive_path.read_bytes() == before


def test_a_form_given_to_import_creates_no_archive(run: Run, archive_path: Path) -> None:
    assert run("form", "--blank", "--out", "blank.xlsx").returncode == 0
    elsewhere = archive_path.parent / "new.json"
    said = refused(run("--lang", "en", "--db", str(elsewhere), "import", "blank.xlsx"))
    assert "creditfile form import blank.xlsx" in said
    assert not elsewhere.exists()


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        (errno.ENOENT, "没有这个文件或文件夹", "no such file or folder"),
        (errno.EACCES, "没有权限", "permission denied"),
        (errno.EISDIR, "它是一个文件夹", "it is a folder"),
        (errno.ENOTDIR, "路径中有一部分不是文件夹", "a part of the path is not a folder"),
        (errno.ENOSPC, "磁盘已满", "the disk is full"),
        (errno.EEXIST, "那里已有文件", "a file is already there"),
    ],
)
def test_the_systems_common_refusals_are_worded_in_each_language(
    code: int, chinese: str, english: str
) -> None:
    error = OSError(code, "the system's own English")
    assert os_said(error).text(translation("zh").gettext) == chinese
    assert os_said(error).text(translation("en").gettext) == english
    rare = OSError(errno.EMLINK, "Too many links")
    assert os_said(rare).text(translation("zh").gettext) == "Too many links"


def test_a_json_readers_words_become_a_place_and_a_reason() -> None:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads('{"a": 1,\n "b" 2}')
    assert (
        json_said(caught.value).text(translation("zh").gettext) == "第 2 行第 6 列: 键后面缺少冒号"
    )
    assert str(json_said(caught.value)) == "line 2, column 6: a colon is missing after the key"


def test_help_is_in_the_language_asked(run: Run) -> None:
    quote = run("--lang", "zh", "quote", "--help")
    assert "每件每月的牌价" in quote.stdout and "list price" not in quote.stdout
    listing = run("--lang", "zh", "list", "--help")
    assert "等级 (A、B、…, 或 未评级)" in listing.stdout and "grades (" not in listing.stdout
    completion = run("--lang", "zh", "completion", "--help")
    assert "安装方法" in completion.stdout and "Install it" not in completion.stdout
    english = run("--lang", "en", "quote", "--help")
    assert "list price per unit and month" in english.stdout and not CJK.search(
        english.stdout.replace("1.2万", "")
    )


def test_the_template_is_announced_in_the_language_asked(run: Run, tmp_path: Path) -> None:
    wrote = run("--lang", "zh", "template", "--format", "xlsx", "--out", "t.xlsx")
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stdout.startswith("已写入 t.xlsx: 请填写「客户」工作表")
    no_english(wrote.stdout, "t.xlsx")
    refused_name = run("--lang", "zh", "template", "--format", "xlsx", "--out", "t.csv")
    assert refused_name.returncode == 2
    assert refused_name.stderr.strip() == (
        "creditfile: t.csv: 请把文件命名为 .xlsx, 以便 Excel 和 WPS 打开"
    )
    english = run("--lang", "en", "template", "--format", "xlsx", "--out", "t2.xlsx")
    assert english.stdout.startswith("wrote t2.xlsx: fill in the 客户 sheet")
