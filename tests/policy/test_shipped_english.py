"""Every policy we ship names everything it shows in English, so English screens stay English.

A label without an English one is shown as written in both languages: a nature, a grade or a
tier missing from ``labels_en`` puts Chinese on an English screen. ``policy check`` must find
nothing to warn about in what we ship either.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from creditfile.policy import Policy, check_policy, default_policy_path, load_policy
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
        *(f"payment_methods.{m}" for m in _payment_methods(policy) if m not in english(policy)),
        *([] if policy.name_en else ["name"]),
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
        english.name,
        *_payment_methods(english),
        *(o.reason for o in english.overrides),
        *([english.investigation.reason] if english.investigation else []),
    ]
    assert [label for label in labels if not label.isascii()] == []


def english(policy: Policy) -> Mapping[str, str]:
    return policy.payment_methods_en


def _payment_methods(policy: Policy) -> set[str]:
    """Every payment method the privileges write, by_nature's too."""
    terms = [*policy.privileges.values()]
    terms += [t for by in policy.nature_privileges.values() for t in by.values()]
    return {str(t["payment_method"]) for t in terms if "payment_method" in t}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_policy_checks_clean_without_warnings(path: Path) -> None:
    assert check_policy(path) == []
    assert label_clashes(path) == []


def test_in_english_terms_and_name_are_english_and_grading_is_the_same() -> None:
    policy = load_policy(default_policy_path().with_name("example-options.yaml"))
    shown = policy.in_language("en")
    assert shown.name == "Customer credit grading standard"
    assert shown.terms("A", "developer")["payment_method"] == "Monthly"
    assert shown.terms("B", "individual")["payment_method"] == "Prepaid"  # by_nature's own
    assert shown.terms("B", "individual")["credit_limit"] == 200000
    assert shown.payment_method_label("月结") == "Monthly"
    assert shown.payment_method_label("季结") == "季结"  # one the policy does not name
    assert shown.investigation is not None
    assert shown.investigation.reason.startswith("a risk customer")
    # Chinese: as written.
    assert policy.in_language("zh") is policy
    assert policy.terms("B", "individual")["payment_method"] == "预付"
    assert policy.payment_method_label("月结") == "月结"
    assert (shown.sha256, shown.version, shown.raw) == (policy.sha256, policy.version, policy.raw)


def test_a_policy_reason_of_its_own_stays_as_written_without_english(tmp_path: Path) -> None:
    text = default_policy_path().read_text("utf-8")
    own = "investigation:\n  when: max_overdue_days > 60\n  reason: 逾期超过60天,建议调查\n"
    path = tmp_path / "own.yaml"
    path.write_text(text.replace("overrides: []\n", "overrides: []\n" + own), "utf-8")
    shown = load_policy(path).in_language("en")
    assert shown.investigation is not None and shown.investigation.reason == "逾期超过60天,建议调查"
    path.write_text(
        path.read_text("utf-8").replace(
            "labels_en:\n", "labels_en:\n  investigation: 'overdue over 60 days: investigate'\n"
        ),
        "utf-8",
    )
    shown = load_policy(path).in_language("en")
    assert shown.investigation is not None
    assert shown.investigation.reason == "overdue over 60 days: investigate"
