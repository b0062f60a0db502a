"""The terminal UI's customer list on a PostgreSQL archive, measured: first rows, each keystroke
of a search typed key by key, sorts, a filter, scrolling past the window, End; peak RSS.

    scripts/bench_pg_list.py URL [--typed xiangyang] [--lang zh]

Not part of the test run or of ``./run-bench``. The database is one filled beforehand
(``scripts/bench_pg_save.py fill URL --customers N``, then ``creditfile --db URL db upgrade``).
The app runs headless at 120×40 through Textual's ``run_test``. A keystroke is timed from the
search box's new text to the list showing that text's first page (the server's query, the rows
made, the screen told); its CPU is this process's and that of the server's backends serving
this database (other databases on the same server are not counted). The count of a view
follows later and is timed apart. Peak RSS is this process's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

AS_OF = date(2026, 11, 29)
SORTS = ("name", "grade", "total", "nature", "assessed", "id")

_BACKENDS: list[int] = []


def _backends(url: str) -> list[int]:
    """The server processes serving the database of ``url`` on this machine."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def _cpu() -> float:
    """CPU seconds of this process and of the server backends serving the app."""
    usage = os.times()
    total = usage.user + usage.system
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _BACKENDS:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def _until(condition: Any, limit: float = 60.0) -> None:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > limit:
            raise TimeoutError("the list did not answer within a minute")
        await asyncio.sleep(0.001)


async def drive(url: str, typed: str, lang: str) -> dict[str, Any]:
    """Open the app on ``url``, wait for the first rows, then type, sort, filter and scroll."""
    started = time.perf_counter()
    from creditfile.tui.app import create_app

    app = create_app(
        url, None, lang, as_of=AS_OF, actor="bench", keymap_file=Path("/nonexistent/keys.toml")
    )
    result: dict[str, Any] = {"load_before": _load()}
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(lambda: app.first_rows_at is not None)
        screen = app.list_screen()
        result["first_rows_s"] = app.started_at - started + app.first_rows_at
        result["first_rows"] = len(screen.window.rows)
        await _until(lambda: screen.window.total is not None)
        result["counted_s"] = time.perf_counter() - started
        result["customers"] = screen.window.total
        _BACKENDS[:] = _backends(url)
        result.update(await _typing(screen, typed))
        result["sort_ms"] = await _sorts(screen)
        result.update(await _scrolling(pilot, screen))
        result["rows_held_by_service"] = len(app.service._records)
    result["load_after"] = _load()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


async def _typing(screen: Any, typed: str) -> dict[str, Any]:
    """``typed`` key by key: each key's first page, wall and CPU; then the count."""
    from textual.widgets import Input

    result: dict[str, Any] = {}
    search = screen.query_one("#search", Input)
    wall, cpu = [], []
    for end in range(1, len(typed) + 1):
        text = typed[:end]
        before, used = time.perf_counter(), _cpu()
        search.value = text
        await _until(lambda t=text: screen.window.query.text == t)
        wall.append(time.perf_counter() - before)
        cpu.append(_cpu() - used)
    result["keys_wall_ms"] = [round(t * 1000, 1) for t in wall]
    result["keys_cpu_ms"] = [round(t * 1000) for t in cpu]
    result["keystroke_median_ms"] = statistics.median(wall) * 1000
    result["keystroke_slowest_ms"] = max(wall) * 1000
    result["keystroke_cpu_mean_ms"] = statistics.mean(cpu) * 1000
    before = time.perf_counter()
    await _until(lambda: screen.window.total is not None)
    result["typed_matches"] = screen.window.total
    result["typed_count_s"] = time.perf_counter() - before
    search.value = ""
    await _until(lambda: screen.window.query.text == "")
    return result


async def _sorts(screen: Any) -> dict[str, float]:
    """Each sort column both ways: the first page's time."""
    sorts: dict[str, float] = {}
    for column in SORTS:
        for reverse in (False, True):
            before = time.perf_counter()
            screen.with_query(sort=column, reverse=reverse)
            await _until(
                lambda c=column, r=reverse: (
                    (screen.window.query.sort, screen.window.query.reverse) == (c, r)
                )
            )
            sorts[f"{column}{' desc' if reverse else ''}"] = (time.perf_counter() - before) * 1000
    return sorts


async def _scrolling(pilot: Any, screen: Any) -> dict[str, Any]:
    """A filter, 60 screens down (past the window), End."""
    result: dict[str, Any] = {}
    before = time.perf_counter()
    screen.with_query(sort="id", reverse=False, filters={"grade": frozenset({"A"})})
    await _until(lambda: bool(screen.window.query.filters))
    result["filter_ms"] = (time.perf_counter() - before) * 1000
    screen.with_query(filters={})
    await _until(lambda: not screen.window.query.filters)
    screen.table.focus()
    before = time.perf_counter()
    for _ in range(60):  # 60 screens down: well past the window
        await pilot.press("pagedown")
    await pilot.app.workers.wait_for_complete()
    result["pagedown_60_s"] = time.perf_counter() - before
    result["window_rows"] = len(screen.window.rows)
    result["window_offset"] = screen.window.offset
    before = time.perf_counter()
    await pilot.press("end")
    await _until(lambda: screen.window.at_end and screen.window.offset > 1000)
    result["end_s"] = time.perf_counter() - before
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--typed", default="xiangyang")
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args()
    result = asyncio.run(drive(args.url, args.typed, args.lang))
    for key, value in result.items():
        print(f"{key}: {value}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
