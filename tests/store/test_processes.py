"""The archive under real processes: kill -9 mid-write, a killed lock holder, two writers, saves
during regrades. What a store of either kind guarantees runs on the file and on PostgreSQL
(``location``); the steps of the file's own write protocol on the file."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from creditfile.application.opening import open_archive
from creditfile.store import Archive, ArchiveLockedError

ROOT = Path(__file__).resolve().parents[2]

HOLD_LOCK = """
import sys, time
from pathlib import Path
from creditfile.store.locking import archive_lock
with archive_lock(Path(sys.argv[1]), 5):
    print("locked", flush=True)
    time.sleep(120)
"""

# Regrades the archive again and again, each run stamping every record with its number;
# says "ready" once the first of its runs is written, so the kill lands among writes.
REGRADE_LOOP = """
import sys, time
from creditfile.application.opening import open_archive
archive = open_archive(sys.argv[1])
run = int(sys.argv[2])
pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
while True:
    run += 1
    archive.regrade(lambda docs: {d["id"]: {"grade": "A", "total": run} for d in docs},
                    run={"seq": run}, actor="night")
    if run == int(sys.argv[2]) + 1:
        print("ready", flush=True)
    time.sleep(pause)
"""


# One regrade that stops, for the parent to kill it, at a chosen point of its write.
STOP_IN_WRITE = """
import os, sys, time
import creditfile.store.snapshot, creditfile.store.storage
from creditfile import store
from creditfile.store import Archive
path, phase = sys.argv[1], sys.argv[2]

def stop():
    print("stopped", flush=True)
    time.sleep(120)

def wrap(module, name, before=True):
    real = getattr(module, name)
    def wrapped(*args, **kwargs):
        if before:
            stop()
        result = real(*args, **kwargs)
        stop()
    setattr(module, name, wrapped)

