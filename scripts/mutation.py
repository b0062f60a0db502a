"""Mutation testing of the grading core with mutmut: the score, the survivors, the run time.

    .venv/bin/pip install -e ".[mutation]"      # once: mutmut, pinned
    .venv/bin/python scripts/mutation.py         # 940 mutants: 37 min two at a time, shared machine
    .venv/bin/python scripts/mutation.py --max-children 2 --json build/mutation.json
    .venv/bin/python scripts/mutation.py --rerun-survivors   # after adding tests: only those left

mutmut mutates files by their path and names each mutant after the module that path spells, so
it needs the installed layout (``creditfile/engine/…``) that the repository's one-folder-per-layer
tree does not have. The script therefore lays out a workspace under ``build/mutation``: the
grading core as ``creditfile/engine`` and ``creditfile/policy``, the fast engine and policy tests,
and a pyproject that configures mutmut and pytest for them. Every other ``creditfile`` package
still comes from the editable install.

Only the fast tests of ``tests/engine`` and ``tests/policy`` run, each with ``-x``, no pytest
cache and hypothesis derandomized (``--hypothesis-profile=mutation``, see ``tests/conftest.py``),
so that a mutant is judged the same way on every run. mutmut forks each mutant's test run from a
process that has already run the suite: the engine's caches (``functools`` caches, compiled
condition contexts) would answer from the unmutated code. ``tests/conftest.py`` clears them before
every test, so every mutant starts cold.

Mutants that no test can tell from the original (equivalent mutants) are listed, each with its
reason, in ``docs/mutation.md``; the score counts killed mutants among the others.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bench_report import MUTATION_END, MUTATION_START, mutation_section

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = ROOT / "build" / "mutation"
EQUIVALENTS_DOC = ROOT / "docs" / "mutation.md"
BENCHMARKS_DOC = ROOT / "docs" / "benchmarks.md"

# The grading core: what a grading is made of.
TARGETS = (
    "engine/grading.py",
    "engine/scoring.py",
    "engine/timeline.py",
    "engine/numbers.py",
    "engine/facts.py",
    "policy/conditions.py",
)
TEST_DIRS = ("tests/engine", "tests/policy")
# The files of tests/ itself that those tests load (the conftest and what it imports).
TEST_SUPPORT = ("conftest.py", "pgcluster.py")
PYTEST_ARGS = ("-p", "no:cacheprovider", "--hypothesis-profile=mutation", "-m", "not slow")
STATUS_BY_EXIT_CODE = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}
TIMEOUT_CODES = {36, -24, 24, 152, 255}


@dataclass
class Mutant:
    """One mutant: its name, what mutmut found, and the lines it changed."""

    name: str
    file: str
    status: str
    removed: str = ""
    added: str = ""
    equivalent_reason: str | None = None

    @property
    def function(self) -> str:
        """The mutated function as ``module.function`` (mutmut's mangling undone)."""
        mangled = self.name.partition("__mutmut_")[0]
        module, _, name = mangled.rpartition(".")
        if "ǁ" in name:  # a method: xǁClassǁmethod
            _, cls, method = name.split("ǁ")
            return f"{module}.{cls}.{method}"
        return f"{module}.{name.removeprefix('x_')}"


@dataclass
class Score:
    """Counts over every mutant of the run."""

    mutants: list[Mutant] = field(default_factory=list)
    seconds: float = 0.0
    rerun_seconds: float = 0.0  # the part of ``seconds`` spent rerunning survivors

    def count(self, status: str) -> int:
        """How many mutants have ``status``."""
        return sum(1 for m in self.mutants if m.status == status)

    @property
    def equivalent(self) -> list[Mutant]:
        """Surviving mutants the documented list explains."""
        return [m for m in self.mutants if m.status == "equivalent"]

    @property
    def real(self) -> int:
        """Checked mutants that change what grading does."""
        return len(self.mutants) - len(self.equivalent) - self.count("not checked")

    @property
    def killed(self) -> int:
        """Mutants some test caught (a timeout counts: the test run did not pass)."""
        return self.count("killed") + self.count("timeout")

    @property
    def percent(self) -> float:
        """Killed among the non-equivalent mutants."""
        return 100.0 * self.killed / self.real if self.real else 100.0


def build_workspace(fresh: bool) -> None:
    """``build/mutation``: the core under ``creditfile/``, the fast tests, a pyproject."""
    if fresh and WORKSPACE.exists():
        shutil.rmtree(WORKSPACE)
    package = WORKSPACE / "creditfile"
    for name in ("creditfile", "tests"):
        if (WORKSPACE / name).exists():
            shutil.rmtree(WORKSPACE / name)
    package.mkdir(parents=True)
    shutil.copy2(ROOT / "creditfile" / "__init__.py", package / "__init__.py")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in {target.split("/")[0] for target in TARGETS}:
        shutil.copytree(ROOT / folder, package / folder, ignore=ignore)
    tests = WORKSPACE / "tests"
    tests.mkdir()
    for name in TEST_SUPPORT:
        shutil.copy2(ROOT / "tests" / name, tests / name)
    for folder in TEST_DIRS:
        shutil.copytree(ROOT / folder, WORKSPACE / folder, ignore=ignore)
    (WORKSPACE / "pyproject.toml").write_text(_pyproject(), "utf-8")


def _pyproject() -> str:
    def strings(values: tuple[str, ...]) -> str:
        return json.dumps(list(values))

    return f"""# Written by scripts/mutation.py for mutmut; not the project's pyproject.
[tool.mutmut]
source_paths = ["creditfile"]
only_mutate = {strings(tuple(f"creditfile/{target}" for target in TARGETS))}
pytest_add_cli_args_test_selection = {strings(TEST_DIRS)}
pytest_add_cli_args = {strings(PYTEST_ARGS)}
use_git_change_detection = false
use_setproctitle = false

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "-q --import-mode=importlib"
markers = ["slow: long-running tests, not in the mutation run"]
"""


def refresh_tests() -> None:
    """Copy the current tests into the last run's workspace, whose mutants stay as they are.

    Raises:
        SystemExit: the core's source changed since that run (its mutants would be stale).
    """
    for target in TARGETS:
        copied = WORKSPACE / "creditfile" / target
        if not copied.exists() or copied.read_bytes() != (ROOT / target).read_bytes():
            raise SystemExit(f"{target} changed since the last run: run the whole thing again")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for base in (WORKSPACE, WORKSPACE / "mutants"):
        for name in TEST_SUPPORT:
            shutil.copy2(ROOT / "tests" / name, base / "tests" / name)
        for folder in TEST_DIRS:
            shutil.rmtree(base / folder, ignore_errors=True)
            shutil.copytree(ROOT / folder, base / folder, ignore=ignore)
    # mutmut maps tests to functions once; new tests must be mapped again.
    (WORKSPACE / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)


def run_mutmut(max_children: int, names: list[str] | None = None) -> float:
    """Run mutmut in the workspace; its output goes to ``build/mutation/mutmut.log``."""
    started = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("MUTANT_UNDER_TEST", None)
    with (WORKSPACE / "mutmut.log").open("w", encoding="utf-8") as log:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "mutmut",
                "run",
                "--max-children",
                str(max_children),
                *(names or []),
            ],
            cwd=WORKSPACE,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        tail = (WORKSPACE / "mutmut.log").read_text("utf-8", errors="replace")[-3000:]
        raise SystemExit(f"mutmut failed ({done.returncode}); end of mutmut.log:\n{tail}")
    return time.monotonic() - started


