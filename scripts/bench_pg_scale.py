"""A PostgreSQL archive at scale against the limits of issue 15: a save, a search keystroke and a
regrade at 1,000,000 customers, the regrade beside the same at 100,000.

    .venv/bin/python scripts/bench_pg_scale.py [--customers 1000000] [--against 100000]
        [--server URL] [--saves 25] [--no-list] [--no-regrade]

Not part of the test run or of ``./run-bench`` (``./run-bench --pg-scale`` runs it): at
1,000,000 customers it takes about an hour on 2 cores. Without ``--server`` it starts a
throwaway PostgreSQL server of its own (tests/pgcluster.py; fsync off; as root it runs as
``nobody``) and removes it at the end, data and all. With ``--server URL`` (a running server's
``postgresql://…/postgres``, e.g. one ``scripts/bench_pg_save.py serve`` started) it uses the
databases ``scale_N`` there, filling one only when it does not hold N customers yet, and leaves
them, so that a second run measures again without the fill.

For each size (``--against`` first, then ``--customers``):

1. fill: N generated customers (``demodata``, seed 20261129) written by the store's bulk import
   (``import_customers``, 20,000 to a transaction), ungraded; wall time given;
2. regrade, first (every grade new: gradings cleared beforehand when the database was reused),
   again (the same date: no grading changes, none is written) and the next day (every grading
   says its date, so each is written, as in a nightly regrade):
   ``creditfile --db URL regrade --json`` in a child process; wall, CPU
   (the child, its workers and the server's processes) and the child's peak RSS
   (``scripts/bench_pg_regrade.py``).

Then at ``--customers`` only:

3. save: one customer changed and saved through the application (``save_customer``: the
   revision check, the grading in the same write, the history), ``--saves`` times after one
   untimed save (the process's first loads pypinyin); median and 95th percentile;
4. the list: ``scripts/bench_pg_list.py URL`` in a process of its own (the terminal UI headless,
   ``xiangyang`` typed key by key, each key timed to its first page shown; sorts, End; peak RSS).

The load average is printed with every figure (the machine is shared), and the results as a
Markdown table against the limits: a save ≤ 50 ms, a keystroke ≤ 100 ms, a regrade ≤ 10× its
time at ``--against`` and its peak RSS under 1 GB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

AS_OF = date(2026, 11, 29)
SEED = 20261129
FILL = 20_000
SAVE_LIMIT_MS = 50.0
KEY_LIMIT_MS = 100.0
REGRADE_RATIO = 10.0
RSS_LIMIT_MB = 1024.0
REGRADES = (("first", AS_OF), ("again", AS_OF), ("next day", AS_OF + timedelta(days=1)))
"""The regrades timed at each size, in turn: every grade new; the same date again (no grading
changes, none written); the next day (every grading says its date: all written, as nightly)."""


def load() -> str:
    """The machine's load average (1, 5, 15 minutes)."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text} (load {load()})", flush=True)


@dataclass
class Figure:
    """One measured value against its limit (``limit`` None: for information)."""

    customers: int
    measure: str
    value: str
    limit: str = "—"
    passed: bool | None = None
    load: str = field(default_factory=load)


def _count(url: str) -> int | None:
    """The customers a database holds, None when it holds no archive."""
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM customers").fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row else 0


