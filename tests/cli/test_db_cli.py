"""``creditfile`` on a PostgreSQL archive, through real processes: db init/upgrade/copy, and the
everyday commands (import, list, show, regrade, history, export) giving what the file gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli_support import Run, no_traceback


def _timeless(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if not str(k).endswith("_at")}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _ok(result: object) -> str:
    assert getattr(result, "returncode", None) == 0, (
        getattr(result, "stdout", ""),
        getattr(result, "stderr", ""),
    )
    return str(getattr(result, "stdout", ""))


def test_db_init_creates_the_schema_once_and_upgrade_finds_it_current(
    run: Run, pg_url: str
) -> None:
    db = {"CREDITFILE_DB": pg_url}
    fresh = run("list", env=db)
    assert fresh.returncode == 1 and no_traceback(fresh)
    assert "db init" in fresh.stderr
    assert "created the creditfile archive" in _ok(run("db", "init", env=db))
    again = run("db", "init", env=db)
    assert again.returncode == 1 and "already holds a creditfile archive" in again.stderr
    assert "up to date" in _ok(run("db", "upgrade", env=db))
    assert json.loads(_ok(run("list", "--json", env=db)))["customers"] == 0


def test_a_password_in_the_url_is_refused_before_any_connection(run: Run, pg_url: str) -> None:
    with_password = pg_url.replace("postgres@", "postgres:secret@")
    result = run("--db", with_password, "list")
    assert result.returncode == 1 and no_traceback(result)
    assert "~/.pgpass" in result.stderr and "secret" not in result.stderr


def test_the_everyday_commands_work_on_postgresql_as_on_the_file(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    db = {"CREDITFILE_DB": pg_url}
    _ok(run("db", "init", env=db))
    demo = json.loads(
        _ok(run("demo", "--customers", "40", "--as-of", "2026-11-01", "--json", env=db))
    )
    file_demo = json.loads(_ok(run("demo", "--customers", "40", "--as-of", "2026-11-01", "--json")))
    assert demo["added"] == file_demo["added"] == 40
    listed = json.loads(_ok(run("list", "--json", env=db)))
    file_listed = json.loads(_ok(run("list", "--json")))
    assert listed == file_listed
    assert listed["customers"] == 40
    cid = listed["rows"][0]["id"]
    shown = run("show", cid, env=db)
    assert shown.returncode == 0 and cid in shown.stdout
    # Two demo archives made a moment apart: the same but for the times of their writes.
    assert _timeless(json.loads(_ok(run("show", cid, "--json", env=db)))) == _timeless(
        json.loads(_ok(run("show", cid, "--json")))
    )
    regraded = json.loads(_ok(run("regrade", "--as-of", "2026-12-01", "--json", env=db)))
    file_regraded = json.loads(_ok(run("regrade", "--as-of", "2026-12-01", "--json")))
    assert regraded["changes"] == file_regraded["changes"]
    runs = json.loads(_ok(run("runs", "--json", env=db)))
    assert len(runs) == 2
    history = json.loads(_ok(run("history", cid, "--json", env=db)))
    assert history
    out_db, out_file = tmp_path / "db.json", tmp_path / "file.json"
    _ok(run("export", "--out", str(out_db), env=db))
    _ok(run("export", "--out", str(out_file)))
    assert out_db.read_bytes() == out_file.read_bytes()
    source = tmp_path / "source.jsonl"
    source.write_text(
        json.dumps({"id": "N1", "name": "新客户有限公司", "nature": "ordinary_company"},
                   ensure_ascii=False) + "\n",
        "utf-8",
    )  # fmt: skip
    _ok(run("import", str(source), env=db))
    assert "新客户有限公司" in _ok(run("show", "N1", env=db))


def test_db_copy_file_to_postgresql_and_back_keeps_everything(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    _ok(run("demo", "--customers", "30", "--as-of", "2026-11-01"))
    _ok(run("regrade", "--as-of", "2026-12-01"))
    original = tmp_path / "archive.json"
    copied = json.loads(_ok(run("db", "copy", str(original), pg_url, "--json")))
    assert copied["customers"] == 30 and copied["runs"] == 2
    assert copied["events"] > 30
    back = tmp_path / "back.json"
    assert "copied" in _ok(run("db", "copy", pg_url, str(back)))
    again = run("db", "copy", str(original), pg_url)
    assert again.returncode == 1 and "not empty" in again.stderr
    for command in (["list", "--json"], ["runs", "--json"], ["history", "--json"]):
        from_file = _ok(run(*command))
        assert _ok(run(*command, env={"CREDITFILE_DB": pg_url})) == from_file
        assert _ok(run(*command, env={"CREDITFILE_DB": str(back)})) == from_file
    exports = []
    for where in (str(original), pg_url, str(back)):
        out = tmp_path / f"export-{len(exports)}.json"
        _ok(run("export", "--out", str(out), env={"CREDITFILE_DB": where}))
        exports.append(out.read_bytes())
    assert exports[0] == exports[1] == exports[2]


def test_demo_names_the_database_by_its_url_as_written(run: Run, pg_url: str) -> None:
    db = {"CREDITFILE_DB": pg_url}
    _ok(run("db", "init", env=db))
    said = _ok(run("demo", "--customers", "5", env=db))
    assert f"demo archive {pg_url}:" in said  # not postgresql:/… as a path would make it
    summary = json.loads(_ok(run("demo", "--customers", "5", "--json", env=db)))
    assert summary["archive"] == pg_url


def test_history_on_a_database_shows_the_login_that_wrote_each_event(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    import psycopg

    db = {"CREDITFILE_DB": pg_url}
    _ok(run("db", "init", env=db))
    _ok(run("demo", "--customers", "3", env=db))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE ROLE ledger_operator LOGIN")
    _ok(run("db", "grant", "ledger_operator", "--as", "operator", env=db))
    as_operator = {"CREDITFILE_DB": pg_url.replace("postgres@", "ledger_operator@", 1)}
    source = tmp_path / "one.jsonl"
    source.write_text(
        json.dumps({"id": "C000001", "name": "改名测试有限公司", "nature": "developer"},
                   ensure_ascii=False) + "\n",
        "utf-8",
    )  # fmt: skip
    _ok(run("import", str(source), env=as_operator))
    table = _ok(run("history", "C000001", env={**db, "COLUMNS": "200"}))
    header = table.splitlines()[0]
    assert "database user" in header
    lines = table.splitlines()
    assert any("postgres" in line and " imported " in line for line in lines)
    assert any("ledger_operator" in line for line in lines)
    # JSON stays the history as a file archive keeps it (db copy compares them).
    events = json.loads(_ok(run("history", "C000001", "--json", env=db)))
    assert events and all("db_user" not in e for e in events)


def test_history_of_a_file_archive_has_no_database_user_column(run: Run) -> None:
    _ok(run("demo", "--customers", "3"))
    header = _ok(run("history", env={"COLUMNS": "200"})).splitlines()[0]
    assert "database user" not in header and "who" in header


def test_db_copy_keeps_demand_requests_in_a_file_and_never_drops_them_silently(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    _ok(run("demo", "--customers", "10", "--as-of", "2026-11-01"))
    _ok(run("demand", "add", "--item", "tower_crane", "--quantity", "3", "--wanted",
            "2026-12-20", "C000002"))  # fmt: skip
    kept = json.loads(_ok(run("demand", "list", "--json")))
    assert len(kept) == 1
    original = tmp_path / "archive.json"
    other = tmp_path / "other.json"
    _ok(run("db", "copy", str(original), str(other)))
    assert json.loads(_ok(run("demand", "list", "--json", env={"CREDITFILE_DB": str(other)})))
    assert _ok(run("demand", "list", "--json", env={"CREDITFILE_DB": str(other)})) == _ok(
        run("demand", "list", "--json")
    )
    refused = run("db", "copy", str(original), pg_url)
    assert refused.returncode == 1 and no_traceback(refused)
    assert "1 demand requests" in refused.stderr and "--without-demands" in refused.stderr
    left = run("db", "copy", str(original), pg_url, "--without-demands")  # the target is empty
    assert left.returncode == 0, left.stderr
    assert f"1 demand requests were left in {original}" in left.stderr
    assert json.loads(_ok(run("demand", "list", "--json"))) == kept  # the source keeps them