def collect(equivalents: list[dict[str, str]]) -> list[Mutant]:
    """Every mutant of the last run with its status; documented equivalents marked as such."""
    mutants = []
    for target in TARGETS:
        meta = WORKSPACE / "mutants" / "creditfile" / f"{target}.meta"
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        for name, code in sorted(codes.items(), key=lambda kv: _natural(kv[0])):
            if code is None:
                status = "not checked"  # the run was stopped before this mutant
            elif code in TIMEOUT_CODES:
                status = "timeout"
            else:
                status = STATUS_BY_EXIT_CODE.get(code, "other")
            mutant = Mutant(name, target, status)
            if status != "killed":
                if status != "not checked":
                    mutant.removed, mutant.added = _diff(name)
                reason = _equivalent_reason(mutant, equivalents)
                if reason is not None and status == "survived":
                    mutant.status, mutant.equivalent_reason = "equivalent", reason
            mutants.append(mutant)
    return mutants


def _natural(name: str) -> tuple[str, int]:
    stem, _, number = name.rpartition("_")
    return stem, int(number) if number.isdigit() else 0


def _diff(name: str) -> tuple[str, str]:
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name],
        cwd=WORKSPACE,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    removed, added = [], []
    for line in shown.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(line[1:].strip())
        elif line.startswith("+"):
            added.append(line[1:].strip())
    return " ".join(removed), " ".join(added)


