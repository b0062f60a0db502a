"""Search keys a PostgreSQL archive keeps itself: a customer found by the server, indexed.

Every customer row holds ``search_text`` (``document.pinyin.search_text``: the id, the name
and the contact person's name, each with its pinyin, full and initials), written with the
document by every write that stores one (save, import, merge, db copy, a demo refresh); a
regrade changes no document and leaves it. A trigram index (``pg_trgm``) answers a word found
anywhere in it (``LIKE '%word%'``); on a server without ``pg_trgm`` a plain index serves a
word at the start of the text only, and the others scan the column, which is short.

``credit_code`` is a column the server computes from the document and indexes, so that a
save finds who else holds a credit code with one lookup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg

from creditfile.document.pinyin import PinyinKeys, search_text

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
    "ALTER TABLE customers ADD COLUMN search_text text",
    _TRIGRAMS,
)
"""Migration 6: the indexed credit code, and the search keys (filled by ``fill``)."""

_keys: PinyinKeys | None = None


def text_of(doc: Mapping[str, Any]) -> str:
    """The search text stored beside ``doc`` (pypinyin loaded on the first call only)."""
    global _keys  # noqa: PLW0603 - one pinyin cache per process, shared by every archive
    if _keys is None:
        _keys = PinyinKeys()
    return search_text(doc, _keys)


def fill(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    """Index the search keys and compute every stored customer's (migration 6's last step)."""
    trigrams = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
    if trigrams is not None:
        conn.execute(
            "CREATE INDEX customers_search ON customers USING gin (search_text gin_trgm_ops)"
        )
    else:
        conn.execute("CREATE INDEX customers_search ON customers (search_text text_pattern_ops)")
    with conn.cursor(name="creditfile_search_fill") as rows:
        rows.execute("SELECT id, doc FROM customers ORDER BY pos")
        while batch := rows.fetchmany(5_000):
            conn.execute(
                "UPDATE customers AS c SET search_text = t.text "
                "FROM unnest(%s::text[], %s::text[]) AS t(id, text) WHERE c.id = t.id",
                ([str(cid) for cid, _ in batch], [text_of(doc) for _, doc in batch]),
            )


def _pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_ids(conn: psycopg.Connection[tuple[Any, ...]], words: Sequence[str]) -> list[str]:
    """The ids of the customers whose search text holds every word, in stored order."""
    if not words:
        return []
    wanted = " AND ".join(["search_text LIKE %s"] * len(words))
    rows = conn.execute(
        f"SELECT id FROM customers WHERE {wanted} ORDER BY pos",
        [_pattern(word) for word in words],
    )
    return [str(cid) for (cid,) in rows]
