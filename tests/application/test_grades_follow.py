"""Grades follow every save and import: after any of them the stored gradings are exactly what a
whole regrade would store, whether the change moved the archive-wide top or not."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from creditfile.application.customers import GradingDone, save_customer
from creditfile.application.importing import (
    ImportOptions,
    ImportStaleError,
    check_import,
    write_import,
)
from creditfile.application.regrade import regrade
from creditfile.engine import grade_archive
from creditfile.policy import Policy
from creditfile.store import Archive, customer_document

AS_OF = date(2026, 11, 29)


def _doc(i: int, amount: int) -> dict[str, Any]:
    return {
        "id": f"C{i:03d}",
        "name": f"客户{i}有限公司",
        "nature": "developer",
        "profile": {"trading_since": "2015-01-01"},
        "leases": [{"contract": f"L{i}", "item": "tower_crane", "start": "2020-01-01",
                    "amount": amount, "status": "closed"}],
        "assessment": {"strength": 9, "potential": 13, "reputation": 18, "payment": 27,
                       "other": 9},
    }  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path, default_policy: Policy) -> Archive:
    rng = random.Random(4)
    store = Archive.open(tmp_path / "archive.json", create=True)
    store.import_customers([_doc(i, rng.randint(1, 900) * 1000) for i in range(40)], actor="a")
    regrade(store, default_policy, AS_OF, "night")
    return store


def _as_regraded(archive: Archive, policy: Policy) -> None:
    expected = grade_archive(archive.documents(), policy, AS_OF)
    stored = {cid: record["_grading"] for cid, record in archive.records().items()}
    assert stored == expected


def _top_holder(archive: Archive) -> str:
    amounts = {cid: r["leases"][0]["amount"] for cid, r in archive.records().items()}
    return max(amounts, key=amounts.__getitem__)


@pytest.mark.parametrize(
    ("change", "whole"),
    [
        ("name", False),
        ("score", False),
        ("small lease", False),
        ("new top", True),
        ("top falls", True),
    ],
)
def test_a_save_leaves_every_grading_as_a_regrade_would(
    archive: Archive, default_policy: Policy, change: str, whole: bool
) -> None:
    runs = len(archive.runs())
    cid = _top_holder(archive) if change == "top falls" else "C007"
    if cid == "C007" and change != "new top":
        cid = "C008" if _top_holder(archive) == "C007" else "C007"
    record = archive.get(cid)
    assert record is not None
    doc = customer_document(record)
    if change == "name":
        doc["name"] = "改名有限公司"
    elif change == "score":
        doc["assessment"] = {**doc["assessment"], "payment": 5}
    elif change == "small lease":
        doc["leases"] = [{**doc["leases"][0], "amount": 2000}]
    elif change == "new top":
        doc["leases"] = [{**doc["leases"][0], "amount": 50_000_000}]
    else:
        doc["leases"] = [{**doc["leases"][0], "amount": 1}]
    done = GradingDone()
    saved = save_customer(archive, doc, base_rev=record["_meta"]["rev"], actor="li",
                          policy=default_policy, as_of=AS_OF, done=done)  # fmt: skip
    assert done.whole is whole
    assert saved["_grading"] == grade_archive(archive.documents(), default_policy, AS_OF)[cid]
    _as_regraded(archive, default_policy)
    assert len(archive.runs()) == runs + whole
    if whole:
        assert archive.runs()[-1]["trigger"] == "save"


def test_a_new_customer_is_graded_as_it_is_saved(archive: Archive, default_policy: Policy) -> None:
    saved = save_customer(archive, _doc(99, 1000), base_rev=None, actor="li",
                          policy=default_policy, as_of=AS_OF)  # fmt: skip
    assert saved["_grading"]["grade"] is not None
    _as_regraded(archive, default_policy)


def test_a_changed_score_stamps_who_and_when_unless_the_editor_did(
    archive: Archive, default_policy: Policy
) -> None:
    record = archive.get("C001")
    assert record is not None
    doc = customer_document(record)
    doc["assessment"] = {**doc["assessment"], "other": 3}
    saved = save_customer(archive, doc, base_rev=record["_meta"]["rev"], actor="li",
                          policy=default_policy, as_of=AS_OF, today=date(2026, 12, 1))  # fmt: skip
    assert saved["assessment"]["assessed_on"] == "2026-12-01"
    assert saved["assessment"]["assessed_by"] == "li"
    doc = customer_document(saved)
    doc["assessment"] = {**doc["assessment"], "other": 4, "assessed_on": "2026-11-15"}
    again = save_customer(archive, doc, base_rev=saved["_meta"]["rev"], actor="wang",
                          policy=default_policy, as_of=AS_OF, today=date(2026, 12, 2))  # fmt: skip
    assert again["assessment"]["assessed_on"] == "2026-11-15"  # the editor's date
    assert again["assessment"]["assessed_by"] == "wang"
    doc = customer_document(again)
    doc["name"] = "只改名称有限公司"
    third = save_customer(archive, doc, base_rev=again["_meta"]["rev"], actor="zhao",
                          policy=default_policy, as_of=AS_OF, today=date(2026, 12, 3))  # fmt: skip
    assert third["assessment"]["assessed_by"] == "wang"  # no score changed: no stamp


def test_a_save_between_an_imports_check_and_its_write_is_kept(
    archive: Archive, default_policy: Policy, tmp_path: Path
) -> None:
    sheet = tmp_path / "phones.csv"
    sheet.write_text("客户编号,电话\nC003,13911112222\n", "utf-8")
    options = ImportOptions(actor="wang")
    check = check_import([str(sheet)], default_policy, stored=archive.records(), options=options)
    assert not check.problems and check.plan.counts()["changed"] == 1
    # A colleague saves the same customer before the import writes.
    record = archive.get("C003")
    assert record is not None
    theirs = {**customer_document(record), "name": "同事改的有限公司"}
    save_customer(archive, theirs, base_rev=record["_meta"]["rev"], actor="li",
                  policy=default_policy, as_of=AS_OF)  # fmt: skip
    write_import(archive, check, default_policy, as_of=AS_OF, options=options)
    stored = archive.get("C003")
    assert stored is not None
    assert stored["name"] == "同事改的有限公司" and stored["contact"]["phone"] == "13911112222"
    _as_regraded(archive, default_policy)


def test_an_exported_row_saved_over_between_check_and_write_refuses_the_import(
    archive: Archive, default_policy: Policy, tmp_path: Path
) -> None:
    record = archive.get("C004")
    assert record is not None
    rev = record["_meta"]["rev"]
    sheet = tmp_path / "export.csv"
    sheet.write_text(f"id,contact.phone,revision\nC004,13911112222,{rev}\n", "utf-8")
    check = check_import([str(sheet)], default_policy, stored=archive.records())
    assert not check.problems and not check.plan.refused
    theirs = {**customer_document(record), "name": "同事改的有限公司"}
    save_customer(archive, theirs, base_rev=rev, actor="li", policy=default_policy, as_of=AS_OF)
    before = Path(archive.location).read_bytes()
    with pytest.raises(ImportStaleError, match="C004") as refused:
        write_import(archive, check, default_policy, as_of=AS_OF, options=ImportOptions())
    assert refused.value.refused[0].stale is not None
    assert refused.value.refused[0].stale.updated_by == "li"
    assert Path(archive.location).read_bytes() == before


def test_the_uis_save_shows_the_new_grade_and_rereads_all_when_the_top_moves(
    archive: Archive, default_policy: Policy
) -> None:
    from creditfile.policy import default_policy_path
    from creditfile.tui.service import ArchiveService

    service = ArchiveService(archive.path, default_policy_path(), actor="li", as_of=AS_OF)
    service.load()
    record = service.record("C010")
    assert record is not None
    doc = customer_document(record)
    doc["assessment"] = {**doc["assessment"], "payment": 0, "reputation": 0}
    saved = service.save(doc, record["_meta"]["rev"])
    assert service.records()["C010"]["_grading"] == saved["_grading"]
    assert saved["_grading"]["total"] < record["_grading"]["total"]
    other = service.records()["C011"]["_grading"]["total"]
    doc = customer_document(saved)
    doc["leases"] = [{**doc["leases"][0], "amount": 80_000_000}]
    service.save(doc, saved["_meta"]["rev"])
    assert service.records()["C011"]["_grading"]["total"] < other  # re-read after the run
    assert service.gradings() == grade_archive(archive.documents(), default_policy, AS_OF)


def test_migration_between_two_runs_counts_a_grade_a_save_changed_between_them(
    archive: Archive, default_policy: Policy
) -> None:
    from creditfile.application.reporting import ArchiveView, migration_report

    record = archive.get("C012")
    assert record is not None
    before = record["_grading"]["grade"]
    doc = customer_document(record)
    doc["assessment"] = dict.fromkeys(
        ("strength", "potential", "reputation", "payment", "other"), 0
    )
    save_customer(archive, doc, base_rev=record["_meta"]["rev"], actor="li",
                  policy=default_policy, as_of=AS_OF)  # fmt: skip
    regrade(archive, default_policy, AS_OF, "night")
    view = ArchiveView.of(archive.records(), default_policy, AS_OF)
    matrix = migration_report(archive, view)
    after = archive.get("C012")["_grading"]["grade"]  # type: ignore[index]
    assert after != before
    assert matrix["count"][before][after] >= 1


def _ranked(policy: Policy) -> Policy:
    from dataclasses import replace

    scoring = tuple(
        replace(item, scale="rank") if item.method == "relative_to_max" else item
        for item in policy.scoring
    )
    return replace(policy, scoring=scoring)


def test_under_a_rank_scale_a_small_change_regrades_everyone_it_moves(
    tmp_path: Path, default_policy: Policy
) -> None:
    # On the rank scale a customer's points depend on every established customer's amount, so
    # a save that moves one amount past others regrades the archive (a run is recorded).
    ranked = _ranked(default_policy)
    store = Archive.open(tmp_path / "ranked.json", create=True)
    store.import_customers([_doc(i, (i + 1) * 1000) for i in range(10)], actor="a")
    regrade(store, ranked, AS_OF, "night")
    before = {cid: r["_grading"]["items"]["cumulative_lease"] for cid, r in store.records().items()}
    assert before["C000"] == 1.5 and before["C009"] == 15  # 1 of 10, 10 of 10
    record = store.get("C000")
    assert record is not None
    doc = customer_document(record)
    doc["leases"] = [{**doc["leases"][0], "amount": 5500}]  # now past C001 … C004
    done = GradingDone()
    save_customer(store, doc, base_rev=record["_meta"]["rev"], actor="li", policy=ranked,
                  as_of=AS_OF, done=done)  # fmt: skip
    assert done.whole
    after = {cid: r["_grading"]["items"]["cumulative_lease"] for cid, r in store.records().items()}
    assert after["C000"] == 7.5 and after["C001"] == 1.5  # 5 of 10; C001 is now the lowest
    assert {cid for cid in after if after[cid] != before[cid]} == {f"C00{i}" for i in range(5)}
    assert store.runs()[-1]["trigger"] == "save"
    expected = grade_archive(store.documents(), ranked, AS_OF)
    assert {cid: r["_grading"] for cid, r in store.records().items()} == expected
