"""The customer list of a PostgreSQL archive, a page at a time: the server searches, filters and
sorts, and hands back only the rows asked for.

A list of a million customers cannot be held by the program: each view (search words, filters,
sort column and direction) is one query ``… ORDER BY <key>, id LIMIT n``, and the next page
continues after the last row shown (keyset: ``(<key>, id) > (…)``), so that a page costs the
same at the top of the list and far down it. Every sort key has an index: the document's name,
nature and assessment date are kept beside the search keys (``customer_search``, written with
the document), the grading's grade, tier, total, lifecycle and stage in columns of their own
beside the grading, which a trigger fills whenever a grading is written (migration 10; in the
table ``gradings`` since migration 11, read through the views ``customer_records`` and
``customer_cards``). A
customer without a value for the sort key comes after every one with a value, in either
direction, as in the file archive's list: a view is read in two phases, the rows with a value,
then those without (by id).

The count of a view is a query of its own (``count``), asked after the page is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from creditfile.store.pg_personal_rules import cards_view_with

if TYPE_CHECKING:
    import psycopg

_NAMES_COLLATION = """
DO $$
BEGIN
    -- Chinese names in pinyin order, as in a phone book, where the server has ICU.
    CREATE COLLATION creditfile_names (provider = icu, locale = 'zh');
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'creditfile: no ICU collation (%); names are sorted by code point', SQLERRM;
    CREATE COLLATION creditfile_names FROM "C";
END
$$
"""

_GRADED = "(c.grading ->> 'status') = 'graded'"
_GRADING_EXPRESSIONS_9: dict[str, str] = {
    "grade": f"(CASE WHEN {_GRADED} THEN NULLIF(c.grading ->> 'grade', '') END)",
    "total": (
        f"(CASE WHEN {_GRADED} AND NULLIF(c.grading ->> 'grade', '') IS NOT NULL "
        "AND json_typeof(c.grading -> 'total') = 'number' "
        "THEN (c.grading ->> 'total')::float8 END)"
    ),
    "tier": "NULLIF(c.grading ->> 'tier', '')",
    "lifecycle": "NULLIF(c.grading ->> 'lifecycle', '')",
    "stage": "NULLIF(c.grading ->> 'stage', '')",
}
"""Migration 9's indexes, on expressions over the stored grading (replaced by columns in
migration 10: every index and every list query parsed the grading's text again)."""

_ON_CUSTOMERS = ("grade", "total", "tier", "lifecycle", "stage")

_EXPRESSIONS: dict[str, str] = {
    **{column: f"c.{column}" for column in _ON_CUSTOMERS},
    "name": "s.name",
    "nature": "s.nature",
    "assessed": "s.assessed",
}
"""The SQL of each sort or filter column: the grading's keys kept beside it (``c``, the view
of the customers with their gradings) or the columns kept beside the search keys (``s``); each
is indexed."""


def _indexed(column: str) -> str:
    # The index is on the table, whose rows the list reads as ``c``.
    expression = _GRADING_EXPRESSIONS_9[column].replace("c.grading", "grading")
    return f"CREATE INDEX customers_list_by_{column} ON customers (({expression}), id)"


_PHONE_WORDS = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX customers_phone_words ON customers
            USING gin (((doc -> 'contact') ->> 'phone') gin_trgm_ops);
    END IF;
