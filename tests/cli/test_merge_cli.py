"""``creditfile merge KEEP DROP`` as a user runs it: leases, sources and history united in one
write, the dropped id kept as an alias that later imports land on."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Run

from creditfile.store import Archive


def _lease(contract: str, amount: float) -> dict[str, Any]:
    return {"contract": contract, "item": "tower_crane", "start": "2024-01-05",
            "amount": amount, "status": "active"}  # fmt: skip


@pytest.fixture
def twins(run: Run, tmp_path: Path) -> Path:
    keep = {"id": "C1", "name": "武汉宏达建设工程有限公司", "nature": "developer",
            "contact": {"phone": "027-1"}, "leases": [_lease("L1", 100.0)],
            "sources": [{"kind": "salesperson_visit", "on": "2026-01-02"}]}  # fmt: skip
    drop = {"id": "C2", "name": "武汉宏达建设工程有限责任公司", "nature": "developer",
            "credit_code": "91350100M000100Y43",
            "contact": {"phone": "027-2", "address": "武汉市解放大道100号"},
            "leases": [_lease("L1", 100.0), _lease("L2", 250.0)],
            "sources": [{"kind": "salesperson_visit", "on": "2026-01-02"},
                        {"kind": "customer_form", "on": "2026-02-03", "verified": False}]}  # fmt: skip
    text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in (keep, drop))
    (tmp_path / "twins.jsonl").write_text(text, "utf-8")
    assert run("import", "twins.jsonl").returncode == 0
    drop["contact"]["phone"] = "027-3"  # a change of C2's, for its history
    (tmp_path / "c2.jsonl").write_text(json.dumps(drop, ensure_ascii=False) + "\n", "utf-8")
    assert run("import", "c2.jsonl").returncode == 0
    return tmp_path / "archive.json"


def test_merge_unites_leases_sources_and_empty_fields(twins: Path, run: Run) -> None:
    result = run("merge", "C1", "C2", "--actor", "王敏")
    assert result.returncode == 0, result.stderr
    assert "merged C2 into C1" in result.stdout and "1 lease, 1 source" in result.stdout
    records = Archive.open(twins).records()
    assert "C2" not in records
    kept = records["C1"]
    assert [x["contract"] for x in kept["leases"]] == ["L1", "L2"]  # L1 not twice
    assert [s["kind"] for s in kept["sources"]] == ["salesperson_visit", "customer_form"]
    assert kept["contact"] == {"phone": "027-1", "address": "武汉市解放大道100号"}  # C1's stays
    assert kept["credit_code"] == "91350100M000100Y43"
    assert kept["name"] == "武汉宏达建设工程有限公司"


def test_the_kept_customers_history_holds_both(twins: Path, run: Run) -> None:
    assert run("merge", "C1", "C2").returncode == 0
    events = json.loads(run("history", "C1", "--json").stdout)
    kinds = [(e["customer_id"], e["kind"]) for e in events]
    assert ("C2", "customer_imported") in kinds and ("C1", "customer_merged") in kinds
    merged = next(e for e in events if e["kind"] == "customer_merged")
    assert merged["merged_from"] == "C2"
    assert {"path": "leases[1].amount", "old": None, "new": 250.0, "ref": "L2"} in merged["changes"]
    text = run("--lang", "zh", "history", "C1").stdout
    assert "电话: 027-2 → 027-3" in text  # C2's own change, now part of C1's story


def test_an_import_under_the_dropped_id_lands_on_the_kept_customer(
    twins: Path, run: Run, tmp_path: Path
) -> None:
    assert run("merge", "C1", "C2").returncode == 0
    late = {"id": "C2", "name": "武汉宏达建设工程有限公司", "nature": "developer",
            "contact": {"phone": "027-9"}}  # fmt: skip
    (tmp_path / "late.jsonl").write_text(json.dumps(late, ensure_ascii=False) + "\n", "utf-8")
    result = run("import", "late.jsonl")
    assert result.returncode == 0, result.stderr
    assert "0 added, 1 changed" in result.stdout
    assert "C2 was merged into C1: its row lands on C1 (changed)" in result.stdout
    records = Archive.open(twins).records()
    assert "C2" not in records and records["C1"]["contact"]["phone"] == "027-9"
    event = Archive.open(twins).history("C1", kind="customer_imported")[-1]
    assert event["id_in_file"] == "C2" and event["fields"] == ["contact.phone"]


def test_merge_refuses_the_same_id_and_unknown_ids(twins: Path, run: Run) -> None:
    before = twins.read_bytes()
    same = run("merge", "C1", "C1")
    assert same.returncode == 1 and "cannot be merged into itself" in same.stderr
    missing = run("merge", "C1", "C3")
    assert missing.returncode == 1 and "no customer 'C3'" in missing.stderr
    assert twins.read_bytes() == before


def test_after_a_merge_duplicates_no_longer_lists_the_pair(twins: Path, run: Run) -> None:
    assert json.loads(run("duplicates", "--json").stdout)[0]["drop"] == "C2"
    assert run("merge", "C1", "C2").returncode == 0
    assert json.loads(run("duplicates", "--json").stdout) == []
