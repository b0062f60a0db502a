"""Fault scenarios: kill -9 mid-write, a killed lock holder, concurrent writers, a failing disk.

The scenario functions run small in the default test run (``tests/faults/``) and large in
``scripts/bench_faults.py`` (run by ``./run-bench``). Each drives real processes against a real
archive file and checks what a user would find afterwards. Run as a script, this module is the
worker those processes run: ``faults.py save-one|save-loop|hold-lock --db FILE …``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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
    from store import Archive

    return {
        cid: {k: v for k, v in rec.items() if not k.startswith("_")}
        for cid, rec in Archive.open(db).records().items()
    }


def gradings(db: Path) -> dict[str, Any]:
    """Every customer's stored grading."""
    from store import Archive

    return {cid: rec.get("_grading") for cid, rec in Archive.open(db).records().items()}


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
    from store import Archive

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
        finished = child.poll() is not None
        if not finished:
            child.send_signal(signal.SIGKILL)
        child.wait()
        moment = "writing" if number % 2 else "random"
        results.append(Cycle(op.name, delay, _judge(db, op, before, after), finished, moment))
    return results


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


def save_one(db: Path, cid: str) -> None:
    """Change one customer's text and save it (the ``save-one`` worker)."""
    from store import Archive

    archive = Archive.open(db)
    record = archive.records()[cid]
    doc = {k: v for k, v in record.items() if not k.startswith("_")}
    doc["trading"] = {**(doc.get("trading") or {}), "problems": "中断测试修改"}
    archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="faults")


def hold_lock(db: Path) -> None:
    """Start a regrade whose grading never ends, so the lock stays held (the ``hold-lock``
    worker); prints ``locked`` once inside."""
    from store import Archive

    def grade(docs: Sequence[Any]) -> dict[str, Any]:
        print("locked", flush=True)
        time.sleep(600)
        return {}

    Archive.open(db).regrade(grade, run={"as_of": NEW_AS_OF}, actor="faults")