def load_equivalents() -> list[dict[str, str]]:
    """The documented equivalent mutants: the YAML block of ``docs/mutation.md``."""
    text = EQUIVALENTS_DOC.read_text("utf-8")
    found = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    if found is None:
        raise SystemExit(f"{EQUIVALENTS_DOC}: no ```yaml block listing the equivalent mutants")
    entries = yaml.safe_load(found.group(1)) or []
    for index, entry in enumerate(entries):
        missing = {"function", "before", "after", "reason"} - set(entry)
        if missing:
            raise SystemExit(f"{EQUIVALENTS_DOC}: equivalent mutant {index + 1} lacks {missing}")
    return list(entries)


def _equivalent_reason(mutant: Mutant, equivalents: list[dict[str, str]]) -> str | None:
    for entry in equivalents:
        if (
            entry["function"] == mutant.function
            and _squash(entry["before"]) == _squash(mutant.removed)
            and _squash(entry["after"]) == _squash(mutant.added)
        ):
            return entry["reason"]
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", str(text))


def report(score: Score) -> str:
    """The score per file and overall, then every non-equivalent mutant that was not killed."""
    lines = [f"{'file':<24} {'mutants':>7} {'killed':>7} {'equiv.':>7} {'survived':>8}"]
    for target in TARGETS:
        mine = [m for m in score.mutants if m.file == target]
        tally = Counter(m.status for m in mine)
        killed = tally["killed"] + tally["timeout"]
        lines.append(
            f"{target:<24} {len(mine):>7} {killed:>7} {tally['equivalent']:>7} "
            f"{len(mine) - killed - tally['equivalent'] - tally['not checked']:>8}"
        )
    lines.append(
        f"\n{score.killed} killed of {score.real} non-equivalent mutants "
        f"({score.percent:.1f}%); {len(score.equivalent)} equivalent; "
        f"{len(score.mutants)} mutants in all; {score.seconds / 60:.1f} min"
    )
    left = [m for m in score.mutants if m.status in {"survived", "no tests", "other"}]
    if score.count("not checked"):
        lines.append(f"\n{score.count('not checked')} mutants not checked (the run was stopped)")
    if left:
        lines.append("\nNot killed:")
        lines.extend(
            f"  {m.name} [{m.status}]\n      - {m.removed}\n      + {m.added}" for m in left
        )
    return "\n".join(lines)


