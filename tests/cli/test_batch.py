"""Grading in forked workers gives exactly the gradings of the serial engine."""

from __future__ import annotations

import json
import random
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from creditfile.application.batch import _grade_forked, grade_all, grade_lines
from creditfile.engine import grade_archive

sys.path.insert(0, str(Path(__file__).parents[1] / "engine"))
from test_grading_properties import _doc


def test_forked_grading_equals_serial(default_policy) -> None:
    rng = random.Random(11)
    weights = {i.key: i.weight for i in default_policy.scoring}
    docs = [_doc(rng, i, weights) for i in range(900)]
    as_of = date(2026, 11, 29)
    expected = grade_archive(docs, default_policy, as_of)
    assert _grade_forked(docs, default_policy, as_of, 3) == expected
    assert grade_all(docs, default_policy, as_of) == expected


AS_OF = date(2026, 11, 29)


def _graded_archive(folder: Path, policy: Any, count: int) -> Path:
    """An archive graded a year ago, so that a regrade now changes some grades."""
    from creditfile.store import Archive

    rng = random.Random(5)
    weights = {i.key: i.weight for i in policy.scoring}
    path = folder / "archive.json"
    archive = Archive.open(path, create=True)
    archive.import_customers([_doc(rng, i, weights) for i in range(count)], actor="seed")
    archive.regrade(
        lambda docs: grade_archive(docs, policy, date(2025, 11, 29)),
        run={"as_of": "2025-11-29"},
        actor="seed",
    )
    return path


def _without_times(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k != "at"} for e in events]


