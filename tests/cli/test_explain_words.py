"""``explain`` says a grade's privileges in words: yes/no, grouped amounts, never True/False."""

from __future__ import annotations

import re
from pathlib import Path

from cli_support import Run


def test_privileges_read_as_words_not_python(run: Run, archive_path: Path) -> None:
    result = run("explain", "C00003", "--as-of", "2026-11-29")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("privileges: "))
    # privileges named in words, as the policy screen names them
    assert "True" not in line and "False" not in line
    assert re.search(r"Priority supply (yes|no)\b", line)
    limit = re.search(r"Credit limit \(CNY\) ([\d,]+)", line)
    assert limit is not None and (int(limit[1].replace(",", "")) < 10000 or "," in limit[1])
