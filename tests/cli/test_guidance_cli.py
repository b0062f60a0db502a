"""explain on the command line: each entered item's scoring guidance, the level reached marked."""

from __future__ import annotations

from pathlib import Path

from cli_support import Run

from creditfile.policy import default_policy_path
from creditfile.store import Archive

EXAMPLE = default_policy_path().with_name("example-options.yaml")
DOC = {
    "id": "C1",
    "name": "客户",
    "nature": "developer",
    "assessment": {"strength": 9, "potential": 15, "reputation": 3, "other": 8},
}


def test_explain_on_the_command_line_marks_the_level_reached(tmp_path: Path, run: Run) -> None:
    Archive.open(tmp_path / "archive.json", create=True).import_customers([DOC], actor="t")
    result = run("--policy", str(EXAMPLE), "explain", "C1", "--as-of", "2026-11-29", "--lang", "en")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index("guidance for Strength (entered 9):")
    # With the interface in English, each level's English (text_en) is shown.
    assert lines[start + 1 : start + 4] == [
        "       10  A central SOE, a government body or a state-funded company, or registered "
        "capital over CNY 100 million with full qualifications",
        "  >     7  Registered capital over CNY 10 million and no major lawsuit in the last three "
        "years",
        "        4  Registered capital under CNY 10 million, or founded less than three years ago",
    ]
    assert "guidance for Other (" not in result.stdout
    chinese = run(
        "--policy", str(EXAMPLE), "explain", "C1", "--as-of", "2026-11-29", "--lang", "zh"
    )
    assert chinese.returncode == 0, chinese.stderr
    lines = chinese.stdout.splitlines()
    start = lines.index("       10  央企、政府机构或政府投资公司，或注册资本一亿元以上且资质齐全")
    assert lines[start + 1 : start + 3] == [
        "  >     7  注册资本一千万元以上，近三年无重大诉讼",
        "        4  注册资本一千万元以下，或成立不足三年",
    ]
