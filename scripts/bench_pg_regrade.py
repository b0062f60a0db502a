"""A PostgreSQL regrade beside the file's, at scale: wall, CPU and peak memory of each.

    .venv/bin/python scripts/bench_pg_regrade.py [--customers 100000[,300000…]] [--million]
    ./run-bench --pg-regrade [--pg-million]      (the same, after or instead of the rest)

The same generated customers (``demodata``, seed 20261129) go into a new archive file and into
a new database on a throwaway PostgreSQL server of the script's own (tests/pgcluster.py; fsync
off), batch by batch, so that a million of them are never held at once. Each archive is then
regraded twice by ``creditfile regrade`` in a child process, as an operator runs it: first with
every customer ungraded (every grade new, one history event each), then again (no change).
Measured per regrade: wall seconds from spawn to exit; CPU seconds of the child and its workers
(``os.wait4``) plus, for PostgreSQL, the server's processes; the child's peak RSS. With
``--million`` a database of 1,000,000 customers is regraded too (PostgreSQL only: the file
archive at that size is not what a company runs). The results replace the regrade section of
``docs/benchmarks.md`` (kept there when ``./run-bench`` rewrites the rest).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_postgres import _server_cpu  # noqa: E402
from bench_report import PG_REGRADE_END, PG_REGRADE_START  # noqa: E402

AS_OF = date(2026, 11, 29)
SEED = 20261129
FILL = 20_000
"""Customers generated and written per transaction while the archives are filled."""
CREDITFILE = Path(sys.executable).with_name("creditfile")


@dataclass(frozen=True)
class Run:
    """One regrade: where, how many customers, which (first or again), and what it took."""

    store: str
    customers: int
    which: str
    wall: float
    cpu: float
    server_cpu: float
    peak_mb: float
    changes: int


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def fill(locations: list[str], count: int) -> None:
    """Write ``count`` generated customers into each archive, ``FILL`` per transaction."""
    from creditfile.application.opening import open_archive
    from creditfile.demodata.customers import customers_in_batches

    stores = [open_archive(location, create=True) for location in locations]
    gc.disable()  # the documents hold no cycles; collecting while they are built only rescans
    try:
        done = 0
        for batch in customers_in_batches(count, SEED, AS_OF, FILL):
            for store in stores:
                store.import_customers(batch, actor="bench")
            done += len(batch)
            if done % 100_000 == 0 or done == count:
                log(f"  {done:,} customers written")
    finally:
        gc.enable()
    for store in stores:
        close = getattr(store, "close", None)
        if close is not None:
            close()


_MEASURED = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""Runs a command and writes its CPU seconds (its workers' included) and peak RSS (KB) to a
file. Forked from this small process, not from the benchmark: a child's peak RSS starts at its
parent's when it is forked, and Linux keeps it across exec."""


def regrade(
    location: str, count: int, which: str, postmaster: int | None, as_of: date = AS_OF
) -> Run:
    """``creditfile --db LOCATION regrade --as-of AS_OF`` in a child process, measured."""
    import orjson

    command = [str(CREDITFILE), "--db", location, "--actor", "bench", "regrade", "--json"]
    server = _server_cpu(postmaster)
    with tempfile.TemporaryDirectory() as folder:
        usage = Path(folder) / "usage"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _MEASURED, str(usage), *command, "--as-of", str(as_of)],
            capture_output=True,
            check=False,
        )
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"regrade of {location} failed: {done.stderr.decode()}")
        cpu, peak = usage.read_text().split()
    server_cpu = _server_cpu(postmaster) - server
    run = Run(
        "postgresql" if "://" in location else "file",
        count,
        which,
        wall,
        float(cpu) + server_cpu,
        server_cpu,
        int(peak) / 1024,
        len(orjson.loads(done.stdout)["changes"]),
    )
    log(
        f"  {run.store} {which}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU "
        f"(server {run.server_cpu:.1f} s), peak RSS {run.peak_mb:,.0f} MB, "
        f"{run.changes:,} changes"
    )
    return run


def table(runs: list[Run]) -> list[str]:
    """The results as a Markdown table, and each PostgreSQL regrade against the file's."""
    rows = [
        "| customers | store | regrade | wall | CPU (server) | peak RSS | changes | "
        "PostgreSQL ÷ file, wall / CPU |",
        "|---:|---|---|---:|---:|---:|---:|---|",
    ]
    files = {(r.customers, r.which): r for r in runs if r.store == "file"}
    for r in runs:
        file = files.get((r.customers, r.which)) if r.store == "postgresql" else None
        ratio = f"{r.wall / file.wall:.2f} / {r.cpu / file.cpu:.2f}" if file else ""
        server = f" ({r.server_cpu:.1f} s)" if r.store == "postgresql" else ""
        rows.append(
            f"| {r.customers:,} | {r.store} | {r.which} | {r.wall:.1f} s | {r.cpu:.1f} s{server} "
            f"| {r.peak_mb:,.0f} MB | {r.changes:,} | {ratio} |"
        )
    return rows


