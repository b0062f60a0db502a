"""A new policy's effect on the archive (``policy diff --db``, ``policy activate``), read a
batch at a time: exactly the what-if of every document at once, on a file archive and on
PostgreSQL, for a policy that moves the archive-wide tops, one that strands entries and drops
a nature, and one that ranks (made from every document at once)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from creditfile.application import policy_impact
from creditfile.application.activation import activate_checked, check_activation
from creditfile.application.opening import open_archive
from creditfile.application.policy_admin import diff_policies, investigation_changes
from creditfile.application.policy_impact import archive_impact
from creditfile.application.regrade import regrade
from creditfile.application.spooled_rows import SpooledRows
from creditfile.demodata.customers import generate_customers
from creditfile.engine import grade_archive
from creditfile.engine.grading import archive_tops_for
from creditfile.engine.policy_diff import what_if
from creditfile.engine.rescaling import stranded_entries
from creditfile.policy import Policy, default_policy_path, load_policy
from creditfile.store import ArchiveStore, BatchReadingStore

AS_OF = date(2026, 11, 29)
OPTIONS = Path(default_policy_path()).with_name("example-options.yaml")


def _filled(location: str, policy: Policy) -> ArchiveStore:
    """140 generated customers graded, then 12 more imported and never graded."""
    store = open_archive(location, create=True)
    customers = generate_customers(152, 11, AS_OF)
    store.import_customers(customers[:140], actor="seed")
    regrade(store, policy, AS_OF, "seed")
    store.import_customers(customers[140:], actor="seed")
    return store


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 23 customers: seven per archive, the last one short."""
    monkeypatch.setattr(policy_impact, "BATCH", 23)


