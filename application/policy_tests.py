"""Reading a policy's companion test file (``<policy>.tests.yaml``) and running it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from creditfile.engine.casecheck import SuiteResult, run_suite
from creditfile.policy import Policy, PolicyError, PolicyProblem
from creditfile.policy.yamlsource import parse_yaml


def companion_path(policy_path: str | Path) -> Path:
    """``rules.yaml`` → ``rules.tests.yaml`` beside it."""
    path = Path(policy_path)
    return path.with_name(f"{path.stem}.tests{path.suffix or '.yaml'}")


def run_policy_tests(policy: Policy, tests_path: Path) -> list[SuiteResult]:
    """Run every suite of ``tests_path`` under ``policy``.

    Raises:
        PolicyError: the test file is missing or malformed (located problems).
    """
    file = str(tests_path)
    try:
        text = tests_path.read_text("utf-8")
    except OSError as exc:
        raise PolicyError(
            [
                PolicyProblem(
                    file,
                    None,
                    None,
                    "",
                    f"cannot read the test file: "
                    f"{exc.strerror}; create {tests_path.name} beside the "
                    "policy (see policy/default.tests.yaml)",
                )
            ]
        ) from None
    doc, problems = parse_yaml(text, file)
    if doc is None:
        raise PolicyError(problems)
    suites = doc.data.get("suites") if isinstance(doc.data, Mapping) else None
    if not isinstance(suites, list):
        raise PolicyError(
            [
                PolicyProblem(
                    file,
                    1,
                    1,
                    "suites",
                    "expected a list of suites, each with name, as_of, customers and expect",
                )
            ]
        )
    return [_run(index, suite, policy, file, doc.locate) for index, suite in enumerate(suites)]


def _run(index: int, suite: Any, policy: Policy, file: str, locate: Any) -> SuiteResult:
    path = ("suites", index)
    try:
        as_of = date.fromisoformat(str(suite["as_of"]))
        customers = list(suite["customers"])
        expect = dict(suite["expect"])
    except (KeyError, TypeError, ValueError) as exc:
        line, col = locate(path)
        raise PolicyError(
            [
                PolicyProblem(
                    file,
                    line,
                    col,
                    f"suites[{index}]",
                    f"a suite needs as_of (YYYY-MM-DD), customers and expect ({exc})",
                )
            ]
        ) from None
    return run_suite(
        str(suite.get("name") or f"suite {index + 1}"), customers, expect, policy, as_of
    )
