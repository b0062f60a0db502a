"""A compliance officer's broken policies are refused with FILE:LINE:COL: key: message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creditfile.policy import PolicyError, check_policy, load_policy, parse_policy


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_default_policy_is_the_regime(default_policy) -> None:
    weights = {item.key: item.weight for item in default_policy.scoring}
    assert weights == {
        "strength": 10,
        "potential": 15,
        "reputation": 20,
        "cumulative_lease": 15,
        "payment": 30,
        "other": 10,
    }
    assert [(g.name, g.min_score) for g in default_policy.grades] == [
        ("A", 90),
        ("B", 80),
        ("C", 70),
    ]
    assert default_policy.new_customer_months == 12
    assert default_policy.scoring[3].new_customer_points == 10
    assert len(default_policy.sha256) == 64


BROKEN = [
    # (description, old text, new text, key in message, words in message)
    ("weights", "weight: 30", "weight: 35", "scoring", "add up to 105"),
    ("threshold order", "min_score: 80", "min_score: 95", "grades[1].min_score", "fall"),
    ("threshold range", "min_score: 70", "min_score: 170", "grades[2].min_score", "out of range"),
    ("missing privileges", "  D: {price", "  E: {price", "privileges", "'D' has no privileges"),
    (
        "unknown fact",
        "lease_count >= 10",
        "lease_cnt >= 10",
        "tiers[0].when",
        "did you mean 'lease_count'",
    ),
    ("type error", "lease_count >= 10", 'lease_count >= "ten"', "tiers[0].when", "mismatch"),
    ("unknown key", "rounding: 2", "roundng: 2", "roundng", "did you mean 'rounding'"),
    (
        "bad method",
        "method: manual}\n  - {key: potential",
        "method: guess}\n  - {key: potential",
        "scoring[0].method",
        "not allowed",
    ),
    (
        "version not text",
        'policy_version: "2026.1"',
        "policy_version: 2026.1",
        "policy_version",
        "quotes",
    ),
    (
        "bad date",
        "effective_from: 2026-01-01",
        "effective_from: 2026-13-01",
        "effective_from",
        "is not a date; write it as YYYY-MM-DD",
    ),
    (
        "catch-all tier not last",
        "  - {key: scattered, label: 零散客户}",
        "  - {key: scattered, label: 零散客户, when: lease_count > 0}",
        "tiers[2].when",
        "last tier",
    ),
    (
        "unknown nature in condition",
        "when: cumulative_lease_amount >= 500000\n",
        'when: nature == "developr"\n',
        "tiers[1].when",
        "did you mean",
    ),
    (
        "unknown cap grade",
        "overrides: []",
        "overrides:\n  - {id: x, reason: y, when: unverified_customer_form, cap_grade: Q}",
        "overrides[0].cap_grade",
        "unknown grade",
    ),
    (
        "grade fact outside overrides",
        "lease_count >= 10",
        'grade == "A"',
        "tiers[0].when",
        "only available in overrides",
    ),
    (
        "clock in condition",
        "lease_count >= 10",
        '$today > d"2020-01-01"',
        "tiers[0].when",
        "not allowed",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "key", "words"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_policy_is_located(
    tmp_path: Path, default_policy_text: str, old: str, new: str, key: str, words: str
) -> None:
    assert old in default_policy_text
    text = default_policy_text.replace(old, new, 1)
    path = tmp_path / "policy.yaml"
    path.write_text(text, "utf-8")
    problems = check_policy(path)
    assert problems, "the broken policy was accepted"
    rendered = [str(p) for p in problems]
    match = [r for r in rendered if f": {key}:" in r and words in r]
    assert match, rendered
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: ", match[0])


def test_every_problem_is_reported_not_just_the_first(
    tmp_path: Path, default_policy_text: str
) -> None:
    text = (
        default_policy_text.replace("weight: 30", "weight: 35")
        .replace("min_score: 80", "min_score: 95")
        .replace("lease_count >= 10", "lease_cnt >= 10")
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, "utf-8")
    keys = {p.path for p in check_policy(path)}
    assert {"scoring", "grades[1].min_score", "tiers[0].when"} <= keys


def test_line_points_at_the_offending_key(tmp_path: Path, default_policy_text: str) -> None:
    text = default_policy_text.replace("min_score: 80", "min_score: 95")
    path = tmp_path / "p.yaml"
    path.write_text(text, "utf-8")
    (problem,) = check_policy(path)
    assert problem.line == _line_of(text, "min_score: 95")


def test_duplicate_yaml_key_is_refused(tmp_path: Path, default_policy_text: str) -> None:
    text = default_policy_text.replace("rounding: 2", "rounding: 2\nrounding: 3")
    path = tmp_path / "p.yaml"
    path.write_text(text, "utf-8")
    (problem,) = check_policy(path)
    assert problem.line == _line_of(text, "rounding: 3")
    assert "duplicate key" in problem.message


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: x\nscoring: [1, 2\n", "utf-8")
    (problem,) = check_policy(path)
    assert problem.line is not None
    assert problem.column is not None
    assert "YAML syntax error" in problem.message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)]
    with pytest.raises(PolicyError, match="aliases expand"):
        parse_policy("\n".join(lines), "bomb.yaml")


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no such file"):
        load_policy(tmp_path / "nope.yaml")


def test_hash_is_of_the_file_bytes(tmp_path: Path, default_policy_text: str) -> None:
    import hashlib

    path = tmp_path / "p.yaml"
    path.write_bytes(default_policy_text.encode())
    assert load_policy(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
