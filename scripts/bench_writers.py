"""Fault scenarios with several users: concurrent writers, a killed lock holder, failing writes.

Run small in the default test run (``tests/faults/``) and large by ``bench_faults.py``. Run as
a script, this module is the worker the scenarios start:
``bench_writers.py save-loop|hold-lock --db FILE …``.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faults import NEW_AS_OF, PY, ROOT, child_env

FAULTS = str(Path(__file__).resolve().parent / "faults.py")


def hold_lock(db: Path) -> None:
    """Start a regrade whose grading never ends, so the lock stays held (the ``hold-lock``
    worker); prints ``locked`` once inside."""
    from creditfile.store import Archive

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
        [PY, FAULTS, "save-one", "--db", str(db), "--id", "C000003"],
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
    from creditfile.store import Archive, StaleRevisionError, customer_document

    archive = Archive.open(db)
    rng = random.Random(seed)
    accepted, refused = [], []
    for number in range(edits):
        cid = rng.choice(list(ids))
        record = archive.records()[cid]
        doc = customer_document(record)
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
    from creditfile.store import Archive

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
from creditfile.cli.program import main
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
    parser.add_argument("mode", choices=["hold-lock", "save-loop"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--ids", default="")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--tag", default="w")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.mode == "hold-lock":
        hold_lock(args.db)
    else:
        print(json.dumps(save_loop(args.db, args.ids.split(","), args.edits, args.tag, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
