"""Every refusal of the command line is in one language: Chinese under ``--lang zh`` (or a
Chinese locale), English under ``--lang en``, with the file named as given and the exit code
non-zero; run as the real program on the error paths a person meets (a missing file, a folder
given for a file, an option out of range)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import CJK, Run, no_english, refused

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}

# The arguments (``DIR`` a folder, ``GONE`` a file that is not there), the file the message
# must name, and words of its English wording.
CASES = [
    (["demand", "import", "DIR"], "DIR", "is a folder; name a file"),
    (["demand", "import", "GONE.csv"], "GONE.csv", "no such file; check the path"),
    (["form", "import", "DIR"], "DIR", "is a folder; name a file"),
    (["form", "import", "GONE.xlsx"], "GONE.xlsx", "no such file; check the path"),
    (["market", "check", "DIR"], "DIR", "is a folder; name a file"),
    (["market", "check", "GONE.yaml"], "GONE.yaml", "no such file; check the path"),
    (
        ["report", "trend", "--from", "1800-01-01", "--to", "2026-11-30", "--period", "quarter"],
        "--from",
        "908 quarters from 1800-01-01 to 2026-11-30 is more than 400; give a later --from",
    ),
]


@pytest.mark.parametrize(("args", "named", "english"), CASES, ids=lambda v: " ".join(v)[:30])
def test_a_refusal_is_told_in_the_language_asked(
    run: Run, archive_path: Path, args: list[str], named: str, english: str
) -> None:
    (archive_path.parent / "DIR").mkdir()
    chinese = refused(run("--lang", "zh", *args))
    assert named in chinese and CJK.search(chinese), chinese
    no_english(chinese, named)
    from_locale = refused(run(*args, env=ZH))
    assert from_locale.splitlines()[0] == chinese.splitlines()[0]
    said = refused(run("--lang", "en", *args))
    assert named in said and english in said, said
    assert not CJK.search(said), said
