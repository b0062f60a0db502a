"""``creditfile db grant|revoke|roles`` and every command tried as each duty, in real
processes against a real server: what a duty does not allow is refused with a message naming
the duty needed and the command to ask for, never a traceback, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import Run, no_traceback

_POLICY = Path(__file__).resolve().parents[2] / "policy" / "default.yaml"


def _ok(result: object) -> str:
    assert getattr(result, "returncode", None) == 0, (
        getattr(result, "stdout", ""),
        getattr(result, "stderr", ""),
    )
    return str(getattr(result, "stdout", ""))


def _as(pg_url: str, user: str) -> dict[str, str]:
    return {"CREDITFILE_DB": pg_url.replace("postgres@", f"{user}@", 1)}


@pytest.fixture
def shared(run: Run, pg_url: str, tmp_path: Path) -> dict[str, dict[str, str]]:
    """A demo archive in the database and one user per duty: ``{duty: its environment}``."""
    owner = {"CREDITFILE_DB": pg_url}
    _ok(run("db", "init", env=owner))
    _ok(run("demo", "--customers", "12", "--as-of", "2026-11-01", env=owner))
    database = pg_url.rsplit("/", 1)[-1]
    users = {}
    for duty in ("clerk", "assessor", "compliance", "operator", "auditor"):
        user = f"{database}_{duty}_u"
        said = _ok(run("db", "grant", user, "--as", duty, env=owner))
        assert f"{user} now holds the duty {duty}" in said
        users[duty] = _as(pg_url, user)
    return users


def _refused(result: object, duty: str) -> str:
    stderr = str(getattr(result, "stderr", ""))
    assert getattr(result, "returncode", None) == 1, (getattr(result, "stdout", ""), stderr)
    assert no_traceback(result)  # type: ignore[arg-type]
    assert duty in stderr and "creditfile db grant" in stderr, stderr
    return stderr


def test_each_command_as_each_duty(
    run: Run, shared: dict[str, dict[str, str]], tmp_path: Path, pg_url: str
) -> None:
    history = json.loads(_ok(run("history", "--json", env={"CREDITFILE_DB": pg_url})))
    for env in shared.values():  # every duty reads
        assert json.loads(_ok(run("list", "--json", env=env)))["customers"] == 12
    regrade = ("regrade", "--as-of", "2026-12-01")
    for duty in ("clerk", "assessor", "compliance", "auditor"):
        _refused(run(*regrade, env=shared[duty]), "operator")
    _ok(run(*regrade, env=shared["operator"]))
    activate = ("policy", "activate", str(_POLICY))
    for duty in ("clerk", "operator", "auditor"):
        refused = run(*activate, env=shared[duty])
        assert "--as compliance" in _refused(refused, "compliance")
        assert refused.stdout == ""  # refused before a preview that reads every customer
    _ok(run(*activate, env=shared["compliance"]))
    doc = {"id": "N1", "name": "新客户建设有限公司", "nature": "ordinary_company"}
    renamed = tmp_path / "new.jsonl"
    renamed.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    for duty in ("clerk", "auditor"):
        _refused(run("import", str(renamed), env=shared[duty]), "operator")
    exported = json.loads(_ok(run("export", env=shared["operator"])))[0]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps([{**exported, "name": "改名建设有限公司"}]), "utf-8")
    for duty in ("clerk", "assessor", "compliance"):  # not told to ask for an editor's duty
        assert "--as operator`" in _refused(run("import", str(changed), env=shared[duty]), "op")
    _ok(run("import", str(renamed), env=shared["operator"]))
    after = json.loads(_ok(run("history", "--json", env=shared["auditor"])))
    kinds = [e["kind"] for e in after[len(history) :]]
    assert "regrade_run" in kinds and "policy_activated" in kinds
    assert "customer_imported" in kinds


def test_grant_revoke_and_roles_from_the_command_line(
    run: Run, shared: dict[str, dict[str, str]], pg_url: str
) -> None:
    owner = {"CREDITFILE_DB": pg_url}
    listed = json.loads(_ok(run("db", "roles", "--json", env=owner)))
    assert sorted(d for h in listed for d in h["duties"]) == sorted(
        ["clerk", "assessor", "compliance", "operator", "auditor"]
    )
    clerk_user = next(h["user"] for h in listed if h["duties"] == ["clerk"])
    unknown = run("db", "grant", clerk_user, "--as", "boss", env=owner)
    assert unknown.returncode == 1 and "clerk, assessor" in unknown.stderr
    assert no_traceback(unknown)
    by_clerk = run("db", "grant", clerk_user, "--as", "operator", env=shared["clerk"])
    assert by_clerk.returncode == 1 and "CREATEROLE" in by_clerk.stderr
    assert no_traceback(by_clerk)
    _ok(run("db", "grant", clerk_user, "salesperson", "reveal", env=owner))
    _ok(run("db", "revoke", clerk_user, "--as", "clerk", env=owner))
    listed = json.loads(_ok(run("db", "roles", "--json", env=owner)))
    assert next(h["duties"] for h in listed if h["user"] == clerk_user) == ["reveal"]
    stranger = run("list", env=_as(pg_url, "nobody_at_all"))
    assert stranger.returncode == 1 and no_traceback(stranger)
    assert "cannot connect" in stranger.stderr or "creditfile db grant" in stranger.stderr


def test_personal_data_is_shown_only_through_a_reveal_the_server_records(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    owner = {"CREDITFILE_DB": pg_url}
    _ok(run("db", "init", env=owner))
    person = {
        "id": "P1", "name": "王敏", "nature": "individual",
        "contact": {"phone": "13800000000", "address": "武汉市解放大道100号"},
        "profile": {"person": {"age": 45, "id_number": "11010519491231002X"}},
    }  # fmt: skip
    source = tmp_path / "person.jsonl"
    source.write_text(json.dumps(person, ensure_ascii=False), "utf-8")
    _ok(run("import", str(source), env=owner))
    database = pg_url.rsplit("/", 1)[-1]
    _ok(run("db", "grant", f"{database}_c", "--as", "clerk", env=owner))
    _ok(run("db", "grant", f"{database}_r", "--as", "clerk", "--as", "reveal", env=owner))
    clerk, revealer = _as(pg_url, f"{database}_c"), _as(pg_url, f"{database}_r")
    shown = _ok(run("show", "P1", env=clerk))
    assert "13800000000" not in shown and "1101**********002X" in shown
    _refused(run("show", "P1", "--include-personal", env=clerk), "reveal")
    out = tmp_path / "all.json"
    _refused(run("export", "--include-personal", "--out", str(out), env=clerk), "reveal")
    assert not out.exists()
    assert "13800000000" in _ok(run("show", "P1", "--include-personal", env=revealer))
    _ok(run("export", "--include-personal", "--out", str(out), env=revealer))
    assert "11010519491231002X" in out.read_text("utf-8")
    events = json.loads(_ok(run("history", "P1", "--json", env=clerk)))
    assert [e["kind"] for e in events][-1] == "personal_data_revealed"
    everything = json.loads(_ok(run("history", "--json", env=clerk)))
    assert [e["kind"] for e in everything][-1] == "personal_data_exported"


def test_a_duty_is_never_given_to_a_duty_role(run: Run, pg_url: str) -> None:
    # A database named `walk` has the duty roles walk_clerk, walk_operator…: a login may not
    # take such a name, and a duty given to one would pass to everyone holding that duty.
    owner = {"CREDITFILE_DB": pg_url}
    _ok(run("db", "init", env=owner))
    database = pg_url.rsplit("/", 1)[-1]
    for user, duty in ((f"{database}_clerk", "clerk"), (f"{database}_operator", "clerk")):
        for lang in ("en", "zh"):
            result = run("--lang", lang, "db", "grant", user, "--as", duty, env=owner)
            assert result.returncode == 1 and no_traceback(result), result.stderr
            assert user in result.stderr and "db grant" in result.stderr
            if lang == "en":
                assert "is the role of the duty" in result.stderr
                assert "nothing changed" in result.stderr
            else:
                assert "职责" in result.stderr
        refused = run("db", "revoke", user, "--as", duty, env=owner)
        assert refused.returncode == 1 and no_traceback(refused), refused.stderr
    assert "nobody holds a duty" in _ok(run("db", "roles", env=owner))
