"""Measure creditfile at 1,000 / 10,000 / 100,000 customers against its floors; write the report.

    python scripts/bench.py [--quick] [--sizes 1000,10000] [--repeats N] [--no-faults]
    python scripts/bench.py --pg-regrade [--pg-customers N] [--pg-million]
    python scripts/bench.py --pg-scale    (scripts/bench_pg_scale.py: 1,000,000 on PostgreSQL)

Each regrade is a whole ``creditfile --db F regrade --as-of 2026-11-29`` process, timed from
spawn to exit, interleaved with its floors (``scripts/bench_floor.py``) on the same file, so that
every ratio is taken in the same run under the same machine noise. Results go to
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extras import AS_OF, PY, SCRIPTS, bench_tui, log, profile_regrade, run_faults
from bench_proc import Measured, measure
from bench_report import ROOT, Row, write
from make_archive import GENERATOR_VERSION

CLI = [PY, "-m", "creditfile"]
REGRADE_TARGET, ORJSON_TARGET, MEMORY_TARGET, IMPORT_TARGET = 1.0, 1.5, 1.25, 2.0
SAVE_TARGETS = {10_000: 0.3, 100_000: 1.5}


def _stamp() -> str:
    """What a cached archive depends on: the generator and the store's code."""
    parts = [GENERATOR_VERSION]
    for source in sorted((ROOT / "store").glob("*.py")):
        stat = source.stat()
        parts.append(f"{source.name}:{stat.st_size}:{int(stat.st_mtime)}")
    return "|".join(parts)


def ensure_data(data: Path, size: int) -> Path:
    """The pristine (ungraded) archive and JSON Lines for ``size`` customers, built if needed."""
    base = data / f"c{size}"
    stamp = base.with_suffix(".stamp")
    if not (stamp.exists() and stamp.read_text() == _stamp()):
        log(f"generating {size:,} customers")
        measure(
            [PY, str(SCRIPTS / "make_archive.py"), "--customers", str(size), "--out", str(base)],
            cwd=ROOT,
            sample=False,
        ).check()
        stamp.write_text(_stamp())
    return base


def external_data(data: Path, source: Path) -> tuple[int, Path]:
    """An archive made from customer documents another program wrote (JSON Lines), imported
    with ``creditfile import``; its size and base path (``.json`` and ``.jsonl`` beside it)."""
    with source.open("rb") as lines:
        size = sum(1 for line in lines if line.strip())
    base = data / f"ext-{source.stem}-{size}"
    shutil.copyfile(source, base.with_suffix(".jsonl"))
    archive = base.with_suffix(".json")
    for old in [archive, *data.glob(archive.name + ".*")]:  # the archive and its sidecars
        old.unlink(missing_ok=True)
    log(f"importing {size:,} customers from {source}")
    measure(
        [*CLI, "--db", str(archive), "import", str(base.with_suffix(".jsonl"))],
        cwd=ROOT,
        sample=False,
        timeout=3600,
    ).check()
    return size, base


def fresh_copy(source: Path, target: Path) -> Path:
    """Copy an archive and its sidecars (history, backups) to ``target``."""
    for old in target.parent.glob(target.name + "*"):
        old.unlink()
    for item in source.parent.glob(source.name + "*"):
        if not item.name.endswith((".lock", ".stamp")):
            shutil.copy2(item, target.with_name(target.name + item.name[len(source.name) :]))
    return target


def regrade_argv(db: Path) -> list[str]:
    """The end-to-end regrade command."""
    return [*CLI, "--db", str(db), "regrade", "--as-of", AS_OF]


