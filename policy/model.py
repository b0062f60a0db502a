"""The immutable, validated credit policy that the engine applies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any, Literal

from creditfile.policy.conditions import Condition

Method = Literal["manual", "relative_to_max", "bands"]
Scale = Literal["linear", "sqrt", "log", "rank"]


@dataclass(frozen=True)
class Guidance:
    """One level of an entered item's scoring guidance: what earns ``points``."""

    points: float
    text: str
    text_en: str = ""  # the same in English (shown in an English interface), if given


@dataclass(frozen=True)
class Band:
    """One row of a bands item's decision table: the points for ``min`` ≤ fact ≤ ``max``
    (or < ``below``); the last band has neither."""

    min: float
    points: float
    max: float | None = None
    below: float | None = None

    def range_text(self) -> str:
        """The range in words: ``0``, ``1–30``, ``500,000 to below 1,000,000``, ``91 and over``."""
        if self.max is not None:
            return f"{self.min:,g}" if self.max == self.min else f"{self.min:,g}–{self.max:,g}"
        if self.below is not None:
            return f"{self.min:,g} to below {self.below:,g}"
        return f"{self.min:,g} and over"


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
    bands: tuple[Band, ...] = ()
    manual_override: bool = False
    window_months: int | None = None
    scale: Scale = "linear"
    guidance: tuple[Guidance, ...] = ()
    label_en: str = ""

    def guidance_level(self, entry: object) -> Guidance | None:
        """The highest guidance level an entry reaches (None: no guidance, or below all)."""
        if isinstance(entry, bool) or not isinstance(entry, int | float):
            return None
        return next((g for g in self.guidance if g.points <= entry), None)

    @property
    def amount_key(self) -> str:
        """The key of the amount a relative_to_max item compares: its fact, or the fact over
        its window (``cumulative_lease_amount_last_24_months``)."""
        fact = self.fact or "cumulative_lease_amount"
        return fact if self.window_months is None else f"{fact}_last_{self.window_months}_months"

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
    label_en: str = ""


@dataclass(frozen=True)
class Tier:
    """A volume tier (主力/一般/零散); the catch-all tier has no condition."""

    key: str
    label: str
    when: str | None
    condition: Condition | None
    label_en: str = ""


@dataclass(frozen=True)
class Override:
    """A rule applied after scoring: caps the grade or flags for review."""

    id: str
    reason: str
    when: str
    condition: Condition
    cap_grade: str | None = None
    flag: str | None = None
    reason_en: str = ""


@dataclass(frozen=True)
class Investigation:
    """Which customers to suggest for a paid agency investigation (专业机构调查), and why."""

    when: str
    reason: str
    condition: Condition
    reason_en: str = ""


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
    natures_en: Mapping[str, str] = field(default_factory=dict)
    item_categories_en: Mapping[str, str] = field(default_factory=dict)
    name_en: str = ""
    payment_methods_en: Mapping[str, str] = field(default_factory=dict)
    """Payment methods as the privileges write them (月结) → English (``labels_en``)."""
    payment_methods: Mapping[str, str] = field(default_factory=dict)
    """Payment methods as written → as shown: empty (shown as written) unless ``in_language``
    gave this policy in English."""
    personal_natures: frozenset[str] = frozenset()
    nature_privileges: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    """Per grade, per nature: the terms that differ from the grade's (``by_nature``)."""
    review: Mapping[str, Any] = field(default_factory=dict)
    supply_order: tuple[str, ...] = ("tier", "requested_on")
    investigation: Investigation | None = None
    sha256: str = ""
    source: str = ""
    path: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def windows(self) -> tuple[int, ...]:
        """The window lengths (months) of the policy's windowed items, each once, in order."""
        found = (item.window_months for item in self.scoring if item.window_months is not None)
        return tuple(sorted(set(found)))

    @property
    def entered_items(self) -> tuple[ScoringItem, ...]:
        """Items whose points may be entered in ``assessment``: the manual ones, and bands
        items whose policy lets an entry override the bands."""
        return tuple(
            item for item in self.scoring if item.method == "manual" or item.manual_override
        )

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

    def terms(self, grade: str, nature: str) -> dict[str, Any]:
        """The terms a customer of ``nature`` gets in ``grade``: the grade's privileges, with
        the policy's refinement for that nature over them."""
        refined = self.nature_privileges.get(grade, {}).get(nature, {})
        return {**self.privileges.get(grade, {}), **refined}

    def item_label(self, key: str) -> str:
        """The policy's label for a leased-item category, or the key itself."""
        return self.item_categories.get(key, key)

    def nature_label(self, key: str) -> str:
        """The policy's label for a customer nature, or the key itself."""
        return self.natures.get(key, key)

    def payment_method_label(self, method: str) -> str:
        """A payment method as staff of this policy's language read it (月结, or its English
        in a policy ``in_language("en")``); one the policy does not name, as written."""
        return self.payment_methods.get(method, method)

    def in_language(self, lang: str) -> Policy:
        """This policy as staff of ``lang`` (``zh`` or ``en``) read it.

        For ``en``, every label the policy gives in English (its ``labels_en`` section) stands
        in for its label, and a label without one stays as written. The grading rules,
        the version and the hash are the same: only the names shown differ. The policy's name,
        the payment methods of its privileges and the reasons of its overrides and of its
        investigation suggestion are given in English too.
        """
        if lang != "en":
            return self

        def english(labels: Mapping[str, str], given: Mapping[str, str]) -> Mapping[str, str]:
            return MappingProxyType({k: given.get(k) or v for k, v in labels.items()})

        def terms(given: Mapping[str, Any]) -> Mapping[str, Any]:
            method = given.get("payment_method")
            if not isinstance(method, str):
                return given
            shown = self.payment_methods_en.get(method) or method
            return MappingProxyType({**given, "payment_method": shown})

        return replace(
            self,
            name=self.name_en or self.name,
            privileges=MappingProxyType({g: terms(t) for g, t in self.privileges.items()}),
            nature_privileges=MappingProxyType(
                {
                    g: MappingProxyType({n: terms(t) for n, t in by.items()})
                    for g, by in self.nature_privileges.items()
                }
            ),
            payment_methods=self.payment_methods_en,
            overrides=tuple(replace(o, reason=o.reason_en or o.reason) for o in self.overrides),
            investigation=None
            if self.investigation is None
            else replace(
                self.investigation,
                reason=self.investigation.reason_en or self.investigation.reason,
            ),
            natures=english(self.natures, self.natures_en),
            item_categories=english(self.item_categories, self.item_categories_en),
            scoring=tuple(
                replace(
                    i,
                    label=i.label_en or i.label,
                    guidance=tuple(replace(g, text=g.text_en or g.text) for g in i.guidance),
                )
                for i in self.scoring
            ),
            grades=tuple(replace(g, label=g.label_en or g.label) for g in self.grades),
            below_lowest=replace(
                self.below_lowest, label=self.below_lowest.label_en or self.below_lowest.label
            ),
            tiers=tuple(replace(t, label=t.label_en or t.label) for t in self.tiers),
        )
