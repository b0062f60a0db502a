"""Every policy we ship names everything it shows in English, so English screens stay English.

A label without an English one is shown as written in both languages: a nature, a grade or a
tier missing from ``labels_en`` puts Chinese on an English screen. ``policy check`` must find
nothing to warn about in what we ship either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from creditfile.policy import check_policy, default_policy_path, load_policy
from creditfile.policy.label_clashes import label_clashes

SHIPPED = sorted(
    p for p in default_policy_path().parent.glob("*.yaml") if not p.name.endswith(".tests.yaml")
)


def test_both_shipped_policies_are_found() -> None:
    assert {p.name for p in SHIPPED} >= {"default.yaml", "example-options.yaml"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_policy_names_every_label_in_english(path: Path) -> None:
    policy = load_policy(path)
    missing = [
        *(f"natures.{k}" for k in policy.natures if not policy.natures_en.get(k)),
        *(
            f"item_categories.{k}"
            for k in policy.item_categories
            if not policy.item_categories_en.get(k)
        ),
        *(f"scoring.{i.key}" for i in policy.scoring if not i.label_en),
        *(f"grades.{g.name}" for g in policy.all_grades if not g.label_en),
        *(f"tiers.{t.key}" for t in policy.tiers if not t.label_en),
    ]
    assert missing == [], f"{path.name}: labels_en lacks {', '.join(missing)}"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_policy_in_english_shows_no_chinese_label(path: Path) -> None:
    english = load_policy(path).in_language("en")
    labels = [
        *english.natures.values(),
        *english.item_categories.values(),
        *(i.label for i in english.scoring),
        *(g.label for g in english.all_grades),
        *(t.label for t in english.tiers),
    ]
    assert [label for label in labels if not label.isascii()] == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_policy_checks_clean_without_warnings(path: Path) -> None:
    assert check_policy(path) == []
    assert label_clashes(path) == []
