"""A refused write leaves the history file byte for byte as it was: no aborted events, for every
kind of write (import, save, merge, regrade), whether the refusal comes from the checks, from
the lock-time plan or from the disk. Each runs in a real process, as a user or a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]

LEASE = {"contract": "L1", "item": "tower_crane", "start": "2024-01-05", "amount": 100.0,
         "status": "active"}  # fmt: skip
SCORES = {"strength": 10, "potential": 13, "reputation": 17, "payment": 28, "other": 8}
CODE = "91350100M000100Y43"


def _process(tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITFILE_")}
    env["PYTHONPATH"] = str(ROOT)
    env["CREDITFILE_DB"] = str(tmp_path / "archive.json")
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


CLI = "import sys; from creditfile.cli.program import main; sys.exit(main(sys.argv[1:]))"
# The same program, on a disk that refuses to put the new archive file in place.
CLI_ON_A_FAILING_DISK = """
import errno, os, sys
real = os.replace
def replace(source, target, *a, **k):
    if str(target).endswith("archive.json"):
        raise OSError(errno.EIO, os.strerror(errno.EIO))
    return real(source, target, *a, **k)
os.replace = replace
from creditfile.cli.program import main
sys.exit(main(sys.argv[1:]))
"""
# A script saving through the application, as the card does.
SAVE = """
import json, sys
from datetime import date
from creditfile.application.customers import save_customer
from creditfile.application.opening import open_archive
from creditfile.policy import default_policy_path, load_policy
doc, base = json.loads(sys.argv[1]), json.loads(sys.argv[2])
store = open_archive(__import__("os").environ["CREDITFILE_DB"])
try:
    save_customer(store, doc, base_rev=base, actor="script",
                  policy=load_policy(default_policy_path()), as_of=date(2026, 12, 1))
except Exception as exc:
    print(type(exc).__name__, exc, file=sys.stderr)
    sys.exit(1)
"""


def _customer(cid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "name": name, "nature": "developer", "leases": [dict(LEASE)],
            "assessment": dict(SCORES), **extra}  # fmt: skip


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    docs = [
        _customer("C1", "武汉宏达建设工程有限公司"),
        _customer("C2", "南昌锦达房地产开发有限公司", credit_code=CODE),
        _customer("C3", "成都万坤市政工程有限公司"),
    ]
    (tmp_path / "in.json").write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    done = _process(tmp_path, CLI, "import", "in.json")
    assert done.returncode == 0, done.stderr
    assert _process(tmp_path, CLI, "export", "--out", "old.json").returncode == 0
    later = [_customer("C1", "武汉宏达建设工程有限公司", contact={"phone": "027-9"})]
    (tmp_path / "later.json").write_text(json.dumps(later, ensure_ascii=False), "utf-8")
    assert _process(tmp_path, CLI, "import", "later.json").returncode == 0
    return tmp_path / "archive.json"


def _write(tmp_path: Path, name: str, docs: Sequence[dict[str, Any]]) -> str:
    (tmp_path / name).write_text(json.dumps(list(docs), ensure_ascii=False), "utf-8")
    return name


def _stale_export(tmp_path: Path) -> str:
    """The export taken before C1 changed, with C1's name edited: a stale row."""
    docs = json.loads((tmp_path / "old.json").read_text("utf-8"))
    docs[0]["name"] = "武汉宏达建设集团有限公司"
    return _write(tmp_path, "stale.json", docs[:1])


def _refusals(tmp_path: Path) -> list[tuple[str, str, list[str], int]]:
    rocket = _customer("C1", "武汉宏达建设工程有限公司", leases=[{**LEASE, "item": "rocket"}])
    taken = _customer("C3", "成都万坤市政工程有限公司", credit_code=CODE)
    return [
        ("import: a lease item the policy lacks", CLI,
         ["import", _write(tmp_path, "rocket.json", [rocket])], 1),
        ("import: an unknown nature", CLI,
         ["import", _write(tmp_path, "n.json", [{**rocket, "leases": [], "nature": "alien"}])], 1),
        ("import: a stale row, refused under the lock", CLI, ["import", _stale_export(tmp_path)], 1),
        ("import: another customer's credit code", CLI,
         ["import", _write(tmp_path, "code.json", [taken])], 1),
        ("import: the disk fails", CLI_ON_A_FAILING_DISK,
         ["import", _write(tmp_path, "ok.json", [{**rocket, "leases": [LEASE], "name": "新名"}])],
         1),
        ("save: a stale revision", SAVE,
         [json.dumps(_customer("C1", "改名有限公司")), "1"], 1),
        ("save: a lease item the policy lacks", SAVE, [json.dumps(rocket), "2"], 1),
        ("save: the disk fails", CLI_ON_A_FAILING_DISK.replace(
            "from creditfile.cli.program import main\nsys.exit(main(sys.argv[1:]))", SAVE),
         [json.dumps(_customer("C1", "改名有限公司")), "2"], 1),
        ("merge: into itself", CLI, ["merge", "C1", "C1"], 1),
        ("merge: the disk fails", CLI_ON_A_FAILING_DISK, ["merge", "C1", "C3"], 1),
        ("regrade: a guard refuses", CLI,
         ["regrade", "--as-of", "2024-06-01", "--max-changes", "0"], 3),
        ("regrade: the disk fails", CLI_ON_A_FAILING_DISK, ["regrade", "--as-of", "2024-06-01"], 1),
    ]  # fmt: skip


def test_every_refused_write_leaves_the_history_and_the_archive_as_they_were(
    archive: Path, tmp_path: Path
) -> None:
    history = archive.with_name(archive.name + ".history.jsonl")
    for what, code, argv, expected in _refusals(tmp_path):
        before = (history.read_bytes(), archive.read_bytes())
        done = _process(tmp_path, code, *argv)
        assert done.returncode == expected, (what, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr, (what, done.stderr)
        assert (history.read_bytes(), archive.read_bytes()) == before, what
    # And the archive still takes a write afterwards, which the history records.
    assert _process(tmp_path, CLI, "regrade", "--as-of", "2024-06-01").returncode == 0
    assert len(history.read_bytes()) > len(before[0])
