"""The application layer: one policy resolution, one regrade driver, one save, for both front ends."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from creditfile.application.customers import save_customer
from creditfile.application.opening import open_archive
from creditfile.application.policy_choice import needs_archive, resolve_policy
from creditfile.application.regrade import regrade
from creditfile.engine import grade_archive
from creditfile.policy import PolicyError
from creditfile.store import Archive, ArchiveStore, RegradeCancelledError

AS_OF = date(2026, 11, 29)


def _doc(i: int, rng: random.Random) -> dict[str, Any]:
    return {
        "id": f"C{i:04d}",
        "name": f"客户{i}",
        "nature": "developer",
        "profile": {"trading_since": "2015-01-01"},
        "leases": [
            {"contract": f"L{i}", "item": "tower_crane", "start": "2020-01-01",
             "amount": rng.randint(1, 900) * 1000, "status": "closed"}
        ],
        "assessment": {"strength": 9, "potential": 13, "reputation": 18, "payment": 27, "other": 9},
    }  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    rng = random.Random(3)
    archive = open_archive(tmp_path / "archive.json", create=True)
    archive.import_customers([_doc(i, rng) for i in range(60)], actor="seed")
    return archive


@pytest.mark.parametrize("way", ["lines", "whole", "cancellable"])
def test_every_way_of_regrading_stores_the_engines_gradings_and_the_tops(
    store: ArchiveStore, default_policy: Any, way: str
) -> None:
    expected = grade_archive(store.documents(), default_policy, AS_OF)
    phases: list[str] = []
    if way == "whole":  # a store without the line-by-line fast path
        store = _PlainStore(store)
    result = regrade(
        store,
        default_policy,
        AS_OF,
        "ops",
        progress=lambda _f, phase: phases.append(phase),
        cancelled=(lambda: False) if way == "cancellable" else None,
    )
    stored = Archive.open(store.location).records()
    assert {cid: r["_grading"]["total"] for cid, r in stored.items()} == {
        cid: g["total"] for cid, g in expected.items()
    }
    (run,) = store.runs()
    top = max(float(d["leases"][0]["amount"]) for d in store.documents())
    assert run["tops"] == {"cumulative_lease_amount": top}  # the UI's runs record it too
    assert run["run_id"] == result.run_id and run["as_of"] == "2026-11-29"
    assert phases[0] == "reading" and "writing" in phases
    assert result.summary()["customers"] == 60


def test_a_dry_run_writes_nothing(store: ArchiveStore, default_policy: Any) -> None:
    before = Path(store.location).read_bytes()
    result = regrade(store, default_policy, AS_OF, "ops", dry_run=True)
    assert result.run_id is None and result.summary()["dry_run"] is True
    assert Path(store.location).read_bytes() == before and store.runs() == []


def test_a_cancelled_regrade_leaves_the_file_as_it_was(
    store: ArchiveStore, default_policy: Any
) -> None:
    before = Path(store.location).read_bytes()
    with pytest.raises(RegradeCancelledError, match="nothing changed"):
        regrade(store, default_policy, AS_OF, "ops", cancelled=lambda: True)
    assert Path(store.location).read_bytes() == before


def test_verified_sources_are_recorded_in_the_saves_transaction(
    store: ArchiveStore, default_policy: Any
) -> None:
    record = store.get("C0001")
    assert record is not None
    doc = {k: v for k, v in record.items() if k not in ("_meta", "_grading")}
    source = {"index": 0, "kind": "customer_form", "on": "2026-09-01", "by": "王敏", "note": ""}
    doc["sources"] = [{**source, "verified": True}]
    doc["sources"][0].pop("index")
    save_customer(store, doc, base_rev=record["_meta"]["rev"], actor="王敏",
                  policy=default_policy, as_of=AS_OF, verified_sources=[source])  # fmt: skip
    kinds = ("customer_changed", "source_verified")
    changed, verified = [e for e in store.history("C0001") if e["kind"] in kinds][-2:]
    assert verified["kind"] == "source_verified" and verified["source_kind"] == "customer_form"
    assert verified["txn"] == changed["txn"] and verified["actor"] == "王敏"


def test_the_policy_in_force_is_chosen_one_way(
    tmp_path: Path, store: ArchiveStore, default_policy: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CREDITFILE_POLICY", raising=False)
    assert resolve_policy(None, store.location, None).source.origin == "default"
    store.activate_policy(default_policy.source, sha256=default_policy.sha256,
                          version="2026.9", path=None, actor="compliance")  # fmt: skip
    status = resolve_policy(store.active_policy(), store.location, None)
    assert status.source.origin == "archive" and needs_archive(None)
    monkeypatch.setenv("CREDITFILE_POLICY", str(tmp_path / "env.yaml"))
    assert not needs_archive(None)
    with pytest.raises(PolicyError):  # the environment's file does not exist
        resolve_policy(store.active_policy(), store.location, None)


def test_an_activated_policy_that_no_longer_loads_says_what_to_do(store: ArchiveStore) -> None:
    store.activate_policy("policy_version: [", sha256="x", version="bad", path=None, actor="c")
    with pytest.raises(PolicyError, match="activate a valid one"):
        resolve_policy(store.active_policy(), store.location, None)


class _PlainStore:
    """An ``ArchiveStore`` without the line-by-line fast path, as a database store would be."""

    def __init__(self, inner: ArchiveStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "regrade_lines":
            raise AttributeError(name)
        return getattr(self._inner, name)
