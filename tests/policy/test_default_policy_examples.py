"""The shipped policy's own example customers (policy/default.tests.yaml), run in-process.

The command-line test runs them too, but in a subprocess; here they are part of the fast engine
and policy suite, so a change to grading that breaks an example fails at once (and mutation
testing of the grading core sees them).
"""

from __future__ import annotations

from creditfile.application.policy_tests import companion_path, run_policy_tests
from creditfile.policy import Policy, default_policy_path


def test_every_example_of_the_shipped_policy_holds(default_policy: Policy) -> None:
    results = run_policy_tests(default_policy, companion_path(default_policy_path()))
    assert [r.name for r in results] == [
        "grade bands and rounding",
        "lifecycle, first trade and stage",
        "month ends and a zero top",
    ]
    mismatches = [m for r in results for m in r.mismatches]
    assert mismatches == []
    assert sum(r.checked for r in results) >= 70  # every expectation in the file was compared
