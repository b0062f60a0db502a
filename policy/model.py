"""The immutable, validated credit policy that the engine applies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from creditfile.policy.conditions import Condition

Method = Literal["manual", "relative_to_max"]


@dataclass(frozen=True)
class ScoringItem:
    """One weighted item of the score (实力, 潜力, …)."""

    key: str
    label: str
    weight: float
    method: Method
    fact: str | None = None
    new_customer_points: float | None = None
    prospective_customer_points: float | None = None

    def fixed_points(self, lifecycle: str) -> float:
        """The points of a relative_to_max item for a customer who is not established."""
        if lifecycle == "prospective" and self.prospective_customer_points is not None:
            return self.prospective_customer_points
        return self.new_customer_points or 0.0


@dataclass(frozen=True)
class Grade:
    """A grade band; ``min_score`` is None only for the below-lowest grade."""

    name: str
    label: str
    min_score: float | None


@dataclass(frozen=True)
class Tier:
    """A volume tier (主力/一般/零散); the catch-all tier has no condition."""

    key: str
    label: str
    when: str | None
    condition: Condition | None


@dataclass(frozen=True)
class Override:
    """A rule applied after scoring: caps the grade or flags for review."""

    id: str
    reason: str
    when: str
    condition: Condition
    cap_grade: str | None = None
    flag: str | None = None


@dataclass(frozen=True)
class Investigation:
    """Which customers to suggest for a paid agency investigation (专业机构调查), and why."""

    when: str
    reason: str
    condition: Condition


@dataclass(frozen=True)
class Policy:
    """A checked policy: everything the engine needs, plus where it came from."""

    version: str
    name: str
    effective_from: date | None
    rounding: int
    natures: Mapping[str, str]
    new_customer_months: int
    scoring: tuple[ScoringItem, ...]
    grades: tuple[Grade, ...]
    below_lowest: Grade
    privileges: Mapping[str, Mapping[str, Any]]
    tiers: tuple[Tier, ...]
    overrides: tuple[Override, ...]
    item_categories: Mapping[str, str] = field(default_factory=dict)
    personal_natures: frozenset[str] = frozenset()
    review: Mapping[str, Any] = field(default_factory=dict)
    supply_order: tuple[str, ...] = ("tier", "requested_on")
    investigation: Investigation | None = None
    sha256: str = ""
    source: str = ""
    path: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def manual_items(self) -> tuple[ScoringItem, ...]:
        """Items whose points a salesperson enters in ``assessment``."""
        return tuple(item for item in self.scoring if item.method == "manual")

    @property
    def all_grades(self) -> tuple[Grade, ...]:
        """The graded bands, best first, then the below-lowest grade."""
        return (*self.grades, self.below_lowest)

    def grade_named(self, name: str) -> Grade:
        """The grade called ``name``; raises KeyError for an unknown one."""
        for grade in self.all_grades:
            if grade.name == name:
                return grade
        raise KeyError(name)

    def grade_rank(self, name: str) -> int:
        """0 for the best grade, increasing downwards; below-lowest is last."""
        return [g.name for g in self.all_grades].index(name)

    def item_label(self, key: str) -> str:
        """The policy's label for a leased-item category, or the key itself."""
        return self.item_categories.get(key, key)

    def nature_label(self, key: str) -> str:
        """The policy's label for a customer nature, or the key itself."""
        return self.natures.get(key, key)
