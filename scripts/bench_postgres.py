"""The PostgreSQL archive measured beside the file archive, at 100,000 customers by default.

Not part of the test run or of ``./run-bench`` (it takes minutes and a PostgreSQL server):

    .venv/bin/python scripts/bench_postgres.py [--customers N] [--db postgresql://…]

Without ``--db`` it starts a throwaway server of its own, as the tests do (tests/pgcluster.py;
as root the server runs as ``nobody``). The same generated customers go into a new archive file
and into the database; then, on each: the import, a whole-archive regrade (as ``creditfile
regrade`` runs it), one save of a customer (median of several, graded in the same write, as
the card saves), and the UI's first read of every record (what the list waits for before its
rows). The results replace the PostgreSQL section of ``docs/benchmarks.md`` (kept there when
``./run-bench`` rewrites the rest).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_report import POSTGRES_END, POSTGRES_START  # noqa: E402

AS_OF = date(2026, 11, 29)
SAVES = 7


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _server_cpu(postmaster: int | None) -> float:
    """CPU seconds the PostgreSQL server has used: the postmaster, the backends it has reaped,
    and those running (0 without a server of our own)."""
    if postmaster is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(entry.name) == postmaster:
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


class Meter:
    """Wall and CPU seconds of each step (CPU: this process, its children and the server)."""

    def __init__(self, label: str, postmaster: int | None) -> None:
        self.label, self.postmaster = label, postmaster
        self.cpu: dict[str, float] = {}

    def _cpu(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        client = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
        return client + _server_cpu(self.postmaster)

    def timed(self, name: str, action: Callable[[], Any]) -> tuple[float, Any]:
        """Run ``action``; its wall seconds and result (its CPU seconds kept under ``name``)."""
        cpu = self._cpu()
        wall, result = _timed(action)
        self.cpu[name] = self._cpu() - cpu
        print(f"{self.label} {name}: {wall:.3f} s wall, {self.cpu[name]:.3f} s CPU", flush=True)
        return wall, result


KEYSTROKES = ("x", "xi", "xia", "xian", "xiang", "xiangy", "xiangya", "xiangyan", "xiangyang")
"""A search typed key by key in pinyin (襄阳, a city many generated names start with)."""
PAGE = 40
"""Rows the list shows at 120×40: what a first page must hold."""


def measure(
    location: str, docs: list[dict[str, Any]], postmaster: int | None = None
) -> dict[str, float]:
    """Seconds for the import, a regrade, one save, the UI's first rows and whole read, and a
    search keystroke (the slowest of a name typed in pinyin) at ``location``; and the CPU
    seconds of each (``"<measure> cpu"``)."""
    from creditfile.application.customer_index import SearchIndex, row_of
    from creditfile.application.customers import save_customer
    from creditfile.application.opening import open_archive
    from creditfile.application.regrade import regrade
    from creditfile.policy import default_policy_path, load_policy
    from creditfile.store import customer_document
    from creditfile.tui.service import ArchiveService

    meter = Meter("postgresql" if "://" in location else "file", postmaster)
    policy = load_policy(default_policy_path())
    store = open_archive(location, create=True)
    imported, _ = meter.timed("import", lambda: store.import_customers(docs, actor="bench"))
    graded, _ = meter.timed(
        "regrade", lambda: regrade(open_archive(location), policy, AS_OF, "bench")
    )
    saver = open_archive(location)
    cid = str(docs[len(docs) // 2]["id"])
    saves, save_cpu = [], []
    for n in range(SAVES):
        record = saver.get(cid)
        assert record is not None
        doc = customer_document(record)
        doc["trading"] = {**(doc.get("trading") or {}), "problems": f"bench {n}"}
        seconds, _ = meter.timed(
            "save",
            lambda doc=doc, rev=record["_meta"]["rev"]: save_customer(
                saver, doc, base_rev=rev, actor="bench", policy=policy, as_of=AS_OF
            ),
        )
        saves.append(seconds)
        save_cpu.append(meter.cpu["save"])
    service = ArchiveService(location, None, as_of=AS_OF, actor="bench")
    first: list[float] = []
    started = time.perf_counter()

    def on_batch(_batch: object) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    whole, _ = meter.timed("whole read", lambda: service.load(on_batch))
    print(f"{meter.label} first rows: {first[0] if first else whole:.3f} s wall", flush=True)
    natures = policy.personal_natures
    rows = [row_of(r, personal_natures=natures) for r in service.records().values()]
    index = SearchIndex(rows, [g.name for g in policy.all_grades], searchable=False)
    keys, _ = meter.timed("search keys", index.build_search)
    typed = [_timed(lambda text=text: index.matching(text))[0] for text in KEYSTROKES]
    found = len(index.matching(KEYSTROKES[-1]) or [])
    fresh = SearchIndex(rows, [g.name for g in policy.all_grades], keys=None)
    cold, _ = _timed(lambda: fresh.matching("xiangyang jianzhu"))
    print(f"{meter.label} keystrokes: {', '.join(f'{t:.4f}' for t in typed)} s", flush=True)
    return {
        **{f"{name} cpu": seconds for name, seconds in meter.cpu.items()},
        "save cpu": statistics.median(save_cpu),
        "import": imported,
        "regrade": graded,
        "save": statistics.median(saves),
        "first rows": first[0] if first else whole,
        "whole read": whole,
        "search keys": keys,
        "keystroke": max(typed),
        "first keystroke": typed[0],
        "two words, unnarrowed": cold,
        "matches": float(found),
        **({"page query": _page_query(location)} if "://" in location else {}),
    }


def _page_query(url: str) -> float:
    """Seconds for the first page in the list's default order (by id) from the server."""
    import psycopg

    with psycopg.connect(url) as conn:
        seconds = [
            _timed(
                lambda: conn.execute(
                    "SELECT id, doc, meta, grading FROM customer_cards ORDER BY id LIMIT %s",
                    (PAGE,),
                ).fetchall()
            )[0]
            for _ in range(5)
        ]
    return statistics.median(seconds)


