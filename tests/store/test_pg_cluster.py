"""The throwaway PostgreSQL server the test command starts for itself."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg


def test_the_test_server_runs_unprivileged_and_serves_a_fresh_database(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        row = conn.execute(
            "SELECT current_setting('data_directory'), "
            "(SELECT count(*) FROM pg_tables WHERE schemaname = 'public')"
        ).fetchone()
    assert row is not None
    data_dir, tables = row
    assert tables == 0
    assert Path(data_dir).stat().st_uid != 0 or os.geteuid() != 0  # never the superuser's