def section(runs: list[Run], sizes: list[int], server: str, load: str) -> str:
    """The regrade section of docs/benchmarks.md, markers included."""
    pg = {(r.customers, r.which): r for r in runs if r.store == "postgresql"}
    scaled = []
    small, large = min(sizes), max(sizes)
    if large > small and (small, "first") in pg and (large, "first") in pg:
        for which in ("first", "again"):
            a, b = pg.get((small, which)), pg.get((large, which))
            if a and b:
                scaled.append(
                    f"- PostgreSQL at {large:,} against {small:,} customers ({which}): "
                    f"{b.wall / a.wall:.1f}× the wall time, {b.cpu / a.cpu:.1f}× the CPU "
                    f"(target: no more than 10×); peak RSS {a.peak_mb:,.0f} → "
                    f"{b.peak_mb:,.0f} MB (target: under 1 GB whatever the size)."
                )
    others = [str(size) for size in sizes if size != 1_000_000]
    command = f"scripts/bench_pg_regrade.py --customers {','.join(others)}" + (
        " --million" if large >= 1_000_000 else ""
    )
    return "\n".join(
        [
            PG_REGRADE_START,
            "## PostgreSQL regrade beside the file, streamed",
            "",
            f"Written by `{command}` (`./run-bench --pg-regrade` runs it) on "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, 2 cores, {server}; "
            f"load average at the end {load}. One run each. `creditfile --db … regrade` in a "
            "child process: first with every customer ungraded (every grade new, one history "
            "event each), then again (no grade changes). CPU: the child and its workers "
            "(`os.wait4`) plus, for PostgreSQL, the server's processes (in brackets); peak "
            "RSS: the child's `ru_maxrss` (its largest process).",
            "",
            *table(runs),
            "",
            *scaled,
            "- How: the PostgreSQL regrade reads the customers from a server-side cursor in "
            "batches of 2,000 (`store/pg_regrade.py`) as JSON text and hands each batch to "
            "forked workers (`application/batch.py` `pipelined`, two on 2 cores) that decode, "
            "grade and encode its gradings as `COPY` rows with their five list keys, while "
            "the process reads the next batch and stores the last (`COPY` into a temporary "
            "table, then one `UPDATE … FROM` of that batch), all in the one transaction that "
            "holds the archive's write lock. A first "
            "pass for the archive-wide tops runs only when no stored grading holds the tops "
            "of a last regrade; otherwise the batches are graded against those and the tops "
            "checked as they go (graded again if one moved). The process keeps each "
            "customer's grade, status and total (the run's counts) and writes each grade "
            "change to a temporary file and to the server as it is made, nothing else past "
            "its batch. The file archive reads and rewrites its whole file, grading in forked "
            "workers.",
            "- Server: started by the script with `shared_buffers` 1 GB, as a company's "
            "server would be sized (the test suite's servers use 32 MB), and fsync off, which "
            "spares the server its disk flushes (the file archive still fsyncs its file).",
            PG_REGRADE_END,
        ]
    )


def main() -> int:
    """Fill, regrade and measure; write the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--customers", default="100000", help="archive sizes, comma-separated (default 100000)"
    )
    parser.add_argument(
        "--million", action="store_true", help="also regrade 1,000,000 customers (PostgreSQL)"
    )
    parser.add_argument("--db", help="an empty database to use (default: a throwaway server)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    sizes = [int(size) for size in args.customers.split(",")]
    sizes += [1_000_000] if args.million and 1_000_000 not in sizes else []
    cluster = None
    runs: list[Run] = []
    try:
        if args.db is None:
            from pgcluster import start_cluster

            cluster = start_cluster({"shared_buffers": "1GB"})
        postmaster = cluster.process.pid if cluster and cluster.process else None
        with tempfile.TemporaryDirectory() as folder:
            for size in sizes:
                url = args.db
                if cluster is not None:
                    name = f"bench_{size}"
                    import psycopg

                    with psycopg.connect(cluster.url(), autocommit=True) as admin:
                        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                        admin.execute(f'CREATE DATABASE "{name}"')
                    url = cluster.url(name)
                assert url is not None
                file = str(Path(folder) / f"archive-{size}.json")
                with_file = size < 1_000_000
                log(f"{size:,} customers: filling the archive{'s' if with_file else ''}")
                fill(([file] if with_file else []) + [url], size)
                for which in ("first", "again"):
                    if with_file:
                        runs.append(regrade(file, size, which, None))
                    runs.append(regrade(url, size, which, postmaster))
                if with_file:
                    Path(file).unlink()
        server = "a throwaway PostgreSQL 15 server, fsync off" if cluster else "the server given"
    finally:
        if cluster is not None:
            cluster.stop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    text = section(runs, sizes, server, load)
    print(text)
    report = args.out.read_text("utf-8") if args.out.exists() else "# Benchmarks\n"
    start, end = report.find(PG_REGRADE_START), report.find(PG_REGRADE_END)
    if 0 <= start < end:
        report = report[:start] + text + report[end + len(PG_REGRADE_END) :]
    else:
        report = report.rstrip("\n") + "\n\n" + text + "\n"
    args.out.write_text(report, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
