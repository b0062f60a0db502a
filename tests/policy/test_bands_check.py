"""policy check on bands items: gaps, overlaps, open ends and facts refused where they stand."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from creditfile.policy import PolicyError, default_policy_path, parse_policy

EXAMPLE = default_policy_path().with_name("example-options.yaml")
ROOT = Path(__file__).parents[2]
TABLE = """      - {min: 0, max: 0, points: 30}    # nothing overdue
      - {min: 1, max: 30, points: 25}
      - {min: 31, max: 90, points: 15}
      - {min: 91, points: 0}            # over 90 days
"""


# The expected messages below give lines as if the table's first band were on line 50 (its
# fact on 48, the item after it on 54); ``_placed`` moves them to where the example has them.
FIRST = EXAMPLE.read_text("utf-8").splitlines().index(TABLE.splitlines()[0]) + 1


def _placed(messages: list[str]) -> list[str]:
    return [
        re.sub(r"\.yaml:(\d+):", lambda m: f".yaml:{int(m[1]) - 50 + FIRST}:", m) for m in messages
    ]


def _problems(table: str, fact: str = "max_overdue_days", extra: str = "") -> list[str]:
    text = EXAMPLE.read_text("utf-8")
    assert TABLE in text and "fact: max_overdue_days\n" in text
    text = text.replace(TABLE, table).replace("fact: max_overdue_days\n", f"fact: {fact}\n{extra}")
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "p.yaml")
    return [str(p) for p in caught.value.problems]


def test_the_example_table_is_valid() -> None:
    parse_policy(EXAMPLE.read_text("utf-8"), "p.yaml")


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (TABLE.replace("min: 1, max: 30", "min: 2, max: 30"),
         ["p.yaml:51:15: scoring[4].bands[1].min: the value 1 falls in no band; start this band at 1"]),
        (TABLE.replace("min: 31, max: 90", "min: 40, max: 90"),
         ["p.yaml:52:15: scoring[4].bands[2].min: values 31–39 fall in no band; start this band at 31"]),
        (TABLE.replace("min: 31, max: 90", "min: 30, max: 90"),
         ["p.yaml:52:15: scoring[4].bands[2].min: 30 overlaps bands[1] (1–30); start this band at 31"]),
        (TABLE.replace("min: 0, max: 0", "min: 1, max: 1").replace("min: 1, max: 30", "min: 2, max: 30"),
         ["p.yaml:50:15: scoring[4].bands[0].min: the value 0 falls in no band; start the first band at 0"]),
        (TABLE.replace("{min: 91, points: 0}", "{min: 91, max: 365, points: 0}"),
         ["p.yaml:53:24: scoring[4].bands[3].max: values above 365 fall in no band; leave out max "
          "on the last band so that it takes every higher value"]),
        (TABLE.replace("{min: 1, max: 30, points: 25}", "{min: 1, points: 25}"),
         ["p.yaml:51:9: scoring[4].bands[1]: only the last band may leave out its upper end: this "
          "one overlaps every band after it; give it max (whole numbers) or below (amounts)"]),
        (TABLE.replace("points: 25", "points: 35"),
         ["p.yaml:51:35: scoring[4].bands[1].points: 35 is above the item's weight 30"]),
        (TABLE.replace("min: 31, max: 90", "min: 31, max: 30.5"),
         ["p.yaml:52:24: scoring[4].bands[2].max: 30.5 is not a whole number; max_overdue_days is "
          "counted whole",
          "p.yaml:52:24: scoring[4].bands[2].max: max 30.5 is not above min 31: the band is empty"]),
        (TABLE.replace("min: 1, max: 30", "min: 1, max: 30, below: 31"),
         ["p.yaml:51:9: scoring[4].bands[1]: give either max (a whole-number fact) or below (an "
          "amount), not both"]),
    ],
)  # fmt: skip
def test_a_gap_or_an_overlap_is_refused_at_its_line(table: str, expected: list[str]) -> None:
    assert _problems(table) == _placed(expected)


def test_an_amount_band_must_end_below_the_next_start() -> None:
    table = """      - {min: 0, max: 100000, points: 30}
      - {min: 100000, below: 500000, points: 25}
      - {min: 600000, points: 0}
"""
    assert _problems(table, "outstanding_amount") == _placed(
        [
            "p.yaml:50:23: scoring[4].bands[0].max: outstanding_amount is an amount, not a whole "
            "number: end this band with below: N (where the next band starts), or values between "
            "this max and the next min fall in no band",
            "p.yaml:52:15: scoring[4].bands[2].min: values from 500,000 to below 600,000 fall in no "
            "band; start this band at 500,000",
        ]
    )


@pytest.mark.parametrize(
    ("fact", "message"),
    [
        ("days_since_assessment", "'days_since_assessment' is null for some customers"),
        ("max_overdue_dayz", "'max_overdue_dayz' is not a numeric fact known for every customer; "
         "use one of cumulative_lease_amount, lease_count, active_lease_count, "
         "outstanding_amount, max_overdue_days"),
        ("total_score", "'total_score' is not a numeric fact known for every customer"),
    ],
)  # fmt: skip
def test_the_fact_must_be_known_for_every_customer(fact: str, message: str) -> None:
    [problem] = _problems(TABLE, fact)
    assert problem.startswith(_placed([f"p.yaml:48:11: scoring[4].fact: {message}"])[0])


def test_bands_keys_on_another_method_are_refused() -> None:
    text = EXAMPLE.read_text("utf-8").replace(
        "{key: other, label: 其他, weight: 10, method: manual}",
        "{key: other, label: 其他, weight: 10, method: manual, manual_override: true}",
    )
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "p.yaml")
    assert [str(p) for p in caught.value.problems] == _placed(
        ["p.yaml:54:5: scoring[5]: bands and manual_override belong only to bands items"]
    )


def test_policy_check_prints_each_problem_located_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "gap.yaml"
    bad.write_text(
        EXAMPLE.read_text("utf-8").replace("min: 31, max: 90", "min: 40, max: 90"), "utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "creditfile", "policy", "check", str(bad)],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"{bad}:{FIRST + 2}:15: scoring[4].bands[2].min: values 31–39 fall in no band" in (
        result.stdout + result.stderr
    )
