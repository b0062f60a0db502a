"""The customer JSON Schema shipped with the package, read once."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "customer.schema.json"


@cache
def _parsed() -> dict[str, Any]:
    text = resources.files("creditfile.document").joinpath(SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def customer_schema() -> dict[str, Any]:
    """The customer JSON Schema (``document/customer.schema.json``), a copy the caller may keep.

    Returns:
        The parsed schema, with its ``x-`` annotation keywords (labels, headers, formats).
    """
    return copy.deepcopy(_parsed())
