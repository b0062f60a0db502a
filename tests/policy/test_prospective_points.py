"""relative_to_max's separate points for prospective customers: an option shown in the second
example policy, checked, graded, explained, tested and diffed; the shipped default keeps the
regime's one value for new and prospective customers."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from creditfile.engine import explain, grade_archive
from creditfile.policy import Policy, PolicyError, default_policy_path, load_policy, parse_policy

EXAMPLE = default_policy_path().with_name("example-options.yaml")
AS_OF = date(2026, 11, 29)
ROOT = Path(__file__).parents[2]


def _customers() -> list[dict[str, object]]:
    full = {"strength": 10, "potential": 15, "reputation": 20, "payment": 25, "other": 10}
    lease = {"contract": "L", "item": "tower_crane", "start": "2025-02-01", "amount": 800_000,
             "status": "closed"}  # fmt: skip
    return [
        {"id": "EST", "name": "老", "nature": "developer", "leases": [lease], "assessment": full},
        {
            "id": "NEW",
            "name": "新",
            "nature": "developer",
            "profile": {"trading_since": "2026-09-01"},
            "assessment": full,
        },
        {"id": "PROS", "name": "未来", "nature": "developer", "assessment": full},
    ]


def test_prospective_customers_get_their_own_points_and_new_ones_keep_theirs() -> None:
    example = load_policy(EXAMPLE)
    gradings = grade_archive(_customers(), example, AS_OF)
    points = {cid: g["items"]["cumulative_lease"] for cid, g in gradings.items()}
    assert points == {"EST": 15, "NEW": 10, "PROS": 5}
    row = next(
        r for r in explain(_customers()[2], example, AS_OF, docs=_customers())["items"]
        if r["key"] == "cumulative_lease"
    )  # fmt: skip
    assert row["clause"].startswith("prospective customer: a fixed 5 points")
    assert row["prospective_customer_points"] == 5


def test_the_default_policy_stays_the_regime(default_policy: Policy) -> None:
    assert "prospective_customer_points" not in default_policy_path().read_text("utf-8")
    points = {
        cid: g["items"]["cumulative_lease"]
        for cid, g in grade_archive(_customers(), default_policy, AS_OF).items()
    }
    assert points == {"EST": 15, "NEW": 10, "PROS": 10}


@pytest.mark.parametrize(
    ("edit", "wrong", "column", "message"),
    [
        ("prospective_customer_points: 5,", "prospective_customer_points: 16,", 91,
         "scoring[3].prospective_customer_points: 16 is above the item's weight 15"),
        ("{key: other, label: 其他, weight: 10, method: manual}",
         "{key: other, label: 其他, weight: 10, method: manual, prospective_customer_points: 1}",
         5, "scoring[5]: new_customer_points, prospective_customer_points, window_months "
         "and scale belong only to relative_to_max items"),
    ],
)  # fmt: skip
def test_a_wrong_setting_is_refused_where_it_stands(
    edit: str, wrong: str, column: int, message: str
) -> None:
    text = EXAMPLE.read_text("utf-8")
    assert edit in text
    line = text[: text.index(edit)].count("\n") + 1
    where = f"{line}:{column}"
    with pytest.raises(PolicyError) as caught:
        parse_policy(text.replace(edit, wrong), "example.yaml")
    assert [str(p) for p in caught.value.problems] == [f"example.yaml:{where}: {message}"]


def test_the_example_policy_passes_its_own_tests() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "creditfile", "policy", "test", str(EXAMPLE)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout
