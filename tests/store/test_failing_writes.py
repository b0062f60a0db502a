"""A full disk or a failing write: the old archive stays intact and the caller is told."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from creditfile.store import Archive, ArchiveWriteError

Writer = Callable[..., Any]


def _doc(cid: str, name: str = "中建三局") -> dict[str, object]:
    return {"id": cid, "name": name, "nature": "central_soe"}


def _is_temp(fd: int) -> bool:
    return ".tmp-" in os.readlink(f"/proc/self/fd/{fd}")


def _is_history(fd: int) -> bool:
    return os.readlink(f"/proc/self/fd/{fd}").endswith(".history.jsonl")


def _full_disk(target: Callable[[int], bool], real: Writer) -> Writer:
    """``os.write`` that writes a few bytes to ``target`` files, then reports a full disk."""

    def write(fd: int, data: bytes) -> int:
        if target(fd):
            real(fd, bytes(data[:7]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return int(real(fd, data))

    return write


def _failing_fsync(real: Writer) -> Writer:
    def fsync(fd: int) -> None:
        if _is_temp(fd):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(fd)

    return fsync


def _failing_replace(real: Writer) -> Writer:
    def replace(source: Any, target: Any) -> None:
        if ".tmp-" in str(source) and not str(target).endswith(".bak"):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        real(source, target)

    return replace


FAULTS: dict[str, tuple[str, Callable[[Writer], Writer]]] = {
    "archive write: disk full": ("write", lambda real: _full_disk(_is_temp, real)),
    "history append: disk full": ("write", lambda real: _full_disk(_is_history, real)),
    "archive fsync: I/O error": ("fsync", _failing_fsync),
    "rename refused": ("replace", _failing_replace),
}


EVENTS_PER_OPERATION = {"save": 1, "import": 2, "regrade": 1 + 30}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive.open(tmp_path / "archive.json", create=True)
    archive.import_customers([_doc(f"C{i}") for i in range(30)], actor="setup")
    return archive


def _operations(archive: Archive) -> dict[str, Callable[[], object]]:
    return {
        "save": lambda: archive.save_customer(_doc("C1", "改名"), base_rev=1, actor="a"),
        "import": lambda: archive.import_customers([_doc("N1"), _doc("C2", "x")], actor="a"),
        "regrade": lambda: archive.regrade(
            lambda docs: {d["id"]: {"grade": "C", "total": 71.0} for d in docs},
            run={"as_of": "2026-11-29"},
            actor="a",
        ),
    }


@pytest.mark.parametrize("operation", ["save", "import", "regrade"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failed_write_leaves_the_archive_whole_and_says_so(
    archive: Archive, monkeypatch: pytest.MonkeyPatch, fault: str, operation: str
) -> None:
    before = archive.path.read_bytes()
    history_before = archive.history()
    history_file = archive.path.with_name("archive.json.history.jsonl")
    history_bytes = history_file.read_bytes()
    name, make = FAULTS[fault]
    monkeypatch.setattr(os, name, make(getattr(os, name)))
    with pytest.raises(ArchiveWriteError) as caught:
        _operations(archive)[operation]()
    monkeypatch.undo()
    assert str(archive.path.name) in str(caught.value)
    assert "try again" in str(caught.value)
    assert archive.path.read_bytes() == before
    assert history_file.read_bytes() == history_bytes  # no aborted events left behind
    assert not list(archive.path.parent.glob(".archive.json.tmp-*"))
    assert archive.history() == history_before
    assert archive.records()["C1"]["name"] == "中建三局"
    assert "N1" not in archive.records()
    # Once the disk has room again the same change goes through, and its history with it,
    # once: the lines the failed attempt may have left are never shown.
    _operations(archive)[operation]()
    added = Archive.open(archive.path).history()[len(history_before) :]
    assert len(added) == EVENTS_PER_OPERATION[operation]
