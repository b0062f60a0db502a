"""Time one-customer saves through the store API, as the terminal UI makes them.

    python scripts/bench_save.py --db ARCHIVE --saves 1020 [--budget SECONDS]

Opens the archive once and reads its records (as the UI has them on screen), then repeatedly
edits one random customer's text and calls ``Archive.save_customer`` with the revision it read,
timing each call alone. Stops after ``--saves`` saves or ``--budget`` seconds. Prints one JSON
object: every time, and how much the archive file and the history sidecar grew.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _sidecars(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + ".*") if "history" in p.name)


def document(record: dict[str, Any]) -> dict[str, Any]:
    """The customer document of a store record (without the store's own fields)."""
    from creditfile.store import customer_document

    return customer_document(record)


def main() -> int:
    """Run the saves and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--budget", type=float, default=120.0)
    args = parser.parse_args()
    from creditfile.store import Archive

    archive = Archive.open(args.db)
    records = archive.records()
    ids = sorted(records)
    rng = random.Random(5)
    size_before, history_before = args.db.stat().st_size, _sidecars(args.db)
    times: list[float] = []
    started = time.perf_counter()
    for number in range(args.saves):
        cid = rng.choice(ids)
        record = records[cid]
        doc = document(record)
        doc["trading"] = {**(doc.get("trading") or {}), "problems": f"第{number}次走访记录"}
        began = time.perf_counter()
        saved = archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="bench")
        times.append(time.perf_counter() - began)
        records[cid] = saved
        if time.perf_counter() - started > args.budget:
            break
    print(
        json.dumps(
            {
                "times": times,
                "archive_bytes": args.db.stat().st_size,
                "archive_growth": args.db.stat().st_size - size_before,
                "history_growth": _sidecars(args.db) - history_before,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
