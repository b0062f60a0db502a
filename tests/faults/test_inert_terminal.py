"""Terminal escapes in customer data, arguments and actors: no command writes a control,
bidirectional or invisible character raw, whatever the archive holds."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import TRACEBACK, cli_process, customers, env_for

from creditfile.presentation.inert import json_text, terminal_text

# Window title, clear screen, clipboard write (OSC 52), cursor home, a C1 CSI, bidi override.
ESCAPES = [
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b[H",
    "\x9b31m",
    "\u202egnp.exe",
    "\u200b",
    "\x00",
]
HOSTILE_NAME = "宏达" + "".join(ESCAPES) + "建设"
# What a terminal acts on: every C0 control but tab and line feed, DEL, C1, bidi and
# zero-width characters.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive whose first customer was written by another tool: escapes everywhere."""
    from creditfile.store import Archive

    docs: list[dict[str, Any]] = customers(3)
    first = docs[0]
    first["name"] = HOSTILE_NAME
    first["contact"]["address"] = "\x1b]0;addr\x07"
    first["trading"]["problems"] = "line one\nline two \x1b[31mred"
    first["assessment"]["assessed_by"] = "\x1b[2J"
    first["leases"][0]["contract"] = "\u202eL2026"
    db = tmp_path_factory.mktemp("escapes") / "archive.json"
    Archive.open(db, create=True).import_customers(docs, actor="\x1b]0;actor\x07")
    done = cli_process(["--db", str(db), "--actor", "\x1b]0;x\x07\u202e", "regrade"])
    assert done.returncode == 0, done.stderr
    return db


COMMANDS = [
    ["explain", "C000001"],
    ["show", "C000001"],
    ["show", "C000001", "--include-personal"],
    ["--json", "show", "C000001"],
    ["history"],
    ["history", "C000001"],
    ["--json", "history"],
    ["report", "exposure"],
    ["report", "review"],
    ["report", "all"],
    ["report", "composition"],
    ["--json", "report", "exposure"],
    ["export"],
    ["export", "--format", "jsonl"],
    ["explain", "C00\x1b]0;typo\x07"],
    ["show", "\u202eC000001"],
    ["history", "\x1b[2J"],
    ["--actor", "\x1b]0;me\x07", "regrade", "--dry-run"],
    ["--no-such\x1b]0;x\x07"],
    ["explain", "\udcff"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: ascii(" ".join(argv)))
def test_no_command_writes_a_raw_escape(archive: Path, argv: list[str]) -> None:
    done = cli_process(["--db", str(archive), *argv], env=env_for())
    assert TRACEBACK not in done.stderr
    assert done.returncode in (0, 1, 2), done.stderr
    for stream in (done.stdout, done.stderr):
        assert RAW.search(stream) is None, RAW.findall(stream)


def test_explain_shows_the_name_escaped(archive: Path) -> None:
    done = cli_process(["--db", str(archive), "explain", "C000001"])
    assert done.returncode == 0, done.stderr
    assert "宏达\\x1b]0;pwned\\x07\\x1b[2J" in done.stdout


def test_json_output_means_the_same_data(archive: Path) -> None:
    done = cli_process(["--db", str(archive), "--json", "show", "C000001"])
    assert json.loads(done.stdout)["name"] == HOSTILE_NAME


def test_an_export_to_stdout_is_the_archive_exactly(archive: Path) -> None:
    done = cli_process(["--db", str(archive), "export", "--format", "jsonl"])
    first = json.loads(done.stdout.splitlines()[0])
    assert first["name"] == HOSTILE_NAME
    assert first["trading"]["problems"] == "line one\nline two \x1b[31mred"


def test_the_history_keeps_the_declared_actor_escaped(archive: Path) -> None:
    done = cli_process(["--db", str(archive), "history"])
    assert "\\x1b]0;x\\x07\\u202e" in done.stdout


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]0;t\x07", "\\x1b]0;t\\x07"),
        ("a\u202eb", "a\\u202eb"),
        ("tab\tnl\ncr\r", "tab\\tnl\\ncr\\r"),
        ("\udcff", "\\udcff"),
        ("普通 text", "普通 text"),
    ],
)
def test_terminal_text_escapes_what_a_terminal_acts_on(text: str, shown: str) -> None:
    assert terminal_text(text) == shown


def test_json_text_is_the_same_json() -> None:
    value = {"n": HOSTILE_NAME + "\udcff\x85"}
    encoded = json_text(json.dumps(value, ensure_ascii=False))
    assert RAW.search(encoded) is None
    assert json.loads(encoded) == value


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_refused_id_cannot_forge_a_line_of_the_import_report(tmp_path: Path, suffix: str) -> None:
    forged = "V1\ncreditfile: imported 1 customer"
    source = tmp_path / f"rows{suffix}"
    if suffix == ".jsonl":
        source.write_text(json.dumps({"id": forged, "name": "某公司", "nature": "developer"}))
    else:
        source.write_text(f'客户编号,客户名称,客户性质\n"{forged}",某公司,developer\n', "utf-8")
    done = cli_process(["--db", str(tmp_path / "a.json"), "import", str(source)])
    assert done.returncode == 1
    # Every line of the report is the program's: a location, or its own summary.
    assert not [line for line in done.stderr.splitlines() if line.startswith("creditfile: imp")]
    assert "V1" in done.stderr


def test_an_output_without_chinese_shows_escapes_not_a_traceback(archive: Path) -> None:
    # PYTHONIOENCODING=ascii stands for a terminal or pipe whose encoding has no Chinese.
    env = {**env_for(), "PYTHONIOENCODING": "ascii"}
    for argv in (["explain", "C000001"], ["--lang", "zh", "history"], ["no-such-command"]):
        done = cli_process(["--db", str(archive), *argv], env=env)
        assert TRACEBACK not in done.stderr, (argv, done.stderr[-500:])
        assert done.returncode in (0, 2), (argv, done.stderr[-500:])
    shown = cli_process(["--db", str(archive), "explain", "C000001"], env=env).stdout
    assert "\\u5b8f\\u8fbe" in shown  # 宏达, as escapes the terminal can show
