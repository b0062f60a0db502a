"""``doctor --restore`` restores only a damaged file, checked under the lock, and never makes the
archive and its ``.bak`` one file; a busy archive or a permission problem is never "damaged"."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import Run, no_traceback

from creditfile.cli.program import main
from creditfile.store import Archive

ROOT = Path(__file__).parents[2]

HOLD_LOCK = """
import sys, time
from pathlib import Path
from creditfile.store.locking import archive_lock
with archive_lock(Path(sys.argv[1]), 5):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def written_twice(run: Run, archive_path: Path) -> Path:
    """The archive after a regrade: ``.bak`` holds the import, the archive the grades."""
    assert run("regrade", "--as-of", "2026-11-29").returncode == 0
    return archive_path


@contextlib.contextmanager
def lock_held(archive: Path) -> Iterator[int]:
    """Another process holding the archive's lock; yields its pid."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(archive)],
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder.pid
    finally:
        holder.kill()
        holder.wait()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_busy_damaged_archive_is_reported_busy_and_left_alone(
    run: Run, written_twice: Path
) -> None:
    written_twice.write_bytes(written_twice.read_bytes()[:1000])  # damaged
    folder = written_twice.parent
    with lock_held(written_twice) as pid:
        before = {k: v for k, v in _files(folder).items() if not k.endswith(".lock")}
        started = time.monotonic()
        result = run("doctor", "--restore", "--wait", "1")
        took = time.monotonic() - started
        after = {k: v for k, v in _files(folder).items() if not k.endswith(".lock")}
    assert result.returncode == 1
    assert no_traceback(result)
    assert f"busy — process {pid} held the archive's lock for the whole 1 s" in result.stderr
    assert "nothing was restored" in result.stderr
    assert "restored " not in result.stdout
    assert took < 10
    assert after == before
    assert not written_twice.with_name(written_twice.name + ".damaged").exists()


def test_a_busy_healthy_archive_is_not_called_damaged(run: Run, written_twice: Path) -> None:
    before = written_twice.read_bytes()
    with lock_held(written_twice) as pid:
        result = run("doctor", "--restore", "--wait", "1")
        as_json = run("doctor", "--json")
    assert result.returncode == 0, result.stderr
    assert "damaged" not in result.stdout + result.stderr
    assert f"in use now by process {pid}" in result.stderr
    assert "nothing to restore" in result.stdout
    assert written_twice.read_bytes() == before
    report = json.loads(as_json.stdout)
    assert report["ok"] is True and report["archive"]["lock_holder"] == pid


def test_after_a_restore_the_archive_and_bak_are_two_files(run: Run, written_twice: Path) -> None:
    backup = written_twice.with_name(written_twice.name + ".bak")
    written_twice.write_bytes(b"{}")
    result = run("doctor", "--restore")
    assert result.returncode == 0, result.stderr
    assert written_twice.read_bytes() == backup.read_bytes()
    assert written_twice.stat().st_ino != backup.stat().st_ino
    # The next mistake made in place on the archive cannot reach the last good copy.
    kept = backup.read_bytes()
    with written_twice.open("r+b") as stream:
        stream.write(b"XXXX")
    assert backup.read_bytes() == kept


def test_each_restore_keeps_its_damaged_file(run: Run, written_twice: Path) -> None:
    for damage in (b"first damage", b"second damage"):
        written_twice.write_bytes(damage)
        assert run("doctor", "--restore").returncode == 0
    damaged = written_twice.with_name(written_twice.name + ".damaged")
    assert damaged.read_bytes() == b"first damage"
    assert damaged.with_name(damaged.name + "-2").read_bytes() == b"second damage"


def test_a_history_line_cut_short_is_no_reason_to_restore(run: Run, written_twice: Path) -> None:
    history = written_twice.with_name(written_twice.name + ".history.jsonl")
    with history.open("ab") as stream:
        stream.write(b'{"kind": "customer_chan')
    before = written_twice.read_bytes()
    result = run("doctor", "--restore")
    assert result.returncode == 0, result.stderr
    assert "cut short" in result.stderr and "nothing to restore" in result.stdout
    assert written_twice.read_bytes() == before


def test_an_archive_that_is_a_folder_is_not_damaged(run: Run, tmp_path: Path) -> None:
    (tmp_path / "archive.json").mkdir()
    result = run("doctor", "--restore")
    assert result.returncode == 1
    assert no_traceback(result)
    assert "is a folder, not an archive file" in result.stderr
    assert "a restore would not help" in result.stderr
    assert (tmp_path / "archive.json").is_dir()


def test_a_permission_problem_is_not_called_damage(
    written_twice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root every file is readable, so the system's refusal is given here; the file is real.
    real_read = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self == written_twice:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    before = real_read(written_twice)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", str(written_twice), "doctor", "--restore"])
    assert code == 1
    assert "you may not read this file (owner " in err.getvalue()
    assert "a permission problem, not damage" in err.getvalue()
    assert (
        "damaged" not in err.getvalue()
        and "run `creditfile doctor --restore`" not in err.getvalue()
    )
    assert real_read(written_twice) == before
    assert Archive.open(written_twice.with_name(written_twice.name + ".bak")).records()
