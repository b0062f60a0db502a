"""Sound memo keys for conditions: which facts' values decide a condition's result.

A numeric fact that a condition only ever compares directly with number literals
(``cumulative_lease_amount >= 5000000``) can only change the result by crossing one of those
literals. Such a fact is keyed by its position among the literals (below, equal, above each),
so every customer in the same band reuses one evaluation by rule-engine. Any other use of a fact
(arithmetic, comparison with another fact, ``in``) keys it by its exact value.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from creditfile.policy.rule_tables import rule_engine

Keyer = tuple[str, tuple[float, ...] | None]
_COMPARISONS = ("ComparisonExpression", "ArithmeticComparisonExpression")


def children(node: Any) -> Iterator[Any]:
    """The sub-expressions of a rule-engine AST node."""
    names: list[str] = list(getattr(node, "__dict__", {}))
    for klass in type(node).__mro__:
        names.extend(getattr(klass, "__slots__", ()))
    for name in names:
        if name == "context":
            continue
        value = getattr(node, name, None)
        if isinstance(value, rule_engine.ast.ExpressionBase):
            yield value
        elif isinstance(value, tuple | list):
            yield from (v for v in value if isinstance(v, rule_engine.ast.ExpressionBase))


def memo_keyers(root: Any, facts: set[str], numeric: set[str]) -> tuple[Keyer, ...]:
    """How to key each fact the expression names (sorted by fact name)."""
    uses: Counter[str] = Counter()
    banded: Counter[str] = Counter()
    literals: dict[str, set[float]] = {name: set() for name in numeric}
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, rule_engine.ast.SymbolExpression) and node.name in facts:
            uses[node.name] += 1
        band = _banded_comparison(node)
        if band is not None and band[0] in numeric:
            banded[band[0]] += 1
            if band[1] is not None:  # null is already a band of its own
                literals[band[0]].add(band[1])
        stack.extend(children(node))
    return tuple(
        (
            name,
            tuple(sorted(literals[name]))
            if name in numeric and uses[name] == banded[name]
            else None,
        )
        for name in sorted(uses)
    )


def _banded_comparison(node: Any) -> tuple[str, float | None] | None:
    if type(node).__name__ not in _COMPARISONS:
        return None
    ast = rule_engine.ast
    left, right = node.left, node.right
    if isinstance(right, ast.SymbolExpression):
        left, right = right, left
    if isinstance(left, ast.SymbolExpression) and isinstance(right, ast.FloatExpression):
        return left.name, float(right.value)
    if isinstance(left, ast.SymbolExpression) and isinstance(right, ast.NullExpression):
        return left.name, None
    return None


def memo_key(keyers: tuple[Keyer, ...], facts: Mapping[str, Any]) -> tuple[Any, ...]:
    """The key under which ``facts`` share a result; raises KeyError for a missing fact."""
    key: list[Any] = []
    for name, literals in keyers:
        value = facts[name]
        if literals is None or value is None or isinstance(value, bool):
            key.append((type(value).__name__, value))
            continue
        index = bisect_left(literals, value)
        key.append((index, index < len(literals) and literals[index] == value))
    return tuple(key)