@pytest.fixture(params=["file", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path, default_policy: Policy) -> ArchiveStore:
    location = (
        str(tmp_path / "archive.json")
        if request.param == "file"
        else str(request.getfixturevalue("pg_url"))
    )
    return _filled(location, default_policy)


def _variant(path: Path, change: Callable[[dict[str, Any]], None], into: Path) -> Path:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    into.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return into


def _stranding(data: dict[str, Any]) -> None:
    """Reputation weighs 8 instead of 20 (entries above 8 stranded), the other items 22
    instead of 10; individuals are not listed."""
    weights = {"reputation": 8, "other": 22}
    for item in data["scoring"]:
        item["weight"] = weights.get(item["key"], item["weight"])
    del data["natures"]["individual"]
    data["labels_en"]["natures"].pop("individual", None)


def _ranking(data: dict[str, Any]) -> None:
    for item in data["scoring"]:
        if item["key"] == "cumulative_lease":
            item["scale"] = "rank"


def _whole(store: ArchiveStore, old: Policy, new: Policy) -> dict[str, Any]:
    """The what-if of every document at once, as the engine makes it."""
    docs = store.documents()
    before, after = grade_archive(docs, old, AS_OF), grade_archive(docs, new, AS_OF)
    impact = what_if(docs, old, new, AS_OF, (before, after))
    impact["investigation_changes"] = investigation_changes(docs, before, after, old, new, AS_OF)
    return impact


def _batches_only(store: ArchiveStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The documents are never read all at once from here on; the sizes of the batches."""
    sizes: list[int] = []
    assert isinstance(store, BatchReadingStore)
    read = store.record_batches

    def batches(size: int) -> Iterator[list[Any]]:
        for batch in read(size):
            sizes.append(len(batch))
            yield batch

    def whole() -> Any:
        raise AssertionError("the whole archive was read")

    monkeypatch.setattr(store, "record_batches", batches)
    monkeypatch.setattr(store, "documents", whole)
    return sizes


def test_a_policy_that_moves_the_tops_has_the_same_what_if_read_in_batches(
    store: ArchiveStore, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = load_policy(str(OPTIONS))
    docs = store.documents()
    assert archive_tops_for(docs, options, AS_OF) != archive_tops_for(docs, default_policy, AS_OF)
    whole = _whole(store, default_policy, options)
    sizes = _batches_only(store, monkeypatch)

    diff = diff_policies(str(default_policy_path()), str(OPTIONS), store, AS_OF)

    assert diff.impact == whole
    # Every pass in batches (the tops, then the grades; the old policy's tops stored by the
    # regrade are not the archive's since 12 customers came in: graded again with its own).
    assert sizes == ([23] * 6 + [14]) * 3
    assert whole["customers"] == 152 and whole["grade_changes"] and whole["summary"]
    assert whole["investigation_changes"]
    tops = {r["group"] for c in whole["grade_changes"] for r in c["reasons"]}
    assert any("archive-wide top" in group for group in tops)


def test_the_activation_check_finds_the_same_stranded_entries_and_natures_in_batches(
    store: ArchiveStore, default_policy: Policy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    file = _variant(Path(default_policy_path()), _stranding, tmp_path / "lighter.yaml")
    new = load_policy(str(file))
    docs = store.documents()
    whole = what_if(docs, default_policy, new, AS_OF)
    stranded = stranded_entries(docs, default_policy, new)
    natures = Counter(str(d["nature"]) for d in docs if d["nature"] == "individual")
    _batches_only(store, monkeypatch)

    check = check_activation(store, str(file), AS_OF)

    assert check.diff.impact == whole
    assert list(check.stranded) == stranded
    assert stranded and len(stranded[0].customers) > 1 and stranded[0].key == "reputation"
    assert check.unknown_natures == dict(natures) and natures["individual"] > 0


def test_a_ranking_policy_is_compared_over_every_document_at_once(
    store: ArchiveStore, default_policy: Policy, tmp_path: Path
) -> None:
    file = _variant(OPTIONS, _ranking, tmp_path / "ranked.yaml")
    ranked = load_policy(str(file))

    diff = diff_policies(str(default_policy_path()), str(file), store, AS_OF)

    assert diff.impact == _whole(store, default_policy, ranked)
    assert diff.impact is not None and diff.impact["grade_changes"]


def test_the_grades_are_taken_again_when_a_save_moves_the_tops_between_the_passes(
    store: ArchiveStore, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = load_policy(str(OPTIONS))
    assert isinstance(store, BatchReadingStore)
    read, passes = store.record_batches, []

    def batches(size: int) -> Iterator[list[Any]]:
        passes.append(size)
        if len(passes) == 2:  # after the tops were taken: the largest customer doubles
            _double_largest(store)
        yield from read(size)

    monkeypatch.setattr(store, "record_batches", batches)

    impact = archive_impact(store, default_policy, options, AS_OF, investigations=True)

    assert len(passes) == 3
    assert impact.what_if == _whole(store, default_policy, options)


def _double_largest(store: ArchiveStore) -> None:
    docs = store.documents()
    record = max(
        (store.get(str(d["id"])) for d in docs if d.get("leases")),
        key=lambda r: sum(int(lease["amount"]) for lease in (r or {}).get("leases") or []),
    )
    assert record is not None
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    doc["leases"] = [{**lease, "amount": int(lease["amount"]) * 10} for lease in doc["leases"]]
    store.save_customer(doc, base_rev=record["_meta"]["rev"], actor="clerk")


def test_an_activation_that_strands_nothing_does_not_read_the_archive_under_the_lock(
    store: ArchiveStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    same = _variant(
        Path(default_policy_path()),
        lambda d: d.update(policy_version="2026.2"),
        tmp_path / "same.yaml",
    )
    check = check_activation(store, str(same), AS_OF)
    assert not check.stranded and not check.failures
    activate, amends = store.activate_policy, []

    def spied(*args: Any, **kwargs: Any) -> None:
        amends.append(kwargs.get("amend"))
        activate(*args, **kwargs)

    monkeypatch.setattr(store, "activate_policy", spied)

    activate_checked(store, check, "compliance")

    assert amends == [None]
    active = open_archive(store.location).active_policy()
    assert active is not None and active["version"] == "2026.2"


def _cumulative_weighs_more(data: dict[str, Any]) -> None:
    """Cumulative leases weigh 24 instead of 15, the other items 1 instead of 10; A from 85."""
    weights = {"cumulative_lease": 24, "other": 1}
    for item in data["scoring"]:
        item["weight"] = weights.get(item["key"], item["weight"])
    data["grades"][0]["min_score"] = 85


def test_a_change_of_weights_reads_the_archive_once_when_a_regrade_stored_its_tops(
    store: ArchiveStore, default_policy: Policy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    regrade(store, default_policy, AS_OF, "nightly")  # every customer: the archive's own tops
    file = _variant(Path(default_policy_path()), _cumulative_weighs_more, tmp_path / "w.yaml")
    whole = _whole(store, default_policy, load_policy(str(file)))
    sizes = _batches_only(store, monkeypatch)

    diff = diff_policies(str(default_policy_path()), str(file), store, AS_OF)

    assert diff.impact == whole
    assert sizes == [23] * 6 + [14]
    assert whole["grade_changes"] and whole["summary"]


def test_a_preview_of_thousands_of_changes_keeps_them_in_files_and_equals_the_whole(
    tmp_path: Path, default_policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """6,000 customers, 2,400 of whom change grade: the rows are written to temporary files as
    the batches are graded and read back (across many of the files' reads) as often as
    asked, in order, equal to the what-if that held them all."""
    monkeypatch.setattr(policy_impact, "BATCH", 500)
    monkeypatch.setattr(SpooledRows, "_CHUNK", 1 << 14)  # a row's line split between reads
    store = open_archive(str(tmp_path / "archive.json"), create=True)
    store.import_customers(generate_customers(6_000, 11, AS_OF), actor="seed")
    regrade(store, default_policy, AS_OF, "seed")
    options = load_policy(str(OPTIONS))
    whole = _whole(store, default_policy, options)

    diff = diff_policies(str(default_policy_path()), str(OPTIONS), store, AS_OF)

    assert diff.impact is not None
    kept = diff.impact["grade_changes"]
    assert isinstance(kept, SpooledRows) and len(kept) == len(whole["grade_changes"]) > 2_000
    assert diff.impact == whole
    assert [row["id"] for row in kept] == [row["id"] for row in whole["grade_changes"]]
    assert diff.impact["summary"] == whole["summary"]
    assert sum(row["customers"] for row in whole["summary"]) == len(kept)
