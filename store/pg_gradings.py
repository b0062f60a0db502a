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
