"""Each customer's grading in a narrow table of its own (migration 11), beside the card.

A regrade writes gradings and nothing else. While a grading sat in the customer's row, every
regrade wrote a new version of that whole row, the document with it (2.3 KB): no page had room
for it beside the old one, so each write was moved to another page and every index of the card
(id, credit code, the phone's trigram words, the list's keys) took a new entry, and the
server's share of a regrade grew faster than the archive. ``gradings`` holds one row per
customer: the grading as written and the list's keys a trigger takes from it (migration 10's
``creditfile_set_list_keys``), with half of each page left free (``fillfactor``), so that a
nightly regrade, which changes the grading's date and seldom a key, writes each new version
beside the old one, touching no index (a HOT update).

Whoever reads whole records reads the view ``customer_records`` (the card joined with its
grading; the reader's own privileges apply to both tables); a reader without personal data
reads ``customer_cards``, which now joins the grading the same way. The store writes a new
customer's grading row in the same transaction as the card (``store.postgres``), so that the
inner join shows every customer; deleting a customer deletes its grading (``ON DELETE
CASCADE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from creditfile.store.pg_list import LIST_KEY_COLUMNS
from creditfile.store.pg_personal_rules import cards_view_joined, reveal_joined

TABLE = "gradings"
RECORDS = "customer_records"
"""The view of whole records (card, meta and grading) for a reader of personal data."""

_KEYS = ", ".join(LIST_KEY_COLUMNS)

MIGRATION_STATEMENTS: tuple[str, ...] = (
    f"""CREATE TABLE {TABLE} (
        id text PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
        grading json,
        grade text,
        total float8,
        tier text,
        lifecycle text,
        stage text
    ) WITH (fillfactor = 50)""",
    # The keys migration 10's trigger computed are copied as they are: the grading is not
    # parsed again.
    f"INSERT INTO {TABLE} (id, grading, {_KEYS}) SELECT id, grading, {_KEYS} FROM customers "
    "ORDER BY pos",
    f"""CREATE TRIGGER gradings_set_list_keys BEFORE INSERT OR UPDATE OF grading ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION creditfile_set_list_keys()""",
    *(f"CREATE INDEX gradings_by_{key} ON {TABLE} ({key}, id)" for key in LIST_KEY_COLUMNS),
    cards_view_joined(LIST_KEY_COLUMNS),
    f"""CREATE VIEW {RECORDS} WITH (security_invoker = true) AS
        SELECT c.id, c.pos, c.rev, c.doc, c.meta, g.grading, c.credit_code, c.phone,
               {", ".join(f"g.{column}" for column in LIST_KEY_COLUMNS)}
        FROM customers c JOIN {TABLE} g ON g.id = c.id""",
    reveal_joined(TABLE),
    "DROP TRIGGER customers_set_list_keys ON customers",
    "ALTER TABLE customers "
    + ", ".join(f"DROP COLUMN {column}" for column in ("grading", *LIST_KEY_COLUMNS)),
    f"ANALYZE {TABLE}",
)
"""Migration 11: the gradings in a table of their own; the customers' rows keep the card."""

KEYS_GIVEN = "creditfile.list_keys_given"
"""A setting that a regrade turns on, for its own transaction, while it stores gradings with
their keys beside them (``list_keys``): the trigger then keeps the keys it is given instead of
parsing every grading's JSON again (migration 12)."""

KEYS_GIVEN_STATEMENTS: tuple[str, ...] = (
    f"""CREATE OR REPLACE FUNCTION creditfile_set_list_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k record;
BEGIN
    -- A regrade writes the keys with the grading, computed where it was graded: parsing
    -- each grading again here took about half of a regrade's write.
    IF current_setting('{KEYS_GIVEN}', true) = 'on' THEN
        RETURN NEW;
    END IF;
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
$$""",
)
"""Migration 12: the list's keys trigger keeps the keys a regrade gives (``KEYS_GIVEN``)."""


def list_keys(grading: Mapping[str, Any]) -> tuple[str | None, ...]:
    """The list's keys of ``grading`` (``LIST_KEY_COLUMNS``: grade, total, tier, lifecycle,
    stage) as the text ``COPY`` reads, None for none: what ``creditfile_set_list_keys`` takes
    from the grading's JSON, rule for rule (a test holds the two alike)."""
    grade = _text(grading.get("grade")) if _text(grading.get("status")) == "graded" else None
    total = grading.get("total")
    number = isinstance(total, int | float) and not isinstance(total, bool)
    # As the grading's JSON says it (orjson writes a float that is no number as null).
    said = orjson.dumps(total).decode() if grade is not None and number else "null"
    return (
        grade,
        None if said == "null" else said,
        _text(grading.get("tier")),
        _text(grading.get("lifecycle")),
        _text(grading.get("stage")),
    )


def _text(value: Any) -> str | None:
    """A JSON value as ``json_to_record`` gives it to a text column, '' as None (``NULLIF``):
    a string as it is, anything else as its JSON text."""
    if value is None:
        return None
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text or None
