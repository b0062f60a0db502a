"""An export without personal data is written as it is read: from a database a batch at a time,
never every record at once, and the same documents as the whole archive gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from creditfile.application import exporting
from creditfile.application.exporting import Exported, exported_documents
from creditfile.application.opening import open_archive
from creditfile.demodata.customers import generate_customers

AS_OF = date(2026, 11, 29)


@pytest.mark.parametrize("where", ["file", "postgres"])
def test_the_streamed_export_is_the_whole_one(
    where: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = (
        str(tmp_path / "archive.json") if where == "file" else request.getfixturevalue("pg_url")
    )
    store = open_archive(location, create=True)
    store.import_customers(generate_customers(45, 3, AS_OF), actor="t")
    natures = ("individual",)
    whole = exported_documents(
        store.records().values(), include_personal=False, personal_natures=natures
    )
    monkeypatch.setattr(exporting, "_BATCH", 7)
    if where == "postgres":

        def every() -> None:
            raise AssertionError("read every record")

        monkeypatch.setattr(store, "records", every)
    streamed = Exported(store, natures)
    assert list(streamed) == whole and streamed.count == 45