real_write = os.write
def half_write(fd, data):
    if ".tmp-" in os.readlink(f"/proc/self/fd/{fd}"):
        real_write(fd, bytes(data[: len(data) // 2]))
        stop()
    return real_write(fd, data)

if phase == "history appended":
    wrap(store.snapshot, "write_json_atomic")
elif phase == "temp file half written":
    os.write = half_write
elif phase == "temp file complete":
    wrap(os, "replace")
elif phase == "replaced, folder not synced":
    wrap(store.storage, "_sync_directory")
Archive.open(path).regrade(lambda docs: {d["id"]: {"grade": "B", "total": 2} for d in docs},
                           run={"seq": 2}, actor="night")
"""


# Appends a token to the customer's ``trading.problems`` and saves it on the revision read.
EDIT_LOOP = """
import json, os, random, sys, time
from creditfile.application.opening import open_archive
from creditfile.store import StaleRevisionError
path, tag, go = sys.argv[1], sys.argv[2], sys.argv[3]
archive = open_archive(path)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.005)
rng = random.Random(tag)
accepted, refused = [], []
for i in range(40):
    cid = f"C{rng.randrange(4)}"
    record = archive.get(cid)
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    token = f"{tag}-{i}"
    doc["trading"] = {"problems": doc["trading"]["problems"] + " " + token}
    time.sleep(rng.uniform(0, 0.01))
    try:
        archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor=tag)
        accepted.append([cid, token])
    except StaleRevisionError:
        refused.append([cid, token])
print(json.dumps({"accepted": accepted, "refused": refused}), flush=True)
"""


# A regrade that stops inside its write, for the parent to kill it there: on the file once the
# history is appended (before the archive is replaced), in a database once the gradings and the
# history are written in the transaction (before it commits).
STOP_INSIDE_WRITE = """
import sys, time
from creditfile.application.opening import open_archive
from creditfile.store import history, postgres

def stop():
    print("stopped", flush=True)
    time.sleep(120)

def after(owner, name):
    real = getattr(owner, name)
    def wrapped(*args, **kwargs):
        real(*args, **kwargs)
        stop()
    setattr(owner, name, wrapped)

if sys.argv[1].startswith("postgresql://"):
    after(postgres.PostgresArchive, "_append")
else:
    after(history, "append_events")
open_archive(sys.argv[1]).regrade(lambda docs: {d["id"]: {"grade": "B", "total": 2} for d in docs},
                                  run={"seq": 2}, actor="night")
"""


@pytest.fixture(params=["file", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new archive goes: a file, or a database on the test server."""
    if request.param == "file":
        return str(tmp_path / "archive.json")
    url: str = request.getfixturevalue("pg_url")
    return url


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITFILE_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _await_line(child: subprocess.Popen[str], expected: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != expected:
        child.kill()
        pytest.fail(f"child said {line!r}; stderr: {child.communicate()[1][-2000:]}")


def _kill(child: subprocess.Popen[str]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)


def test_a_busy_lock_names_its_holder_and_a_killed_holder_blocks_nobody(tmp_path: Path) -> None:
    path = tmp_path / "archive.json"
    Archive.open(path, create=True)
    holder = _spawn(HOLD_LOCK, str(path))
    try:
        _await_line(holder, "locked")
        waited_for: list[int | None] = []
        with pytest.raises(ArchiveLockedError, match=f"process {holder.pid}"):
            Archive.open(path, lock_timeout=0.3, on_wait=waited_for.append)
        assert waited_for == [holder.pid]
    finally:
        _kill(holder)
    started = time.monotonic()
    archive = Archive.open(path, lock_timeout=5)
    archive.save_customer({"id": "C1", "name": "甲", "nature": "individual"}, base_rev=None,
                          actor="next")  # fmt: skip
    assert time.monotonic() - started < 2


def _small_archive(location: str | Path, count: int) -> None:
    docs = [{"id": f"C{i:05d}", "name": f"客户{i}", "nature": "individual"} for i in range(count)]
    archive = open_archive(location, create=True)
    archive.import_customers(docs, actor="setup")
    archive.regrade(lambda ds: {d["id"]: {"grade": "A", "total": 1} for d in ds},
                    run={"seq": 1}, actor="setup")  # fmt: skip


def _committed_state(location: str | Path) -> tuple[set[Any], Any]:
    archive = open_archive(location)
    totals = {record["_grading"]["total"] for record in archive.records().values()}
    return totals, archive.runs()[-1]["seq"]


def test_kill_9_during_regrades_leaves_one_whole_state(location: str, tmp_path: Path) -> None:
    # A database regrade is one transaction, whatever its size: a kill lands inside one (or
    # between two) with fewer customers too.
    count = 20_000 if not location.startswith("postgresql://") else 1_000
    _small_archive(location, count)
    rng = random.Random(2026)
    for attempt in range(1, 6):
        child = _spawn(REGRADE_LOOP, location, str(attempt * 1000))
        _await_line(child, "ready")
        time.sleep(rng.uniform(0.0, 0.5))
        _kill(child)
        totals, last_run = _committed_state(location)
        assert len(totals) == 1, "records from two different regrades"
        assert totals == {last_run}, "the history disagrees with the records"
        assert last_run > attempt * 1000, "the killed process's first write is missing"
        assert len(open_archive(location).records()) == count
    assert not list(tmp_path.glob(".archive.json.tmp-*"))


def test_a_client_killed_inside_its_write_leaves_nothing_and_blocks_nobody(
    location: str, tmp_path: Path
) -> None:
    _small_archive(location, 500)
    child = _spawn(STOP_INSIDE_WRITE, location)
    _await_line(child, "stopped")
    _kill(child)
    assert _committed_state(location) == ({1}, 1)
    archive = open_archive(location)
    assert [e["seq"] for e in archive.history(kind="regrade_run")] == [1]
    assert not [e for e in archive.history() if e.get("actor") == "night"]
    started = time.monotonic()
    archive.save_customer({"id": "N1", "name": "新客户", "nature": "individual"}, base_rev=None,
                          actor="next")  # fmt: skip
    assert time.monotonic() - started < 5
    assert not list(tmp_path.glob(".archive.json.tmp-*"))


def _edited(location: str, tmp_path: Path, *, with_regrades: bool) -> None:
    """Two processes append tokens to four customers' notes, each save on the revision it
    read (and, ``with_regrades``, a third regrades the archive again and again meanwhile);
    every token accepted is in the archive, every refused one is not."""
    docs = [{"id": f"C{i}", "name": f"客户{i}", "nature": "developer",
             "trading": {"problems": ""}} for i in range(4)]  # fmt: skip
    open_archive(location, create=True).import_customers(docs, actor="setup")
    go = tmp_path / "go"
    children = [_spawn(EDIT_LOOP, location, tag, str(go)) for tag in ("wang", "li")]
    for child in children:
        _await_line(child, "ready")
    # Regrades one after another, a moment apart (a lock is not a queue: a process that takes
    # it again at once may keep the others waiting past their timeout).
    regrades = _spawn(REGRADE_LOOP, location, "0", "0.05") if with_regrades else None
    if regrades is not None:
        _await_line(regrades, "ready")
    go.touch()
    results = []
    try:
        for child in children:
            out, err = child.communicate(timeout=180)
            assert child.returncode == 0, err[-2000:]
            results.append(json.loads(out))
    finally:
        if regrades is not None:
            _kill(regrades)
    accepted = [tuple(pair) for result in results for pair in result["accepted"]]
    refused = [tuple(pair) for result in results for pair in result["refused"]]
    assert len(accepted) + len(refused) == 80
    assert refused, "the two writers never collided; the test proved nothing"
    archive = open_archive(location)
    for cid, record in archive.records().items():
        tokens = set(record["trading"]["problems"].split())
        assert tokens == {token for owner, token in accepted if owner == cid}
        assert record["_meta"]["rev"] == 1 + len(tokens)
    if with_regrades:
        runs = archive.runs()
        assert len(runs) > 2, "no regrade ran while the writers saved; the test proved nothing"
        totals = {r["_grading"]["total"] for r in archive.records().values()}
        assert totals == {runs[-1]["seq"]}  # every customer under the last run, none lost


def test_two_processes_editing_the_same_customers_lose_nothing(
    location: str, tmp_path: Path
) -> None:
    _edited(location, tmp_path, with_regrades=False)


def test_saves_during_regrades_wait_or_are_refused_as_stale_and_none_is_lost(
    location: str, tmp_path: Path
) -> None:
    _edited(location, tmp_path, with_regrades=True)


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("history appended", 1),
        ("temp file half written", 1),
        ("temp file complete", 1),
        ("replaced, folder not synced", 2),
    ],
)
def test_kill_9_at_each_step_of_a_write(tmp_path: Path, phase: str, expected: int) -> None:
    path = tmp_path / "archive.json"
    _small_archive(path, 2_000)
    child = _spawn(STOP_IN_WRITE, str(path), phase)
    _await_line(child, "stopped")
    _kill(child)
    totals, last_run = _committed_state(path)
    assert totals == {expected}
    assert last_run == expected
    assert not list(tmp_path.glob(".archive.json.tmp-*"))
    archive = Archive.open(path)
    archive.save_customer({"id": "N1", "name": "新客户", "nature": "individual"}, base_rev=None,
                          actor="next")  # fmt: skip
    assert Archive.open(path).history("N1")[0]["kind"] == "customer_created"
