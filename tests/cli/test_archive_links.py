"""An archive reached through a symbolic link, and links or odd files where the lock and the
history belong: the real archive gets every change; nothing is followed where it must not be."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from cli_support import Run, no_traceback

from creditfile.store import Archive, StoreError
from creditfile.store.locking import _lock_problem, lock_path, owner_name


def _edit(run: Run, db: Path, folder: Path, name: str) -> None:
    """Change customer C00000's name by importing a file, as a clerk would."""
    doc = {k: v for k, v in Archive.open(db).get("C00000").items() if not k.startswith("_")}
    source = folder / f"{name}.json"
    source.write_text(json.dumps([{**doc, "name": name}], ensure_ascii=False), "utf-8")
    result = run("--db", str(db), "import", str(source))
    assert result.returncode == 0, result.stderr


def test_a_symlinked_archive_edited_twice_changes_the_real_file(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "desk"
    elsewhere.mkdir()
    link = elsewhere / "customers.json"
    link.symlink_to(os.path.relpath(archive_path, elsewhere))
    inode = archive_path.stat().st_ino
    _edit(run, link, tmp_path, "第一次修改有限公司")
    _edit(run, link, tmp_path, "第二次修改有限公司")

    assert link.is_symlink()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["customers.json"]
    assert archive_path.stat().st_ino != inode  # the real file was replaced, not the link
    assert Archive.open(archive_path).get("C00000")["name"] == "第二次修改有限公司"
    beside = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("archive.json"))
    assert beside == [
        "archive.json",
        "archive.json.bak",
        "archive.json.history.jsonl",
        "archive.json.lock",
    ]
    history = run("--db", str(link), "history", "C00000", "--json")
    kinds = [e["kind"] for e in json.loads(history.stdout) if e["kind"] != "grade_changed"]
    assert kinds[-2:] == [
        "customer_imported",
        "customer_imported",
    ]


def test_a_lock_file_that_is_a_symlink_is_not_followed(run: Run, archive_path: Path) -> None:
    victim = archive_path.with_name("precious.txt")
    victim.write_text("do not touch\n", "utf-8")
    lock = lock_path(archive_path)
    lock.unlink(missing_ok=True)
    lock.symlink_to(victim)
    before = archive_path.read_bytes()
    result = run("regrade")
    assert result.returncode == 1
    assert no_traceback(result)
    assert f"the lock file {lock} is a symbolic link" in result.stderr
    assert f"rm {lock}" in result.stderr
    assert victim.read_text("utf-8") == "do not touch\n"
    assert archive_path.read_bytes() == before


def test_a_history_that_is_a_symlink_is_not_followed(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    history = archive_path.with_name(archive_path.name + ".history.jsonl")
    moved = tmp_path / "moved.jsonl"
    history.rename(moved)
    history.symlink_to(moved)
    kept = moved.read_bytes()
    before = archive_path.read_bytes()
    for argv in (["regrade"], ["history"]):
        result = run(*argv)
        assert result.returncode == 1, argv
        assert no_traceback(result)
        assert f"{history}: the history file is a symbolic link" in result.stderr
    assert moved.read_bytes() == kept
    assert archive_path.read_bytes() == before


def test_a_lock_file_that_is_a_folder_is_named_as_such(run: Run, archive_path: Path) -> None:
    lock = lock_path(archive_path)
    lock.unlink(missing_ok=True)
    lock.mkdir()
    result = run("regrade")
    assert result.returncode == 1
    assert f"the lock file {lock} is a folder" in result.stderr
    assert "must be writable" not in result.stderr


def test_a_lock_file_of_another_user_is_named_as_such(archive_path: Path) -> None:
    # As root the system refuses nothing, so the refusal is given here and its diagnosis
    # tested; the file really belongs to another user.
    lock = lock_path(archive_path)
    lock.touch()
    other = 65534 if os.geteuid() != 65534 else 0
    if os.geteuid() == 0:
        os.chown(lock, other, -1)
    elif lock.stat().st_uid == os.geteuid():
        pytest.skip("cannot give a file to another user without root")
    denied = PermissionError(errno.EACCES, "Permission denied")
    message = str(_lock_problem(lock, denied))
    assert f"belongs to user {owner_name(other)}" in message
    assert "must be writable" not in message


def test_a_loop_of_links_is_explained(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    with pytest.raises(StoreError, match="go round in a loop"):
        Archive.open(tmp_path / "a.json")
