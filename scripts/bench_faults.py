"""The long fault runs: 50+ kills at 20,000 customers, 4 writers x 200 edits, failing disks.

    python scripts/bench_faults.py [--quick] [--json] [--work DIR] [--fuzz-only]

Prints a summary (or, with ``--json``, ``{"scenarios": [{"name", "ok", "detail"}]}``) and exits
1 when any scenario found a fault. ``--quick`` runs each scenario small.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_writers
import faults


@dataclass(frozen=True)
class Plan:
    """How big each scenario is."""

    customers: int
    kills: dict[str, int]
    writers: int
    edits: int
    writer_customers: int
    fuzz_scale: int


FULL = Plan(20_000, {"regrade": 20, "import": 16, "save": 20}, 4, 200, 2_000, 5)
QUICK = Plan(3_000, {"regrade": 4, "import": 4, "save": 4}, 4, 25, 500, 0)


def log(text: str) -> None:
    """Progress on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def kills(work: Path, plan: Plan, rng: random.Random) -> list[dict[str, object]]:
    """kill -9 at random moments of each operation."""
    base = faults.build_archive(work / "base.json", plan.customers)
    results = []
    for op in faults.operations(work, base, plan.customers):
        log(f"kill -9 during {op.name}: {plan.kills[op.name]} times")
        cycles = faults.crash_cycles(work, base, op, plan.kills[op.name], rng)
        seen = Counter(c.outcome if c.ok else "BROKEN" for c in cycles)
        bad = [f"after {c.delay:.2f} s: {c.outcome}" for c in cycles if not c.ok]
        finished = sum(c.finished for c in cycles)
        writing = sum(c.moment == "writing" for c in cycles)
        detail = (
            f"{len(cycles)} kills at {plan.customers:,} customers ({writing} timed to land "
            "during the write): old state "
            f"{seen['old']}, new state {seen['new']} ({finished} had finished before the "
            f"kill), broken {seen['BROKEN']}" + (f" — {'; '.join(bad[:3])}" if bad else "")
        )
        results.append({"name": f"kill -9 during {op.name}", "ok": not bad, "detail": detail})
    return results


def lock(work: Path) -> dict[str, object]:
    """A lock held by a killed process must not block the next user."""
    db = work / "lock.json"
    faults.copy_archive(work / "base.json", db)
    try:
        waited = bench_writers.killed_lock_holder(db)
    except (RuntimeError, OSError) as exc:
        return {"name": "lock of a killed process", "ok": False, "detail": str(exc)[-600:]}
    return {
        "name": "lock of a killed process",
        "ok": True,
        "detail": f"the next save, a new process, finished {waited:.2f} s after the kill",
    }


def lock_of_workers(work: Path) -> dict[str, object]:
    """A regrade killed while its forked grading workers run must not leave the lock held."""
    name = "lock of a regrade killed while its workers grade"
    db = work / "grading.json"
    faults.copy_archive(work / "base.json", db)
    try:
        problem, survivors = faults.kill_while_grading(db, patience=10)
    except RuntimeError as exc:  # too few customers for parallel grading: nothing to check
        return {"name": name, "ok": True, "detail": f"not applicable: {exc}"}
    detail = f"{survivors} grading workers outlived the killed regrade; the next save " + (
        "succeeded" if problem is None else f"failed: {problem}"
    )
    return {"name": name, "ok": problem is None and survivors == 0, "detail": detail}


def writers(work: Path, plan: Plan) -> dict[str, object]:
    """Concurrent writers on overlapping customers."""
    db = faults.build_archive(work / "writers.json", plan.writer_customers, seed=9)
    ids = [f"C{n:06d}" for n in range(1, 7)]
    log(f"{plan.writers} writers x {plan.edits} edits on {len(ids)} shared customers")
    started = time.perf_counter()
    outcome = bench_writers.concurrent_writers(
        db, processes=plan.writers, edits=plan.edits, ids=ids
    )
    took = time.perf_counter() - started
    detail = (
        f"{plan.writers} processes x {plan.edits} edits to {len(ids)} shared customers "
        f"of {plan.writer_customers:,} in {took:.0f} s: {outcome.accepted} accepted, "
        f"{outcome.refused} refused as stale"
    )
    if outcome.problems:
        detail += " — " + "; ".join(outcome.problems[:4])
    return {"name": "concurrent writers", "ok": not outcome.problems, "detail": detail}


