"""The customer schema compiled to a yes/no check by fastjsonschema, and its lean variant.

jsonschema takes about 2 ms per customer document; validating 100,000 on import would take
minutes. fastjsonschema turns the schema into straight-line Python that answers in
microseconds; only the documents it refuses go through jsonschema, which collects and words
every error.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

import fastjsonschema

__all__ = ["compile_check", "lean_schema"]


def compile_check(schema: Mapping[str, Any]) -> Callable[[object], bool]:
    """A yes/no predicate equal to ``Draft202012Validator(schema).is_valid``, compiled once.

    Local ``$ref``s are inlined first: fastjsonschema calls a function per ``$ref`` (and builds
    its error-path text on each call), which made it twice as slow.

    Args:
        schema: A JSON Schema whose ``$ref``s all point into its own ``$defs``.

    Returns:
        The predicate; it never changes the document (defaults are not filled in).

    Raises:
        ValueError: The schema uses a keyword fastjsonschema would not check as draft 2020-12
            means it, or refers to another file.
    """
    flat = _inlined(schema, schema.get("$defs", {}))
    _refuse_unchecked(flat)
    check = fastjsonschema.compile(
        flat,
        handlers=_NO_REMOTE_REFS,
        use_default=False,
        use_formats=False,  # jsonschema treats "format" as an annotation: so must this
        # detailed_exceptions=False would save nothing measurable on valid documents, and
        # fastjsonschema 2.22.3 cannot compile "const" with it.
    )

    def valid(doc: object) -> bool:
        try:
            check(doc)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return valid


def lean_schema(
    schema: Mapping[str, Any], *, unchecked_patterns: Mapping[str, Collection[str]], long_text: int
) -> dict[str, Any]:
    """``schema`` without the constraints its caller checks more cheaply by other means.

    Left out: each ``pattern`` of ``unchecked_patterns`` at the document paths given with it
    (``leases[].start``: ``[]`` is every item of a list), and every ``maxLength`` of
    ``long_text`` or more. The lean check equals the whole one only for a caller that matches
    those patterns at those paths itself, and that uses it only on documents shorter than
    ``long_text`` as compact JSON (no text in them can then be as long). A pattern met
    anywhere else, or below a keyword other than ``properties``, ``items`` and ``allOf``, is
    kept.

    Args:
        schema: A JSON Schema whose ``$ref``s all point into its own ``$defs``.
        unchecked_patterns: For each pattern the caller matches itself, the paths it does so at.
        long_text: The smallest ``maxLength`` left out.

    Returns:
        A new schema, with its ``$ref``s inlined.
    """
    paths = {pattern: frozenset(where) for pattern, where in unchecked_patterns.items()}
    lean: dict[str, Any] = _leaner(_inlined(schema, schema.get("$defs", {})), "", paths, long_text)
    return lean


def _leaner(
    node: Any, path: str | None, patterns: Mapping[str, frozenset[str]], long_text: int
) -> Any:
    """``node`` at document ``path`` (None: not a single known path) made lean."""
    if isinstance(node, list):
        return [_leaner(item, None, patterns, long_text) for item in node]
    if not isinstance(node, dict):
        return node
    lean: dict[str, Any] = {}
    for key, value in node.items():
        if key == "pattern" and path is not None and path in patterns.get(value, ()):
            continue
        if key == "maxLength" and type(value) is int and value >= long_text:
            continue
        if key == "properties" and isinstance(value, dict):
            lean[key] = {
                name: _leaner(sub, _child(path, name), patterns, long_text)
                for name, sub in value.items()
            }
        elif key == "items" and isinstance(value, dict):
            lean[key] = _leaner(value, None if path is None else path + "[]", patterns, long_text)
        elif key == "allOf" and isinstance(value, list):
            lean[key] = [_leaner(sub, path, patterns, long_text) for sub in value]
        elif key in ("enum", "const", "required", "examples", "default"):
            lean[key] = value  # values, not schemas
        else:
            lean[key] = _leaner(value, None, patterns, long_text)
    return lean


def _child(path: str | None, name: str) -> str | None:
    if path is None:
        return None
    return f"{path}.{name}" if path else name


def _refuse(uri: str) -> Any:
    raise ValueError(f"{uri}: the customer schema refers only to its own $defs")


_NO_REMOTE_REFS = dict.fromkeys(("http", "https", "file", "ftp", "data"), _refuse)


def _inlined(node: Any, defs: Mapping[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/x"}`` replaced by ``x`` (the schema is not
    recursive); ``$id`` and ``$defs`` dropped, as nothing refers to them any more."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = str(node["$ref"])
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"{ref}: only references to #/$defs/… can be compiled")
            target = _inlined(defs[ref.removeprefix("#/$defs/")], defs)
            rest = {k: _inlined(v, defs) for k, v in node.items() if k != "$ref"}
            return (
                {**target, **rest}
                if not set(target) & set(rest) - _NOTES
                else {**rest, "allOf": [target]}
            )
        return {k: _inlined(v, defs) for k, v in node.items() if k not in ("$defs", "$id")}
    if isinstance(node, list):
        return [_inlined(item, defs) for item in node]
    return node


_NOTES = frozenset(("title", "description", "$comment", "examples"))
# fastjsonschema implements JSON Schema up to draft 7: these later keywords it would skip, and
# "items" as a list or "dependencies" it would read as draft 7 does, unlike draft 2020-12.
_LATER_KEYWORDS = frozenset((
    "dependentRequired", "dependentSchemas", "prefixItems", "unevaluatedProperties",
    "unevaluatedItems", "minContains", "maxContains", "$anchor", "$dynamicRef",
    "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "dependencies",
))  # fmt: skip


def _refuse_unchecked(node: Any, path: str = "#") -> None:
    """Raise ValueError where the schema uses what fastjsonschema would not check as draft
    2020-12 means it, so that "valid" never silently ignores a constraint."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            _refuse_unchecked(item, f"{path}/{index}")
        return
    if not isinstance(node, dict):
        return
    later = sorted(_LATER_KEYWORDS & set(node))
    if later or isinstance(node.get("items"), list):
        what = ", ".join(later) or "items as a list"
        raise ValueError(f"{path}: {what} cannot be compiled by fastjsonschema (draft 7)")
    for key, value in node.items():
        if key not in ("enum", "const", "required", "examples", "default"):
            _refuse_unchecked(value, f"{path}/{key}")
