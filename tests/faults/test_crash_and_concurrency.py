"""kill -9 mid-operation, a killed lock holder, concurrent writers and failing writes."""

from __future__ import annotations

import errno
import os
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
sys.path.insert(0, str(Path(__file__).parent))
import bench_writers
import faults
from faultkit import TRACEBACK, cli

CUSTOMERS = 800
POLICY = str(faults.ROOT / "policy" / "default.yaml")


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a graded archive (``base.json``) the scenarios copy."""
    root = tmp_path_factory.mktemp("crash")
    faults.build_archive(root / "base.json", CUSTOMERS)
    return root


@pytest.mark.parametrize("name", ["regrade", "import", "save"])
def test_kill_9_leaves_the_old_or_the_new_state_whole(work: Path, name: str) -> None:
    op = next(o for o in faults.operations(work, work / "base.json", CUSTOMERS) if o.name == name)
    cycles = faults.crash_cycles(work, work / "base.json", op, 2, random.Random(name))
    broken = [f"killed after {c.delay:.2f} s: {c.outcome}" for c in cycles if not c.ok]
    assert not broken, broken


def test_a_killed_lock_holder_does_not_block_the_next_save(work: Path) -> None:
    db = work / "lock.json"
    faults.copy_archive(work / "base.json", db)
    assert bench_writers.killed_lock_holder(db, patience=15) < 10


def test_four_writers_lose_no_edit(work: Path) -> None:
    db = work / "writers.json"
    faults.copy_archive(work / "base.json", db)
    outcome = bench_writers.concurrent_writers(
        db, processes=4, edits=25, ids=["C000001", "C000002", "C000003"]
    )
    assert not outcome.problems, outcome.problems
    assert outcome.accepted + outcome.refused == 100
    assert outcome.accepted >= 3  # each shared customer was edited at least once


def _refuse(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("how", ["fsync", "replace", "write"])
@pytest.mark.parametrize(
    "command", [["regrade", "--as-of", faults.NEW_AS_OF], ["policy", "activate", POLICY]]
)
def test_a_failing_write_leaves_the_archive_and_tells_the_user(
    work: Path, monkeypatch: pytest.MonkeyPatch, how: str, command: list[str]
) -> None:
    db = work / f"failing-{how}.json"
    faults.copy_archive(work / "base.json", db)
    before = db.read_bytes()
    with monkeypatch.context() as patch:
        for name in {"fsync": ["fsync"], "replace": ["replace", "rename"], "write": ["write"]}[how]:
            patch.setattr(os, name, _refuse)
        outcome = cli(["--db", str(db), *command])
    assert outcome.code == 1, outcome.err
    assert str(db) in outcome.err
    assert db.read_bytes() == before
    assert cli(["--db", str(db), "regrade", "--as-of", faults.NEW_AS_OF]).code == 0


def test_a_full_disk_mid_write_leaves_the_archive_and_tells_the_user(work: Path) -> None:
    # A file-size limit of half the archive: the write runs out of room part way through.
    db = work / "failing-fsize.json"
    faults.copy_archive(work / "base.json", db)
    before = db.read_bytes()
    done = bench_writers.failing_write(db, "fsize", ["regrade", "--as-of", faults.NEW_AS_OF])
    assert done.returncode == 1, done.stderr[-2000:]
    assert TRACEBACK not in done.stderr
    assert str(db) in done.stderr
    assert db.read_bytes() == before
    assert cli(["--db", str(db), "regrade", "--as-of", faults.NEW_AS_OF]).code == 0


def test_a_regrade_killed_while_its_workers_grade_does_not_lock_the_archive(
    tmp_path: Path,
) -> None:
    # Large archives are graded in forked worker processes: killing the regrade must not leave
    # them behind holding the archive lock (the next user would wait for ever).
    from creditfile.application.batch import PARALLEL_FROM

    db = faults.build_archive(tmp_path / "large.json", PARALLEL_FROM)
    problem, survivors = faults.kill_while_grading(db, patience=5)
    assert problem is None, problem
    assert survivors == 0, f"{survivors} grading workers outlived the killed regrade"
