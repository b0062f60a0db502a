"""Demand requests kept in the archive file: all or none, ids never reused, history, and they
survive every other kind of write."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from creditfile.engine import grade_archive
from creditfile.policy import Policy
from creditfile.store import Archive, CustomerMissingError, DemandStore

AS_OF = date(2026, 11, 29)


def _customer(cid: str) -> dict[str, object]:
    return {"id": cid, "name": f"客户{cid}", "nature": "developer"}


def _demand(cid: str, quantity: int = 2) -> dict[str, object]:
    return {"customer_id": cid, "item": "tower_crane", "quantity": quantity,
            "wanted_on": "2026-12-20", "requested_on": "2026-11-20"}  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    store = Archive.open(tmp_path / "archive.json", create=True)
    store.import_customers([_customer("C1"), _customer("C2")], actor="seed")
    return store


def test_requests_are_kept_with_ids_and_recorded(archive: Archive) -> None:
    assert isinstance(archive, DemandStore)
    first = archive.add_demands([_demand("C1"), _demand("C2", 5)], actor="王敏")
    assert [d["id"] for d in first] == ["R000001", "R000002"]
    assert first[0]["added_by"] == "王敏" and first[0]["added_at"]
    again = Archive.open(archive.path)  # another process reading the file
    assert [(d["id"], d["customer_id"], d["quantity"]) for d in again.demands()] == [
        ("R000001", "C1", 2),
        ("R000002", "C2", 5),
    ]
    [event] = again.history("C2", kind="demand_added")
    assert (event["demand_id"], event["quantity"], event["actor"]) == ("R000002", 5, "王敏")


def test_a_request_for_a_customer_not_on_file_keeps_none_of_them(archive: Archive) -> None:
    before = archive.path.read_bytes()
    with pytest.raises(CustomerMissingError, match="C9"):
        archive.add_demands([_demand("C1"), _demand("C9")], actor="a")
    assert archive.path.read_bytes() == before
    assert Archive.open(archive.path).demands() == []


def test_ids_are_never_reused_and_the_file_stays_a_plain_json_archive(archive: Archive) -> None:
    archive.add_demands([_demand("C1")], actor="a")
    archive.add_demands([_demand("C2")], actor="a")
    assert [d["id"] for d in archive.demands()] == ["R000001", "R000002"]
    data = json.loads(archive.path.read_text("utf-8"))
    [meta] = data["meta"].values()
    assert len(meta["demands"]) == 2 and meta["demand_serial"] == 2


def test_requests_survive_saves_imports_and_regrades(
    archive: Archive, default_policy: Policy
) -> None:
    archive.add_demands([_demand("C1")], actor="a")
    record = archive.get("C1")
    assert record is not None
    archive.save_customer({**_customer("C1"), "name": "改名"}, base_rev=record["_meta"]["rev"],
                          actor="a")  # fmt: skip
    archive.import_customers([_customer("C3")], actor="a")
    archive.regrade(
        lambda docs: grade_archive(docs, default_policy, AS_OF), run={"as_of": "x"}, actor="a"
    )
    assert [d["id"] for d in Archive.open(archive.path).demands()] == ["R000001"]
