"""A label that names two kinds of thing (grade C and tier general both 一般客户) is warned about.

Staff read labels, not keys: a card saying ``C 73.6 一般客户`` beside a tier column saying
零散客户 for the same customer reads as a contradiction. The policy stays valid.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from creditfile.policy import check_policy, default_policy_path, load_policy
from creditfile.policy.label_clashes import label_clashes

ROOT = Path(__file__).parents[2]


def clashing(tmp_path: Path, old: str, new: str) -> Path:
    text = default_policy_path().read_text("utf-8")
    assert old in text
    path = tmp_path / "clash.yaml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_the_default_policy_names_grades_and_tiers_apart() -> None:
    policy = load_policy(default_policy_path())
    grades = {g.label for g in policy.all_grades}
    tiers = {t.label for t in policy.tiers}
    assert not grades & tiers
    assert tiers == {"主力客户", "一般客户", "零散客户"}  # the regime's own tier names
    assert label_clashes(default_policy_path()) == []


def test_a_grade_label_reused_for_a_tier_is_warned_at_the_tier(tmp_path: Path) -> None:
    path = clashing(tmp_path, "label: 合格客户}", "label: 一般客户}")
    assert check_policy(path) == []  # still a valid policy
    [warning] = label_clashes(path)
    text = path.read_text("utf-8")
    lines = [i for i, line in enumerate(text.splitlines(), 1) if "一般客户" in line]
    assert len(lines) == 2
    tier_line = lines[1]
    assert (warning.line, warning.path) == (tier_line, "tiers[1].label")
    message = str(warning)
    assert message.startswith(f"{path}:{tier_line}:")
    assert "'一般客户' is also the label of grade C (grades[2].label" in message
    assert f"line {lines[0]}" in message and "give each its own label" in message


@pytest.mark.parametrize(
    ("old", "new", "where", "other"),
    [
        ("developer: 开发商", "developer: 零散客户", "tiers[2].label", "nature developer"),
        ("label: 实力,", "label: 优质客户,", "grades[0].label", "scoring item strength"),
        ("{name: D, label: 限制类客户}", "{name: D, label: 主力客户}", "tiers[0].label", "grade D"),
    ],
)
def test_any_two_kinds_alike_are_warned_about(
    tmp_path: Path, old: str, new: str, where: str, other: str
) -> None:
    [warning] = label_clashes(clashing(tmp_path, old, new))
    assert warning.path == where and f"label of {other} " in warning.message


def test_policy_check_prints_the_warning_and_still_succeeds(tmp_path: Path) -> None:
    path = clashing(tmp_path, "label: 合格客户}", "label: 一般客户}")

    def check(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "creditfile", *extra, "policy", "check", str(path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            timeout=120,
            check=False,
        )

    shown = check()
    assert shown.returncode == 0, shown.stderr
    assert "ok with 1 warning" in shown.stdout
    assert "tiers[1].label: warning: '一般客户' is also the label of grade C" in shown.stderr
    as_json = check("--json")
    assert as_json.returncode == 0
    result = json.loads(as_json.stdout)[str(path)]
    assert result["valid"] is True and result["problems"] == []
    assert [w["path"] for w in result["warnings"]] == ["tiers[1].label"]


def test_the_default_policy_names_everything_in_english_too() -> None:
    policy = load_policy(default_policy_path())
    english = policy.in_language("en")
    shown = [
        *(g.label for g in english.all_grades),
        *(t.label for t in english.tiers),
        *(i.label for i in english.scoring),
        *english.natures.values(),
        *english.item_categories.values(),
    ]
    assert all(label.isascii() for label in shown), shown
    assert len({label.casefold() for label in shown}) == len(shown)
    # The same policy: only the names differ.
    assert english.sha256 == policy.sha256 and english.grades[0].min_score == 90
    assert policy.in_language("zh") is policy and policy.natures["developer"] == "开发商"


@pytest.mark.parametrize(
    ("old", "new", "where", "other"),
    [
        ("C: Qualified customer", "C: REGULAR", "labels_en.tiers.general", "grade C"),
        ("    developer: Developer", "    developer: major", "labels_en.tiers.key_account",
         "nature developer"),
    ],
)  # fmt: skip
def test_english_labels_alike_are_warned_about_too(
    tmp_path: Path, old: str, new: str, where: str, other: str
) -> None:
    [warning] = label_clashes(clashing(tmp_path, old, new))
    assert warning.path == where and f"label of {other} " in warning.message


def test_an_english_label_for_a_key_the_policy_lacks_is_warned_about(tmp_path: Path) -> None:
    path = clashing(tmp_path, "general: Regular", "generl: Regular")
    assert check_policy(path) == []  # still a valid policy: the label is only never shown
    [warning] = label_clashes(path)
    assert warning.path == "labels_en.tiers.generl"
    assert "'generl' is not in tiers" in warning.message and "'general'" in warning.message
    lines = path.read_text("utf-8").splitlines()
    assert warning.line == next(i for i, line in enumerate(lines, 1) if "generl" in line)


def test_an_english_payment_method_no_privilege_uses_is_warned(tmp_path: Path) -> None:
    path = clashing(tmp_path, "{月结: Monthly,", "{月付: Monthly,")
    assert check_policy(path) == []
    [warning] = label_clashes(path)
    assert warning.path == "labels_en.payment_methods.月付"
    assert "'月付' is not a payment_method of privileges" in str(warning)
    assert "name one of 月结, 预付" in str(warning)
