"""Static types of a parsed condition, checked against the documented facts.

rule-engine accepts ``unverified_customer_form == 'true'`` or ``nature == 5``: comparisons of
mismatched types that are simply always false, so a cap silently never applies. It also treats
any value as true or false, so a condition ``'abc'`` holds for everyone. Here every part of a
condition gets one of the facts' types (number, text, boolean) or null, and a condition is
accepted only when its parts fit together and the whole is true or false.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from creditfile.policy.condition_tokens import ConditionCompileError
from creditfile.policy.fact_catalogue import FACTS_BY_NAME
from creditfile.policy.rule_tables import rule_engine

_WORDS = {
    "number": "a number",
    "text": "text",
    "boolean": "true or false",
    "null": "null",
    "list": "a list",
}
_EXAMPLES = {
    "number": "a number without quotes, e.g. 90",
    "text": "a text in quotes, e.g. 'developer'",
    "boolean": "true or false without quotes — or name the fact alone",
}


@dataclass(frozen=True)
class Typed:
    """The static type of one part of a condition and how to name it in a message."""

    kind: str  # number, text, boolean, null or list
    nullable: bool
    shown: str
    element: str | None = None  # for a list: the kind of its items (None when empty)


def check_types(root: Any) -> None:
    """Refuse a condition whose parts do not fit together or that is not true or false.

    Raises:
        ConditionCompileError: naming the part, its type and what to write instead.
    """
    typed = _type(root)
    if typed.kind != "boolean":
        raise ConditionCompileError(
            f"the condition is {_WORDS[typed.kind]} ({typed.shown}), not true or false; "
            "write a comparison such as `lease_count >= 10`"
        )


def _type(node: Any) -> Typed:
    ast = rule_engine.ast
    handlers: tuple[tuple[type, Any], ...] = (
        (ast.SymbolExpression, _symbol),
        (ast.FloatExpression, lambda n: Typed("number", False, _number_text(n.value))),
        (ast.StringExpression, lambda n: Typed("text", False, repr(n.value))),
        (ast.BooleanExpression, lambda n: Typed("boolean", False, str(n.value).lower())),
        (ast.NullExpression, lambda n: Typed("null", True, "null")),
        (ast.ArrayExpression, _array),
        (ast.UnaryExpression, _unary),
        (ast.LogicExpression, _logic),
        (ast.ComparisonExpression, _equality),
        (ast.ArithmeticComparisonExpression, _ordering),
        (ast.AddExpression, _arithmetic),
        (ast.SubtractExpression, _arithmetic),
        (ast.ArithmeticExpression, _arithmetic),
        (ast.ContainsExpression, _contains),
        (ast.TernaryExpression, _ternary),
        (ast.CoalesceExpression, _coalesce),
    )
    for kind, handler in handlers:
        if type(node) is kind:
            result: Typed = handler(node)
            return result
    raise ConditionCompileError(
        f"{type(node).__name__.removesuffix('Expression').lower()} expressions are not allowed "
        "in a condition; use comparisons of facts with values, and, or, not, in [...]"
    )


def _symbol(node: Any) -> Typed:
    fact = FACTS_BY_NAME[node.name]
    return Typed(fact.type, fact.nullable, node.name)


def _number_text(value: Any) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _array(node: Any) -> Typed:
    items = [_type(item) for item in node.value]
    kinds = {item.kind for item in items if item.kind != "null"}
    if len(kinds) > 1:
        raise ConditionCompileError(
            f"the list [{', '.join(i.shown for i in items)}] mixes "
            f"{' and '.join(sorted(_WORDS[k] for k in kinds))}; a list holds one kind of value"
        )
    if "list" in kinds:
        raise ConditionCompileError("lists inside lists are not allowed")
    shown = "[" + ", ".join(i.shown for i in items) + "]"
    return Typed("list", False, shown, next(iter(kinds), None))


def _expect(typed: Typed, kind: str, role: str) -> None:
    if typed.kind != kind:
        raise ConditionCompileError(
            f"{role} must be {_WORDS[kind]}, but {typed.shown} is {_WORDS[typed.kind]}"
        )


def _unary(node: Any) -> Typed:
    operand = _type(node.right)
    if node.type == "not":
        _expect(operand, "boolean", "what follows `not`")
        return Typed("boolean", False, f"not {operand.shown}")
    _expect(operand, "number", "what follows `-`")
    return Typed("number", operand.nullable, f"-{operand.shown}")


def _logic(node: Any) -> Typed:
    left, right = _type(node.left), _type(node.right)
    for side in (left, right):
        _expect(side, "boolean", f"each side of `{node.type}`")
    return Typed("boolean", False, f"{left.shown} {node.type} {right.shown}")


def _equality(node: Any) -> Typed:
    left, right = _type(node.left), _type(node.right)
    operator = "==" if node.type == "eq" else "!="
    shown = f"{left.shown} {operator} {right.shown}"
    if "list" in (left.kind, right.kind):
        raise ConditionCompileError(
            f"{shown}: {operator} compares single values; to test a list write `fact in [...]`"
        )
    if left.kind == "null" or right.kind == "null":
        other = right if left.kind == "null" else left
        if not other.nullable:
            raise ConditionCompileError(
                f"{shown} can never hold: {other.shown} is never null"
                + (" (only facts such as months_since_first_trade may be null)")
            )
    elif left.kind != right.kind:
        raise ConditionCompileError(_mismatch(shown, left, right))
    return Typed("boolean", False, shown)


def _mismatch(shown: str, left: Typed, right: Typed) -> str:
    fact, other = (left, right) if left.shown in FACTS_BY_NAME else (right, left)
    if fact.shown in FACTS_BY_NAME:
        return (
            f"type mismatch: {shown} can never hold: {fact.shown} is {_WORDS[fact.kind]} "
            f"(a {fact.kind} fact) "
            f"but {other.shown} is {_WORDS[other.kind]}; compare it with "
            f"{_EXAMPLES[fact.kind]}"
        )
    return (
        f"type mismatch: {shown} can never hold: {left.shown} is {_WORDS[left.kind]} but "
        f"{right.shown} is "
        f"{_WORDS[right.kind]}"
    )


def _ordering(node: Any) -> Typed:
    operator = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}.get(node.type, node.type)
    left, right = _type(node.left), _type(node.right)
    shown = f"{left.shown} {operator} {right.shown}"
    for side in (left, right):
        if side.kind != "number":
            raise ConditionCompileError(
                f"type mismatch: {shown} — {operator} compares numbers, but {side.shown} is "
                f"{_WORDS[side.kind]}"
                + ("; to test text, use == or `fact in ['…', '…']`" if side.kind == "text" else "")
            )
    return Typed("boolean", False, shown)


def _arithmetic(node: Any) -> Typed:
    operator = {"add": "+", "sub": "-", "mul": "*", "tdiv": "/"}.get(node.type, node.type)
    left, right = _type(node.left), _type(node.right)
    shown = f"{left.shown} {operator} {right.shown}"
    for side in (left, right):
        if side.kind != "number":
            raise ConditionCompileError(
                f"type mismatch: {shown} — {operator} works on numbers, but {side.shown} is "
                f"{_WORDS[side.kind]}"
            )
    right_node = node.right
    if (
        operator == "/"
        and isinstance(right_node, rule_engine.ast.FloatExpression)
        and right_node.value == 0
    ):
        # Every customer's grading would report it: refused here, where it is written.
        raise ConditionCompileError(
            f"{shown} divides by zero for every customer; divide by a number other than 0"
        )
    return Typed("number", left.nullable or right.nullable, shown)


def _contains(node: Any) -> Typed:
    member, container = _type(node.member), _type(node.container)
    shown = f"{member.shown} in {container.shown}"
    if container.kind != "list":
        raise ConditionCompileError(
            f"{shown}: `in` needs a list in square brackets, e.g. nature in ['developer', "
            "'central_soe']"
        )
    if member.kind in ("list", "null"):
        raise ConditionCompileError(f"{shown}: what is looked up must be a single fact or value")
    if container.element is not None and container.element != member.kind:
        raise ConditionCompileError(
            f"type mismatch: {shown} can never hold: {member.shown} is {_WORDS[member.kind]} "
            "but the list "
            f"holds {_WORDS[container.element]}; list {_EXAMPLES[member.kind].split(', e.g.')[0]}"
            " values"
        )
    return Typed("boolean", False, shown)


def _ternary(node: Any) -> Typed:
    condition = _type(node.condition)
    _expect(condition, "boolean", "the part before `?`")
    yes, no = _type(node.case_true), _type(node.case_false)
    if yes.kind != no.kind and "null" not in (yes.kind, no.kind):
        raise ConditionCompileError(
            f"both results of `… ? {yes.shown} : {no.shown}` must be of one kind"
        )
    kind = no.kind if yes.kind == "null" else yes.kind
    return Typed(kind, yes.nullable or no.nullable, f"({condition.shown} ? … : …)")


def _coalesce(node: Any) -> Typed:
    left, right = _type(node.left), _type(node.right)
    if left.kind != right.kind and "null" not in (left.kind, right.kind):
        raise ConditionCompileError(
            f"{left.shown} ?? {right.shown}: both sides must be of one kind, "
            f"but {left.shown} is {_WORDS[left.kind]} and {right.shown} is {_WORDS[right.kind]}"
        )
    kind = right.kind if left.kind == "null" else left.kind
    return Typed(kind, right.nullable, f"{left.shown} ?? {right.shown}")
