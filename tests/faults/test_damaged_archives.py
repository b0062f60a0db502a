"""Damaged archives: a message naming the file, nothing overwritten, `doctor` explains and restores."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from faultkit import AS_OF, TRACEBACK, cli, cli_process, customers, env_for, make_archive_file

from creditfile.store import Archive

DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "not JSON": lambda raw: b"PK\x03\x04 this is a zip file, not an archive",
    "empty": lambda raw: b"",
    "stock TinyDB file": lambda raw: json.dumps({"_default": {"1": {"name": "x"}}}).encode(),
    "a JSON list": lambda raw: b"[1, 2, 3]",
    "customers not a mapping": lambda raw: raw.replace(b'"customers":{', b'"customers":[{', 1),
}


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive written twice (import, then regrade), so a last good copy exists."""
    path = make_archive_file(tmp_path_factory.mktemp("healthy") / "archive.json", 30)
    assert cli(["--db", str(path), "regrade", "--as-of", AS_OF]).code == 0
    return path


@pytest.fixture
def archive(healthy: Path, tmp_path: Path) -> Path:
    """A private copy of the healthy archive and its sidecars."""
    for item in healthy.parent.glob(healthy.name + "*"):
        shutil.copy2(item, tmp_path / item.name)
    return tmp_path / healthy.name


def damage(path: Path, kind: str) -> bytes:
    """Damage the archive; return the damaged bytes."""
    raw = DAMAGE[kind](path.read_bytes())
    path.write_bytes(raw)
    return raw


@pytest.mark.parametrize("kind", list(DAMAGE))
@pytest.mark.parametrize(
    "argv",
    [
        ["regrade", "--as-of", AS_OF],
        ["show", "C000001"],
        ["history"],
        ["policy", "activate", "policy/default.yaml"],
    ],
)
def test_commands_refuse_a_damaged_archive_and_write_nothing(
    archive: Path, kind: str, argv: list[str]
) -> None:
    raw = damage(archive, kind)
    backup = archive.with_name(archive.name + ".bak").read_bytes()
    outcome = cli(["--db", str(archive), *argv])
    assert outcome.code == 1, (outcome.code, outcome.err)
    assert TRACEBACK not in outcome.err
    assert str(archive) in outcome.err
    assert archive.read_bytes() == raw
    assert archive.with_name(archive.name + ".bak").read_bytes() == backup


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_import_refuses_a_damaged_archive(archive: Path, tmp_path: Path, kind: str) -> None:
    raw = damage(archive, kind)
    incoming = tmp_path / "new.jsonl"
    incoming.write_text(json.dumps(customers(1, seed=5)[0], ensure_ascii=False) + "\n", "utf-8")
    outcome = cli(["--db", str(archive), "import", str(incoming)])
    assert outcome.code == 1, outcome.err
    assert str(archive) in outcome.err
    assert archive.read_bytes() == raw


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_doctor_explains_and_restores_the_last_good_copy(archive: Path, kind: str) -> None:
    good = {
        cid: rec["_meta"]["rev"]
        for cid, rec in Archive.open(archive.with_name(archive.name + ".bak")).records().items()
    }
    archive.with_name(archive.name + ".bak.lock").unlink(missing_ok=True)
    raw = damage(archive, kind)

    checked = cli(["--db", str(archive), "doctor"])
    assert checked.code == 1
    assert str(archive) in checked.err and "--restore" in checked.err
    assert archive.read_bytes() == raw

    restored = cli(["--db", str(archive), "doctor", "--restore"])
    assert restored.code == 0, restored.err
    assert "restored" in restored.out
    assert archive.with_name(archive.name + ".damaged").read_bytes() == raw
    back = Archive.open(archive).records()
    assert {cid: rec["_meta"]["rev"] for cid, rec in back.items()} == good
    assert cli(["--db", str(archive), "regrade", "--as-of", AS_OF]).code == 0
    assert cli(["--db", str(archive), "doctor"]).code == 0


def test_doctor_on_a_healthy_archive_changes_nothing(archive: Path) -> None:
    before = archive.read_bytes()
    outcome = cli(["--db", str(archive), "doctor", "--restore"])
    assert outcome.code == 0
    assert "ok" in outcome.out and "nothing to restore" in outcome.out
    assert archive.read_bytes() == before
    assert not archive.with_name(archive.name + ".bak.lock").exists()


def test_doctor_without_a_backup_says_so(archive: Path) -> None:
    archive.with_name(archive.name + ".bak").unlink()
    raw = damage(archive, "truncated")
    outcome = cli(["--db", str(archive), "doctor", "--restore"])
    assert outcome.code == 1
    assert "no backup" in outcome.err and str(archive) in outcome.err
    assert archive.read_bytes() == raw


def test_doctor_as_a_process_reports_json(archive: Path) -> None:
    damage(archive, "not JSON")
    done = cli_process(["doctor", "--json"], env=env_for(archive))
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False and report["backup"]["ok"] is True
    assert report["archive"]["problems"] and str(archive) in report["archive"]["problems"][0]
