"""Fault scenarios: kill -9 mid-write, a killed lock holder, concurrent writers, a failing disk.

The scenario functions run small in the default test run (``tests/faults/``) and large in
``scripts/bench_faults.py`` (run by ``./run-bench``). Each drives real processes against a real
archive file and checks what a user would find afterwards. Run as a script, this module is the
worker those processes run: ``faults.py save-one --db FILE --id ID``. Concurrent writers, a
killed lock holder and failing writes are in ``bench_writers.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for entry in (str(ROOT), str(ROOT / "scripts")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

import make_archive  # noqa: E402

PY = sys.executable
OLD_AS_OF, NEW_AS_OF = "2026-05-31", "2026-11-29"
LOCK_PATIENCE = 5.0  # seconds a check waits for the archive lock before calling it stuck


def child_env() -> dict[str, str]:
    """The environment for child processes: the project importable, no inherited archive."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITFILE_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def creditfile(db: Path, *argv: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``python -m creditfile --db DB …`` to completion."""
    return subprocess.run(
        [PY, "-m", "creditfile", "--db", str(db), "--actor", "faults", *argv],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def documents(db: Path) -> dict[str, dict[str, Any]]:
    """Every customer document in the archive, without the store's own fields."""
    from creditfile.store import Archive, customer_document

    return {
        cid: customer_document(rec)
        for cid, rec in Archive.open(db, lock_timeout=LOCK_PATIENCE).records().items()
    }


def gradings(db: Path) -> dict[str, Any]:
    """Every customer's stored grading."""
    from creditfile.store import Archive

    archive = Archive.open(db, lock_timeout=LOCK_PATIENCE)
    return {cid: rec.get("_grading") for cid, rec in archive.records().items()}


def copy_archive(source: Path, target: Path) -> None:
    """Copy an archive file and its sidecars (history, backups), replacing what was there."""
    for old in target.parent.glob(target.name + "*"):
        if old.is_file():
            old.unlink()
    for item in source.parent.glob(source.name + "*"):
        if item.is_file() and not item.name.endswith(".lock"):
            shutil.copy2(item, target.with_name(target.name + item.name[len(source.name) :]))


def build_archive(db: Path, count: int, seed: int = 3) -> Path:
    """An archive of ``count`` generated customers, graded as of ``OLD_AS_OF``."""
    from creditfile.store import Archive

    Archive.open(db, create=True).import_customers(
        list(make_archive.customers(count, seed)), actor="faults"
    )
    done = creditfile(db, "regrade", "--as-of", OLD_AS_OF)
    if done.returncode != 0:
        raise RuntimeError(f"setting up {db}: regrade failed:\n{done.stderr}")
    return db


@dataclass
class Cycle:
    """One kill: when it came, and what the archive held afterwards."""

    op: str
    delay: float
    outcome: str  # "old", "new", or what was wrong
    finished: bool = False
    moment: str = "random"  # or "writing": killed once the write had begun

    @property
    def ok(self) -> bool:
        """Whether the archive held one whole state."""
        return self.outcome in ("old", "new")


@dataclass
class Operation:
    """An operation to interrupt: its command and how to read the state it changes."""

    name: str
    argv: list[str]
    state: Any  # callable(db) -> comparable state
    extra: dict[str, Any] = field(default_factory=dict)


def operations(work: Path, base: Path, count: int) -> list[Operation]:
    """Regrade, import and a one-customer save, each on the archive at ``base``."""
    docs = list(make_archive.customers(count // 2, seed=77))
    for number, doc in enumerate(docs):  # half replace existing customers, half are new
        doc["id"] = f"C{(number * 2 + 1) if number % 2 else count + number:06d}"
    incoming = work / "incoming.jsonl"
    make_archive.write_jsonl(docs, incoming)
    save = [PY, str(Path(__file__)), "save-one", "--db", "{db}", "--id", "C000002"]
    return [
        Operation(
            "regrade",
            [PY, "-m", "creditfile", "--db", "{db}", "regrade", "--as-of", NEW_AS_OF],
            gradings,
        ),
        Operation(
            "import", [PY, "-m", "creditfile", "--db", "{db}", "import", str(incoming)], documents
        ),
        Operation("save", save, documents),
    ]


def crash_cycles(
    work: Path, base: Path, op: Operation, cycles: int, rng: random.Random
) -> list[Cycle]:
    """Kill ``op`` with SIGKILL at random moments; after each, open the archive and compare.

    The before and after states come from an uninterrupted run on a copy. Every other kill
    comes at a random moment of the whole run; the others come soon after the process starts
    writing (a file beside the archive changes), where a non-atomic write would break.
    """
    db = work / f"crash-{op.name}.json"
    copy_archive(base, db)
    before = op.state(db)
    argv = [a.replace("{db}", str(db)) for a in op.argv]
    started = time.perf_counter()
    done = subprocess.run(
        argv, cwd=ROOT, env=child_env(), capture_output=True, text=True, check=False
    )
    duration = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{op.name} failed before any kill:\n{done.stderr[-2000:]}")
    after = op.state(db)
    if after == before:
        raise RuntimeError(f"{op.name} changed nothing; the scenario cannot tell old from new")
    results = []
    for number in range(cycles):
        copy_archive(base, db)
        spawned = time.perf_counter()
        child = subprocess.Popen(
            argv, cwd=ROOT, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if number % 2:  # every other kill lands while the process is writing
            soon = rng.choice((0.02, 0.1 * duration))  # right away, or later in the write
            delay = _when_writing(db, child, spawned) + rng.uniform(0, soon)
        else:
            delay = duration * rng.uniform(0.1, 1.05)
        time.sleep(max(0.0, delay - (time.perf_counter() - spawned)))
        tree = descendants(child.pid)
        finished = child.poll() is not None
        if not finished:
            child.send_signal(signal.SIGKILL)
        child.wait()
        moment = "writing" if number % 2 else "random"
        outcome = _judge(db, op, before, after)
        survivors = reap(tree)
        if survivors:
            outcome += (
                f" ({len(survivors)} child processes of the killed {op.name} were still "
                "running afterwards)"
            )
        results.append(Cycle(op.name, delay, outcome, finished, moment))
    return results


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, grandchildren…) right now."""
    found, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                kids = [int(k) for k in (task / "children").read_text().split()]
                found += kids
                todo += kids
    return found


def reap(pids: Sequence[int], grace: float = 1.0) -> list[int]:
    """The processes of ``pids`` still alive after ``grace`` seconds; those are then killed
    (SIGKILL), so that a scenario never leaves processes behind."""
    deadline = time.monotonic() + grace
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _alive(p)]
        time.sleep(0.02)
    alive = [p for p in alive if _alive(p)]
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return alive


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def kill_while_grading(db: Path, *, patience: float = 10.0) -> tuple[str | None, int]:
    """Kill a regrade (SIGKILL) while its forked grading workers run, then save in a new process.

    Returns:
        What went wrong with the save (None if it succeeded within ``patience`` seconds), and
        how many of the regrade's child processes outlived it.
    """
    argv = [PY, "-m", "creditfile", "--db", str(db), "regrade", "--as-of", NEW_AS_OF]
    child = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 600
    while not descendants(child.pid) and child.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.005)
    if child.poll() is not None:
        raise RuntimeError(
            "the regrade finished without forking grading workers; the archive "
            "is too small for parallel grading"
        )
    time.sleep(0.2)
    tree = descendants(child.pid)
    child.send_signal(signal.SIGKILL)
    child.wait()
    try:
        done = subprocess.run(
            [
                PY,
                str(Path(__file__)),
                "save-one",
                "--db",
                str(db),
                "--id",
                "C000004",
                "--lock-timeout",
                str(patience),
            ],
            cwd=ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=patience + 30,
            check=False,
        )
        problem = None if done.returncode == 0 else done.stderr.strip().splitlines()[-1]
    finally:
        survivors = reap(tree)
    return problem, len(survivors)


def _siblings(db: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for item in db.parent.iterdir():
        if item.name.startswith((db.name, f".{db.name}")) and not item.name.endswith(".lock"):
            with contextlib.suppress(OSError):
                info = item.stat()
                found[item.name] = (info.st_size, info.st_mtime_ns)
    return found


def _when_writing(db: Path, child: subprocess.Popen[Any], spawned: float) -> float:
    """Seconds from ``spawned`` until the child first changes a file beside the archive (the
    history sidecar or a temporary file): the start of its write."""
    quiet = _siblings(db)
    while child.poll() is None and _siblings(db) == quiet:
        time.sleep(0.001)
    return time.perf_counter() - spawned


def _judge(db: Path, op: Operation, before: Any, after: Any) -> str:
    try:
        state = op.state(db)
    except Exception as exc:  # the finding itself: the archive no longer opens
        return f"archive does not open: {type(exc).__name__}: {exc}"
    if state == before:
        return "old"
    if state == after:
        return "new"
    changed = sum(1 for k in set(state) | set(after) if state.get(k) != after.get(k))
    return f"mixed state: {changed} customers differ from the completed {op.name}"


def save_one(db: Path, cid: str, lock_timeout: float = 30.0) -> None:
    """Change one customer's text and save it (the ``save-one`` worker)."""
    from creditfile.store import Archive, customer_document

    archive = Archive.open(db, lock_timeout=lock_timeout)
    record = archive.records()[cid]
    doc = customer_document(record)
    doc["trading"] = {**(doc.get("trading") or {}), "problems": "中断测试修改"}
    archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="faults")


def _worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["save-one"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--id", default="C000001")
    parser.add_argument("--lock-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    save_one(args.db, args.id, args.lock_timeout)
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