def write_benchmarks_section(score: Score, children: int) -> None:
    """Put the score in its own section of ``docs/benchmarks.md`` (a benchmark run keeps it)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [
        "| file | mutants | killed | equivalent | not killed |",
        "|---|---:|---:|---:|---:|",
    ]
    for target in TARGETS:
        tally = Counter(m.status for m in score.mutants if m.file == target)
        killed = tally["killed"] + tally["timeout"]
        left = sum(tally.values()) - killed - tally["equivalent"] - tally["not checked"]
        rows.append(
            f"| `{target}` | {sum(tally.values())} | {killed} | {tally['equivalent']} | {left} |"
        )
    left_over = [m for m in score.mutants if m.status in {"survived", "no tests", "other"}]
    unchecked = score.count("not checked")
    section = [
        MUTATION_START,
        "## Mutation testing of the grading core",
        "",
        f"Written by `scripts/mutation.py` (mutmut {_mutmut_version()}) on {when}, commit "
        f"{commit}: **{score.killed} of {score.real} non-equivalent mutants killed "
        f"({score.percent:.1f}%)**, {score.count('timeout')} of them by a timeout (the tests "
        f"never finished); {len(score.equivalent)} equivalent mutants (each with its "
        f"reason in [mutation.md](mutation.md)); {len(score.mutants)} mutants in all. Run time "
        f"{score.seconds / 60:.1f} min{_rerun_part(score)} with {children} mutant(s) at a time, "
        f"on the machine described above (load average {load} when written). Only the fast "
        "tests of `tests/engine` and `tests/policy` run.",
        "",
        *(
            [
                f"**This run was stopped before {unchecked} of the {len(score.mutants)} "
                "mutants were checked; they are left out of the score.**",
                "",
            ]
            if unchecked
            else []
        ),
        *rows,
        "",
    ]
    if left_over:
        section += ["Not killed:", ""]
        section += [f"- `{m.name}` ({m.status}): `{m.removed}` → `{m.added}`" for m in left_over]
        section.append("")
    section.append(MUTATION_END)
    block = "\n".join(section)
    text = BENCHMARKS_DOC.read_text("utf-8")
    old = mutation_section(BENCHMARKS_DOC)
    text = text.replace(old, block) if old else text.rstrip("\n") + "\n\n" + block + "\n"
    BENCHMARKS_DOC.write_text(text, "utf-8")


def _rerun_part(score: Score) -> str:
    if not score.rerun_seconds:
        return ""
    whole = (score.seconds - score.rerun_seconds) / 60
    return (
        f" ({whole:.1f} for the whole run, {score.rerun_seconds / 60:.1f} rerunning its "
        "survivors against the tests added for them)"
    )


def _mutmut_version() -> str:
    from importlib import metadata

    return metadata.version("mutmut")


def as_json(score: Score) -> dict[str, Any]:
    """The score as data, for ``--json``."""
    return {
        "mutants": len(score.mutants),
        "killed": score.killed,
        "equivalent": len(score.equivalent),
        "non_equivalent": score.real,
        "percent": round(score.percent, 2),
        "minutes": round(score.seconds / 60, 1),
        "not_killed": [
            {"name": m.name, "status": m.status, "before": m.removed, "after": m.added}
            for m in score.mutants
            if m.status in {"survived", "no tests", "other"}
        ],
        "not_checked": score.count("not checked"),
    }


def _rerun_seconds() -> float:
    saved = WORKSPACE / "rerun-seconds"
    return float(saved.read_text("utf-8")) if saved.exists() else 0.0


def main(argv: list[str] | None = None) -> int:
    """Build the workspace, run mutmut, print the score; exit 1 below ``--fail-under``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--max-children", type=int, default=1, help="parallel mutants (1)")
    parser.add_argument("--json", type=Path, help="also write the score as JSON to this file")
    parser.add_argument("--fail-under", type=float, default=95.0, help="percent (95)")
    parser.add_argument(
        "--report-only", action="store_true", help="score the last run again without rerunning"
    )
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md as it is")
    parser.add_argument(
        "--rerun-survivors",
        action="store_true",
        help="run the last run's surviving mutants again against the current tests",
    )
    args = parser.parse_args(argv)
    equivalents = load_equivalents()
    seconds = 0.0
    if args.rerun_survivors:
        left = [
            m.name
            for m in collect(equivalents)
            if m.status in {"survived", "no tests", "other", "not checked"}
        ]
        refresh_tests()
        before = float((WORKSPACE / "seconds").read_text("utf-8"))
        rerun = run_mutmut(args.max_children, left) if left else 0.0
        seconds = before + rerun
        (WORKSPACE / "seconds").write_text(f"{seconds:.1f}\n", "utf-8")
        (WORKSPACE / "rerun-seconds").write_text(f"{_rerun_seconds() + rerun:.1f}\n", "utf-8")
    elif not args.report_only:
        build_workspace(fresh=True)
        seconds = run_mutmut(args.max_children)
        (WORKSPACE / "seconds").write_text(f"{seconds:.1f}\n", "utf-8")
    elif (WORKSPACE / "seconds").exists():
        seconds = float((WORKSPACE / "seconds").read_text("utf-8"))
    score = Score(collect(equivalents), seconds, _rerun_seconds())
    print(report(score))
    if not args.no_docs:
        write_benchmarks_section(score, args.max_children)
    if args.json:
        args.json.write_text(json.dumps(as_json(score), indent=2) + "\n", "utf-8")
    return 0 if score.percent >= args.fail_under else 1


if __name__ == "__main__":
    sys.exit(main())
