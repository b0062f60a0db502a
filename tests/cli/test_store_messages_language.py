"""What the file store tells a person about its files (the archive, its lock, its history, the
links to it) is in the language asked for, the file named first, what to do kept: run as the
real program, under ``--lang zh`` and ``--lang en``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import CJK, Run, no_english, refused

from creditfile.presentation.translation import translation
from creditfile.store import Archive
from creditfile.store.errors import ArchiveNotFoundError, StoreError
from creditfile.store.history import history_path
from creditfile.store.locking import lock_path

ROOT = Path(__file__).resolve().parents[2]

HOLD_LOCK = """
import sys, time
from pathlib import Path
from creditfile.store.locking import archive_lock
with archive_lock(Path(sys.argv[1]), 5):
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_lock_file_that_is_a_folder_is_told_in_the_language_asked(
    run: Run, archive_path: Path
) -> None:
    lock = lock_path(archive_path)
    lock.unlink(missing_ok=True)
    lock.mkdir()
    chinese = refused(run("--lang", "zh", "list"))
    assert chinese.startswith(f"creditfile: {archive_path}: 锁文件 {lock} 是一个文件夹")
    assert f"`rmdir {lock}`" in chinese and "没有人使用档案时" in chinese
    no_english(chinese, str(archive_path), str(lock))
    english = refused(run("--lang", "en", "list"))
    assert english == (
        f"creditfile: {archive_path}: the lock file {lock} is a folder; remove it "
        f"(`rmdir {lock}`) while nobody uses the archive, then try again"
    )


def test_a_lock_file_that_is_a_link_is_refused_in_the_language_asked(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    lock = lock_path(archive_path)
    lock.unlink(missing_ok=True)
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me\n")
    lock.symlink_to(target)
    chinese = refused(run("list", env={"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": ""}))
    assert chinese.startswith(f"creditfile: {archive_path}: 锁文件 {lock} 是一个符号链接")
    assert f"`rm {lock}`" in chinese
    no_english(chinese, str(archive_path), str(lock))
    english = refused(run("--lang", "en", "list"))
    assert f"the lock file {lock} is a symbolic link" in english
    assert target.read_text() == "keep me\n"


def test_a_history_that_is_a_link_stops_a_write_in_the_language_asked(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    history = history_path(archive_path)
    real = tmp_path / "real-history.jsonl"
    history.rename(real)
    history.symlink_to(real)
    before = archive_path.read_bytes()
    chinese = refused(run("--lang", "zh", "regrade", "--as-of", "2026-11-29"))
    assert chinese.startswith(f"creditfile: {history}: 历史文件是一个符号链接")
    assert "(`mv`)" in chinese and "重试" in chinese
    no_english(chinese, str(history))
    english = refused(run("--lang", "en", "regrade", "--as-of", "2026-11-29"))
    assert english.startswith(f"creditfile: {history}: the history file is a symbolic link")
    assert archive_path.read_bytes() == before


def test_links_going_round_in_a_loop_are_told_in_the_language_asked(
    run: Run, tmp_path: Path
) -> None:
    first, second = tmp_path / "loop1.json", tmp_path / "loop2.json"
    first.symlink_to(second)
    second.symlink_to(first)
    chinese = refused(run("--lang", "zh", "--db", str(first), "demo", "--customers", "1"))
    assert chinese == (f"creditfile: {first}: 指向档案的符号链接形成了循环; 请让 --db 指向真实文件")
    english = refused(run("--lang", "en", "--db", str(first), "demo", "--customers", "1"))
    assert english == (
        f"creditfile: {first}: the symbolic links to the archive go round in a loop; "
        "point --db at the real file"
    )


def test_an_archive_that_is_not_json_is_told_in_the_language_asked(
    run: Run, tmp_path: Path
) -> None:
    damaged = tmp_path / "notes.json"
    damaged.write_text("meeting notes, not an archive\n")
    chinese = refused(run("--lang", "zh", "--db", str(damaged), "list"))
    assert chinese.startswith(f"creditfile: {damaged}: 不是有效的 JSON (")
    assert "可能被截断" in chinese and "请检查 --db 是否指向正确的文件" in chinese
    english = refused(run("--lang", "en", "--db", str(damaged), "list"))
    assert english.startswith(f"creditfile: {damaged}: not valid JSON (")
    assert "check that --db names the right file" in english and not CJK.search(english)


def test_an_archive_locked_by_another_process_is_told_in_the_language_asked(
    run: Run, archive_path: Path
) -> None:
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    archive_path.write_bytes(archive_path.read_bytes()[:-40])  # damaged: a restore is due
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(archive_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        chinese = run("--lang", "zh", "doctor", "--restore", "--wait", "0.2")
        assert chinese.returncode == 1
        assert f"进程 {holder.pid}" in chinese.stderr and "0.2" in chinese.stderr
        assert "busy" not in chinese.stderr and "process" not in chinese.stderr
        english = run("--lang", "en", "doctor", "--restore", "--wait", "0.2")
        assert f"busy — process {holder.pid} held the archive's lock" in english.stderr
        assert not CJK.search(english.stderr)
    finally:
        holder.kill()
        holder.wait(timeout=30)


def _zh(error: StoreError) -> str:
    return error.text(translation("zh").gettext)


def test_a_file_removed_under_an_open_archive_is_told_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "archive.json"
    archive = Archive.open(path, create=True)
    path.unlink()
    with pytest.raises(ArchiveNotFoundError) as caught:
        archive.records()
    assert str(caught.value) == (
        f"{path}: the archive file has disappeared; restore it or choose another --db"
    )
    assert _zh(caught.value) == f"{path}: 档案文件不见了; 请恢复它, 或用 --db 另选档案"


def test_a_copy_onto_an_existing_file_is_refused_in_chinese(tmp_path: Path) -> None:
    source = Archive.open(tmp_path / "archive.json", create=True)
    target = tmp_path / "taken.json"
    target.write_text("someone's file\n")
    with pytest.raises(StoreError) as caught:
        Archive.create_from(target, source.content())
    assert "a file is already there" in str(caught.value)
    chinese = _zh(caught.value)
    assert chinese.startswith(f"{target}: 那里已有文件") and "未写入任何内容" in chinese
    assert target.read_text() == "someone's file\n"
