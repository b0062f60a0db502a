"""``policy diff OLD NEW --db`` writes its customers' tables and its ``--json`` a part at a
time, the rows read back from temporary files: the text is the one the whole tables gave
(goldens written by the program that held every row, in both languages), and the JSON is
``Env.emit_json``'s of the whole document, to the byte.

Regenerate the goldens (after a deliberate change of the output or of the shipped policies)
with ``CREDITFILE_WRITE_GOLDEN=1 pytest tests/cli/test_policy_diff_streamed.py``.
"""

from __future__ import annotations

import argparse
import errno
import gc
import io
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from creditfile.application import policy_impact, spooled_rows
from creditfile.application.opening import open_archive
from creditfile.application.policy_admin import diff_policies
from creditfile.application.policy_impact import impact_of
from creditfile.application.regrade import regrade
from creditfile.cli import streamed_json
from creditfile.cli import table as cli_table
from creditfile.cli.commands import policy_cmd
from creditfile.cli.env import Env
from creditfile.cli.program import main
from creditfile.demodata.customers import generate_customers
from creditfile.policy import default_policy_path, load_policy

AS_OF = date(2026, 11, 29)
POLICIES = Path(default_policy_path()).parent
GOLDEN = Path(__file__).parent / "golden"
ARGS = ["policy", "diff", "default.yaml", "example-options.yaml", "--as-of", AS_OF.isoformat()]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 generated customers graded under the shipped policy (65 change grade under the
    example options, 7 agency investigations too)."""
    path = tmp_path_factory.mktemp("diff") / "archive.json"
    store = open_archive(str(path), create=True)
    store.import_customers(generate_customers(150, 11, AS_OF), actor="seed")
    regrade(store, load_policy(str(default_policy_path())), AS_OF, "seed")
    return path


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every part small: batches of 23 customers, tables of 7 lines at a time written without
    rich from 6 rows on, JSON lists 5 items at a time, the files read back 1,000 bytes at a
    time (a row's line split between reads). The program's collector is on again after."""
    monkeypatch.setattr(policy_impact, "BATCH", 23)
    monkeypatch.setattr(policy_cmd, "TABLE_CHUNK", 7)
    monkeypatch.setattr(cli_table, "RICH_ROWS", 5)
    monkeypatch.setattr(streamed_json, "CHUNK", 5)
    monkeypatch.setattr(spooled_rows.SpooledRows, "_CHUNK", 1_000)
    monkeypatch.chdir(POLICIES)
    monkeypatch.delenv("CREDITFILE_POLICY", raising=False)
    yield
    gc.enable()  # ``main`` pauses it for the rest of a command's process


def _diff(archive: Path, capsys: pytest.CaptureFixture[str], *options: str) -> str:
    capsys.readouterr()
    assert main(["--db", str(archive), *options, *ARGS]) == 0
    return capsys.readouterr().out


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_preview_written_a_part_at_a_time_is_the_text_of_the_whole_tables(
    archive: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    text = _diff(archive, capsys, "--lang", lang)

    golden = GOLDEN / f"policy_diff_{lang}.txt"
    if os.environ.get("CREDITFILE_WRITE_GOLDEN"):
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")
    changed = "65 customers would change grade" if lang == "en" else "65 户客户的等级会变化"
    assert changed in text


@pytest.mark.usefixtures("small_parts")
def test_the_json_written_a_part_at_a_time_is_the_whole_document(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = _diff(archive, capsys, "--json")

    old, new = (load_policy(str(POLICIES / name)) for name in ARGS[2:4])
    whole = impact_of(
        open_archive(str(archive)).documents(), old, new, AS_OF, investigations=True
    ).what_if
    assert isinstance(whole["grade_changes"], list)  # every row held, as the program did
    out = io.StringIO()
    Env(argparse.Namespace(), stdout=out).emit_json(
        {
            "old": {"file": ARGS[2], "version": old.version, "sha256": old.sha256},
            "new": {"file": ARGS[3], "version": new.version, "sha256": new.sha256},
            "changes": diff_policies(ARGS[2], ARGS[3], None, AS_OF).changes,
            "what_if": whole,
        }
    )
    assert written == out.getvalue()
    document = json.loads(written)["what_if"]
    assert len(document["grade_changes"]) == 65 and len(document["investigation_changes"]) == 7
    assert written == _diff(archive, capsys, "--json", "--lang", "zh")  # JSON has no language


def _document(count: int) -> dict[str, Any]:
    rows = [{"id": f"C{n:06d}", "name": "\x1b[2J甲" if n % 5 == 0 else None} for n in range(count)]
    return {"head": [1, {"deep": {"rows": rows, "after": True}}], "rows": rows, "tail": []}


@pytest.mark.parametrize("count", [0, 1, 5, 6, 23])
def test_a_json_document_with_lists_at_any_depth_written_as_read_is_the_whole_document(
    monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.setattr(streamed_json, "CHUNK", 5)
    whole = _document(count)
    marked = _document(0)
    marked["head"][1]["deep"]["rows"] = streamed_json.Streamed(iter(whole["rows"]))
    marked["rows"] = streamed_json.Streamed(x for x in whole["rows"])
    marked["tail"] = streamed_json.Streamed([])
    streamed, at_once = io.StringIO(), io.StringIO()

    streamed_json.write_json(streamed, marked)

    Env(argparse.Namespace(), stdout=at_once).emit_json(whole)
    assert streamed.getvalue() == at_once.getvalue()
    assert "\x1b" not in streamed.getvalue()


class _Full(io.BytesIO):
    """A temporary file on a full disk."""

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "could not keep rows in a temporary file there (the disk is full); make room"),
        ("zh", "无法在此处的临时文件中保存数据行（磁盘已满）；请腾出空间，或将 TMPDIR 设为"),
    ],
)
def test_a_full_temporary_folder_is_named_with_what_to_do(
    archive: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    said: str,
) -> None:
    monkeypatch.setattr(spooled_rows.tempfile, "TemporaryFile", _Full)
    capsys.readouterr()

    assert main(["--db", str(archive), "--lang", lang, *ARGS]) == 1

    err = capsys.readouterr().err
    assert said in err and tempfile.gettempdir() in err and "TMPDIR" in err
    assert "Traceback" not in err
