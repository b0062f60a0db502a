"""Store costs at 10,000 and 100,000 customers, each measured in a process of its own (slow)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from creditfile.store import Archive

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# Each prints {"seconds": …, "peak_mb": …}: the work timed, then the process's peak memory.
MEASURE = """
import json, os, resource, sys, time
from pathlib import Path
path = Path(sys.argv[2])
started = time.perf_counter()
if sys.argv[1] == "save":
    from creditfile.store import Archive
    archive = Archive.open(path)
    started = time.perf_counter()  # the archive is open: a TUI save from here
    for i in range(3):
        record = archive.get("C000007")
        doc = {k: v for k, v in record.items() if not k.startswith("_")}
        doc["name"] = f"改名{i}"
        archive.save_customer(doc, base_rev=record["_meta"]["rev"], actor="bench")
    seconds = (time.perf_counter() - started) / 3
elif sys.argv[1] == "regrade":
    import gc
    from creditfile.store import Archive
    archive = Archive.open(path)
    archive.regrade(lambda docs: {d["id"]: {"grade": "B", "total": 85.0} for d in docs},
                    run={"as_of": "2026-11-29"}, actor="bench")
    seconds = time.perf_counter() - started
elif sys.argv[1] in ("json", "orjson"):
    import gc
    if sys.argv[1] == "json":
        data = json.loads(path.read_text("utf-8"))
        payload = json.dumps(data).encode()
    else:
        import orjson
        gc.disable()
        data = orjson.loads(path.read_bytes())
        payload = orjson.dumps(data)
    temp = path.with_name(path.name + ".floor")
    with open(temp, "wb") as stream:
        stream.write(payload)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temp, path.with_name(path.name + ".floor-out"))
    seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def customer(number: int, rng: random.Random) -> dict[str, Any]:
    """A generated customer of about 1.6 KB, Chinese text, every section, 1–6 leases."""
    return {
        "id": f"C{number:06d}", "name": f"武汉宏达建设工程有限公司第{number}分公司",
        "nature": rng.choice(["developer", "central_soe", "ordinary_company", "individual"]),
        "contact": {"address": f"武汉市解放大道{number}号", "phone": "13800000000",
                    "person": "王敏", "email": None},
        "profile": {"founded_on": "2008-03-15", "trading_since": "2015-06-01",
                    "registered_capital": 50000000, "total_assets": None,
                    "person": {"age": 45, "personality": "谨慎", "hobbies": "钓鱼"}},
        "characteristics": {"development_potential": "较大", "business_philosophy": "稳健",
                            "management_style": "规范"},
        "business": {"construction_business": "房建、市政", "leasing_performance": "良好",
                     "cooperation_attitude": "积极"},
        "trading": {"lease_status": "在租", "problems": "", "strengths": "付款及时",
                    "countermeasures": "保持"},
        "leases": [{"contract": f"L{number}-{k}", "item": "ringlock_scaffolding",
                    "start": "2023-01-05", "end": "2023-09-30",
                    "amount": rng.randrange(10_000, 5_000_000) / 1.0, "status": "closed"}
                   for k in range(rng.randrange(1, 7))],
        "assessment": {"strength": 8, "potential": 12.5, "reputation": 17, "payment": 27,
                       "other": 8, "assessed_by": "王敏", "assessed_on": "2026-10-12"},
        "sources": [{"kind": "customer_form", "on": "2026-09-01", "by": "王敏",
                     "verified": False, "cost": None, "note": "注册资本待核实"}],
    }  # fmt: skip


def _measure(kind: str, path: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, kind, str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _archive(folder: Path, count: int) -> Path:
    rng = random.Random(count)
    path = folder / f"archive-{count}.json"
    Archive.open(path, create=True).import_customers(
        [customer(i, rng) for i in range(count)], actor="bench"
    )
    return path


def _median(kind: str, path: Path, runs: int = 3) -> dict[str, float]:
    results = sorted((_measure(kind, path) for _ in range(runs)), key=lambda r: r["seconds"])
    return results[len(results) // 2]


@pytest.mark.parametrize(("count", "target"), [(10_000, 0.3), (100_000, 1.5)])
def test_one_customer_saved(tmp_path: Path, count: int, target: float) -> None:
    path = _archive(tmp_path, count)
    result = _median("save", path)
    print(f"\none save at {count:,}: {result['seconds']:.3f} s (target {target} s)")
    assert result["seconds"] <= target


def test_regrade_read_and_write_against_the_json_floors(tmp_path: Path) -> None:
    path = _archive(tmp_path, 100_000)
    size = path.stat().st_size / 1e6
    store = _median("regrade", path)
    floor = _median("json", path)
    fast = _median("orjson", path)
    print(
        f"\n100,000 customers, {size:.0f} MB: store regrade {store['seconds']:.2f} s, "
        f"peak {store['peak_mb']:.0f} MB; json floor {floor['seconds']:.2f} s, "
        f"peak {floor['peak_mb']:.0f} MB; orjson floor {fast['seconds']:.2f} s, "
        f"peak {fast['peak_mb']:.0f} MB; ratio {store['seconds'] / floor['seconds']:.2f}× json, "
        f"{store['seconds'] / fast['seconds']:.2f}× orjson"
    )
    assert store["seconds"] <= floor["seconds"]
    assert store["peak_mb"] <= 1.25 * floor["peak_mb"]
