"""Tables on a terminal fit its width; piped they are plain and complete."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import Run, under_terminal
from rich.cells import cell_len

from creditfile.cli import table as cli_table
from creditfile.cli.table import configure, render_table
from creditfile.presentation.translation import set_language

ROOT = Path(__file__).parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
HEADERS = ["序号", "客户编号", "客户名称", "等级", "复评原因", "说明"]
ROWS = [
    [
        1,
        "C000107",
        "广州广业钢结构工程有限公司",
        "D",
        "超出信用额度",
        "D 级没有信用额度, 但应收 227,200.00 元",
    ],
    [
        2,
        "C000180",
        "广州瑞晟建筑装饰工程有限公司",
        "未评级",
        "评估缺项、超出信用额度",
        "缺少评分项 other (其他)",
    ],
    [
        3,
        "C000003",
        "Wuhan Hongda Construction Engineering Co., Ltd.",
        "B",
        "评估过期",
        "上次评估在 2024-01-01, 已 700 天",
    ],
]
PRIORITY = [2, 0, 0, 0, 1, 3]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _plain_again() -> Iterator[None]:
    yield
    configure(io.StringIO())


def _lines(text: str) -> list[str]:
    return [ANSI.sub("", line) for line in text.splitlines()]


def _by_cells(line: str, start: int, end: int) -> str:
    """The part of ``line`` between terminal cells ``start`` and ``end``."""
    out, at = [], 0
    for ch in line:
        if start <= at < end:
            out.append(ch)
        at += cell_len(ch)
    return "".join(out)


def _columns(lines: list[str]) -> dict[str, str]:
    """Each shown column's text, its folded pieces joined: header → all its cells in order."""
    rule = next(i for i, line in enumerate(lines) if set(line) <= {"-", " "} and "-" in line)
    spans = [(m.start(), m.end() + 1) for m in re.finditer(r"-+", lines[rule])]
    end = next((i for i, line in enumerate(lines) if line.startswith("(not shown")), len(lines))
    body = lines[rule + 1 : end]
    return {
        "".join(_by_cells(line, a, b) for line in lines[:rule]).strip(): "".join(
            _by_cells(line, a, b).strip() for line in body
        )
        for a, b in spans
    }


def test_piped_tables_are_complete_plain_and_aligned() -> None:
    configure(io.StringIO())
    text = render_table(HEADERS, ROWS, priority=PRIORITY)
    assert "\x1b" not in text
    lines = text.splitlines()
    assert len(lines) == 2 + len(ROWS)  # one line per row: nothing folded or dropped
    for row in ROWS:
        for value in row:
            assert str(value) in text
    # Each column starts at the same terminal cell on every line, Chinese or not.
    header, _, *body = lines
    start = cell_len(header[: header.index("等级")])
    for line, row in zip(body, ROWS, strict=True):
        assert cell_len(line[: line.index(f"  {row[3]}") + 2]) == start


