"""Search keys a PostgreSQL archive keeps itself: a customer found by the server, indexed.

The table ``customer_search`` holds one row per customer: its ``search_text``
(``document.pinyin.search_text``: the id, the name and the contact person's name, each with its
pinyin, full and initials; no personal data), written with the document by every write that
stores one (save, import, merge, db copy, a demo refresh) and removed with the customer. A
regrade changes no document and leaves it. It is a narrow table of its own, so that a word
too short for the index scans a few megabytes rather than every stored document; a trigram
index (``pg_trgm``) answers a longer word found anywhere in it (``LIKE '%word%'``), a plain
index where the server has no ``pg_trgm``.

``credit_code`` is a column the server computes from the document and indexes, so that a save
finds who else holds a credit code with one lookup: generated from migration 6, set by a
trigger on the document's writes from migration 8 (a regrade, which writes gradings alone,
leaves it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg

from creditfile.document.pinyin import PinyinKeys, search_text
from creditfile.store import pg_list

_TRIGRAMS = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'creditfile: pg_trgm is not available (%); search keys get a plain index',
        SQLERRM;
END
$$
"""

MIGRATION_STATEMENTS = (
    """ALTER TABLE customers ADD COLUMN credit_code text GENERATED ALWAYS AS
        (CASE WHEN json_typeof(doc -> 'credit_code') = 'string'
              THEN doc ->> 'credit_code' END) STORED""",
    "CREATE INDEX customers_by_credit_code ON customers (credit_code)",
    # Replaced by the table customer_search in migration 7, which drops it.
    "ALTER TABLE customers ADD COLUMN search_text text",
    _TRIGRAMS,
)
"""Migration 6: the indexed credit code, and ``pg_trgm`` where the server has it."""

TABLE_STATEMENTS = (
    """CREATE TABLE customer_search (
        id text PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
        search_text text NOT NULL
    )""",
    "ALTER TABLE customers DROP COLUMN search_text",
)
"""Migration 7: the search keys in a table of their own (filled by ``fill``)."""

_SET_CREDIT_CODE = """
CREATE FUNCTION creditfile_set_credit_code() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.credit_code := CASE WHEN json_typeof(NEW.doc -> 'credit_code') = 'string'
                            THEN NEW.doc ->> 'credit_code' END;
    RETURN NEW;
END
$$
"""

CREDIT_CODE_STATEMENTS = (
    # A generated column is computed again on every update of the row, a regrade's too (the
    # whole document parsed per customer); a trigger on the document's writes computes it only
    # when the document is written. Named to run after ``customers_keep_personal``, which may
    # change the document written.
    "ALTER TABLE customers ALTER COLUMN credit_code DROP EXPRESSION",
    _SET_CREDIT_CODE,
    """CREATE TRIGGER customers_set_credit_code BEFORE INSERT OR UPDATE OF doc ON customers
        FOR EACH ROW EXECUTE FUNCTION creditfile_set_credit_code()""",
)
"""Migration 8's half: the credit code computed when the document is written, not on every
update of its row."""

_keys: PinyinKeys | None = None


def text_of(doc: Mapping[str, Any]) -> str:
    """The search text stored beside ``doc`` (pypinyin loaded on the first call only)."""
    global _keys  # noqa: PLW0603 - one pinyin cache per process, shared by every archive
    if _keys is None:
        _keys = PinyinKeys()
    return search_text(doc, _keys)


def fill(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    """Compute every stored customer's search keys, then index them (migration 7's last step:
    indexed once filled, which is faster than keeping the index up to date row by row)."""
    with conn.cursor(name="creditfile_search_fill") as rows:
        rows.execute("SELECT id, doc FROM customers ORDER BY pos")
        while batch := rows.fetchmany(5_000):
            write(conn, [(str(cid), doc) for cid, doc in batch], list_columns=False)
    trigrams = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    if trigrams is not None:
        conn.execute(
            "CREATE INDEX customer_search_words ON customer_search "
            "USING gin (search_text gin_trgm_ops)"
        )
    else:
        conn.execute(
            "CREATE INDEX customer_search_words ON customer_search (search_text text_pattern_ops)"
        )
    conn.execute("ANALYZE customer_search")


def write(
    conn: psycopg.Connection[tuple[Any, ...]],
    docs: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    list_columns: bool = True,
) -> None:
    """Store the search keys of ``docs`` (``(id, document)``), replacing those stored, with the
    name, nature and assessment date the list sorts by (``store.pg_list``; ``list_columns``
    False: a schema older than migration 9, which has no such columns)."""
    if not docs:
        return
    if list_columns:
        kept = [pg_list.kept_columns(doc) for _, doc in docs]
        conn.execute(
            "INSERT INTO customer_search (id, search_text, name, nature, assessed) "
            "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) "
            "ON CONFLICT (id) DO UPDATE SET search_text = EXCLUDED.search_text, "
            "name = EXCLUDED.name, nature = EXCLUDED.nature, assessed = EXCLUDED.assessed",
            (
                [cid for cid, _ in docs],
                [text_of(doc) for _, doc in docs],
                [k[0] for k in kept],
                [k[1] for k in kept],
                [k[2] for k in kept],
            ),
        )
        return
    conn.execute(
        "INSERT INTO customer_search (id, search_text) "
        "SELECT * FROM unnest(%s::text[], %s::text[]) "
        "ON CONFLICT (id) DO UPDATE SET search_text = EXCLUDED.search_text",
        ([cid for cid, _ in docs], [text_of(doc) for _, doc in docs]),
    )


def _pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_ids(conn: psycopg.Connection[tuple[Any, ...]], words: Sequence[str]) -> list[str]:
    """The ids of the customers whose search text holds every word (in no given order)."""
    if not words:
        return []
    wanted = " AND ".join(["search_text LIKE %s"] * len(words))
    # One text of every id rather than a row per id: a first key may match most of 100,000
    # customers, and taking that many rows apart costs the client 100 times more. No id
    # holds a control character (the customer schema refuses them).
    row = conn.execute(
        f"SELECT string_agg(id, E'\\x1f') FROM customer_search WHERE {wanted}",
        [_pattern(word) for word in words],
    ).fetchone()
    return [] if row is None or row[0] is None else str(row[0]).split("\x1f")