END
$$
"""

MIGRATION_STATEMENTS = (
    _NAMES_COLLATION,
    """ALTER TABLE customer_search
        ADD COLUMN name text COLLATE creditfile_names,
        ADD COLUMN nature text,
        ADD COLUMN assessed text""",
    """UPDATE customer_search s
        SET name = NULLIF(c.doc ->> 'name', ''),
            nature = NULLIF(c.doc ->> 'nature', ''),
            assessed = NULLIF((c.doc -> 'assessment') ->> 'assessed_on', '')
        FROM customers c WHERE c.id = s.id""",
    "CREATE INDEX customer_search_by_name ON customer_search (name, id)",
    "CREATE INDEX customer_search_by_nature ON customer_search (nature, id)",
    "CREATE INDEX customer_search_by_assessed ON customer_search (assessed, id)",
    *(_indexed(column) for column in _ON_CUSTOMERS),
    _PHONE_WORDS,
    "ANALYZE customer_search",
    "ANALYZE customers",
)
"""Migration 9: the list's sort keys kept and indexed, so that the server answers each view
with one page."""


def _key_index(column: str) -> str:
    return f"CREATE INDEX customers_list_by_{column} ON customers ({column}, id)"


_SET_LIST_KEYS = """
CREATE FUNCTION creditfile_set_list_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k record;
BEGIN
    IF json_typeof(NEW.grading) IS DISTINCT FROM 'object' THEN
        NEW.grade := NULL;
        NEW.total := NULL;
        NEW.tier := NULL;
        NEW.lifecycle := NULL;
        NEW.stage := NULL;
        RETURN NEW;
    END IF;
    -- The grading's text parsed once, for every key.
    SELECT * INTO k FROM json_to_record(NEW.grading)
        AS x(status text, grade text, total json, tier text, lifecycle text, stage text);
    NEW.grade := CASE WHEN k.status = 'graded' THEN NULLIF(k.grade, '') END;
    NEW.total := CASE WHEN NEW.grade IS NOT NULL AND json_typeof(k.total) = 'number'
                      THEN k.total::text::float8 END;
    NEW.tier := NULLIF(k.tier, '');
    NEW.lifecycle := NULLIF(k.lifecycle, '');
    NEW.stage := NULLIF(k.stage, '');
    RETURN NEW;
END
$$
"""

_SET_DOCUMENT_KEYS = """
CREATE FUNCTION creditfile_set_document_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.credit_code := CASE WHEN json_typeof(NEW.doc -> 'credit_code') = 'string'
                            THEN NEW.doc ->> 'credit_code' END;
    NEW.phone := (NEW.doc -> 'contact') ->> 'phone';
    RETURN NEW;
END
$$
"""

_PHONE_INDEX = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX customers_phone_words ON customers USING gin (phone gin_trgm_ops);
    END IF;
END
$$
"""

KEY_COLUMN_STATEMENTS = (
    *(f"DROP INDEX customers_list_by_{column}" for column in _ON_CUSTOMERS),
    "DROP INDEX IF EXISTS customers_phone_words",
    """ALTER TABLE customers ADD COLUMN phone text, ADD COLUMN grade text,
        ADD COLUMN total float8, ADD COLUMN tier text, ADD COLUMN lifecycle text,
        ADD COLUMN stage text""",
    _SET_LIST_KEYS,
    """CREATE TRIGGER customers_set_list_keys BEFORE INSERT OR UPDATE OF grading ON customers
        FOR EACH ROW EXECUTE FUNCTION creditfile_set_list_keys()""",
    # Named, as migration 8's trigger was, to run after ``customers_keep_personal``.
    "DROP TRIGGER customers_set_credit_code ON customers",
    "DROP FUNCTION creditfile_set_credit_code()",
    _SET_DOCUMENT_KEYS,
    """CREATE TRIGGER customers_set_document_keys BEFORE INSERT OR UPDATE OF doc ON customers
        FOR EACH ROW EXECUTE FUNCTION creditfile_set_document_keys()""",
    # The triggers fill the new columns of the customers stored (each row written once).
    "UPDATE customers SET doc = doc, grading = grading",
    *(_key_index(column) for column in _ON_CUSTOMERS),
    _PHONE_INDEX,
    cards_view_with(_ON_CUSTOMERS),
    "ANALYZE customers",
)
"""Migration 10: the list's keys of the grading and the phone are columns, kept by triggers
when the grading or the document is written and indexed as they are. Every index on an
expression over a document was computed again, its JSON parsed, on every write of the row: a
regrade, which writes gradings alone, parsed each customer's grading nine times and its
document twice; now once."""

