"""Per-level scoring guidance for entered items: checked where it stands, shown by explain (the
level the entry reaches marked) and beside the input on the card."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import yaml

from creditfile.engine import explain
from creditfile.policy import PolicyError, default_policy_path, parse_policy
from creditfile.presentation.translation import set_language
from creditfile.tui.card.form import guidance_text

EXAMPLE = default_policy_path().with_name("example-options.yaml")
AS_OF = date(2026, 11, 29)


def _example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    return data


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "p.yaml")
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def _doc(**entries: Any) -> dict[str, Any]:
    assessment = {"strength": 9, "potential": 15, "reputation": 3, "other": 8, **entries}
    return {"id": "C1", "name": "客户", "nature": "developer", "assessment": assessment}


def test_explain_gives_each_level_and_the_one_the_entry_reaches() -> None:
    policy = parse_policy(EXAMPLE.read_text("utf-8"), "p.yaml")
    rows = {r["key"]: r for r in explain(_doc(), policy, AS_OF)["items"]}
    strength = rows["strength"]
    assert [g["points"] for g in strength["guidance"]] == [10, 7, 4]
    assert strength["guidance"][1]["text"] == "注册资本一千万元以上，近三年无重大诉讼"
    assert strength["guidance_level"] == 7  # 9 reaches 7, not 10
    assert rows["potential"]["guidance_level"] == 15  # exactly the top level
    assert rows["reputation"]["guidance_level"] is None  # 3: below the lowest level, 6
    assert rows["other"]["guidance"] == [] and rows["other"]["guidance_level"] is None
    odd = {r["key"]: r for r in explain(_doc(strength="9"), policy, AS_OF)["items"]}
    assert odd["strength"]["guidance_level"] is None  # not a number: no level


def test_the_card_shows_the_guidance_under_the_input_in_its_language() -> None:
    policy = parse_policy(EXAMPLE.read_text("utf-8"), "p.yaml")
    strength = policy.scoring[0]
    try:
        set_language("zh")
        assert guidance_text(strength, "zh").splitlines() == [
            "评分指引",
            "10 分: 央企、政府机构或政府投资公司，或注册资本一亿元以上且资质齐全",
            "7 分: 注册资本一千万元以上，近三年无重大诉讼",
            "4 分: 注册资本一千万元以下，或成立不足三年",
        ]
        set_language("en")
        assert guidance_text(strength, "en").splitlines()[:2] == [
            "Guidance",
            "10 points: 央企、政府机构或政府投资公司，或注册资本一亿元以上且资质齐全",
        ]
    finally:
        set_language("en")


def test_levels_above_the_weight_or_out_of_order_are_refused_at_their_place() -> None:
    data = _example()
    data["scoring"][0]["guidance"][0]["points"] = 12
    data["scoring"][1]["guidance"][2]["points"] = 10
    assert _problems(data) == [
        "scoring[0].guidance[0].points: 12 is above the item's weight 10",
        "scoring[1].guidance[2].points: 10 is not below the level before it (10); list guidance "
        "from the most points down",
    ]


def test_guidance_on_an_item_no_one_enters_is_refused() -> None:
    data = _example()
    data["scoring"][3]["guidance"] = [{"points": 15, "text": "最高"}]
    assert _problems(data) == [
        "scoring[3]: guidance belongs only to items an assessor enters (manual, or bands with "
        "manual_override)"
    ]
    data = _example()
    data["scoring"][4]["guidance"] = [{"points": 30, "text": "从未逾期"}]
    assert _problems(data) == [
        "scoring[4].guidance: guidance is shown beside an assessor's entry, and this bands item "
        "takes none; set manual_override: true or remove the guidance"
    ]


def test_every_level_of_the_example_reads_in_english_when_the_interface_is() -> None:
    policy = parse_policy(EXAMPLE.read_text("utf-8"), "p.yaml")
    english = policy.in_language("en")
    cjk = re.compile(r"[\u3400-\u9fff]")
    levels = [g for item in english.scoring for g in item.guidance]
    assert len(levels) == 9
    assert not [g.text for g in levels if cjk.search(g.text)]
    rows = {r["key"]: r for r in explain(_doc(), english, AS_OF)["items"]}
    assert rows["strength"]["guidance"][1]["text"] == (
        "Registered capital over CNY 10 million and no major lawsuit in the last three years"
    )
    try:
        set_language("en")
        assert guidance_text(english.scoring[0], "en").splitlines()[1] == (
            "10 points: A central SOE, a government body or a state-funded company, or "
            "registered capital over CNY 100 million with full qualifications"
        )
    finally:
        set_language("en")
    # Chinese staff read the Chinese, and the English changes no grading.
    assert policy.in_language("zh").scoring[0].guidance[0].text.startswith("央企")
    assert english.sha256 == policy.sha256


def test_a_level_without_english_is_shown_as_written() -> None:
    data = _example()
    del data["scoring"][0]["guidance"][0]["text_en"]
    policy = parse_policy(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "p.yaml")
    shown = policy.in_language("en").scoring[0].guidance
    assert shown[0].text == "央企、政府机构或政府投资公司，或注册资本一亿元以上且资质齐全"
    assert shown[1].text.startswith("Registered capital over")
