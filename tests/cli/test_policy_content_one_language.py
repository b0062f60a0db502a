"""What is wrong inside a policy file, a market file or a policy's tests file is told in one
language: Chinese under ``--lang zh`` (or a Chinese locale), English under ``--lang en``, each
problem at its ``FILE:LINE:COLUMN`` and key, the command exiting 1. Run as the real program on
files that a person gets wrong: a value of the wrong kind, a key missing or misspelt, a value
out of range or not of the form its key needs, and the meaning checks (weights, thresholds,
bands, conditions, duplicates, labels read as one another)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import CJK, Run, no_english, refused

ROOT = Path(__file__).parents[2]
DEFAULT = (ROOT / "policy" / "default.yaml").read_text("utf-8")
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
WEIGHT = "{key: strength, label: 实力, weight: 10, method: manual}"
TIER = "when: cumulative_lease_amount >= 500000\n"


def _policy(old: str, new: str) -> str:
    assert old in DEFAULT, old
    return DEFAULT.replace(old, new, 1)


# A policy edited one way (old text → new), where the message must point (FILE:LINE:COL and the
# key), words of its English and of its Chinese.
CASES = [
    (
        "wrong type",
        (WEIGHT, WEIGHT.replace("10,", "ten,")),
        ":35:40: scoring[0].weight:",
        "'ten' should be a number",
        "'ten' 应为数字",
    ),
    (
        "text not in quotes",
        ('policy_version: "2026.1"', "policy_version: 2026.1"),
        ":5:17: policy_version:",
        "2026.1 should be text; write it in quotes",
        "2026.1 应为文字; 请加上引号",
    ),
    (
        "unknown key",
        ("rounding: 2\n", "rounding: 2\nroundng: 3\n"),
        ":9:1: roundng:",
        "unknown key 'roundng'; did you mean 'rounding'?",
        "未知的键 'roundng'",
    ),
    (
        "missing key",
        ("lifecycle:\n  new_customer_months: 12\n", "lifecycle: {}\n"),
        ":31:12: lifecycle:",
        "'new_customer_months' is required; add it (see policy/default.yaml for an example)",
        "缺少必填项 'new_customer_months'; 请补上 (示例见 policy/default.yaml)",
    ),
    (
        "enum",
        (WEIGHT, WEIGHT.replace("method: manual", "method: manul")),
        ":35:52: scoring[0].method:",
        "'manul' is not allowed; use one of manual, relative_to_max, bands; did you mean 'manual'?",
        "'manul'",
    ),
    (
        "minimum",
        ("price_discount_pct: 5,", "price_discount_pct: -5,"),
        ":52:27: privileges.A.price_discount_pct:",
        "-5 is out of range: it must be at least 0",
        "-5 超出范围: 不能小于 0",
    ),
    (
        "maximum",
        ("deposit_pct: 10,", "deposit_pct: 120,"),
        ":54:87: privileges.B.deposit_pct:",
        "120 is out of range: it must be at most 100",
        "120 超出范围: 不能大于 100",
    ),
    (
        "pattern",
        ("{name: B, min_score: 80", "{name: B b, min_score: 80"),
        ":45:12: grades[1].name:",
        "'B b' is not a grade name: write letters, digits, _, + and -, starting with a letter",
        "'B b' 不是有效的等级名称",
    ),
    (
        "date",
        ("effective_from: 2026-01-01", "effective_from: 2026-13-01"),
        ":7:17: effective_from:",
        "'2026-13-01' is not a date; write it as YYYY-MM-DD",
        "'2026-13-01' 不是日期",
    ),
    (
        "weights",
        (WEIGHT, WEIGHT.replace("10,", "20,")),
        ":35:3: scoring:",
        "weights add up to 110 (strength 20 + potential 15",
        "权重合计为 110",
    ),
    (
        "thresholds",
        ("{name: B, min_score: 80", "{name: B, min_score: 95"),
        ":45:26: grades[1].min_score:",
        "95 is not below grades[0].min_score 90; thresholds must fall strictly from A to C",
        "95 不小于 grades[0].min_score 90; 分数线必须从 A 到 C 严格递减",
    ),
    (
        "condition type",
        (TIER, "when: cumulative_lease_amount >= 'x'\n"),
        ":73:11: tiers[1].when:",
        "type mismatch: cumulative_lease_amount >= 'x': >= compares numbers, but 'x' is text",
        "类型不符: cumulative_lease_amount >= 'x': >= 比较的是数字",
    ),
    (
        "condition syntax",
        (TIER, "when: cumulative_lease_amount >= 5 5\n"),
        ":73:11: tiers[1].when:",
        "'cumulative_lease_amount >= 5 5': syntax error: '5' at character 30 cannot stand there",
        "语法错误: 第 30 个字符处的 '5' 不能出现在那里",
    ),
    (
        "condition fact",
        (TIER, "when: cumulative_lease_amont >= 5\n"),
        ":73:11: tiers[1].when:",
        "unknown fact 'cumulative_lease_amont'; did you mean 'cumulative_lease_amount'?",
        "未知的事实 'cumulative_lease_amont'",
    ),
    (
        "duplicate",
        ("{name: C, min_score: 70", "{name: B, min_score: 70"),
        ":46:12: grades[2].name:",
        "'B' is used twice; each name must be unique",
        "'B' 用了两次",
    ),
]


# The policy's keys and the names it gives (scoring items, facts, natures): quoted as written in
# either language, never words to translate.
_WRITTEN = re.sub(r"#.*", "", DEFAULT)
_NAMES = {
    *re.findall(r"\b([a-z][a-z_]{2,}):", _WRITTEN),
    *re.findall(r": ([a-z][a-z_]{2,})", _WRITTEN),
}
KEYS = [*sorted(_NAMES, key=len, reverse=True), "YYYY-MM-DD", "bands"]


def _write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, "utf-8")
    return name


def _both(run: Run, args: list[str]) -> tuple[str, str]:
    """What the command said under ``--lang zh``, then under ``--lang en`` (both refused)."""
    chinese = refused(run("--lang", "zh", *args))
    from_locale = refused(run(*args, env=ZH))
    assert from_locale == chinese
    return chinese, refused(run("--lang", "en", *args))


def _english_only(text: str) -> None:
    # The policy's own labels may be quoted (实力, 客户信用分级标准…): nothing else Chinese.
    labels = set(re.findall(r"[\u3400-\u9fff]+", DEFAULT))
    assert not CJK.search(re.sub("|".join(sorted(labels, key=len, reverse=True)), "", text)), text


@pytest.mark.parametrize(
    ("edit", "where", "english", "chinese"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_policy_files_problem_is_told_in_the_language_asked(
    run: Run,
    tmp_path: Path,
    edit: tuple[str, str],
    where: str,
    english: str,
    chinese: str,
) -> None:
    name = _write(tmp_path, "bad.yaml", _policy(*edit))
    said_zh, said_en = _both(run, ["policy", "check", name])
    line = next((line for line in said_zh.splitlines() if where in line), said_zh)
    assert f"{name}{where}" in line and chinese in line, said_zh
    no_english(line, *re.findall(r"'[^']*'", line), where, *KEYS)
    line = next((line for line in said_en.splitlines() if where in line), said_en)
    assert f"{name}{where}" in line and english in line, said_en
    _english_only(said_en)


def test_activating_a_bad_policy_is_refused_in_the_language_asked(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    name = _write(tmp_path, "bad.yaml", _policy(WEIGHT, WEIGHT.replace("10,", "20,")))
    said_zh, said_en = _both(run, ["policy", "activate", name, "--yes"])
    assert f"{name}:35:3: scoring: 权重合计为 110" in said_zh, said_zh
    assert f"{name}:35:3: scoring: weights add up to 110" in said_en, said_en
    _english_only(said_en)


def test_labels_read_as_one_another_are_warned_of_in_the_language_asked(
    run: Run, tmp_path: Path
) -> None:
    name = _write(tmp_path, "clash.yaml", _policy("label: 良好客户", "label: 主力客户"))
    chinese = run("--lang", "zh", "policy", "check", name)
    english = run("--lang", "en", "policy", "check", name)
    assert chinese.returncode == 0 and english.returncode == 0, chinese.stderr
    told_zh = chinese.stdout + chinese.stderr
    assert f"{name}:69:12: tiers[0].label: 警告: '主力客户' 也是信用等级 B 的标签" in told_zh
    assert "warning" not in told_zh and "staff" not in told_zh, told_zh
    told_en = english.stdout + english.stderr
    assert f"{name}:69:12: tiers[0].label: warning: '主力客户' is also the label of grade B" in (
        told_en
    )


MARKET_KEYS = ("item", "region", "period", "size", "note")
MARKET = """\
unit: 元
markets:
  - {item: tower_crane, region: 湖北, period: 2026-Q5, size: 1000000}
  - {item: tower_crane, region: 湖北, period: 2026, size: -3, colour: red}