@pytest.mark.parametrize("width", [40, 80, 120])
def test_on_a_terminal_every_line_fits(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("NO_COLOR", raising=False)
    configure(_Terminal())
    text = render_table(HEADERS, ROWS, priority=PRIORITY)
    lines = _lines(text)
    assert max(cell_len(line) for line in lines) <= width
    # The most important columns are always there, every cell whole (folded, never cut).
    columns = _columns(lines)
    assert columns["客户编号"] == "".join(str(row[1]) for row in ROWS)
    assert columns["客户名称"].replace(" ", "") == "".join(str(r[2]).replace(" ", "") for r in ROWS)


@pytest.mark.parametrize("width", [40, 80])
def test_a_long_table_on_a_terminal_folds_its_text_columns_to_fit(
    monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """A table too long for rich's layout (the review list of a real archive) is lined up
    directly; it fits the terminal too, its names folded within their column, never cut."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr(cli_table, "RICH_ROWS", 1)
    configure(_Terminal())
    lines = _lines(render_table(HEADERS, ROWS, priority=PRIORITY))
    assert max(cell_len(line) for line in lines) <= width, "\n".join(lines)
    columns = _columns(lines)
    assert columns["客户编号"] == "".join(str(row[1]) for row in ROWS)
    assert columns["客户名称"].replace(" ", "") == "".join(str(r[2]).replace(" ", "") for r in ROWS)
    if width == 40:
        assert any(line.startswith(" " * 8) for line in lines), "a name folded onto a line"


def test_a_narrow_terminal_drops_the_least_important_columns_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    configure(_Terminal())
    lines = _lines(render_table(HEADERS, ROWS, priority=PRIORITY))
    assert "说明" not in lines[0] and "客户名称" in lines[0]
    assert "说明" in lines[-1] and "--wide" in lines[-1]


def test_the_note_of_dropped_columns_is_in_the_language_in_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    configure(_Terminal())
    try:
        set_language("zh")
        chinese = _lines(render_table(HEADERS, ROWS, priority=PRIORITY))[-1]
        set_language("en")
        english = _lines(render_table(HEADERS, ROWS, priority=PRIORITY))[-1]
    finally:
        set_language("en")
    assert chinese.startswith("（80列宽下未显示：") and "说明" in chinese
    assert chinese.endswith("--wide 显示全部）") and "columns" not in chinese
    assert english.startswith("(not shown at 80 columns: ") and english.endswith("shows all)")


def test_wide_shows_every_column_on_any_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    configure(_Terminal(), wide=True)
    lines = _lines(render_table(HEADERS, ROWS, priority=PRIORITY))
    assert len(lines) == 2 + len(ROWS)
    assert all(h in lines[0] for h in HEADERS)


def test_colour_only_on_terminals_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("NO_COLOR", raising=False)
    configure(_Terminal())
    assert "\x1b[" in render_table(HEADERS, ROWS)
    monkeypatch.setenv("NO_COLOR", "1")
    configure(_Terminal())
    assert "\x1b" not in render_table(HEADERS, ROWS)
    monkeypatch.delenv("NO_COLOR")
    configure(io.StringIO())
    assert "\x1b" not in render_table(HEADERS, ROWS)


def test_unconfigured_tables_are_plain() -> None:
    cli_table._output = cli_table.Output()
    assert "\x1b" not in render_table(HEADERS, ROWS)


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tables") / "demo.json"
    subprocess.run(
        [sys.executable, "-m", "creditfile", "--db", str(db), "demo", "--customers", "60"],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    return db


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize(
    "args", [["report", "review"], ["report", "credit"], ["explain", "C000001"], ["history"]]
)
def test_commands_fit_the_terminal(demo_archive: Path, args: list[str], columns: int) -> None:
    out = under_terminal(args, columns, demo_archive)
    lines = _lines(out)
    assert len(lines) > 3, out
    assert max(cell_len(line) for line in lines) <= columns, out
    assert "\x1b[" in out  # a terminal gets colour


def test_piped_reports_are_complete(demo_archive: Path, run: Run) -> None:
    result = run(
        "--db", str(demo_archive), "--lang", "zh", "report", "review", env={"COLUMNS": "80"}
    )
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    header = next(line for line in result.stdout.splitlines() if line.startswith("序号"))
    assert all(h in header for h in HEADERS)
    assert "--wide" not in result.stdout


def _changes(count: int) -> list[list[object]]:
    grades = ["A", "B", "未评级", "\x1b[2J"]
    return [
        [f"C{n:06d}", grades[n % 4], grades[(n + 1) % 4], None if n % 7 == 0 else n * 1.5]
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [3, cli_table.RICH_ROWS, cli_table.RICH_ROWS + 1, 4_321])
@pytest.mark.parametrize("terminal", [False, True])
def test_a_long_table_written_a_block_at_a_time_is_the_table_written_at_once(
    monkeypatch: pytest.MonkeyPatch, count: int, terminal: bool
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    configure(_Terminal() if terminal else io.StringIO())
    rows = _changes(count)
    headers = ["客户编号", "原等级", "新等级", "总分"]
    reads: list[int] = []

    def again() -> Iterator[list[object]]:
        reads.append(1)
        yield from rows

    blocks = list(cli_table.long_table(headers, again, chunk=1_000))
    assert "\n".join(blocks) == render_table(headers, rows)
    assert len(reads) == (1 if count <= cli_table.RICH_ROWS else 2)
    assert all(block.count("\n") < 1_000 for block in blocks)  # never the whole table at once


@pytest.mark.parametrize("count", [cli_table.RICH_ROWS + 1, 2_345])
@pytest.mark.parametrize("width", [None, 60, 200])
def test_a_long_table_fitted_to_a_terminal_is_the_table_folded_at_once(
    monkeypatch: pytest.MonkeyPatch, count: int, width: int | None
) -> None:
    """A policy preview's changed customers, their reasons folded to the terminal's width as
    the whole table folds them: the same lines, written a block at a time."""
    monkeypatch.setenv("COLUMNS", str(width or 80))
    configure(_Terminal() if width else io.StringIO())
    reasons = [
        "分数低于 B 级门槛 70",
        "Cumulative leases points rise (window all leases → last 24 months)",
    ]
    rows = [[*row[:3], reasons[n % 2] * (1 + n % 3)] for n, row in enumerate(_changes(count))]
    headers = ["客户编号", "原等级", "新等级", "原因"]

    blocks = list(cli_table.long_table(headers, lambda: iter(rows), chunk=1_000, fit=True))

    assert "\n".join(blocks) == render_table(headers, rows)
    if width:
        assert max(cell_len(line) for block in blocks for line in block.split("\n")) <= width


def test_the_credit_report_in_chinese_names_the_ungraded_in_chinese(
    demo_archive: Path, run: Run
) -> None:
    """The ungraded customers' row has no grade letter: its key column shows "-", its label
    未评级 (it showed the key ``ungraded``, English among Chinese)."""
    result = run("--db", str(demo_archive), "--lang", "zh", "report", "credit")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "未评级" in line]
    assert rows, result.stdout
    assert all(line.startswith("-") for line in rows), rows
    assert "ungraded" not in result.stdout


def test_explain_names_each_item_once(demo_archive: Path, run: Run) -> None:
    result = run("--db", str(demo_archive), "--lang", "zh", "explain", "C000001")
    assert result.returncode == 0, result.stderr
    assert "实力 " in result.stdout and "strength" not in result.stdout


def test_runs_speak_the_language_asked(demo_archive: Path, run: Run) -> None:
    result = run("--db", str(demo_archive), "--lang", "zh", "runs", "--wide")
    assert result.returncode == 0, result.stderr
    for english in ("when (UTC)", "by grade", "changes", "customers", "ungraded", "policy"):
        assert english not in result.stdout, result.stdout
    assert "批次" in result.stdout and "各等级客户数" in result.stdout


def test_a_grade_change_made_by_a_save_names_no_run() -> None:
    from creditfile.cli.commands.history import _detail
    from creditfile.policy import default_policy_path, load_policy

    event = {"kind": "grade_changed", "from": None, "to": "B", "total": 82.0, "run_id": None,
             "policy_version": "2026.1", "as_of": "2026-12-02"}  # fmt: skip
    text = _detail(event, "en", load_policy(default_policy_path()))
    assert "None" not in text and "run —" in text
