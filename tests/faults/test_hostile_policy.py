"""Hostile policy files: `creditfile policy check` explains, never crashes, never hangs."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import TRACEBACK, cli, cli_process, examples, located

from creditfile.policy import default_policy_path

DEFAULT = default_policy_path().read_text("utf-8")
LINES = DEFAULT.splitlines(keepends=True)
FUZZ = settings(
    max_examples=examples(100),
    deadline=5000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
TOKENS = st.sampled_from(
    [
        "",
        ":",
        "- ",
        "  ",
        "[",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "!!python/object:os.system ",
        "null",
        "-1",
        "1e999",
        "'",
        '"',
        "#",
        "|",
        "\t",
        "? ",
        "A",
        "Z",
        "cumulative_lease_amount >=",
        "nan",
        ".inf",
        "2026-02-30",
        "\n",
        "\\",
    ]
)


# Control characters are left to test_a_control_character_is_located, so that this fuzzing
# keeps exploring past that one known problem.
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Cn"))


@st.composite
def mutated_policy(draw: st.DrawFn) -> str:
    """The default policy with a few random edits: lines dropped, doubled, swapped, spliced."""
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "swap", "splice", "indent", "cut"]))
        if action == "drop":
            del lines[where]
        elif action == "double":
            lines.insert(where, lines[where])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[where], lines[other] = lines[other], lines[where]
        elif action == "splice":
            column = draw(st.integers(0, len(lines[where])))
            token = draw(st.one_of(TOKENS, st.text(PRINTABLE, max_size=6)))
            lines[where] = lines[where][:column] + token + lines[where][column:]
        elif action == "indent":
            lines[where] = " " * draw(st.integers(0, 5)) + lines[where].lstrip(" ")
        else:
            lines[where] = lines[where][: draw(st.integers(0, len(lines[where])))]
        if not lines:
            lines = [""]
    return "".join(lines)


def check(path: Path) -> tuple[int, list[str]]:
    """Run `policy check` in-process; return its exit code and stderr lines."""
    started = time.perf_counter()
    outcome = cli(["policy", "check", str(path)])
    assert time.perf_counter() - started < 5, "policy check took longer than 5 s"
    assert TRACEBACK not in outcome.err + outcome.out
    assert outcome.code in (0, 1), (outcome.code, outcome.err)
    return outcome.code, outcome.err.splitlines()


def assert_explained(path: Path, code: int, lines: list[str]) -> None:
    """Exit 1 with every message starting with the file; exit 0 only with no messages."""
    if code == 0:
        assert lines == []
        return
    assert lines, "exit 1 without saying why"
    assert all(line.startswith(f"{path}:") for line in lines), lines


@FUZZ
@given(text=mutated_policy())
def test_mutated_default_policy_is_checked_with_located_messages(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("p") / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = check(path)
    assert_explained(path, code, lines)
    if code == 1:
        # A small UTF-8 text file: every problem can and must name its line.
        unlocated = [line for line in lines if not located(line, str(path))]
        assert not unlocated, unlocated


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_are_refused_with_a_message(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("p") / "policy.yaml"
    path.write_bytes(data)
    code, lines = check(path)
    assert code == 1
    assert lines and lines[0].startswith(f"{path}:"), lines


def test_a_control_character_is_located(tmp_path: Path) -> None:
    # YAML refuses control characters; the message must still say where, on one line.
    path = tmp_path / "policy.yaml"
    path.write_text(DEFAULT.replace("rounding: 2", "rounding: 2\x00"), encoding="utf-8")
    code, lines = check(path)
    assert code == 1
    assert len(lines) == 1 and located(lines[0], str(path)), lines


@pytest.mark.parametrize("depth", [9, 30])
def test_alias_bomb_is_refused_quickly(tmp_path: Path, depth: int) -> None:
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    rows += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
        f"*a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, depth)
    ]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, lines = check(path)
    assert code == 1
    assert any("alias" in line for line in lines), lines


def test_a_50_mb_policy_is_refused_by_the_program_within_5_s(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    chunk = DEFAULT.encode("utf-8") + b"\n# " + b"x" * 4000 + b"\n"
    with path.open("wb") as out:
        while out.tell() < 50_000_000:
            out.write(chunk)
    started = time.perf_counter()
    done = cli_process(["policy", "check", str(path)], timeout=30)
    assert time.perf_counter() - started < 5 + 2  # the program's own start-up is ~1 s here
    assert done.returncode == 1
    assert TRACEBACK not in done.stderr
    assert str(path) in done.stderr and "larger" in done.stderr


def test_a_directory_or_missing_file_is_explained(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "missing.yaml"):
        code, lines = check(path)
        assert code == 1
        assert_explained(path, code, lines)


@pytest.mark.parametrize("layout", ["flow", "block"])
def test_a_dense_file_just_under_the_size_limit_is_refused_within_5_s(
    tmp_path: Path, layout: str
) -> None:
    # Half a million tiny values in under 1 MB: refused quickly, not after parsing them all.
    path = tmp_path / "dense.yaml"
    if layout == "flow":
        path.write_text("[" + ",".join(["1"] * 499_000) + "]", encoding="utf-8")
    else:
        path.write_text("- 1\n" * 249_000, encoding="utf-8")
    assert path.stat().st_size < 1_000_000
    started = time.perf_counter()
    try:
        done = cli_process(["policy", "check", str(path)], timeout=5 + 2)
    except subprocess.TimeoutExpired:
        pytest.fail("policy check of a 1 MB file ran longer than 5 s")
    assert time.perf_counter() - started < 5 + 2  # the program's own start-up is ~1 s here
    assert done.returncode == 1
    assert TRACEBACK not in done.stderr
    assert str(path) in done.stderr
