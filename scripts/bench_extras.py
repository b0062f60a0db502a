"""Benchmark parts beside the core measures: the TUI figures, a profiled regrade, the fault runs."""

from __future__ import annotations

import io
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_proc import measure
from bench_report import ROOT, Row

AS_OF = "2026-11-29"
PY = sys.executable
SCRIPTS = ROOT / "scripts"
TUI_TARGETS = {"first_paint": 2.0, "keystroke": 0.1, "sort": 0.5}


def log(text: str) -> None:
    """Progress on stderr, with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def bench_tui(db: Path, size: int, runs: int) -> list[Row]:
    """The terminal UI's figures, from ``scripts/bench_tui.py`` (the UI's own driver)."""
    script = SCRIPTS / "bench_tui.py"
    if not script.exists():
        return []
    reports = []
    for _ in range(runs):
        result = measure(
            [PY, str(script), "--db", str(db), "--json"], cwd=ROOT, sample=False, timeout=300
        )
        try:
            reports.append(json.loads(result.stdout))
        except ValueError:
            log(
                f"  bench_tui.py gave no JSON (exit {result.code}, {result.wall:.0f} s; killed "
                f"after 300 s if -9): {result.stderr[-800:]}"
            )
            return [
                Row(
                    size,
                    "TUI: scripts/bench_tui.py failed",
                    [float("nan")],
                    note=f"exit {result.code}: {result.stderr.strip()[-200:]}",
                )
            ]
    return _tui_rows(size, reports)


def _median_of(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _tui_rows(size: int, reports: list[dict[str, Any]]) -> list[Row]:
    targets = size >= 100_000
    keys = [k for r in reports for k in (r["keystroke_ms"]["app"]["median"],)]
    driven = [r["keystroke_ms"]["pilot"]["median"] for r in reports]
    worst_sort = [max(v for k, v in r["sort_ms"].items() if "kept" not in k) for r in reports]
    p90 = max(r["keystroke_ms"]["app"]["p90"] for r in reports)
    top = max(r["keystroke_ms"]["app"]["max"] for r in reports)
    return [
        Row(
            size,
            "TUI first rows painted",
            [r["first_rows_s"] for r in reports],
            limit=TUI_TARGETS["first_paint"] if targets else None,
            note="from before importing the app to the first painted rows, headless 120x40 "
            "(scripts/bench_tui.py); "
            f"{_median_of([r['first_rows_since_spawn_s'] for r in reports]):.2f} s from process "
            "spawn",
        ),
        Row(
            size,
            "TUI every row shown",
            [r["all_rows_s"] for r in reports],
            note="the whole archive read and listed (search, filters and the card ready)",
        ),
        Row(
            size,
            "TUI search keystroke (app work)",
            [k / 1000 for k in keys],
            limit=TUI_TARGETS["keystroke"] if targets else None,
            note=f"median per run over {reports[0]['keystroke_ms']['app']['keys']} keys; "
            f"p90 {p90:.0f} ms, max {top:.0f} ms",
        ),
        Row(
            size,
            "TUI search keystroke (key press to idle)",
            [k / 1000 for k in driven],
            note="through Textual's test driver, which adds its own idle detection",
        ),
        Row(
            size,
            "TUI sort (slowest column)",
            [w / 1000 for w in worst_sort],
            limit=TUI_TARGETS["sort"] if targets else None,
        ),
    ]


def profile_regrade(db: Path, out: Path) -> list[str]:
    """One regrade under cProfile: where the time goes, top functions by own time."""
    stats_file = out / "regrade.prof"
    measure(
        [
            PY,
            "-m",
            "cProfile",
            "-o",
            str(stats_file),
            str(SCRIPTS / "creditfile_main.py"),
            "--db",
            str(db),
            "regrade",
            "--as-of",
            AS_OF,
        ],
        cwd=ROOT,
        sample=False,
    ).check()
    lines = [
        "The whole command (`python -m cProfile scripts/creditfile_main.py … regrade`). "
        "Parsing, grading and encoding run in forked workers, which this profile does not "
        "see: their time shows as the parent waiting for their results (`posix.read`).",
        "",
        "```",
    ]
    for key in ("tottime", "cumulative"):
        text = _pstats_text(stats_file, key)
        lines += [f"sorted by {key}:", *text, ""]
    lines += ["```", "", *profile_grading(db.with_name("grading.prof"), db), ""]
    return lines


GRADING = """
import cProfile, sys, time
from datetime import date
from creditfile.engine import grade_archive
from creditfile.policy import default_policy_path, load_policy
from creditfile.store import Archive
docs = Archive.open(sys.argv[1]).documents()
policy = load_policy(default_policy_path())
as_of = date.fromisoformat(sys.argv[3])
started = time.perf_counter()
grade_archive(docs, policy, as_of)
print(time.perf_counter() - started)
cProfile.run("grade_archive(docs, policy, as_of)", sys.argv[2])
"""


def profile_grading(stats_file: Path, db: Path) -> list[str]:
    """The engine alone: ``grade_archive`` over every document, in one process, profiled."""
    result = measure(
        [PY, "-c", GRADING, str(db), str(stats_file), AS_OF], cwd=ROOT, sample=False
    ).check()
    seconds = float(result.stdout.split()[0])
    return [
        f"The grading alone, in one process: `engine.grade_archive` over the {db.stem} "
        f"archive's documents took {seconds:.2f} s unprofiled; profiled:",
        "",
        "```",
        *_pstats_text(stats_file, "tottime"),
        "```",
    ]


def _pstats_text(path: Path, key: str) -> list[str]:
    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer)
    stats.strip_dirs().sort_stats(key).print_stats(14)
    text = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(text) if "ncalls" in line), 0)
    return [line.rstrip() for line in text[start:] if line.strip()]


def run_faults(quick: bool) -> list[str]:
    """The long fault runs (``scripts/bench_faults.py``), summarised for the report."""
    script = SCRIPTS / "bench_faults.py"
    if not script.exists():
        return ["`scripts/bench_faults.py` not present: no long fault runs."]
    argv = [PY, str(script), "--json"] + (["--quick"] if quick else [])
    result = measure(argv, cwd=ROOT, sample=False, timeout=3600)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        return [
            f"`scripts/bench_faults.py` failed (exit {result.code}):",
            "```",
            result.stderr.strip()[-1500:],
            "```",
        ]
    return [
        f"- **{'pass' if item['ok'] else 'FAIL'}** {item['name']}: {item['detail']}"
        for item in report["scenarios"]
    ]
