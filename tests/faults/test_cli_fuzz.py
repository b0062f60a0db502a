"""Random command lines: `creditfile` exits 0, 1 or 2 with a message, never with a traceback."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import TRACEBACK, cli, customers, examples, make_archive_file, working_in

from creditfile.policy import default_policy_path

COMMANDS = [
    ["demo"],
    ["import"],
    ["export"],
    ["regrade"],
    ["explain"],
    ["show"],
    ["history"],
    ["policy", "check"],
    ["policy", "test"],
    ["policy", "diff"],
    ["policy", "activate"],
    ["report"],
    ["report", "composition"],
    ["template"],
    ["doctor"],
]
OPTIONS = [
    "--db",
    "--policy",
    "--actor",
    "--json",
    "--as-of",
    "--dry-run",
    "--format",
    "--out",
    "--include-personal",
    "--customers",
    "--seed",
    "--by",
    "--limit",
    "--restore",
    "--tests",
    "--help",
    "--version",
    "-h",
    "--",
    "-",
    "--no-such-option",
    "--db=",
]
WORDS = [
    "C000001",
    "C999999",
    "",
    " ",
    "2026-11-29",
    "2026-02-30",
    "29/11/2026",
    "-1",
    "0",
    "3",
    "99999999999",
    "abc",
    "json",
    "jsonl",
    "csv",
    "xlsx",
    "grade",
    "nature",
    "tier",
    "A",
    "客户",
    "\u202e",
    "x" * 300,
    "NaN",
    "1e309",
    "../..",
    "/",
    "/dev/null",
]


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A working directory with an archive, a policy, data files and a few bad files."""
    root = tmp_path_factory.mktemp("fuzz")
    archive = make_archive_file(root / "archive.json", 12)
    (root / "one.jsonl").write_text(
        "\n".join(__import__("json").dumps(d, ensure_ascii=False) for d in customers(2, 99)),
        encoding="utf-8",
    )
    (root / "bad.json").write_bytes(b"\xff\xfe{not json")
    (root / "empty.yaml").write_text("", encoding="utf-8")
    names = {
        "archive": str(archive),
        "policy": str(default_policy_path()),
        "data": str(root / "one.jsonl"),
        "bad": str(root / "bad.json"),
        "empty": str(root / "empty.yaml"),
        "dir": str(root),
        "missing": str(root / "missing.json"),
        "out": str(root / "out.dat"),
    }
    with working_in(root, archive):
        yield names


def argv_strategy(paths: list[str]) -> st.SearchStrategy[list[str]]:
    """A command followed by random options, words and paths, in random order."""
    token = st.one_of(
        st.sampled_from(OPTIONS),
        st.sampled_from(WORDS),
        st.sampled_from(paths),
        st.text(max_size=12),
    )
    return st.tuples(st.sampled_from(COMMANDS), st.lists(token, max_size=6)).map(
        lambda parts: [*parts[0], *parts[1]]
    )


def _safe(argv: list[str]) -> bool:
    # These would open the terminal UI or generate a large archive: not what this test is about.
    return "tui" not in argv and not any(a.isdigit() and int(a) > 50 for a in argv)


@settings(
    max_examples=examples(100),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_random_command_lines_never_show_a_traceback(
    place: dict[str, str], data: st.DataObject
) -> None:
    argv = data.draw(argv_strategy(list(place.values())).filter(_safe))
    outcome = cli(argv)
    assert TRACEBACK not in outcome.out + outcome.err
    assert outcome.code in (0, 1, 2), (argv, outcome.code, outcome.err[-500:])
    if outcome.code != 0:
        # With --json the reasons may be in the JSON document on stdout.
        said = outcome.err.strip() or ("--json" in argv and outcome.out.strip())
        assert said, f"{argv} failed without saying why"


@pytest.mark.parametrize(
    "argv",
    [
        ["regrade", "--as-of", "2026-02-30"],
        ["explain", "NOPE"],
        ["--db", "/nonexistent/dir/archive.json", "regrade"],
        ["import"],
        ["policy", "check"],
        ["export", "--format", "pdf"],
    ],
)
def test_usage_and_input_errors_as_a_process(place: dict[str, str], argv: list[str]) -> None:
    from faultkit import cli_process, env_for

    done = cli_process(argv, env=env_for(Path(place["archive"])))
    assert done.returncode in (1, 2), done
    assert TRACEBACK not in done.stderr
    assert done.stderr.strip()
