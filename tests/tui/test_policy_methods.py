"""The policy screen names each computed item's method with its scale, fact and window."""

from __future__ import annotations

import yaml
from rich.console import Console

from creditfile.policy import default_policy_path, parse_policy
from creditfile.tui.screens.policy_screen import items_table

EXAMPLE = default_policy_path().with_name("example-options.yaml")


def _text(policy_text: str) -> str:
    console = Console(width=160, record=True)
    console.print(items_table(parse_policy(policy_text, "p.yaml"), "en"))
    return console.export_text()


def test_scale_window_and_rank_are_named() -> None:
    text = _text(EXAMPLE.read_text("utf-8"))
    assert (
        "relative to the highest (new customers 10) · sqrt · cumulative_lease_amount · "
        "last 24 months" in text
    )
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data["scoring"][3]["scale"] = "rank"
    ranked = _text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert "by rank among established customers (new customers 10) · cumulative_lease_amount" in (
        ranked
    )