def bench_regrade(db: Path, size: int, repeats: int) -> tuple[list[Row], float]:
    """Regrade vs the json and orjson floors, interleaved; returns rows and the regrade median."""
    first = measure(regrade_argv(db), cwd=ROOT).check()
    log(f"  first regrade (ungraded → graded): {first.wall:.2f} s")
    runs: dict[str, list[Measured]] = {"regrade": [], "json": [], "orjson": []}
    commands = {
        "regrade": regrade_argv(db),
        "json": [PY, str(SCRIPTS / "bench_floor.py"), "json", str(db)],
        "orjson": [PY, str(SCRIPTS / "bench_floor.py"), "orjson", str(db)],
    }
    order = list(commands)
    for turn in range(repeats):
        for name in order[turn % 3 :] + order[: turn % 3]:  # rotate, so no one always goes first
            # Timed without the memory sampler: reading /proc/PID/smaps_rollup of gigabyte
            # processes ten times a second takes CPU from whatever is measured.
            runs[name].append(measure(commands[name], cwd=ROOT, sample=False).check())
        log(
            f"  round {turn + 1}/{repeats}: "
            + ", ".join(
                f"{n} {runs[n][-1].wall:.2f} s / {runs[n][-1].max_rss_mb:,.0f} MB" for n in runs
            )
        )
    # The whole tree's memory, sampled, in runs of their own (not timed).
    sampled = {n: measure(commands[n], cwd=ROOT).check() for n in ("regrade", "json")}
    log(
        "  memory of the whole process tree: "
        + ", ".join(f"{n} {m.tree_pss_mb or 0:,.0f} MB" for n, m in sampled.items())
    )
    db.with_name(db.name + ".floor").unlink(missing_ok=True)
    mb = db.stat().st_size / 1e6
    rows = _regrade_rows(size, runs, mb, first, sampled)
    return rows, rows[0].median