def _database(server: str, size: int) -> tuple[str, bool]:
    """The URL of ``scale_<size>`` on ``server``, created when missing; whether it is filled."""
    import psycopg

    base = server.rpartition("/")[0]
    name = f"scale_{size}"
    url = f"{base}/{name}"
    with psycopg.connect(server, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists is not None and _count(url) == size:
            return url, True
        if exists is not None:
            admin.execute(f'DROP DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url, False


def fill(url: str, size: int) -> float:
    """``size`` generated customers imported into a new archive at ``url``; the wall seconds."""
    import gc

    from creditfile.application.opening import open_archive
    from creditfile.demodata.customers import customers_in_batches

    store = open_archive(url, create=True)
    started, done = time.perf_counter(), 0
    gc.disable()  # the documents hold no cycles; collecting while they are built only rescans
    try:
        for batch in customers_in_batches(size, SEED, AS_OF, FILL):
            store.import_customers(batch, actor="bench")
            done += len(batch)
            if done % 100_000 == 0 or done == size:
                log(f"  {done:,} customers written, {time.perf_counter() - started:.0f} s")
    finally:
        gc.enable()
        close = getattr(store, "close", None)
        if close is not None:
            close()
    return time.perf_counter() - started


def ungrade(url: str) -> None:
    """Clear every grading, as after an import: the next regrade finds every grade new."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        # An import stores JSON null: a row rewritten for nothing costs a million row versions.
        conn.execute(
            "UPDATE gradings SET grading = NULL WHERE json_typeof(grading) IS DISTINCT FROM 'null'"
            " AND grading IS NOT NULL"
        )
        conn.execute("VACUUM ANALYZE gradings")


def saves(url: str, count: int, customer: str) -> tuple[list[float], list[float]]:
    """``count`` saves of ``customer`` after one untimed: wall and CPU seconds of each."""
    import bench_pg_save

    bench_pg_save._SERVER[:] = [p for p in [bench_pg_save._server_pid(url)] if p is not None]
    wall, cpu = bench_pg_save._saves(url, count + 1, customer)
    return wall[1:], cpu[1:]


_LAUNCH = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""Runs a command from a small process: a child's peak RSS starts at its parent's when it is
forked, and Linux keeps it across exec (this benchmark holds a regrade's whole output)."""


def listing(url: str) -> dict[str, str]:
    """``scripts/bench_pg_list.py URL`` in a process of its own: its ``key: value`` lines."""
    script = str(ROOT / "scripts" / "bench_pg_list.py")
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, sys.executable, script, url],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench_pg_list.py failed: {done.stderr}")
    result: dict[str, str] = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(": ")
        result[key] = value
    return result


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank)."""
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, max(0, round(share * len(ranked)) - 1))]


def measure(
    server: str, sizes: list[int], save_count: int, with_list: bool, with_regrade: bool
) -> list[Figure]:
    """Fill (when needed), regrade, save and list at each size; the figures."""
    from bench_pg_regrade import regrade

    figures: list[Figure] = []
    regrades: dict[tuple[int, str], Any] = {}
    postmaster = _postmaster(server)
    for size in sizes if with_regrade else []:
        url, filled = _database(server, size)
        if filled:
            log(f"{size:,} customers: reusing {url.rpartition('/')[2]}, gradings cleared")
            ungrade(url)
        else:
            log(f"{size:,} customers: filling")
            took = fill(url, size)
            figures.append(Figure(size, "fill (bulk import, ungraded)", f"{took:,.0f} s wall"))
        for which, as_of in REGRADES:
            log(f"{size:,} customers: regrade, {which}")
            run = regrade(url, size, which, postmaster, as_of)
            regrades[size, which] = run
            figures.append(
                Figure(
                    size,
                    f"regrade, {which} ({run.changes:,} changes)",
                    f"{run.wall:,.1f} s wall, {run.cpu:,.1f} s CPU "
                    f"(server {run.server_cpu:,.1f} s)",
                )
            )
            figures.append(
                Figure(
                    size,
                    f"regrade, {which}: peak RSS",
                    f"{run.peak_mb:,.0f} MB",
                    "< 1 GB",
                    run.peak_mb < RSS_LIMIT_MB,
                )
            )
    small, large = min(sizes), max(sizes)
    if small < large and with_regrade:
        for which, _ in REGRADES:
            a, b = regrades[small, which], regrades[large, which]
            for what, x, y in (("wall", a.wall, b.wall), ("CPU", a.cpu, b.cpu)):
                figures.append(
                    Figure(
                        large,
                        f"regrade, {which}: {what} against {small:,}",
                        f"{y / x:.1f}×",
                        f"≤ {REGRADE_RATIO:.0f}× (customers {large / small:.0f}×)",
                        y / x <= REGRADE_RATIO,
                    )
                )
    url = _database(server, large)[0]
    log(f"{large:,} customers: {save_count} saves")
    wall, cpu = saves(url, save_count, f"C{large // 2:06d}")
    for what, value in (
        ("median", statistics.median(wall)),
        ("95th percentile", percentile(wall, 0.95)),
    ):
        figures.append(
            Figure(
                large,
                f"one save ({what} of {save_count})",
                f"{value * 1000:.1f} ms wall",
                f"≤ {SAVE_LIMIT_MS:.0f} ms",
                value * 1000 <= SAVE_LIMIT_MS,
            )
        )
    figures.append(
        Figure(
            large,
            "one save, CPU (the program and the server)",
            f"{statistics.mean(cpu) * 1000:.1f} ms on average",
        )
    )
    if with_list:
        log(f"{large:,} customers: the list")
        found = listing(url)
        keys = [float(k) for k in found["keys_wall_ms"].strip("[]").split(",")]
        figures.append(
            Figure(
                large,
                f"first rows of the list ({found['first_rows']} rows)",
                f"{float(found['first_rows_s']):.2f} s",
            )
        )
        for what, value in (("median", statistics.median(keys)), ("slowest", max(keys))):
            figures.append(
                Figure(
                    large,
                    f"search keystroke, `xiangyang` key by key ({what})",
                    f"{value:.0f} ms wall",
                    f"≤ {KEY_LIMIT_MS:.0f} ms",
                    value <= KEY_LIMIT_MS,
                )
            )
        figures.append(
            Figure(
                large,
                "search keystroke, each key",
                f"{', '.join(f'{k:.0f}' for k in keys)} ms wall; "
                f"{float(found['keystroke_cpu_mean_ms']):.0f} ms CPU per key on average",
            )
        )
        figures.append(
            Figure(
                large,
                f"count of `xiangyang` ({int(found['typed_matches']):,}), after the page",
                f"{float(found['typed_count_s']):.2f} s",
            )
        )
        figures.append(
            Figure(large, "peak RSS of the list", f"{float(found['peak_rss_mb']):,.0f} MB")
        )
    return figures


def _postmaster(server: str) -> int | None:
    """The postmaster of ``server`` when it runs on this machine (its CPU is counted)."""
    import bench_pg_save

    return bench_pg_save._server_pid(server)


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    verdict = {None: "info", True: "**pass**", False: "**FAIL**"}
    lines = [
        "| customers | measure | measured | limit | result | load average |",
        "|---:|---|---|---|---|---|",
    ]
    lines += [
        f"| {f.customers:,} | {f.measure} | {f.value} | {f.limit} | {verdict[f.passed]} "
        f"| {f.load} |"
        for f in figures
    ]
    return "\n".join(lines)


def main() -> int:
    """Measure; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000, help="default 1000000")
    parser.add_argument(
        "--against", type=int, default=100_000, help="the regrade's comparison size (0: none)"
    )
    parser.add_argument(
        "--server", help="a running server's postgresql://…/postgres (default: a throwaway one)"
    )
    parser.add_argument("--saves", type=int, default=25, help="saves timed (default 25)")
    parser.add_argument("--no-list", action="store_true", help="skip the list's measures")
    parser.add_argument(
        "--no-regrade",
        action="store_true",
        help="only the save and the list, on a database --server holds already (graded)",
    )
    args = parser.parse_args()
    sizes = sorted({args.customers, *([args.against] if args.against else [])})
    cluster = None
    try:
        server = args.server
        if server is None:
            from pgcluster import start_cluster

            cluster = start_cluster()
            server = cluster.url()
        log(f"commit {_commit()}, sizes {', '.join(f'{s:,}' for s in sizes)}")
        figures = measure(server, sizes, args.saves, not args.no_list, not args.no_regrade)
    finally:
        if cluster is not None:
            cluster.stop()
    print(table(figures), flush=True)
    return 0 if all(f.passed is not False for f in figures) else 1


def _commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
