"""An export without personal data, and the suspected duplicates, are worked out as the records
are read: from a database a batch at a time, never every record at once, with the same result
as the whole archive gives."""

from __future__ import annotations

from datetime import date

import pytest
from archive_both import store, whole_reads_refused  # noqa: F401  (fixture)

from creditfile.application import exporting
from creditfile.application.exporting import Exported, exported_documents
from creditfile.demodata.customers import generate_customers
from creditfile.store import ArchiveStore

AS_OF = date(2026, 11, 29)


def test_the_streamed_export_is_the_whole_one(
    store: ArchiveStore,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.import_customers(generate_customers(45, 3, AS_OF), actor="t")
    natures = ("individual",)
    whole = exported_documents(
        store.records().values(), include_personal=False, personal_natures=natures
    )
    monkeypatch.setattr(exporting, "_BATCH", 7)
    whole_reads_refused(store, monkeypatch)
    streamed = Exported(store, natures)
    assert list(streamed) == whole and streamed.count == 45


def test_the_suspected_duplicates_read_a_batch_at_a_time(
    store: ArchiveStore,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from creditfile.application import report_batches
    from creditfile.application.duplicates import suspected_in, suspected_pairs

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
    whole_reads_refused(store, monkeypatch)
    assert suspected_in(store) == whole
