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
from creditfile.policy.errors import N_, Phrase, phrase
from creditfile.policy.fact_catalogue import FACTS_BY_NAME
from creditfile.policy.rule_tables import rule_engine

_WORDS = {
    "number": N_("a number"),
    "text": N_("text"),
    "boolean": N_("true or false"),
    "null": N_("null"),
    "list": N_("a list"),
}
_EXAMPLES = {
    "number": N_("a number without quotes, e.g. 90"),
    "text": N_("a text in quotes, e.g. 'developer'"),
    "boolean": N_("true or false without quotes, or name the fact alone"),
}
_VALUES = {
    "number": N_("list numbers without quotes"),
    "text": N_("list texts in quotes"),
    "boolean": N_("list true or false without quotes"),
}


def _word(kind: str) -> Phrase:
    return phrase(_WORDS[kind])


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
            phrase(
                "the condition is {kind} ({shown}), not true or false; write a comparison such "
                "as `lease_count >= 10`",
                kind=_word(typed.kind),
                shown=typed.shown,
            )
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
        phrase(
            "{kind} expressions are not allowed in a condition; use comparisons of facts with "
            "values, and, or, not, in [...]",
            kind=type(node).__name__.removesuffix("Expression").lower(),
        )
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
        first, *others = sorted(kinds)
        mixed = _word(first)
        for other in others:
            mixed = phrase("{one} and {other}", one=mixed, other=_word(other))
        raise ConditionCompileError(
            phrase(
                "the list [{items}] mixes {kinds}; a list holds one kind of value",
                items=", ".join(i.shown for i in items),
                kinds=mixed,
            )
        )
    if "list" in kinds:
        raise ConditionCompileError(phrase("lists inside lists are not allowed"))
    shown = "[" + ", ".join(i.shown for i in items) + "]"
    return Typed("list", False, shown, next(iter(kinds), None))


def _expect(typed: Typed, kind: str, role: Phrase) -> None:
    if typed.kind != kind:
        raise ConditionCompileError(
            phrase(
                "{role} must be {kind}, but {shown} is {actual}",
                role=role,
                kind=_word(kind),
                shown=typed.shown,
                actual=_word(typed.kind),
            )
        )


def _unary(node: Any) -> Typed:
    operand = _type(node.right)
    if node.type == "not":
        _expect(operand, "boolean", phrase("what follows `not`"))
        return Typed("boolean", False, f"not {operand.shown}")
    _expect(operand, "number", phrase("what follows `-`"))
    return Typed("number", operand.nullable, f"-{operand.shown}")


def _logic(node: Any) -> Typed:
    left, right = _type(node.left), _type(node.right)
    for side in (left, right):
        _expect(side, "boolean", phrase("each side of `{operator}`", operator=node.type))
    return Typed("boolean", False, f"{left.shown} {node.type} {right.shown}")


def _equality(node: Any) -> Typed:
    left, right = _type(node.left), _type(node.right)
    operator = "==" if node.type == "eq" else "!="
    shown = f"{left.shown} {operator} {right.shown}"
    if "list" in (left.kind, right.kind):
        raise ConditionCompileError(
            phrase(
                "{shown}: {operator} compares single values; to test a list write `fact in [...]`",
                shown=shown,
                operator=operator,
            )
        )
    if left.kind == "null" or right.kind == "null":
        other = right if left.kind == "null" else left
        if not other.nullable:
            raise ConditionCompileError(
                phrase(
                    "{shown} can never hold: {other} is never null (only facts such as "
                    "months_since_first_trade may be null)",
                    shown=shown,
                    other=other.shown,
                )
            )
    elif left.kind != right.kind:
        raise ConditionCompileError(_mismatch(shown, left, right))
    return Typed("boolean", False, shown)


def _mismatch(shown: str, left: Typed, right: Typed) -> Phrase:
    fact, other = (left, right) if left.shown in FACTS_BY_NAME else (right, left)
    if fact.shown in FACTS_BY_NAME:
        return phrase(
            "type mismatch: {shown} can never hold: {fact} is {kind} (a {type} fact) but "
            "{other} is {other_kind}; compare it with {example}",
            shown=shown,
            fact=fact.shown,
            kind=_word(fact.kind),
            type=fact.kind,
            other=other.shown,
            other_kind=_word(other.kind),
            example=phrase(_EXAMPLES[fact.kind]),
        )
    return phrase(
        "type mismatch: {shown} can never hold: {left} is {left_kind} but {right} is {right_kind}",
        shown=shown,
        left=left.shown,
        left_kind=_word(left.kind),
        right=right.shown,
        right_kind=_word(right.kind),
    )


