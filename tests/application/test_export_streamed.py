"""An export without personal data, and the suspected duplicates, are worked out as the records
are read: from a database a batch at a time, never every record at once, with the same result
as the whole archive gives."""

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


@pytest.mark.parametrize("where", ["file", "postgres"])
def test_the_suspected_duplicates_read_a_batch_at_a_time(
    where: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from creditfile.application import report_batches
    from creditfile.application.duplicates import suspected_in, suspected_pairs

    location = (
        str(tmp_path / "archive.json") if where == "file" else request.getfixturevalue("pg_url")
    )
    store = open_archive(location, create=True)
    docs = generate_customers(30, 4, AS_OF)
    twin = {**docs[3], "id": "T1", "name": docs[3]["name"] + " "}  # the same name, spaced
    coded = {**docs[5], "id": "T2", "name": "另一家公司", "credit_code": "91420100MA4KX0001A"}
    first = {**docs[6], "credit_code": "91420100MA4KX0001A"}
    store.import_customers([*docs[:6], first, *docs[7:], twin, coded], actor="t")
    whole = suspected_pairs(store.documents())
    assert {(p.first, p.second, p.reason) for p in whole} >= {
        (docs[3]["id"], "T1", "name"),
        (docs[6]["id"], "T2", "credit_code"),
    }
    monkeypatch.setattr(report_batches, "BATCH", 4)
    if where == "postgres":

        def every() -> None:
            raise AssertionError("read every record")

        monkeypatch.setattr(store, "records", every)
        monkeypatch.setattr(store, "documents", every)
    assert suspected_in(store) == whole
