"""One save and a search keystroke on a PostgreSQL archive of 100,000 customers, measured.

Not part of the test run or of ``./run-bench``. Each step is a command of its own, so that the
same database can be measured by two versions of creditfile (before and after a change):

    scripts/bench_pg_save.py serve                # a throwaway server; prints its URL, runs
                                                  # until killed
    scripts/bench_pg_save.py fill URL [--customers 100000] [--ungraded]
                                                  # generated customers imported (a batch
                                                  # at a time) and graded
    scripts/bench_pg_save.py regrade URL [--ungraded]
                                                  # `creditfile --db URL regrade` in a child
                                                  # process: wall, CPU (with the server's),
                                                  # peak RSS (scripts/bench_pg_regrade.py);
                                                  # --ungraded clears every grading first
    scripts/bench_pg_save.py measure URL [--saves 15]

``measure`` saves one customer whose change leaves the archive-wide tops (a note), graded in
the same write as the card saves it, ``--saves`` times (the median and slowest are printed),
then types ``xiangyang`` key by key into the list's search as the terminal UI does (on the
server when this creditfile searches there, else in the program over every row read), and
prints the load average of the machine beside the figures. CPU seconds count this process and,
for a server on this machine, its postmaster and backends (the clock ticks every 10 ms, so
they are given as averages over the steps): on a shared machine they say more than wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

AS_OF = date(2026, 11, 29)
TYPED = "xiangyang"


def _serve() -> int:
    from pgcluster import start_cluster

    cluster = start_cluster()
    print(cluster.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        cluster.stop()


def _fill(url: str, count: int, graded: bool) -> int:
    import psycopg

    from creditfile.application.opening import open_archive
    from creditfile.application.regrade import regrade
    from creditfile.demodata.customers import customers_in_batches
    from creditfile.policy import default_policy_path, load_policy

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    store = open_archive(url, create=True)
    started, done = time.perf_counter(), 0
    # A batch at a time, so that a million customers are never held at once.
    for batch in customers_in_batches(count, 20261129, AS_OF, 20_000):
        store.import_customers(batch, actor="bench")
        done += len(batch)
        print(f"  {done:,} imported, {time.perf_counter() - started:.0f} s", flush=True)
    print(f"import: {time.perf_counter() - started:.1f} s", flush=True)
    if graded:
        started = time.perf_counter()
        regrade(store, load_policy(default_policy_path()), AS_OF, "bench")
        print(f"regrade: {time.perf_counter() - started:.1f} s", flush=True)
    return 0


def _regrade(url: str, ungraded: bool) -> int:
    import psycopg

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_pg_regrade import regrade

    if ungraded:  # as after an import: every grade new on the next regrade
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE gradings SET grading = NULL")
            conn.execute("VACUUM ANALYZE gradings")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM customers").fetchone()
    count = int(row[0]) if row else 0
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    regrade(url, count, "first" if ungraded else "again", _server_pid(url))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return 0


_SERVER: list[int] = []
"""The postmaster of the server measured, when it runs on this machine (found by ``_measure``)."""


def _server_pid(url: str) -> int | None:
    """The postmaster serving ``url``, when it is a process of this machine."""
    import psycopg

    with psycopg.connect(url) as conn:
        backend = conn.info.backend_pid
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # another machine's server: its CPU is not counted
    return int(fields[1])


def _cpu() -> float:
    """CPU seconds of this process and of the server (its postmaster and backends)."""
    usage = os.times()
    total = usage.user + usage.system
    tick = os.sysconf("SC_CLK_TCK")
    for postmaster in _SERVER:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(entry.name) == postmaster or int(fields[1]) == postmaster:
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _saves(url: str, count: int, cid: str) -> tuple[list[float], list[float]]:
    from creditfile.application.customers import save_customer
    from creditfile.application.opening import open_archive
    from creditfile.policy import default_policy_path, load_policy
    from creditfile.store import customer_document

    policy = load_policy(default_policy_path())
    store = open_archive(url)
    wall, cpu = [], []
    for n in range(count):
        record = store.get(cid)
        assert record is not None
        doc = customer_document(record)
        doc["trading"] = {**(doc.get("trading") or {}), "problems": f"bench {n}"}
        started, used = time.perf_counter(), _cpu()
        save_customer(
            store, doc, base_rev=record["_meta"]["rev"], actor="bench", policy=policy, as_of=AS_OF
        )
        wall.append(time.perf_counter() - started)
        cpu.append(_cpu() - used)
    return wall, cpu


def _keystrokes(url: str) -> tuple[list[float], int, str]:
    from creditfile.application.customer_index import SearchIndex, row_of
    from creditfile.application.opening import open_archive
    from creditfile.policy import default_policy_path, load_policy

    policy = load_policy(default_policy_path())
    store = open_archive(url)
    rows = [row_of(r, personal_natures=policy.personal_natures) for r in store.records().values()]
    try:
        from creditfile.application.customer_list import server_search
    except ImportError:  # a creditfile that searches in the program only
        server, how = None, "in the program (keys built first, not counted)"
    else:
        server, how = server_search(store), "on the server"
    if server is None:
        index = SearchIndex(rows, searchable=True)
    else:
        index = SearchIndex(rows, searchable=False, server=server)
    typed = []
    used = _cpu()
    for end in range(1, len(TYPED) + 1):
        started = time.perf_counter()
        found = index.matching(TYPED[:end])
        typed.append(time.perf_counter() - started)
    cpu = (_cpu() - used) / len(TYPED)
    return typed, len(found or []), f"{how}, {cpu * 1000:.0f} ms CPU per key on average"


def _measure(url: str, saves: int, cid: str) -> int:
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    _SERVER[:] = [pid for pid in [_server_pid(url)] if pid is not None]
    wall, cpu = _saves(url, saves, cid)
    later = cpu[1:] or cpu
    print(
        f"save ({saves}): median {statistics.median(wall) * 1000:.1f} ms wall; "
        f"CPU (this process and the server) {sum(later) / len(later) * 1000:.1f} ms on average "
        f"after the first; first {wall[0] * 1000:.1f} ms wall, {cpu[0] * 1000:.0f} ms CPU; "
        f"slowest {max(wall) * 1000:.1f} ms",
        flush=True,
    )
    typed, found, how = _keystrokes(url)
    print(
        f"keystrokes of {TYPED!r} {how}: median {statistics.median(typed) * 1000:.1f} ms, "
        f"slowest {max(typed) * 1000:.1f} ms ({', '.join(f'{t * 1000:.0f}' for t in typed)} ms); "
        f"{found:,} customers match",
        flush=True,
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return 0


def main() -> int:
    """Run the step named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("serve")
    fill = steps.add_parser("fill")
    fill.add_argument("url")
    fill.add_argument("--customers", type=int, default=100_000)
    fill.add_argument(
        "--ungraded", action="store_true", help="leave the customers ungraded (no regrade)"
    )
    again = steps.add_parser("regrade")
    again.add_argument("url")
    again.add_argument("--ungraded", action="store_true", help="clear every grading first")
    measure = steps.add_parser("measure")
    measure.add_argument("url")
    measure.add_argument("--saves", type=int, default=15)
    measure.add_argument("--customer", default="C050000", help="the customer saved")
    args: Any = parser.parse_args()
    if args.step == "serve":
        return _serve()
    if args.step == "fill":
        return _fill(args.url, args.customers, not args.ungraded)
    if args.step == "regrade":
        return _regrade(args.url, args.ungraded)
    return _measure(args.url, args.saves, args.customer)


if __name__ == "__main__":
    raise SystemExit(main())
