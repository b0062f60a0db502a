"""The PostgreSQL archive's schema, created and upgraded by numbered migrations.

``creditfile_schema`` lists the migrations applied. ``creditfile db init`` applies them all to
an empty database, ``creditfile db upgrade`` the ones a database lacks, each run in one
transaction. A database whose schema is newer than this program knows is refused, never
written: a newer creditfile made it.

Customer documents, gradings and history events are kept as ``json`` (their text as written),
not ``jsonb``: ``jsonb`` reorders keys, and an export from PostgreSQL must be byte for byte the
export from the file archive. ``json`` still answers the ``->``/``->>`` operators and expression
indexes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from creditfile.policy.errors import N_, phrase
from creditfile.store import (
    pg_gradings,
    pg_list,
    pg_notify,
    pg_personal,
    pg_personal_rules,
    pg_roles,
    pg_search,
)
from creditfile.store.errors import StoreError


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its number, what it does, its SQL, and what it fills in that
    SQL alone cannot (``then``, run after the statements in the same transaction)."""

    version: int
    summary: str
    statements: tuple[str, ...]
    then: Callable[[psycopg.Connection[tuple[object, ...]]], None] | None = None


_APPEND_ONLY = """
CREATE FUNCTION creditfile_refuse_history_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the creditfile history is append-only: % of its events is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        N_("customers, history (append-only), policy activations, regrade runs, aliases"),
        (
            """CREATE TABLE archive_state (
                one boolean PRIMARY KEY DEFAULT true CHECK (one),
                last_txn bigint NOT NULL DEFAULT 0
            )""",
            "INSERT INTO archive_state DEFAULT VALUES",
            """CREATE TABLE customers (
                id text PRIMARY KEY,
                pos bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
                rev integer NOT NULL CHECK (rev > 0),
                doc json NOT NULL,
                meta json NOT NULL,
                grading json
            )""",
            """CREATE TABLE history (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                txn bigint,
                customer_id text,
                kind text NOT NULL,
                event json NOT NULL,
                db_user text NOT NULL DEFAULT current_user,
                recorded_at timestamptz NOT NULL DEFAULT now()
            )""",
            "CREATE INDEX history_by_customer ON history (customer_id, seq)",
            "CREATE INDEX history_by_kind ON history (kind, seq)",
            _APPEND_ONLY,
            """CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
                FOR EACH ROW EXECUTE FUNCTION creditfile_refuse_history_change()""",
            """CREATE TRIGGER history_never_truncated BEFORE TRUNCATE ON history
                FOR EACH STATEMENT EXECUTE FUNCTION creditfile_refuse_history_change()""",
            "REVOKE UPDATE, DELETE, TRUNCATE ON history FROM PUBLIC",
            """CREATE TABLE policy_activations (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                txn bigint,
                version text NOT NULL,
                sha256 text NOT NULL,
                path text,
                text text NOT NULL,
                activated_by text NOT NULL,
                activated_at text NOT NULL
            )""",
            """CREATE TABLE regrade_runs (
                run_id bigint PRIMARY KEY,
                at text NOT NULL,
                actor text NOT NULL,
                event json NOT NULL
            )""",
            """CREATE TABLE aliases (
                dropped_id text PRIMARY KEY,
                kept_id text NOT NULL,
                seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE
            )""",
        ),
    ),
    Migration(
        2,
        N_("duties the server enforces (clerk, assessor, compliance, operator, auditor, reveal)"),
        pg_roles.MIGRATION_STATEMENTS,
    ),
    Migration(
        3,
        N_("personal data read only through a reveal the server records"),
        pg_personal.MIGRATION_STATEMENTS,
    ),
    Migration(
        4,
        N_("every committed write notifies listeners (LISTEN creditfile_changes)"),
        pg_notify.MIGRATION_STATEMENTS,
    ),
    Migration(
        5,
        N_("personal data withheld as the policy in force says (its personal natures)"),
        pg_personal_rules.MIGRATION_STATEMENTS,
        pg_personal_rules.fill_from_active_policy,
    ),
    Migration(
        6,
        N_("credit codes indexed by the server"),
        pg_search.MIGRATION_STATEMENTS,
    ),
    Migration(
        7,
        N_("search keys in a table of their own, indexed (a search reads only them)"),
        pg_search.TABLE_STATEMENTS,
        pg_search.fill,
    ),
    Migration(
        8,
        N_(
            "a regrade writes gradings only: the credit code and the duties' check follow "
            "writes of the card"
        ),
        pg_search.CREDIT_CODE_STATEMENTS + pg_roles.ROW_CHECK_STATEMENTS,
    ),
    Migration(
        9,
        N_("the customer list's sort keys indexed (the server answers each view a page at a time)"),
        pg_list.MIGRATION_STATEMENTS,
    ),
    Migration(
        10,
        N_(
            "the list's keys and the phone kept as columns when written: a regrade no longer "
            "parses every document and grading again for the indexes"
        ),
        pg_list.KEY_COLUMN_STATEMENTS,
    ),
    Migration(
        11,
        N_(
            "each customer's grading in a table of its own: a regrade rewrites gradings, never "
            "the customers' cards"
        ),
        pg_gradings.MIGRATION_STATEMENTS,
    ),
    Migration(
        12,
        N_(
            "a regrade writes the list's keys beside each grading: the server no longer parses "
            "every grading it stores again"
        ),
        pg_gradings.KEYS_GIVEN_STATEMENTS,
    ),
)

LATEST = MIGRATIONS[-1].version
_LOCK = 7_406_341_950  # an advisory lock key: one migration at a time per database


def schema_version(conn: psycopg.Connection[tuple[object, ...]]) -> int | None:
    """The highest migration applied to the database, or None when it has no creditfile schema."""
    row = conn.execute("SELECT to_regclass('creditfile_schema') IS NOT NULL").fetchone()
    if row is None or not row[0]:
        return None
    found = conn.execute("SELECT max(version) FROM creditfile_schema").fetchone()
    return None if found is None or found[0] is None else int(str(found[0]))


def check_known(location: str, version: int | None) -> None:
    """Refuse a schema this program does not know: none, older (upgrade it) or newer.

    Raises:
        StoreError: the database has no creditfile schema, an older or a newer one.
    """
    if version is None:
        raise StoreError(
            location,
            phrase(
                "this database holds no creditfile archive; create one with "
                "`creditfile --db URL db init`, then fill it with `creditfile db copy FILE URL` "
                "or `creditfile --db URL import FILE`"
            ),
        )
    if version > LATEST:
        raise StoreError(
            location,
            phrase(
                "the archive's schema is version {version}, newer than this creditfile knows "
                "(version {latest}); nothing was read or written — upgrade creditfile",
                version=version,
                latest=LATEST,
            ),
        )
    if version < LATEST:
        raise StoreError(
            location,
            phrase(
                "the archive's schema is version {version}; this creditfile needs version "
                "{latest} — run `creditfile --db URL db upgrade` (back the database up first)",
                version=version,
                latest=LATEST,
            ),
        )


def migrate(
    conn: psycopg.Connection[tuple[object, ...]],
    location: str,
    *,
    fresh: bool,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[Migration]:
    """Apply the migrations the database lacks, in one transaction.

    Args:
        conn: An open connection (autocommit).
        location: The database, for messages.
        fresh: Only on a database without a creditfile schema (``db init``).
        migrations: The steps, in order (tests pass a longer list).

    Returns:
        The migrations applied (none when the schema was up to date).

    Raises:
        StoreError: ``fresh`` on a database that has a schema, or a schema newer than
            ``migrations`` knows.
    """
    newest = migrations[-1].version
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        current = schema_version(conn)
        if fresh and current is not None:
            raise StoreError(
                location,
                phrase(
                    "this database already holds a creditfile archive (schema version "
                    "{version}); nothing was changed — use `creditfile db upgrade` to bring it "
                    "up to date",
                    version=current,
                ),
            )
        if current is not None and current > newest:
            raise StoreError(
                location,
                phrase(
                    "the archive's schema is version {version}, newer than this creditfile "
                    "knows (version {latest}); nothing was changed — upgrade creditfile",
                    version=current,
                    latest=newest,
                ),
            )
        if current is None:
            conn.execute(
                """CREATE TABLE creditfile_schema (
                    version integer PRIMARY KEY,
                    summary text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    applied_by text NOT NULL DEFAULT current_user
                )"""
            )
        todo = [m for m in migrations if m.version > (current or 0)]
        for migration in todo:
            for statement in migration.statements:
                conn.execute(sql.SQL(statement))
            if migration.then is not None:
                migration.then(conn)
            conn.execute(
                "INSERT INTO creditfile_schema (version, summary) VALUES (%s, %s)",
                (migration.version, migration.summary),
            )
        if todo and _has_duty_roles(conn):
            pg_roles.apply_privileges(conn)  # what a migration added is granted too
        return todo


def _has_duty_roles(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    """Whether ``db grant`` has created the duties' roles of this archive."""
    if conn.execute("SELECT to_regclass('creditfile_roles') IS NULL").fetchone() == (True,):
        return False
    row = conn.execute(
        "SELECT count(*) FROM creditfile_roles r JOIN pg_roles g ON g.rolname = r.role_name"
    ).fetchone()
    return row is not None and int(str(row[0])) > 0