def failing_writes(work: Path) -> list[dict[str, object]]:
    """Writes that fail: the old archive intact, the user told which file."""
    results = []
    for how in ("fsync", "replace", "fsize"):
        db = work / f"failing-{how}.json"
        faults.copy_archive(work / "base.json", db)
        before = db.read_bytes()
        done = bench_writers.failing_write(db, how, ["regrade", "--as-of", faults.NEW_AS_OF])
        problems = []
        if done.returncode != 1:
            problems.append(f"exit {done.returncode}, expected 1")
        if "Traceback" in done.stderr:
            problems.append("a traceback was shown")
        if str(db) not in done.stderr:
            problems.append("the message does not name the archive file")
        if db.read_bytes() != before:
            problems.append("the archive file changed")
        tail = done.stderr.strip().splitlines()[-1:] or ["(nothing on stderr)"]
        results.append(
            {
                "name": f"failing write ({how})",
                "ok": not problems,
                "detail": "; ".join(problems)
                + (" — " if problems else "")
                + f"said: {tail[0][:300]}",
            }
        )
    return results


FUZZ_FILES = ("test_hostile_policy.py", "test_hostile_import.py", "test_cli_fuzz.py")
# Examples per unit of scale, summed over the fuzzing tests of FUZZ_FILES.
FUZZ_CASES_PER_SCALE = 100 + 100 + 4 * 30 + 8 + 100


FUZZ_TIMEOUT = 1800  # seconds; a run cut short says so


def fuzz(scale: int) -> dict[str, object]:
    """The hypothesis fuzzing tests of tests/faults, ``scale`` times as many cases."""
    root = Path(__file__).resolve().parent.parent
    cases = (
        f"about {FUZZ_CASES_PER_SCALE * scale:,} generated policy files, imports and command lines"
    )
    missing = [name for name in ("pytest", "hypothesis") if importlib.util.find_spec(name) is None]
    if missing:
        return {
            "name": "hostile input fuzzing",
            "ok": False,
            "detail": f"not run: {' and '.join(missing)} missing from {sys.executable}; the "
            "fuzzing runs the tests of tests/faults: pip install -e '.[dev]'",
        }
    tests = [str(root / "tests" / "faults" / name) for name in FUZZ_FILES]
    env = {**faults.child_env(), "CREDITFILE_FUZZ_SCALE": str(scale)}
    log(f"fuzzing: {cases}")
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfE", *tests],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=FUZZ_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        detail = f"{cases}: stopped after {FUZZ_TIMEOUT} s, unfinished"
        return {"name": "hostile input fuzzing", "ok": False, "detail": detail}
    took = time.perf_counter() - started
    detail = f"{cases} in {took:.0f} s: {_last_line(done.stdout, done.stderr)}"
    if done.returncode != 0:
        failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        detail += " — " + ("; ".join(failed[:5]) or f"pytest exited {done.returncode}")
    return {"name": "hostile input fuzzing", "ok": done.returncode == 0, "detail": detail}


def _last_line(stdout: str, stderr: str) -> str:
    """pytest's summary line; where it printed none, the last words of its error output."""
    for text in (stdout, stderr):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            return lines[-1][:300]
    return "no output at all"


def main(argv: list[str] | None = None) -> int:
    """Run every scenario; report; exit 1 if any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--work", type=Path, help="work directory (default: a temporary one)")
    parser.add_argument(
        "--fuzz-only", action="store_true", help="only the hostile input fuzzing, as in a full run"
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.fuzz_only:
        return _report([fuzz(FULL.fuzz_scale)], as_json=args.json)
    rng = random.Random(20261129)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        work = Path(tmp)
        log(f"building an archive of {plan.customers:,} customers")
        scenarios = kills(work, plan, rng)
        scenarios.append(lock(work))
        scenarios.append(lock_of_workers(work))
        scenarios += failing_writes(work)
        scenarios.append(writers(work, plan))
    if plan.fuzz_scale:
        scenarios.append(fuzz(plan.fuzz_scale))
    return _report(scenarios, as_json=args.json)


def _report(scenarios: list[dict[str, object]], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"scenarios": scenarios}, ensure_ascii=False))
    else:
        for item in scenarios:
            print(f"{'ok  ' if item['ok'] else 'FAIL'} {item['name']}: {item['detail']}")
    return 0 if all(item["ok"] for item in scenarios) else 1


if __name__ == "__main__":
    sys.exit(main())