TARGETS = {
    "regrade": "no slower than the file",
    "save": "≤ 0.050 s",
    "first rows": "≤ 1 s",
    "keystroke": "≤ 0.100 s",
}


def report(count: int, results: dict[str, dict[str, float]], server: str) -> str:
    """The PostgreSQL section of docs/benchmarks.md, markers included."""
    rows = [
        "| measure | file, wall | PostgreSQL, wall | PostgreSQL ÷ file | file, CPU "
        "| PostgreSQL, CPU | target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for measure in (
        "import",
        "regrade",
        "save",
        "first rows",
        "whole read",
        "search keys",
        "keystroke",
        "first keystroke",
        "two words, unnarrowed",
    ):
        file_s, pg_s = results["file"][measure], results["postgresql"][measure]
        cpu = [results[store].get(f"{measure} cpu") for store in ("file", "postgresql")]
        shown = ["" if c is None else f"{c:.3f} s" for c in cpu]
        rows.append(
            f"| {measure} | {file_s:.3f} s | {pg_s:.3f} s | {pg_s / file_s:.2f} "
            f"| {shown[0]} | {shown[1]} | {TARGETS.get(measure, '')} |"
        )
    page = results["postgresql"].get("page query")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    matches = int(results["postgresql"]["matches"])
    return "\n".join(
        [
            POSTGRES_START,
            "## PostgreSQL beside the file",
            "",
            f"Written by `scripts/bench_postgres.py --customers {count}` on "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} (not by `./run-bench`; "
            "rerun it by hand). The same generated customers in a new archive file and in a "
            f"new database ({server}); one run each, seconds of wall time and of CPU (the "
            "benchmark process, its workers and, for PostgreSQL, the server's processes):",
            "",
            *rows,
            "",
            "- import: every customer written (no grading); regrade: the whole archive graded "
            "and written, as `creditfile regrade` runs it (the file: forked workers line by "
            "line; the database: one process, one transaction, COPY); save: one customer "
            f"changed and graded in the same write, median of {SAVES}.",
            "- first rows: from opening the archive until the list has its first rows to show "
            "(the file hands the list its records batch by batch as it parses them); whole "
            "read: every record read, as the UI does before its list is whole.",
            "- search keys: every row's search text and pinyin computed, once per archive, in "
            "the program; keystroke: the slowest key of "
            f"`{KEYSTROKES[-1]}` typed one key at a time ({matches:,} customers match), each "
            "narrowing the last key's matches; first keystroke: its first key, a scan of every "
            "row; two words, unnarrowed: a two-word query on an index that has searched "
            "nothing yet.",
            *(
                [
                    f"- page query: the first {PAGE} rows in the list's default order (`SELECT … "
                    f"FROM customer_cards ORDER BY id LIMIT {PAGE}`), median of 5: "
                    f"{page:.3f} s."
                ]
                if page is not None
                else []
            ),
            f"- peak RSS of the whole benchmark process: {peak:,.0f} MB.",
            POSTGRES_END,
        ]
    )


def main() -> int:
    """Measure both stores and write the section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--db", help="an empty database to use (default: a throwaway server)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    from creditfile.demodata.customers import generate_customers

    docs = generate_customers(args.customers, 20261129, AS_OF)
    from creditfile.application.customer_index import PinyinKeys

    PinyinKeys().keys("襄阳")  # pypinyin's own loading, paid once, out of both stores' figures
    cluster = None
    url = args.db
    if url is None:
        from pgcluster import start_cluster

        cluster = start_cluster()
        url = cluster.url()
    try:
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            results["file"] = measure(str(Path(folder) / "archive.json"), docs)
        postmaster = cluster.process.pid if cluster and cluster.process else None
        results["postgresql"] = measure(url, docs, postmaster)
        server = "a throwaway PostgreSQL server, fsync off" if cluster else "the server given"
    finally:
        if cluster is not None:
            cluster.stop()
    section = report(args.customers, results, server)
    print(section)
    text = args.out.read_text("utf-8") if args.out.exists() else "# Benchmarks\n"
    start, end = text.find(POSTGRES_START), text.find(POSTGRES_END)
    if 0 <= start < end:
        text = text[:start] + section + text[end + len(POSTGRES_END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    args.out.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