def killed_lock_holder(db: Path, *, patience: float = 10.0) -> float:
    """Kill a process while it holds the archive's lock; return how long the next save took.

    Raises:
        RuntimeError: the holder never got the lock, or the next save failed.
    """
    holder = subprocess.Popen(
        [PY, str(Path(__file__)), "hold-lock", "--db", str(db)],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    line = holder.stdout.readline()
    if line.strip() != "locked":
        holder.kill()
        raise RuntimeError(
            f"lock holder did not start: {holder.stderr.read() if holder.stderr else ''}"
        )
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    started = time.perf_counter()
    done = subprocess.run(
        [PY, str(Path(__file__)), "save-one", "--db", str(db), "--id", "C000003"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=patience,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the save after the killed lock holder failed:\n{done.stderr}")
    return time.perf_counter() - started


def save_loop(db: Path, ids: Sequence[str], edits: int, tag: str, seed: int) -> dict[str, Any]:
    """Make ``edits`` saves to random customers of ``ids`` (the ``save-loop`` worker).

    Each save reads the current record, changes its text to a unique marker and saves with the
    revision it read. Returns what was accepted (with the new revision) and what was refused.
    """
    from store import Archive, StaleRevisionError

    archive = Archive.open(db)
    rng = random.Random(seed)
    accepted, refused = [], []
    for number in range(edits):
        cid = rng.choice(list(ids))
        record = archive.records()[cid]
        doc = {k: v for k, v in record.items() if not k.startswith("_")}
        marker = f"{tag}-{number}"
        doc["trading"] = {**(doc.get("trading") or {}), "problems": marker}
        base = record["_meta"]["rev"]
        time.sleep(rng.uniform(0, 0.02))  # a moment of editing, so that writers collide
        try:
            saved = archive.save_customer(doc, base_rev=base, actor=tag)
        except StaleRevisionError:
            refused.append({"id": cid, "marker": marker, "base": base})
            continue
        accepted.append({"id": cid, "marker": marker, "base": base, "rev": saved["_meta"]["rev"]})
    return {"accepted": accepted, "refused": refused}


@dataclass
class WritersOutcome:
    """What several concurrent writers achieved, and what went wrong."""

    accepted: int
    refused: int
    problems: list[str]


def concurrent_writers(
    db: Path, *, processes: int, edits: int, ids: Sequence[str]
) -> WritersOutcome:
    """Several processes saving edits to overlapping customers at once; check none was lost.

    Every accepted edit must own exactly one revision step of its customer; the final document
    must carry the marker of the edit with the highest revision; every refusal must have been a
    ``StaleRevisionError`` (a worker that died of anything else is a problem).
    """
    start_revs = {cid: rec["_meta"]["rev"] for cid, rec in _records(db).items() if cid in ids}
    workers = [
        subprocess.Popen(
            [
                PY,
                str(Path(__file__)),
                "save-loop",
                "--db",
                str(db),
                "--ids",
                ",".join(ids),
                "--edits",
                str(edits),
                "--tag",
                f"w{n}",
                "--seed",
                str(n),
            ],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    reports, problems = [], []
    for worker in workers:
        out, err = worker.communicate(timeout=1800)
        if worker.returncode != 0:
            problems.append(f"worker exited {worker.returncode}: {err.strip()[-1500:]}")
        else:
            reports.append(json.loads(out))
    accepted = [a for r in reports for a in r["accepted"]]
    refused = [a for r in reports for a in r["refused"]]
    problems += _lost_updates(db, start_revs, accepted, refused)
    return WritersOutcome(len(accepted), len(refused), problems)


def _records(db: Path) -> dict[str, dict[str, Any]]:
    from store import Archive

    return dict(Archive.open(db).records())


def _lost_updates(
    db: Path,
    start_revs: dict[str, int],
    accepted: list[dict[str, Any]],
    refused: list[dict[str, Any]],
) -> list[str]:
    final = _records(db)
    problems = []
    for cid, start in start_revs.items():
        mine = sorted((a for a in accepted if a["id"] == cid), key=lambda a: a["rev"])
        expected_base = start
        for edit in mine:  # each accepted edit must build on the one accepted before it
            if edit["base"] != expected_base:
                problems.append(
                    f"{cid}: edit {edit['marker']} was accepted on revision "
                    f"{edit['base']}, but revision {expected_base} was current: "
                    "a lost update"
                )
            expected_base = edit["rev"]
        winners = {a["base"] for a in mine}
        for refusal in (r for r in refused if r["id"] == cid):
            if refusal["base"] not in winners:
                problems.append(
                    f"{cid}: edit {refusal['marker']} was refused on revision "
                    f"{refusal['base']}, which no accepted edit replaced"
                )
        end = final[cid]["_meta"]["rev"]
        marker = (final[cid].get("trading") or {}).get("problems")
        if mine and marker != mine[-1]["marker"]:
            problems.append(
                f"{cid}: holds {marker!r}, but the last accepted edit was "
                f"{mine[-1]['marker']!r} (revision {mine[-1]['rev']})"
            )
        if end != expected_base:
            problems.append(f"{cid}: revision {end} after the edits, expected {expected_base}")
    return problems


FAILING_WRITE = """
import errno, os, resource, signal, sys
how, limit = sys.argv[1], int(sys.argv[2])
def refuse(*args, **kwargs):
    raise OSError(errno.ENOSPC if how == "fsync" else errno.EIO, os.strerror(
        errno.ENOSPC if how == "fsync" else errno.EIO))
if how == "fsync":
    os.fsync = refuse
elif how == "replace":
    os.replace = os.rename = refuse
elif how == "fsize":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from creditfile.cli import main
sys.exit(main(sys.argv[3:]))
"""


def failing_write(db: Path, how: str, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run a command whose writes fail: ``fsync`` (ENOSPC), ``replace`` (EIO) or ``fsize``
    (a file-size limit of half the archive: the disk fills up mid-write)."""
    limit = max(1, db.stat().st_size // 2)
    return subprocess.run(
        [PY, "-c", FAILING_WRITE, how, str(limit), "--db", str(db), *argv],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _worker(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["save-one", "hold-lock", "save-loop"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--id", default="C000001")
    parser.add_argument("--ids", default="")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--tag", default="w")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.mode == "save-one":
        save_one(args.db, args.id)
    elif args.mode == "hold-lock":
        hold_lock(args.db)
    else:
        report = save_loop(args.db, args.ids.split(","), args.edits, args.tag, args.seed)
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
