"""``policy diff OLD NEW`` on an archive: a summary by reason first, then each change with its
reason, and the same in ``--json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_support import Run, no_traceback
from test_regrade_guards import _reweighted

from creditfile.policy import default_policy_path
from creditfile.store import Archive

OLD_WEIGHTS = {"strength": 10, "potential": 15, "reputation": 20, "payment": 30, "other": 10}


NEW_WEIGHTS = {**OLD_WEIGHTS, "reputation": 15, "payment": 35}


def _valid(doc: dict[str, object], weights: dict[str, int]) -> bool:
    """Whether every manual entry is a number within its weight: counted by hand."""
    entered = doc.get("assessment") or {}
    assert isinstance(entered, dict)
    return all(
        isinstance(entered.get(k), int | float) and 0 <= entered[k] <= w for k, w in weights.items()
    )


def _moved(archive_path: Path) -> tuple[set[str], set[str]]:
    """(graded before and stranded by the new weights, ungraded before and graded after)."""
    docs = Archive.open(archive_path).documents()
    old = {str(d["id"]) for d in docs if _valid(d, OLD_WEIGHTS)}
    new = {str(d["id"]) for d in docs if _valid(d, NEW_WEIGHTS)}
    return old - new, new - old


@pytest.mark.parametrize(
    ("lang", "above", "within", "then"),
    [
        ("en", "{n} become ungraded: Reputation and credit score above the new weight 15",
         "{n} become graded: Payment record score within the new weight 35 (was 30)",
         "would change grade"),
        ("zh", "{n} 户变为未评级：社会口碑与信用得分超过新的权重 15",
         "{n} 户变为已评级：付款情况得分在新的权重 35 以内（原为 30）",
         "户客户的等级会变化"),
    ],
)  # fmt: skip
def test_the_diff_says_why_first_in_a_summary_then_per_customer(
    run: Run,
    archive_path: Path,
    tmp_path: Path,
    lang: str,
    above: str,
    within: str,
    then: str,
) -> None:
    new = str(_reweighted(tmp_path))
    result = run(
        "--lang", lang, "policy", "diff", str(default_policy_path()), new, "--as-of", "2026-11-29"
    )
    assert result.returncode == 0, result.stderr
    assert no_traceback(result)
    stranded, rescued = _moved(archive_path)
    assert stranded
    assert rescued  # entered above 30 for 付款情况, now within 35
    lines = [above.format(n=f"{len(stranded):,}"), within.format(n=f"{len(rescued):,}")]
    for line in lines:
        assert line in result.stdout
        assert result.stdout.index(line) < result.stdout.index(then)
    # The customers who change grade; the agency-investigation suggestions follow them.
    grade_part = result.stdout.split(
        "\n" + ("机构调查" if lang == "zh" else "Agency investigation")
    )[0]
    rows = {r.split()[0]: r for r in grade_part.splitlines() if r.startswith("C0")}
    assert set(rows) == stranded | rescued
    reason = re.split(": |：", above)[-1]
    assert all(rows[c].endswith(reason) for c in stranded)
    assert all(rows[c].endswith("(was 30)" if lang == "en" else "（原为 30）") for c in rescued)


def test_the_json_diff_carries_the_summary_and_each_reason(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    new = str(_reweighted(tmp_path))
    result = run(
        "policy", "diff", str(default_policy_path()), new, "--as-of", "2026-11-29", "--json"
    )
    assert result.returncode == 0, result.stderr
    what_if = json.loads(result.stdout)["what_if"]
    stranded, rescued = _moved(archive_path)
    assert [(r["effect"], r["kinds"], r["customers"]) for r in what_if["summary"]] == [
        ("become ungraded", ["entry_above_weight"], len(stranded)),
        ("become graded", ["entry_within_weight"], len(rescued)),
    ]
    assert {c["id"] for c in what_if["grade_changes"]} == stranded | rescued
    for change in what_if["grade_changes"]:
        item = "reputation" if change["id"] in stranded else "payment"
        assert change["reasons"][0]["item"] == item


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ["labels_en.grades.A Prime customer (absent)",
                "labels_en.payment_methods {月结: Monthly, 预付: Prepaid} (absent)"]),
        ("zh", ["labels_en.grades.A Prime customer （无此项）",
                "labels_en.payment_methods {月结: Monthly, 预付: Prepaid} （无此项）"]),
    ],
)  # fmt: skip
def test_a_setting_one_policy_lacks_is_said_in_words(
    run: Run, tmp_path: Path, lang: str, said: list[str]
) -> None:
    text = default_policy_path().read_text("utf-8")
    for old, new in [
        ("grades: {A: Prime customer, ", "grades: {"),
        ("  payment_methods: {月结: Monthly, 预付: Prepaid}\n", ""),
    ]:
        assert old in text
        text = text.replace(old, new)
    changed = tmp_path / "new.yaml"
    changed.write_text(text, "utf-8")
    result = run("--lang", lang, "policy", "diff", str(default_policy_path()), str(changed))
    assert result.returncode == 0, result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    for line in said:
        assert line in lines, result.stdout
    assert "None" not in result.stdout and "{'" not in result.stdout


def test_the_diff_and_the_activation_give_the_same_reasons_in_the_same_words(
    run: Run, archive_path: Path, tmp_path: Path
) -> None:
    new = str(_reweighted(tmp_path))
    diff = run("--lang", "zh", "policy", "diff", str(default_policy_path()), new)
    tests = str(default_policy_path().with_name("default.tests.yaml"))
    # Refused (its tests fail), but only after the what-if is shown.
    activation = run("--lang", "zh", "policy", "activate", new, "--tests", tests, "--yes")
    assert diff.returncode == 0 and activation.returncode == 1, activation.stderr
    stranded, rescued = _moved(archive_path)
    expected = [
        f"  {len(stranded):,} 户变为未评级：社会口碑与信用得分超过新的权重 15",
        f"  {len(rescued):,} 户变为已评级：付款情况得分在新的权重 35 以内（原为 30）",
    ]
    for output in (diff.stdout, activation.stdout):
        reasons = [line for line in output.splitlines() if re.match(r"  [\d,]+ 户变为", line)]
        assert reasons == expected, output