def _median(runs: list[Measured], attr: str) -> float:
    values = sorted(getattr(r, attr) or 0.0 for r in runs)
    return (
        values[len(values) // 2]
        if len(values) % 2
        else sum(values[len(values) // 2 - 1 : len(values) // 2 + 1]) / 2
    )


def _regrade_rows(
    size: int,
    runs: dict[str, list[Measured]],
    mb: float,
    first: Measured,
    sampled: dict[str, Measured],
) -> list[Row]:
    target = size >= 100_000
    walls = {n: [r.wall for r in rs] for n, rs in runs.items()}
    json_floor, orjson_floor = _median(runs["json"], "wall"), _median(runs["orjson"], "wall")
    rss_floor = _median(runs["json"], "max_rss_mb")
    pss = [sampled["regrade"].tree_pss_mb or 0.0]
    note = (
        f"archive {mb:,.0f} MB after grading; first regrade (ungraded → graded) {first.wall:.2f} s"
    )
    return [
        Row(
            size,
            "regrade, end to end",
            walls["regrade"],
            floor=json_floor,
            floor_name="json floor",
            limit=REGRADE_TARGET if target else None,
            note=note,
        ),
        Row(
            size,
            "regrade vs orjson floor",
            walls["regrade"],
            floor=orjson_floor,
            floor_name="orjson floor",
            limit=ORJSON_TARGET if target else None,
        ),
        Row(
            size,
            "regrade peak RSS",
            [r.max_rss_mb for r in runs["regrade"]],
            unit="MB",
            floor=rss_floor,
            floor_name="json floor",
            limit=MEMORY_TARGET if target else None,
            note="the largest single process (ru_maxrss); see the next row for all of them",
        ),
        Row(
            size,
            "regrade memory, whole process tree",
            pss,
            unit="MB",
            floor=sampled["json"].tree_pss_mb or 0.0,
            floor_name="json floor",
            limit=MEMORY_TARGET if target else None,
            note="peak of the summed PSS of the regrade and its grading workers, sampled every "
            "0.1 s (shared pages counted once), in one untimed run of each beside the timed "
            "ones",
        ),
        Row(
            size,
            "floor: json load+dumps+write+fsync",
            walls["json"],
            note=f"peak RSS {rss_floor:,.0f} MB = {rss_floor / mb:.1f}× the file",
        ),
        Row(
            size,
            "floor: orjson loads+dumps+write+fsync",
            walls["orjson"],
            note=f"peak RSS {_median(runs['orjson'], 'max_rss_mb'):,.0f} MB",
        ),
    ]


def bench_save(db: Path, size: int, saves: int, budget: float) -> list[Row]:
    """One customer saved through the store API, fresh and after many prior saves."""
    result = measure(
        [
            PY,
            str(SCRIPTS / "bench_save.py"),
            "--db",
            str(db),
            "--saves",
            str(saves),
            "--budget",
            str(budget),
        ],
        cwd=ROOT,
        sample=False,
    ).check()
    report = json.loads(result.stdout)
    times: list[float] = report["times"]
    limit = SAVE_TARGETS.get(size)
    window = min(20, max(1, len(times) // 4))
    rows = [
        Row(
            size,
            "one customer saved (store API)",
            times[:window],
            limit=limit,
            note=f"first {window} saves; archive {report['archive_bytes'] / 1e6:,.0f} MB",
        )
    ]
    done = len(times) - window
    rows.append(
        Row(
            size,
            f"one customer saved after {done:,} prior saves",
            times[-window:],
            limit=limit,
            note=f"history sidecar grew {report['history_growth']:,} bytes; "
            f"archive file {report['archive_growth']:+,} bytes over {len(times):,} saves",
        )
    )
    return rows


def bench_cli_save(db: Path, base: Path, size: int, repeats: int) -> Row:
    """One customer saved from the command line: ``creditfile import one.jsonl``."""
    one = db.with_name("one-customer.jsonl")
    with base.with_suffix(".jsonl").open("rb") as source:
        doc = json.loads(source.readline())
    walls = []
    for turn in range(repeats):
        doc["trading"]["problems"] = f"第{turn}次修改"
        one.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
        walls.append(
            measure([*CLI, "--db", str(db), "import", str(one)], cwd=ROOT, sample=False)
            .check()
            .wall
        )
    return Row(
        size,
        "one customer saved (CLI import, end to end)",
        walls,
        note="a whole process: start-up, reading and checking the archive, validating, the "
        "write; the save target is read as the save itself (the store API rows)",
    )


def bench_import(work: Path, base: Path, size: int, repeats: int, regrade: float) -> Row:
    """Import of the JSON Lines file into a new archive, vs the regrade median."""
    db = work / f"import-{size}.json"
    runs = []
    for _ in range(repeats):
        for old in work.glob(db.name + "*"):
            old.unlink()
        runs.append(
            measure(
                [*CLI, "--db", str(db), "import", str(base.with_suffix(".jsonl"))],
                cwd=ROOT,
                sample=False,
            ).check()
        )
    for old in work.glob(db.name + "*"):
        old.unlink()
    return Row(
        size,
        "import from JSON Lines (new archive)",
        [r.wall for r in runs],
        floor=regrade,
        floor_name="regrade",
        limit=IMPORT_TARGET if size >= 100_000 else None,
        note=f"peak RSS {_median(runs, 'max_rss_mb'):,.0f} MB",
    )


def main(argv: list[str] | None = None) -> int:
    """Generate the archives, run every measure, write ``docs/benchmarks.md``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 only, fewer runs")
    parser.add_argument("--sizes", help="comma-separated sizes (default 1000,10000,100000)")
    parser.add_argument("--repeats", type=int, help="runs per measure (default 5, 3 at 100k)")
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-faults", action="store_true", help="skip the long fault runs")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled regrade")
    parser.add_argument(
        "--customers-file",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.jsonl",
        help="measure on customer documents written by another program (JSON Lines, one "
        "customer a line) instead of the generated ones; repeat for several sizes",
    )
    parser.add_argument(
        "--pg-regrade",
        action="store_true",
        help="only the PostgreSQL regrade beside the file's (scripts/bench_pg_regrade.py; "
        "starts a throwaway PostgreSQL server)",
    )
    parser.add_argument(
        "--pg-customers", default="100000", help="with --pg-regrade: sizes, comma-separated"
    )
    parser.add_argument(
        "--pg-million",
        action="store_true",
        help="with --pg-regrade: also 1,000,000 customers in PostgreSQL (long)",
    )
    parser.add_argument(
        "--pg-scale",
        action="store_true",
        help="only a save, a search keystroke and the regrade at 1,000,000 customers in "
        "PostgreSQL, the regrade beside 100,000 (scripts/bench_pg_scale.py; about an hour)",
    )
    args = parser.parse_args(argv)
    if args.pg_scale:
        return subprocess.run([PY, str(SCRIPTS / "bench_pg_scale.py")], check=False).returncode
    if args.pg_regrade:
        extra = ["--million"] if args.pg_million else []
        command = [PY, str(SCRIPTS / "bench_pg_regrade.py"), "--customers", args.pg_customers]
        return subprocess.run([*command, *extra, "--out", str(args.out)], check=False).returncode
    default_sizes = "1000,10000" if args.quick else "1000,10000,100000"
    started = time.perf_counter()
    work = args.data / "work"
    work.mkdir(parents=True, exist_ok=True)
    bases: dict[int, Path] = {}
    for source in args.customers_file:
        size, base = external_data(args.data, source)
        bases[size] = base
    sizes = sorted(bases) or [int(s) for s in (args.sizes or default_sizes).split(",")]
    args.bases = bases
    rows: list[Row] = []
    profile: list[str] = []
    for size in sizes:
        repeats = args.repeats or (3 if args.quick or size >= 100_000 else 5)
        rows += bench_size(args, work, size, repeats)
        if size == max(sizes) and not args.no_profile:
            log("  profiling one regrade")
            profile = profile_regrade(work / f"c{size}.json", work)
    faults = [] if args.no_faults else run_faults(args.quick)
    elapsed = time.perf_counter() - started
    write(
        args.out,
        rows=rows,
        mode="quick" if args.quick else "full",
        elapsed=elapsed,
        notes=NOTES,
        profile=profile,
        faults=faults,
    )
    log(f"done in {elapsed / 60:.1f} min: {args.out}")
    return 0


def bench_size(args: argparse.Namespace, work: Path, size: int, repeats: int) -> list[Row]:
    """Every measure at one archive size."""
    base = args.bases.get(size) or ensure_data(args.data, size)
    db = fresh_copy(base.with_suffix(".json"), work / f"c{size}.json")
    log(f"{size:,} customers: regrade and floors, {repeats} rounds")
    rows, regrade = bench_regrade(db, size, repeats)
    log(f"  import of {size:,} from JSON Lines")
    rows.append(bench_import(work, base, size, max(2, repeats - 2), regrade))
    if size >= 10_000:
        saves = 220 if args.quick else 1020
        budget = 60.0 if args.quick else 180.0
        log(f"  saving one customer at a time (up to {saves} saves, {budget:.0f} s)")
        rows += bench_save(db, size, saves, budget)
        rows.append(bench_cli_save(db, base, size, max(2, repeats - 2)))
        log("  terminal UI")
        rows += bench_tui(db, size, 1 if args.quick else 3)
    for row in rows:
        log(
            f"  {row.measure}: median {row.median:.3f} {row.unit}"
            + (f", {row.ratio:.2f}× {row.floor_name}" if row.ratio else "")
        )
    return rows


NOTES = [
    f"- **regrade, end to end**: `creditfile --db FILE regrade --as-of {AS_OF}` as a child "
    "process, from spawn to exit: start-up, reading the archive, grading every customer, the "
    "atomic write and the history. The archive was graded once before the timed runs, as a "
    "nightly regrade finds it.",
    "- **json floor**: `scripts/bench_floor.py json`: `json.load` of the same archive file, "
    "`json.dumps(ensure_ascii=False)`, write to a temporary file, fsync, rename, fsync the "
    "directory, in its own process. **orjson floor**: the same with `orjson.loads`/`dumps`.",
    "- **peak RSS**: `ru_maxrss` of the child from `os.wait4` (largest single process of its "
    "tree). Because grading may fork workers, the summed PSS of the whole tree, sampled every "
    "0.1 s, is given beside it. Timed runs are not sampled (reading `/proc/PID/smaps_rollup` "
    "of gigabyte processes ten times a second takes CPU from what is measured); the sampled "
    "figures come from one extra, untimed run of the regrade and of the json floor.",
    "- **one customer saved (store API)**: `scripts/bench_save.py` opens the archive once, then "
    "changes one random customer and calls `Archive.save_customer` repeatedly, timing each "
    "call; the first saves and the last ones (after all the others) are compared, to show "
    "whether a save grows with the history.",
    "- **one customer saved (CLI)**: `creditfile import one.jsonl`, a whole process from spawn "
    "to exit. It has no target here: a new process must parse the whole archive before it "
    "replaces it, to be sure it replaces an undamaged file (changing one line in place would "
    "carry damage elsewhere in the file into the new copy and its backup). The targets are "
    "met by the save itself, from a running TUI or the store API, which hold the archive "
    "already read.",
    "- **regrade memory, whole process tree**: large archives are graded in forked worker "
    "processes; `ru_maxrss` sees only the largest one, so the summed PSS of the tree is held "
    "to the same 1.25× target.",
    "- **import**: `creditfile --db NEW import FILE.jsonl` into a new archive; its floor is "
    "the regrade median at the same size.",
    "- **TUI**: figures reported by `scripts/bench_tui.py` (first paint, search keystroke, sort). "
    "First rows are timed from before the application's modules are imported; they are shown "
    "while the rest of the archive is still being read.",
]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
