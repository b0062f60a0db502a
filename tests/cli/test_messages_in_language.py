"""What the store and the application tell a person, and the lines commands print when they
succeed, are in the language asked for: from the catalogue, with every value in its place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import Run

from creditfile.presentation.translation import translation
from creditfile.store import StaleRevisionError
from creditfile.store.errors import ArchiveLockedError, CustomerMissingError
from creditfile.store.locking import archive_lock

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
EN = {"LANG": "en_US.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
CJK = re.compile(r"[\u3400-\u9fff]")


def _zh(error: StaleRevisionError | ArchiveLockedError | CustomerMissingError) -> str:
    return error.text(translation("zh").gettext)


def test_a_revision_conflict_is_told_in_either_language_with_every_value() -> None:
    error = StaleRevisionError("a.json", "C7", 3, 5, "wang", "2026-11-30T10:00")
    english = str(error)
    assert english == (
        "a.json: customer C7 was changed by wang at 2026-11-30T10:00 (revision 5) after you "
        "opened revision 3; nothing was saved — reload the customer and apply your change again"
    )
    assert error.text() == english
    chinese = _zh(error)
    assert chinese.startswith("a.json: 客户 C7 ")
    for value in ("wang", "2026-11-30T10:00", "5", "3", "重新载入"):
        assert value in chinese
    assert not re.search(r"[a-z]{4,}", chinese.replace("wang", "").replace("json", ""))
    bare = StaleRevisionError("a.json", "C7", 3, 5, None, None)
    assert "None" not in _zh(bare) and "修改人" not in _zh(bare)
    assert " by " not in str(bare)


def test_a_lock_held_too_long_is_told_in_either_language(tmp_path: Path) -> None:
    archive = tmp_path / "archive.json"
    with (
        archive_lock(archive, 5.0),
        pytest.raises(ArchiveLockedError) as caught,
        archive_lock(archive, 0.1),
    ):
        pass
    assert "the archive is locked" in str(caught.value) and "0.1 s" in str(caught.value)
    chinese = _zh(caught.value)
    assert chinese.startswith(f"{archive}: 档案被锁定") and "0.1 秒" in chinese
    assert "locked" not in chinese


def test_a_missing_customer_is_told_in_chinese() -> None:
    assert _zh(CustomerMissingError("a.json", "C9")).startswith("a.json: 档案中没有客户 C9")


@pytest.mark.parametrize(
    ("env", "expected", "absent"),
    [(ZH, "没有客户 'NOPE'", "no customer"), (EN, "no customer 'NOPE'", "没有客户")],
)
def test_application_refusals_follow_the_locale(
    run: Run, archive_path: Path, env: dict[str, str], expected: str, absent: str
) -> None:
    result = run("show", "NOPE", env=env)
    assert result.returncode == 1
    assert expected in result.stderr and absent not in result.stderr
    folder = archive_path.parent / "out"
    folder.mkdir()
    refused = run("export", "--out", str(folder), env=env)
    assert refused.returncode == 1
    if env is ZH:
        assert "未写入: 它是一个文件夹" in refused.stderr, refused.stderr
    else:
        assert "not written: it is a folder" in refused.stderr, refused.stderr
    into_archive = run("export", "--out", str(archive_path), env=env)
    assert into_archive.returncode == 1
    assert ("档案本身" if env is ZH else "the archive itself") in into_archive.stderr


def test_success_lines_follow_the_locale(run: Run, archive_path: Path, tmp_path: Path) -> None:
    chinese = run("regrade", "--as-of", "2026-11-29", env=ZH)
    assert chinese.returncode == 0, chinese.stderr
    head = chinese.stdout.splitlines()[0]
    assert "已按政策" in head and "个客户评级" in head
    assert "等级名称" in chinese.stdout and "customers" not in chinese.stdout
    english = run("regrade", "--as-of", "2026-11-29", "--dry-run", env=EN)
    assert "customers would be graded as of 2026-11-29" in english.stdout
    assert "(dry run: nothing written)" in english.stdout
    assert not CJK.search(english.stdout.split("\n", 1)[0])
    out = tmp_path / "all.csv"
    exported = run("export", "--out", str(out), env=ZH)
    assert exported.returncode == 0, exported.stderr
    assert re.search(r"已导出 200 个客户到 .*all\.csv", exported.stderr), exported.stderr
    runs = run("runs", env=ZH)
    assert "用 `creditfile report migration RUN_A RUN_B` 比较其中两次" in runs.stdout


def test_doctor_speaks_the_language_asked_for(run: Run, archive_path: Path) -> None:
    healthy = run("doctor", env=ZH)
    assert healthy.returncode == 0, healthy.stderr
    assert re.search(r": 正常 — \d+ 个客户, 最后写入于 ", healthy.stdout), healthy.stdout
    assert not re.search(r"[a-z]{4,} [a-z]{3,}", healthy.stdout + healthy.stderr)
    assert "customers, last written" in run("doctor", env=EN).stdout
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0  # a last good copy kept
    archive_path.write_bytes(archive_path.read_bytes()[:-40])  # cut short, as by a full disk
    for env, words, absent in (
        (ZH, ("不是有效的 JSON", "可能被截断"), "not valid JSON"),
        (EN, ("not valid JSON", "it may be truncated"), "有效"),
    ):
        damaged = run("doctor", env=env)
        assert damaged.returncode == 1
        for word in words:
            assert word in damaged.stderr, damaged.stderr
        assert absent not in damaged.stderr
    restored = run("doctor", "--restore", env=ZH)
    assert restored.returncode == 0, restored.stderr
    assert "已用" in restored.stdout and "损坏的文件保留为" in restored.stdout, restored.stdout
    assert "restored" not in restored.stdout


def test_a_pasted_page_as_an_id_is_quoted_clipped(run: Run, archive_path: Path) -> None:
    page = "C" + "宏达建设" * 10_000
    result = run("show", page, env=EN)
    assert result.returncode == 1
    assert f"no customer '{page[:40]}…'" in result.stderr
    assert len(result.stderr) < 400, result.stderr


def test_a_customer_deleted_meanwhile_is_named_clipped() -> None:
    message = str(CustomerMissingError("a.json", "X" * 5_000))
    assert "X" * 40 + "…" in message and len(message) < 300
