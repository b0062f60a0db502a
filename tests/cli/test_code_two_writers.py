"""One credit code, two writers at once: both pass every check made before the write, and the
store's lock lets one of them in first. The check made under that lock refuses the second, so
the archive never holds one company as two customers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest
from cli_support import Run

from creditfile.store import Archive
from creditfile.store.locking import archive_lock

ROOT = Path(__file__).parents[2]
CODE = "91350100M000100Y43"

SAVE = """
import sys
from datetime import date
from creditfile.application.customers import save_customer
from creditfile.application.opening import open_archive
from creditfile.policy import load_policy

path, cid = sys.argv[1], sys.argv[2]
waiting = lambda pid: print("waiting for the archive lock", file=sys.stderr, flush=True)
store = open_archive(path, on_wait=waiting)
doc = {"id": cid, "name": cid + "建设有限公司", "nature": "developer", "credit_code": sys.argv[3]}
try:
    save_customer(store, doc, base_rev=None, actor=cid, policy=load_policy(sys.argv[4]),
                  as_of=date(2026, 12, 1))
except Exception as exc:
    print(f"refused: {exc}", file=sys.stderr)
    sys.exit(1)
"""


def _env(archive: Path) -> dict[str, str]:
    env = {**os.environ, "CREDITFILE_DB": str(archive), "PYTHONPATH": str(ROOT)}
    env.pop("CREDITFILE_POLICY", None)
    return env


def _import(folder: Path, archive: Path, cid: str) -> subprocess.Popen[str]:
    row = {"id": cid, "name": f"{cid}建设有限公司", "nature": "developer", "credit_code": CODE}
    source = folder / f"{cid}.json"
    source.write_text(json.dumps([row], ensure_ascii=False), "utf-8")
    command = [sys.executable, "-m", "creditfile", "--actor", cid, "import", str(source)]
    return subprocess.Popen(command, env=_env(archive), text=True, **_pipes())


def _save(archive: Path, cid: str) -> subprocess.Popen[str]:
    policy = str(ROOT / "policy" / "default.yaml")
    command = [sys.executable, "-c", SAVE, str(archive), cid, CODE, policy]
    return subprocess.Popen(command, env=_env(archive), text=True, **_pipes())


def _pipes() -> dict[str, int]:
    return {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}


def _wait_for_lock(stream: IO[str] | None) -> str:
    """Read the writer's stderr until it says it waits for the lock (or ends)."""
    assert stream is not None
    seen = ""
    while "waiting for the archive lock" not in seen:
        line = stream.readline()
        if not line:
            break
        seen += line
    return seen


@pytest.mark.parametrize("how", ["import", "save"])
def test_two_writers_giving_one_code_to_two_customers_cannot_both_succeed(
    run: Run, tmp_path: Path, how: str
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"id": "C0", "name": "甲", "nature": "developer"}]), "utf-8")
    assert run("import", str(seed)).returncode == 0
    archive = tmp_path / "archive.json"
    with archive_lock(archive, timeout=5):
        writers = [
            _import(tmp_path, archive, cid) if how == "import" else _save(archive, cid)
            for cid in ("C1", "C2")
        ]
        # Both have read the archive (no customer has the code) and wait at the lock.
        heads = [_wait_for_lock(w.stderr) for w in writers]
        assert all("waiting for the archive lock" in head for head in heads), heads
    results = [(w.wait(60), w.stdout.read() if w.stdout else "", w.stderr.read() if w.stderr else "")
               for w in writers]  # fmt: skip
    codes = sorted(code for code, _out, _err in results)
    assert codes == [0, 1], results
    refused = next(err for code, _out, err in results if code == 1)
    assert f"credit_code {CODE!r} is already" in refused
    holders = [cid for cid, r in Archive.open(archive).records().items() if r.get("credit_code")]
    assert len(holders) == 1
    assert f"is already {holders[0]}" in refused  # names the customer that has it