@pytest.mark.parametrize("workers", [1, 3])
def test_a_regrade_line_by_line_stores_what_the_whole_regrade_stores(
    tmp_path: Path, default_policy: Any, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    from creditfile.application import batch
    from creditfile.store import Archive

    monkeypatch.setattr(batch, "PARALLEL_FROM", 0)  # fork even for a small archive
    whole = _graded_archive(tmp_path, default_policy, 700)
    lines = tmp_path / "lines.json"
    shutil.copy(whole, lines)
    shutil.copy(
        whole.with_name(whole.name + ".history.jsonl"),
        lines.with_name(lines.name + ".history.jsonl"),
    )
    run = {"as_of": AS_OF.isoformat()}

    expected = Archive.open(whole).regrade(
        lambda docs: grade_archive(docs, default_policy, AS_OF), run=run, actor="t"
    )
    got = Archive.open(lines, read=False).regrade_lines(
        lambda found: batch.grade_lines(found, default_policy, AS_OF, workers=workers),
        run=run,
        actor="t",
    )

    assert got is not None
    assert got.changes == expected.changes and len(got.changes) > 5
    assert got.run_id == expected.run_id
    assert {
        cid: (g["status"], g.get("grade"), g.get("total")) for cid, g in expected.gradings.items()
    } == {cid: (g["status"], g["grade"], g["total"]) for cid, g in got.gradings.items()}
    assert Archive.open(lines).records() == Archive.open(whole).records()
    assert _without_times(Archive.open(lines).history()) == _without_times(
        Archive.open(whole).history()
    )
    # The file is laid out as every write lays it out: the next save reuses its lines.
    assert lines.read_bytes().split(b"\n")[0] == b'{"customers":{'


def test_a_file_laid_out_otherwise_is_left_to_the_whole_regrade(
    tmp_path: Path, default_policy: Any
) -> None:
    from creditfile.store import Archive

    path = _graded_archive(tmp_path, default_policy, 50)
    path.write_text(json.dumps(json.loads(path.read_bytes()), indent=1), encoding="utf-8")
    before = path.read_bytes()
    answer = Archive.open(path, read=False).regrade_lines(
        lambda found: grade_lines(found, default_policy, AS_OF), run={}, actor="t"
    )
    assert answer is None
    assert path.read_bytes() == before


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(
    "line", [b'"40":{"name":"no id here"},', b'"40":{"id":"C40"}'], ids=["no-id", "comma-missing"]
)
def test_a_line_that_is_not_a_customer_record_is_left_to_the_whole_regrade(
    tmp_path: Path,
    default_policy: Any,
    monkeypatch: pytest.MonkeyPatch,
    workers: int,
    line: bytes,
) -> None:
    from creditfile.application import batch
    from creditfile.store import Archive, ArchiveDamagedError
    from creditfile.store import lines as store_lines

    monkeypatch.setattr(batch, "PARALLEL_FROM", 0)
    monkeypatch.setattr(store_lines, "BATCH_LINES", 20)  # line 40 ends a batch
    path = _graded_archive(tmp_path, default_policy, 60)
    lines = path.read_bytes().split(b"\n")
    lines[40] = line
    path.write_bytes(b"\n".join(lines))
    before = path.read_bytes()
    answer = Archive.open(path, read=False).regrade_lines(
        lambda found: batch.grade_lines(found, default_policy, AS_OF, workers=workers),
        run={},
        actor="t",
    )
    assert answer is None
    assert path.read_bytes() == before
    with pytest.raises(ArchiveDamagedError):
        Archive.open(path)


def test_workers_stop_at_once_when_a_share_is_unreadable(
    tmp_path: Path, default_policy: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from creditfile.application import batch
    from creditfile.store import CustomerLines, LinesUnreadable

    monkeypatch.setattr(batch, "PARALLEL_FROM", 0)
    path = _graded_archive(tmp_path, default_policy, 90)
    lines = path.read_bytes().split(b"\n")
    lines[3] = b'"k' + lines[3][1:]  # a key that is not a TinyDB key: that share is unreadable
    found = CustomerLines.of(b"\n".join(lines))
    assert found is not None
    started = time.monotonic()
    with pytest.raises(LinesUnreadable):
        batch.grade_lines(found, default_policy, AS_OF, workers=4)
    # The other workers wait for the tops; they must learn at once that none will come.
    assert time.monotonic() - started < 3


def test_a_customer_id_never_passes_for_a_worker_message(default_policy: Any) -> None:
    rng = random.Random(3)
    weights = {i.key: i.weight for i in default_policy.scoring}
    docs = [_doc(rng, i, weights) for i in range(40)]
    docs[0]["id"], docs[1]["id"] = "__error__", "unreadable"
    expected = grade_archive(docs, default_policy, AS_OF)
    assert _grade_forked(docs, default_policy, AS_OF, 2) == expected


def test_forked_validation_finds_exactly_the_serial_problems(default_policy) -> None:
    from creditfile.application.batch import validate_all
    from creditfile.engine.validation import validate_customers

    rng = random.Random(17)
    weights = {i.key: i.weight for i in default_policy.scoring}
    docs: list[Any] = [_doc(rng, i, weights) for i in range(600)]
    docs[5]["nature"] = "alien"  # a problem of its own
    docs[299]["leases"] = [{"item": "tower_crane", "start": "2024-02-30", "amount": 1,
                            "status": "active"}]  # fmt: skip
    docs[300]["id"] = docs[2]["id"]  # the same id in two workers' slices
    docs[450] = ["not", "a", "customer"]
    docs[599]["assessment"] = {"strength": 99}
    expected = validate_customers(docs, default_policy)
    assert {p.index for p in expected} >= {5, 299, 300, 450, 599}
    for workers in (2, 3):
        found = validate_all(docs, default_policy, workers=workers, parallel_from=0)
        assert found == expected


def test_a_rank_scale_grades_in_one_process_and_equals_serial(
    default_policy: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers trade tops, not whole rankings: a policy with a rank scale must not fork,
    # or every worker would rank its customers among its own share only.
    from dataclasses import replace

    from creditfile.application import batch

    monkeypatch.setattr(batch, "PARALLEL_FROM", 0)
    ranked = replace(
        default_policy,
        scoring=tuple(
            replace(i, scale="rank") if i.method == "relative_to_max" else i
            for i in default_policy.scoring
        ),
    )
    rng = random.Random(12)
    weights = {i.key: i.weight for i in ranked.scoring}
    docs = [_doc(rng, i, weights) for i in range(300)]
    expected = grade_archive(docs, ranked, AS_OF)
    assert batch.grade_all(docs, ranked, AS_OF, workers=3) == expected
    with pytest.raises(RuntimeError, match="needs every established customer's amount"):
        _grade_forked(docs, ranked, AS_OF, 3)


@pytest.mark.parametrize("scale", [None, "rank"])
def test_grading_with_known_tops_on_every_core_equals_serial(
    default_policy: Any, monkeypatch: pytest.MonkeyPatch, scale: str | None
) -> None:
    # An import knows every customer's facts and the archive's tops before it grades the new
    # customers: each worker grades its slice with them, a rank scale included (the workers
    # are forked with the whole ranking).
    from dataclasses import replace

    from creditfile.application import batch
    from creditfile.engine import facts_of, grade_with_tops
    from creditfile.engine.scoring import archive_tops

    monkeypatch.setattr(batch, "PARALLEL_FROM", 0)
    policy = default_policy
    if scale is not None:
        policy = replace(
            policy,
            scoring=tuple(
                replace(i, scale=scale) if i.method == "relative_to_max" else i
                for i in policy.scoring
            ),
        )
    rng = random.Random(13)
    weights = {i.key: i.weight for i in policy.scoring}
    docs = [_doc(rng, i, weights) for i in range(500)]
    facts = facts_of(docs, policy, AS_OF)
    tops = archive_tops(facts, policy)
    expected = grade_with_tops(docs, facts, policy, AS_OF, tops)
    assert expected == grade_archive(docs, policy, AS_OF)
    for workers in (1, 2, 3):
        found = batch.grade_known(docs, facts, policy, AS_OF, tops, workers=workers)
        assert json.dumps(found) == json.dumps(expected)


def test_an_import_of_many_new_customers_grades_them_on_every_core_as_one_process_does(
    tmp_path: Path, default_policy: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from creditfile.application import batch
    from creditfile.application.importing import ImportOptions, check_import, write_import
    from creditfile.demodata.customers import generate_customers
    from creditfile.store import Archive

    source = tmp_path / "new.jsonl"
    customers = generate_customers(400, seed=14, as_of=AS_OF)
    source.write_text("".join(json.dumps(doc) + "\n" for doc in customers), encoding="utf-8")
    stored = {}
    for name, parallel_from in (("serial", 10**9), ("forked", 0)):
        monkeypatch.setattr(batch, "PARALLEL_FROM", parallel_from)
        archive = Archive.open(tmp_path / f"{name}.json", create=True)
        options = ImportOptions(actor="wang")
        check = check_import([str(source)], default_policy, options=options)
        assert not check.problems
        write_import(archive, check, default_policy, as_of=AS_OF, options=options)
        stored[name] = {
            cid: r["_grading"] for cid, r in Archive.open(archive.path).records().items()
        }
    assert len(stored["forked"]) == 400
    assert json.dumps(stored["forked"]) == json.dumps(stored["serial"])
