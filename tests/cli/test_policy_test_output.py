"""``policy test`` as compliance reads it: labels and reasons, ``--json``, and a test file checked
against its documented schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_support import Run, no_traceback
from test_regrade_guards import _reweighted

from creditfile.policy import default_policy_path
from creditfile.policy.schema_check import TESTS_SCHEMA, policy_schema

TESTS = str(default_policy_path().with_name("default.tests.yaml"))


def test_failures_read_as_labels_and_reasons(run: Run, tmp_path: Path) -> None:
    result = run("policy", "test", str(_reweighted(tmp_path)), "--tests", TESTS)
    assert result.returncode == 1
    out = result.stdout
    assert "  TOP 顶格客户\n" in out
    assert "    why: 社会口碑与信用 is entered as 20, outside 0–15: correct the assessment" in out
    assert "    status: expected graded, got ungraded\n" in out
    assert "    grade: expected A 优质客户, got none (ungraded)\n" in out
    assert "'graded'" not in out and "None" not in out


def test_json_carries_values_words_and_reasons(run: Run, tmp_path: Path) -> None:
    result = run("policy", "test", str(_reweighted(tmp_path)), "--tests", TESTS, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["failed"] > 0
    assert report["passed"] + report["failed"] == report["checks"]
    failures = [f for s in report["suites"] for f in s["failures"]]
    assert len(failures) == report["failed"]
    top = next(f for f in failures if f["customer_id"] == "TOP" and f["field"] == "grade")
    assert (top["expected"], top["actual"], top["name"]) == ("A", None, "顶格客户")
    assert top["text"]["expected"] == "A 优质客户"
    assert "社会口碑与信用" in top["reasons"][0]


def test_the_test_file_is_checked_against_its_schema_with_line_and_column(
    run: Run, tmp_path: Path
) -> None:
    broken = tmp_path / "default.tests.yaml"
    text = Path(TESTS).read_text("utf-8")
    broken.write_text(text.replace("A90: {grade: A,", "A90: {grde: A,", 1), "utf-8")
    result = run("policy", "test", str(default_policy_path()), "--tests", str(broken))
    assert result.returncode == 1
    assert no_traceback(result)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "A90: {grade: A," in row)
    assert f"{broken}:{line}:" in result.stderr
    assert "grde" in result.stderr


def test_every_property_of_the_test_schema_is_described() -> None:
    def walk(node: object, path: str) -> list[str]:
        missing = []
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{path}.{name}")
            for key, sub in node.items():
                missing += walk(sub, f"{path}.{key}")
        return missing

    assert walk(policy_schema(TESTS_SCHEMA), "") == []


def test_failures_are_told_in_the_language_asked(run: Run, tmp_path: Path) -> None:
    result = run("--lang", "zh", "policy", "test", str(_reweighted(tmp_path)), "--tests", TESTS)
    assert result.returncode == 1
    out = result.stdout
    assert "    评级状态: 预期 已评级, 实际 未评级\n" in out
    assert "    信用等级: 预期 A 优质客户, 实际 无 (未评级)\n" in out
    assert "    原因: 社会口碑与信用 录入为 20, 超出 0–15: 请更正评分" in out
    assert re.search(r"^\d+ 项通过, [1-9]\d* 项未通过$", out, re.MULTILINE), out
    for english in ("why:", "expected", "got ", "passed", "checks"):
        assert english not in out
