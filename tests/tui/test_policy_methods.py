"""The policy screen names each computed item's method with its scale, fact and window."""

from __future__ import annotations

from collections.abc import Callable

import yaml
from rich.console import Console

from creditfile.policy import default_policy_path, parse_policy
from creditfile.tui.screens.policy_screen import items_table

EXAMPLE = default_policy_path().with_name("example-options.yaml")


def _text(policy_text: str, lang: str = "en") -> str:
    console = Console(width=160, record=True)
    console.print(items_table(parse_policy(policy_text, "p.yaml"), lang))
    return console.export_text()


def test_scale_window_and_rank_are_named() -> None:
    text = _text(EXAMPLE.read_text("utf-8"))
    assert (
        "relative to the highest (new customers 10) · sqrt · cumulative lease amount · "
        "last 24 months" in text
    )
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["scoring"][3]["scale"] = "rank"
    ranked = _text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert "by rank among established customers (new customers 10) · cumulative lease amount" in (
        ranked
    )


def test_the_fact_an_item_is_computed_from_reads_in_the_language(
    speak: Callable[[str], str],
) -> None:
    speak("zh")
    text = _text(EXAMPLE.read_text("utf-8"), "zh")
    assert "cumulative_lease_amount" not in text and "cumulative lease" not in text
    assert "· 累计租赁金额" in text
