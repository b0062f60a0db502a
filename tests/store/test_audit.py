"""The audit names the person: OS user and host on every history event; actor text made harmless."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from creditfile.policy import default_policy_path
from creditfile.store import Archive
from creditfile.store.audit import MAX_ACTOR_CHARS, clean_actor

ROOT = Path(__file__).resolve().parents[2]
ME = pwd.getpwuid(os.getuid()).pw_name
HOST = socket.gethostname()
DOC = {"id": "C1", "name": "武汉宏达", "nature": "developer"}


def history_lines(archive: Path) -> list[dict[str, object]]:
    raw = archive.with_name(archive.name + ".history.jsonl").read_bytes()
    return [orjson.loads(line) for line in raw.splitlines() if line]


def test_every_kind_of_event_records_the_os_user_and_host(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    archive = Archive.open(path, create=True)
    archive.import_customers([DOC], actor="li")
    archive.regrade(
        lambda docs: {str(d["id"]): {"status": "graded", "grade": "A", "total": 95} for d in docs},
        run={"as_of": "2026-11-29", "policy_version": "v", "os_user": "forged"},
        actor="night",
    )
    saved = archive.get("C1")
    assert saved is not None
    archive.save_customer(
        {**DOC, "name": "武汉宏达建设"}, base_rev=saved["_meta"]["rev"], actor="li"
    )
    text = default_policy_path().read_text("utf-8")
    archive.activate_policy(text, sha256="0" * 64, version="v", path=None, actor="compliance")
    archive.record_event("C1", "personal_data_revealed", "wang")
    archive.delete_customer("C1", base_rev=saved["_meta"]["rev"] + 1, actor="li")
    events = history_lines(path)
    kinds = {event["kind"] for event in events}
    assert {"customer_imported", "customer_changed", "policy_activated"} <= kinds, kinds
    assert {"personal_data_revealed", "customer_deleted", "regrade_run", "grade_changed"} <= kinds
    for event in events:
        assert (event["os_user"], event["host"]) == (ME, HOST), event
    assert [e["actor"] for e in events if e["kind"] == "personal_data_revealed"] == ["wang"]


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("wang", "wang"),
        ("王敏", "王敏"),
        ("\x1b]0;pwned\x07\x1b[2J", "\\x1b]0;pwned\\x07\\x1b[2J"),
        ("admin\u202enimda", "admin\\u202enimda"),
        ("wa\u200bng", "wa\\u200bng"),
        ("line\nbreak", "line\\x0abreak"),
        ("bad\udcffbyte", "bad\\udcffbyte"),
        ("\x9b2J", "\\x9b2J"),
        ("", "?"),
        ("   ", "?"),
        (None, "?"),
    ],
)
def test_actor_text_is_made_visible_and_harmless(given: str | None, shown: str) -> None:
    assert clean_actor(given) == shown


def test_actor_length_is_bounded() -> None:
    for given in ("x" * 65, "x" * 1_000_000, "\x1b" * 100):
        cleaned = clean_actor(given)
        assert len(cleaned) == MAX_ACTOR_CHARS and cleaned.endswith("…"), cleaned[:80]
    assert clean_actor("x" * MAX_ACTOR_CHARS) == "x" * MAX_ACTOR_CHARS


def test_a_hostile_actor_is_stored_cleaned_in_records_history_and_the_active_policy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.json"
    archive = Archive.open(path, create=True)
    hostile = "\x1b[2J\u202e" + "y" * 200
    archive.import_customers([DOC], actor=hostile)
    archive.activate_policy("x: 1\n", sha256="0" * 64, version="v", path=None, actor=hostile)
    record = archive.get("C1")
    assert record is not None
    expected = clean_actor(hostile)
    assert record["_meta"]["updated_by"] == expected
    assert archive.active_policy()["activated_by"] == expected  # type: ignore[index]
    assert {e["actor"] for e in history_lines(path)} == {expected}
    assert "\x1b" not in path.read_text("utf-8")


def run_cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creditfile", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_history_shows_the_os_account_and_a_spoofed_user_variable_changes_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "a.json"
    Archive.open(db, create=True).import_customers([DOC], actor="li")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CREDITFILE_")}
    env.update({"PYTHONPATH": str(ROOT), "CREDITFILE_DB": str(db)})
    env.update({"USER": "mallory", "LOGNAME": "mallory"})
    policy = str(default_policy_path())
    done = run_cli("--actor", "someone-else\x1b[2J", "policy", "activate", policy, env=env)
    assert done.returncode == 0, done.stderr
    shown = run_cli("history", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout
    line = next(row for row in shown.stdout.splitlines() if "policy activated" in row)
    assert "someone-else\\x1b[2J" in line and f"{ME}@{HOST}" in line, line
    assert "mallory" not in shown.stdout
    events = orjson.loads(run_cli("--json", "history", env=env).stdout)
    assert all(e["os_user"] == ME and e["host"] == HOST for e in events), events
