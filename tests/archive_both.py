"""A new archive on each store, for tests that hold the two to the same answers, and a guard
that a database's answer did not read every record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from creditfile.application.opening import open_archive
from creditfile.store import ArchiveStore, RelationsStore


@pytest.fixture(params=["file", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArchiveStore:
    if request.param == "file":
        return open_archive(str(tmp_path / "archive.json"), create=True)
    return open_archive(str(request.getfixturevalue("pg_url")), create=True)


def whole_reads_refused(store: ArchiveStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a database, reading every record fails the test: the answer must not need it."""
    if isinstance(store, RelationsStore):

        def every() -> Any:
            raise AssertionError("read every customer")

        monkeypatch.setattr(store, "records", every)
        monkeypatch.setattr(store, "documents", every)