LIST_KEY_COLUMNS = _ON_CUSTOMERS
"""The columns that migration 10 added to ``customers`` for the list and migration 11 moved to
``gradings`` (none personal)."""

SORTABLE = ("id", *_EXPRESSIONS)
"""The columns the server sorts by (a list sorted by anything else is sorted by id)."""

FILTERABLE = ("grade", "nature", "tier", "lifecycle", "stage")
"""The columns the server filters by."""

_PHONE_CHARACTERS = frozenset("0123456789+-() ")


def looks_like_phone(word: str) -> bool:
    """Whether a search word may be part of a phone number (three digits or more, nothing but
    digits and ``+-()``): only such a word is looked for among the phones too."""
    return sum(ch.isdigit() for ch in word) >= 3 and set(word) <= _PHONE_CHARACTERS


@dataclass(frozen=True)
class ListView:
    """What the list shows, as the server answers it.

    Attributes:
        words: Search words (lowercase); each must be held by the customer's search keys or,
            for a word like part of a phone number, by the phone of a customer who is not a
            person.
        filters: Allowed values per column of ``FILTERABLE``; ``""`` stands for no value
            (an ungraded customer's grade).
        sort: A column of ``SORTABLE``.
        reverse: Descending.
        grade_order: Grade names best first: sorting by grade follows it.
        personal_natures: Natures whose customers' phones are personal, never searched.
    """

    words: tuple[str, ...] = ()
    filters: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sort: str = "id"
    reverse: bool = False
    grade_order: tuple[str, ...] = ()
    personal_natures: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PageStart:
    """Where a page starts: after (or at, ``inclusive``) the row with this sort value and id.

    ``value`` None: the row has no value for the sort key (the second phase).
    """

    value: Any
    id: str
    inclusive: bool = False


def _pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _phone_of(table: str) -> str:
    # The view of a reader without personal data has no phone column: its documents are read.
    return "p.phone" if table == "customer_records" else "((p.doc -> 'contact') ->> 'phone')"


def _key(view: ListView) -> str | None:
    """The SQL of the sort key, or None (by id alone)."""
    if view.sort == "grade" and list(view.grade_order) != sorted(view.grade_order):
        # Grade names not in their own alphabetical order: by rank (not indexed).
        return f"array_position(%(grades)s::text[], {_EXPRESSIONS['grade']})"
    return _EXPRESSIONS.get(view.sort)


def _where(view: ListView, table: str) -> tuple[list[str], dict[str, Any], bool]:
    """The conditions of a view, their parameters, and whether they read ``c``."""
    conditions: list[str] = []
    params: dict[str, Any] = {"grades": list(view.grade_order)}
    uses_c = False
    for n, word in enumerate(view.words):
        params[f"w{n}"] = _pattern(word)
        if looks_like_phone(word):
            params["personal"] = sorted(view.personal_natures)
            conditions.append(
                f"(s.search_text LIKE %(w{n})s OR s.id IN (SELECT p.id FROM {table} p "
                f"WHERE {_phone_of(table)} LIKE %(w{n})s "
                "AND NOT coalesce((p.doc ->> 'nature') = ANY (%(personal)s::text[]), false)))"
            )
        else:
            conditions.append(f"s.search_text LIKE %(w{n})s")
    for column in FILTERABLE:
        values = view.filters.get(column)
        if not values:
            continue
        expression = _EXPRESSIONS[column]
        uses_c = uses_c or column in _ON_CUSTOMERS
        given = sorted(v for v in values if v)
        params[f"f_{column}"] = given
        either = [f"{expression} = ANY (%(f_{column})s::text[])"] if given else []
        if "" in values:
            either.append(f"{expression} IS NULL")
        conditions.append("(" + " OR ".join(either) + ")")
    return conditions, params, uses_c


