"""Words for JSON Schema's refusals shared by every file creditfile checks against a schema.

A policy, its tests file, a market file (``policy.schema_check``) and a customer document
(``engine.validation``) are each checked with jsonschema, whose own messages are English
(``'ten' is not of type 'number'``). What a value should be, and an unknown key with the key
it was probably meant to be, are worded here once, as phrases, for every one of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from creditfile.policy.errors import N_, NOTHING, Phrase, phrase, verbatim

__all__ = ["TYPE_WORDS", "kinds_said", "suggest_said", "unknown_key_said"]

TYPE_WORDS = {
    "string": N_("text"),
    "number": N_("a number"),
    "integer": N_("a whole number"),
    "object": N_("a group of fields {{…}}"),
    "array": N_("a list […]"),
    "boolean": N_("true or false"),
    "null": N_("empty"),
}
"""JSON Schema's type names as a person reads them (``{{`` is a brace in a template)."""


def kinds_said(wanted: object) -> Phrase:
    """What a schema's ``type`` (one name or a list of names) asks for, in words: ``a number``,
    ``text or a number``, ``a whole number (or left empty)`` when null is one of them."""
    kinds = [str(k) for k in wanted] if isinstance(wanted, list | tuple) else [str(wanted)]
    words = [phrase(TYPE_WORDS[k]) if k in TYPE_WORDS else verbatim(k) for k in kinds]
    words = [w for k, w in zip(kinds, words, strict=True) if k != "null"] or [verbatim("")]
    either = words[0]
    for other in words[1:]:
        either = phrase("{one} or {other}", one=either, other=other)
    if "null" in kinds:
        return phrase("{kind} (or left empty)", kind=either)
    return either


def suggest_said(word: str, candidates: Sequence[str]) -> Phrase:
    """``; did you mean 'x'?`` for the candidate closest to ``word``; nothing when none is
    close."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return phrase("; did you mean {key}?", key=repr(close[0])) if close else NOTHING


def unknown_key_said(key: str, allowed: Sequence[str]) -> Phrase:
    """A key the schema does not allow where it is written: the allowed key it is closest to,
    or else every key allowed there."""
    hint = suggest_said(key, allowed)
    if hint is NOTHING:
        hint = phrase("; allowed here: {keys}", keys=", ".join(allowed))
    return phrase("unknown key {key}{hint}", key=repr(key), hint=hint)