def _ordering(node: Any) -> Typed:
    operator = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}.get(node.type, node.type)
    left, right = _type(node.left), _type(node.right)
    shown = f"{left.shown} {operator} {right.shown}"
    for side in (left, right):
        if side.kind != "number":
            template = (
                N_(
                    "type mismatch: {shown}: {operator} compares numbers, but {side} is {kind}; "
                    "to test text, use == or `fact in ['…', '…']`"
                )
                if side.kind == "text"
                else N_("type mismatch: {shown}: {operator} compares numbers, but {side} is {kind}")
            )
            raise ConditionCompileError(
                phrase(
                    template,
                    shown=shown,
                    operator=operator,
                    side=side.shown,
                    kind=_word(side.kind),
                )
            )
    return Typed("boolean", False, shown)


def _arithmetic(node: Any) -> Typed:
    operator = {"add": "+", "sub": "-", "mul": "*", "tdiv": "/"}.get(node.type, node.type)
    left, right = _type(node.left), _type(node.right)
    shown = f"{left.shown} {operator} {right.shown}"
    for side in (left, right):
        if side.kind != "number":
            raise ConditionCompileError(
                phrase(
                    "type mismatch: {shown}: {operator} works on numbers, but {side} is {kind}",
                    shown=shown,
                    operator=operator,
                    side=side.shown,
                    kind=_word(side.kind),
                )
            )
    right_node = node.right
    if (
        operator == "/"
        and isinstance(right_node, rule_engine.ast.FloatExpression)
        and right_node.value == 0
    ):
        # Every customer's grading would report it: refused here, where it is written.
        raise ConditionCompileError(
            phrase(
                "{shown} divides by zero for every customer; divide by a number other than 0",
                shown=shown,
            )
        )
    return Typed("number", left.nullable or right.nullable, shown)


def _contains(node: Any) -> Typed:
    member, container = _type(node.member), _type(node.container)
    shown = f"{member.shown} in {container.shown}"
    if container.kind != "list":
        raise ConditionCompileError(
            phrase(
                "{shown}: `in` needs a list in square brackets, e.g. nature in ['developer', "
                "'central_soe']",
                shown=shown,
            )
        )
    if member.kind in ("list", "null"):
        raise ConditionCompileError(
            phrase("{shown}: what is looked up must be a single fact or value", shown=shown)
        )
    if container.element is not None and container.element != member.kind:
        raise ConditionCompileError(
            phrase(
                "type mismatch: {shown} can never hold: {member} is {kind} but the list holds "
                "{element}; {values}",
                shown=shown,
                member=member.shown,
                kind=_word(member.kind),
                element=_word(container.element),
                values=phrase(_VALUES[member.kind]),
            )
        )
    return Typed("boolean", False, shown)


def _ternary(node: Any) -> Typed:
    condition = _type(node.condition)
    _expect(condition, "boolean", phrase("the part before `?`"))
    yes, no = _type(node.case_true), _type(node.case_false)
    if yes.kind != no.kind and "null" not in (yes.kind, no.kind):
        raise ConditionCompileError(
            phrase(
                "both results of `… ? {yes} : {no}` must be of one kind",
                yes=yes.shown,
                no=no.shown,
            )
        )
    kind = no.kind if yes.kind == "null" else yes.kind
    return Typed(kind, yes.nullable or no.nullable, f"({condition.shown} ? … : …)")


def _coalesce(node: Any) -> Typed:
    left, right = _type(node.left), _type(node.right)
    if left.kind != right.kind and "null" not in (left.kind, right.kind):
        raise ConditionCompileError(
            phrase(
                "{left} ?? {right}: both sides must be of one kind, but {left} is {left_kind} "
                "and {right} is {right_kind}",
                left=left.shown,
                right=right.shown,
                left_kind=_word(left.kind),
                right_kind=_word(right.kind),
            )
        )
    kind = right.kind if left.kind == "null" else left.kind
    return Typed(kind, right.nullable, f"{left.shown} ?? {right.shown}")