def page(
    conn: psycopg.Connection[tuple[Any, ...]],
    table: str,
    view: ListView,
    after: PageStart | None,
    limit: int,
    *,
    backward: bool = False,
) -> list[tuple[Any, ...]]:
    """One page of a view: ``(id, doc, meta, grading)`` rows in the view's order.

    Args:
        conn: A connection.
        table: ``customer_records``, or the view ``customer_cards`` for a reader without
            personal data.
        view: Search, filters and sort.
        after: Where the page starts (None: at the top, or ``backward`` at the bottom).
        limit: Rows at most.
        backward: The rows before ``after`` (the last page when ``after`` is None), still
            returned in the view's order.

    Returns:
        The rows, in the view's order.
    """
    key = _key(view)
    phases: list[bool] = [True, False] if key is not None else [True]
    if backward:
        phases.reverse()
    if after is not None and key is not None:
        # Start in the phase of the row the page continues from.
        phases = phases[phases.index(after.value is not None) :]
    found: list[tuple[Any, ...]] = []
    for phase in phases:
        same = after is not None and (key is None or (after.value is not None) == phase)
        found += _phase(
            conn, table, view, key, phase, after if same else None, limit - len(found), backward
        )
        if len(found) >= limit:
            break
    if backward:
        found.reverse()
    return found


def _phase(
    conn: psycopg.Connection[tuple[Any, ...]],
    table: str,
    view: ListView,
    key: str | None,
    present: bool,
    after: PageStart | None,
    limit: int,
    backward: bool,
) -> list[tuple[Any, ...]]:
    conditions, params, _uses_c = _where(view, table)
    # The rows without a value go by id ascending whichever way the values go.
    descending = (view.reverse if present and key is not None else False) != backward
    if key is not None:
        conditions.append(f"{key} IS NOT NULL" if present else f"{key} IS NULL")
    if after is not None:
        if descending:
            compare = "<=" if after.inclusive else "<"
        else:
            compare = ">=" if after.inclusive else ">"
        if key is not None and present:
            conditions.append(f"({key}, s.id) {compare} (%(after_value)s, %(after_id)s)")
            params["after_value"] = after.value
        else:
            conditions.append(f"s.id {compare} %(after_id)s")
        params["after_id"] = after.id
    direction = " DESC" if descending else ""
    order = f"s.id{direction}"
    if key is not None and present:
        order = f"{key}{direction}, {order}"
    params["limit"] = limit
    where = " AND ".join(conditions) or "true"
    query = (
        f"SELECT c.id, c.doc, c.meta, c.grading FROM customer_search s "
        f"JOIN {table} c ON c.id = s.id WHERE {where} ORDER BY {order} LIMIT %(limit)s"
    )
    return conn.execute(query, params).fetchall()


def count(conn: psycopg.Connection[tuple[Any, ...]], table: str, view: ListView) -> int:
    """How many customers a view shows."""
    conditions, params, uses_c = _where(view, table)
    where = " AND ".join(conditions) or "true"
    joined = f" JOIN {table} c ON c.id = s.id" if uses_c else ""
    row = conn.execute(
        f"SELECT count(*) FROM customer_search s{joined} WHERE {where}", params
    ).fetchone()
    return int(row[0]) if row else 0


def sort_value(view: ListView, values: Mapping[str, Any]) -> Any:
    """The sort key's value of a row, from the row's values by column (for ``PageStart``): None
    when it has none (an empty text counts as none, as the server's keys do)."""
    if view.sort == "id" or view.sort not in _EXPRESSIONS:
        return None
    value = values.get(view.sort)
    if value is None or value == "":
        return None
    if view.sort == "grade" and _key(view) != _EXPRESSIONS["grade"]:
        return view.grade_order.index(value) + 1 if value in view.grade_order else None
    return value


def kept_columns(doc: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """``name, nature, assessed`` of a document as ``customer_search`` keeps them."""
    assessment = doc.get("assessment")
    assessed = assessment.get("assessed_on") if isinstance(assessment, Mapping) else None
    return (_kept(doc.get("name")), _kept(doc.get("nature")), _kept(assessed))


def _kept(value: object) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


__all__ = ["FILTERABLE", "SORTABLE", "ListView", "PageStart", "count", "page"]