"""


def test_a_market_files_problems_are_told_in_the_language_asked(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    name = _write(tmp_path, "market.yaml", MARKET)
    said_zh, said_en = _both(run, ["market", "check", name])
    assert f"{name}:3:45: markets[0].period: '2026-Q5' 不是期间" in said_zh, said_zh
    assert f"{name}:4:57: markets[1].size: -3 超出范围: 不能小于 0" in said_zh, said_zh
    assert f"{name}:4:61: markets[1].colour: 未知的键 'colour'" in said_zh, said_zh
    no_english(said_zh, name, "colour", "'2026-Q5'", "2026-Q1", "markets", *MARKET_KEYS)
    assert (
        f"{name}:3:45: markets[0].period: '2026-Q5' is not a period; write a year (2026) or a "
        "quarter (2026-Q1)"
    ) in said_en
    assert f"{name}:4:57: markets[1].size: -3 is out of range: it must be at least 0" in said_en
    assert f"{name}:4:61: markets[1].colour: unknown key 'colour'; allowed here:" in said_en
    _english_only(said_en.replace("湖北", ""))


def test_a_policy_tests_files_problems_are_told_in_the_language_asked(
    run: Run, tmp_path: Path
) -> None:
    _write(tmp_path, "rules.yaml", DEFAULT)
    tests = (ROOT / "policy" / "default.tests.yaml").read_text("utf-8")
    tests = tests.replace("    as_of: 2026-11-29\n", "", 1)
    tests = tests.replace("  - name: grade bands and rounding\n", "  - nme: x\n", 1)
    _write(tmp_path, "rules.tests.yaml", tests)
    said_zh, said_en = _both(run, ["policy", "test", "rules.yaml"])
    assert "rules.tests.yaml:6:5: suites[0].nme: 未知的键 'nme'；是否应为 'name'？" in said_zh
    assert (
        "rules.tests.yaml:6:5: suites[0]: 缺少必填项 'as_of'; 请补上 (示例见 "
        "policy/default.tests.yaml)"
    ) in said_zh, said_zh
    no_english(said_zh, "rules.tests.yaml", "'nme'", "'name'", "'as_of'", "suites")
    assert "rules.tests.yaml:6:5: suites[0].nme: unknown key 'nme'; did you mean 'name'?" in (
        said_en
    )
    assert (
        "rules.tests.yaml:6:5: suites[0]: 'as_of' is required; add it (see "
        "policy/default.tests.yaml for an example)"
    ) in said_en, said_en
    _english_only(said_en)


def test_a_bad_policy_given_to_diff_or_regrade_is_told_in_the_language_asked(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    _write(tmp_path, "good.yaml", DEFAULT)
    name = _write(
        tmp_path, "bad.yaml", _policy("{name: B, min_score: 80", "{name: B, min_score: 95")
    )
    for args in (
        ["policy", "diff", "good.yaml", name],
        ["--policy", name, "regrade", "--json"],
        ["--policy", name, "regrade", "--dry-run"],
    ):
        before = archive_path.read_bytes()
        said_zh, said_en = _both(run, args)
        assert said_zh == (
            f"{name}:45:26: grades[1].min_score: 95 不小于 grades[0].min_score 90; 分数线必须从 "
            "A 到 C 严格递减"
        ), args
        assert said_en == (
            f"{name}:45:26: grades[1].min_score: 95 is not below grades[0].min_score 90; "
            "thresholds must fall strictly from A to C"
        ), args
        assert archive_path.read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["regrade", "--json", "--as-of", "2026-02-30"],
        ["policy", "diff", "good.yaml", "good.yaml", "--as-of", "2026-13-01"],
        ["list", "--as-of", "tomorrow"],
    ],
)
def test_a_bad_as_of_date_is_told_in_the_language_asked(
    run: Run, archive_path: Path, tmp_path: Path, args: list[str]
) -> None:
    _write(tmp_path, "good.yaml", DEFAULT)
    given = args[-1]
    chinese = run("--lang", "zh", *args)
    english = run("--lang", "en", *args)
    assert chinese.returncode == 2 and english.returncode == 2
    assert f"--as-of '{given}' 不是日期" in chinese.stderr, chinese.stderr
    no_english(chinese.stderr, f"'{given}'", "YYYY-MM-DD")
    assert f"--as-of '{given}' is not a date" in english.stderr, english.stderr
    assert not CJK.search(english.stderr) and not chinese.stdout and not english.stdout
