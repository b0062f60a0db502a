"""The benchmark's results as rows, and ``docs/benchmarks.md`` written from them."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    """One line of the table: a measure at one size, its floor, ratio and target."""

    size: int
    measure: str
    samples: list[float]
    unit: str = "s"
    floor: float | None = None
    floor_name: str = ""
    limit: float | None = None  # the target, as a ratio when ``floor`` is set, else in ``unit``
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def median(self) -> float:
        """The median of the samples."""
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float | None:
        """median / floor, when there is a floor."""
        return self.median / self.floor if self.floor else None

    @property
    def passed(self) -> bool | None:
        """Whether the target is met; None when this row has no target."""
        if self.limit is None:
            return None
        value = self.ratio if self.floor is not None else self.median
        return value is not None and value <= self.limit


def fmt(value: float | None, unit: str) -> str:
    """A value with its unit, to a sensible precision."""
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:.3g} {unit}"


def target_text(row: Row) -> str:
    """The target as people read it."""
    if row.limit is None:
        return "—"
    if row.floor is not None:
        return f"≤ {row.limit:g}× {row.floor_name}"
    return f"≤ {fmt(row.limit, row.unit)}"


def table(rows: Sequence[Row]) -> list[str]:
    """The summary table in Markdown."""
    lines = [
        "| customers | measure | median | floor | ratio | target | result |",
        "|---:|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        result = {True: "**pass**", False: "**FAIL**", None: "info"}[row.passed]
        floor = f"{fmt(row.floor, row.unit)} ({row.floor_name})" if row.floor else "—"
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        lines.append(
            f"| {row.size:,} | {row.measure} | {fmt(row.median, row.unit)} | {floor} | "
            f"{ratio} | {target_text(row)} | {result} |"
        )
    return lines


def samples_table(rows: Sequence[Row]) -> list[str]:
    """Every sample behind every median, with notes."""
    lines = ["| customers | measure | n | samples | note |", "|---:|---|---:|---|---|"]
    for row in rows:
        values = ", ".join(fmt(v, row.unit) for v in row.samples[:12])
        if len(row.samples) > 12:
            values += f", … ({len(row.samples)} in all)"
        lines.append(
            f"| {row.size:,} | {row.measure} | {len(row.samples)} | {values} | {row.note} |"
        )
    return lines


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "store", "engine", "policy", "creditfile"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out + (" (with uncommitted changes)" if dirty else "")


def machine() -> list[str]:
    """Where and when the figures were taken."""
    cores = len(os.sched_getaffinity(0))
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    libs = ", ".join(f"{n} {_version(n)}" for n in ("tinydb", "orjson", "textual", "rule-engine"))
    return [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {_commit()}",
        f"- machine: {_cpu_model()}, {cores} cores usable, {_memory()}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {libs}",
        f"- load average when the report was written (1/5/15 min): {load}",
    ]


# The mutation-testing section belongs to scripts/mutation.py: a benchmark run keeps it as it is.
MUTATION_START = "<!-- mutation testing: written by scripts/mutation.py -->"
MUTATION_END = "<!-- end of mutation testing -->"


# The PostgreSQL section belongs to scripts/bench_postgres.py: a benchmark run keeps it too.
POSTGRES_START = "<!-- postgresql: written by scripts/bench_postgres.py -->"
POSTGRES_END = "<!-- end of postgresql -->"
# The PostgreSQL regrade section belongs to scripts/bench_pg_regrade.py: kept too.
PG_REGRADE_START = "<!-- postgresql regrade: written by scripts/bench_pg_regrade.py -->"
PG_REGRADE_END = "<!-- end of postgresql regrade -->"
# The PostgreSQL list and scale sections are measured by hand (scripts/bench_pg_list.py,
# scripts/bench_pg_scale.py): kept too.
PG_LIST_START = "<!-- postgresql list: measured by hand with scripts/bench_pg_list.py -->"
PG_LIST_END = "<!-- end of postgresql list -->"
PG_SCALE_START = "<!-- postgresql scale: measured by hand with scripts/bench_pg_scale.py -->"
PG_SCALE_END = "<!-- end of postgresql scale -->"


def kept_section(path: Path, start_marker: str, end_marker: str) -> str | None:
    """The section of the report at ``path`` between two markers, markers included, if any."""
    try:
        text = path.read_text("utf-8")
    except OSError:
        return None
    start, end = text.find(start_marker), text.find(end_marker)
    if start < 0 or end < start:
        return None
    return text[start : end + len(end_marker)]


def mutation_section(path: Path) -> str | None:
    """The mutation-testing section of the report at ``path``, markers included, if any."""
    try:
        text = path.read_text("utf-8")
    except OSError:
        return None
    start, end = text.find(MUTATION_START), text.find(MUTATION_END)
    if start < 0 or end < start:
        return None
    return text[start : end + len(MUTATION_END)]


def write(
    path: Path,
    *,
    rows: Sequence[Row],
    mode: str,
    elapsed: float,
    notes: Sequence[str],
    profile: Sequence[str],
    faults: Sequence[str],
) -> None:
    """Write the whole report."""
    failed = [r for r in rows if r.passed is False]
    verdict = f"{sum(r.passed is True for r in rows)} targets met, {len(failed)} missed" + (
        ": " + "; ".join(f"{r.measure} at {r.size:,}" for r in failed) if failed else ""
    )
    text = [
        "# Benchmarks",
        "",
        "Written by `./run-bench` (do not edit by hand). Every figure is the median of several "
        "runs; every floor was measured in the same run, interleaved with the measure it "
        "bounds, on the same file. Targets are those of issue 5; rows without one are for "
        "information.",
        "",
        f"**{mode} run, {elapsed / 60:.1f} minutes: {verdict}.**",
        "",
        *table(rows),
        "",
        "## What was measured",
        "",
        *notes,
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## How to rerun",
        "",
        "```",
        "./run-bench            # the full run: 1,000 / 10,000 / 100,000 customers, then the "
        "long fault runs",
        "./run-bench --quick    # 1,000 and 10,000 only, fewer repeats, short fault runs",
        "./run-bench --help     # sizes, repeats, where the generated archives go",
        "./run-bench --customers-file other-100k.jsonl   # customers another program wrote",
        "```",
        "",
        "Archives are generated by `scripts/make_archive.py` into `bench-data/` (kept between "
        "runs; rebuilt when the generator or the store changes). With `--customers-file`, the "
        "customer documents of a JSON Lines file written by any program are imported with "
        "`creditfile import` instead, and measured at their own size.",
        "",
    ]
    if faults:
        text += ["## Fault runs", "", *faults, ""]
    text += ["## Every sample", "", *samples_table(rows), ""]
    if profile:
        text += ["## Where a regrade spends its time", "", *profile, ""]
    kept = mutation_section(path)
    if kept:
        text += [kept, ""]
    postgres = kept_section(path, POSTGRES_START, POSTGRES_END)
    if postgres:
        text += [postgres, ""]
    for start, end in (
        (PG_REGRADE_START, PG_REGRADE_END),
        (PG_LIST_START, PG_LIST_END),
        (PG_SCALE_START, PG_SCALE_END),
    ):
        section = kept_section(path, start, end)
        if section:
            text += [section, ""]
    path.write_text("\n".join(text), encoding="utf-8")
