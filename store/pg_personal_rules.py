"""Which personal data a PostgreSQL archive withholds: the policy in force's, kept by the server.

A customer's phone, address and e-mail (the fields ``x-personal-nature`` marks in the customer
schema) are personal when its nature is one the policy in force lists under
``personal_natures`` — as ``document.personal`` decides for the file archive. The one row of
``personal_data_rules`` holds both lists: the natures, written by every policy activation in
the activation's own transaction (and by ``db copy`` and the migration, from the active
policy), and the fields, from this program's customer schema. The view ``customer_cards``,
the reveal and the trigger keeping a masked writer's saves from losing personal values all read
that row, so that what the server withholds, what a reveal records and what a save keeps agree,
and change together with the policy.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import psycopg

from creditfile.document.personal import nature_personal_paths
from creditfile.policy.errors import PolicyError
from creditfile.policy.loader import default_policy_path, load_policy, parse_policy

_DROP_PATH = """
CREATE FUNCTION creditfile_json_drop_path(obj json, path text[]) RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF json_typeof(obj) IS DISTINCT FROM 'object' OR obj -> path[1] IS NULL THEN
        RETURN obj;
    END IF;
    IF cardinality(path) = 1 THEN
        RETURN creditfile_json_drop(obj, path);
    END IF;
    IF json_typeof(obj -> path[1]) IS DISTINCT FROM 'object' THEN
        RETURN obj;
    END IF;
    RETURN creditfile_json_set(obj, path[1],
                               creditfile_json_drop_path(obj -> path[1], path[2:]));
END
$$
"""

_PUT_PATH = """
CREATE FUNCTION creditfile_json_put_path(obj json, path text[], value json) RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    child json := obj -> path[1];
BEGIN
    IF cardinality(path) = 1 THEN
        RETURN creditfile_json_set(obj, path[1], value);
    END IF;
    IF json_typeof(child) IS DISTINCT FROM 'object' THEN
        child := '{}'::json;
    END IF;
    RETURN creditfile_json_set(obj, path[1],
                               creditfile_json_put_path(child, path[2:], value));
END
$$
"""

_PUBLIC = """
CREATE FUNCTION creditfile_public(doc json, natures text[], paths text[]) RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    person json := doc -> 'profile' -> 'person';
    number json := person -> 'id_number';
    path text;
BEGIN
    IF json_typeof(doc) IS DISTINCT FROM 'object' THEN
        RETURN doc;
    END IF;
    IF person IS NOT NULL THEN
        doc := creditfile_json_set(doc, 'profile',
                                   creditfile_json_drop(doc -> 'profile', ARRAY['person']));
        IF json_typeof(number) = 'string' AND number #>> '{}' <> '' THEN
            doc := creditfile_json_set(doc, 'profile', creditfile_json_set(
                doc -> 'profile', 'person',
                json_build_object('id_number', creditfile_masked_id(number #>> '{}'))));
        END IF;
    END IF;
    IF doc ->> 'nature' = ANY (natures) THEN
        FOREACH path IN ARRAY paths LOOP
            doc := creditfile_json_drop_path(doc, string_to_array(path, '.'));
        END LOOP;
    END IF;
    RETURN doc;
END
$$
"""

# The one-argument form of migration 3, now following the rules (for a DBA's own queries).
_PUBLIC_BY_RULES = """
CREATE OR REPLACE FUNCTION creditfile_public(doc json) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT creditfile_public($1, r.natures, r.paths) FROM personal_data_rules r
$$
"""

_WITH_PERSONAL = """
CREATE FUNCTION creditfile_with_personal(stored json, written json, natures text[], paths text[])
RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    kept json := stored -> 'profile' -> 'person';
    person json := written -> 'profile' -> 'person';
    field record;
    path text[];
BEGIN
    IF json_typeof(kept) = 'object' THEN
        IF json_typeof(person) IS DISTINCT FROM 'object' THEN
            person := '{}'::json;
        END IF;
        FOR field IN SELECT key, value FROM json_each(kept) LOOP
            IF person -> field.key IS NULL
               OR (field.key = 'id_number' AND person ->> 'id_number' LIKE '%*%') THEN
                person := creditfile_json_set(person, field.key, field.value);
            END IF;
        END LOOP;
        written := creditfile_json_set(written, 'profile',
                                       creditfile_json_set(written -> 'profile', 'person', person));
    END IF;
    IF stored ->> 'nature' = ANY (natures) THEN
        FOR path IN SELECT string_to_array(p, '.') FROM unnest(paths) AS p LOOP
            IF json_typeof(stored #> path) IS DISTINCT FROM 'null'
               AND stored #> path IS NOT NULL AND written #> path IS NULL THEN
                written := creditfile_json_put_path(written, path, stored #> path);
            END IF;
        END LOOP;
    END IF;
    RETURN written;
END
$$
"""

_KEEP = """
CREATE OR REPLACE FUNCTION creditfile_keep_personal() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rules record;
BEGIN
    SELECT natures, paths INTO rules FROM personal_data_rules;
    NEW.doc := creditfile_with_personal(OLD.doc, NEW.doc, rules.natures, rules.paths);
    RETURN NEW;
END
$$
"""

_REVEAL = """
CREATE OR REPLACE FUNCTION creditfile_reveal(ids text[], event json)
RETURNS TABLE (id text, doc json, meta json, grading json)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    wanted text;
BEGIN
    IF NOT (pg_has_role(session_user,
                        (SELECT relowner FROM pg_class WHERE oid = 'archive_state'::regclass),
                        'USAGE')
            OR EXISTS (SELECT 1 FROM creditfile_roles r JOIN pg_roles g ON g.rolname = r.role_name
                       WHERE r.duty = 'reveal' AND pg_has_role(session_user, g.oid, 'USAGE')))
    THEN
        SELECT role_name INTO wanted FROM creditfile_roles WHERE duty = 'reveal';
        RAISE EXCEPTION 'creditfile: revealing personal data needs the duty reveal (role %); '
                        'the database user % has no such role', wanted, session_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('ask the database administrator to run '
                                '`creditfile db grant %s --as reveal`', session_user);
    END IF;
    IF event ->> 'kind' NOT IN ('personal_data_revealed', 'personal_data_exported') THEN
        RAISE EXCEPTION 'creditfile: a reveal is recorded as personal_data_revealed or '
                        'personal_data_exported, not %', event ->> 'kind'
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM customers c CROSS JOIN personal_data_rules r
               WHERE (ids IS NULL OR c.id = ANY (ids))
                 AND c.doc::text <> creditfile_public(c.doc, r.natures, r.paths)::text) THEN
        INSERT INTO history (customer_id, kind, event)
            VALUES (event ->> 'customer_id', event ->> 'kind', event);
    END IF;
    RETURN QUERY SELECT c.id, c.doc, c.meta, c.grading FROM customers c
                 WHERE ids IS NULL OR c.id = ANY (ids) ORDER BY c.pos;
END
$$
"""


def _cards_view(
    more: str,
    grading: str = "c.grading",
    source: str = "customers c",
) -> str:
    """The view ``customer_cards``: the cards of ``source`` without personal data, with
    ``grading`` and ``more`` columns after the meta."""
    return f"""CREATE OR REPLACE VIEW customer_cards AS
        SELECT c.id, c.pos, c.rev,
               CASE WHEN c.doc -> 'profile' -> 'person' IS NULL
                         AND NOT coalesce(c.doc ->> 'nature' = ANY (r.natures), false)
                    THEN c.doc ELSE creditfile_public(c.doc, r.natures, r.paths) END AS doc,
               c.meta, {grading}{more}
        FROM {source} CROSS JOIN personal_data_rules r"""


def cards_view_joined(columns: Sequence[str]) -> str:
    """The view ``customer_cards`` once the grading and ``columns`` (the list's keys) live in
    ``gradings`` (migration 11): the same columns, in the same order, joined from there."""
    return _cards_view(
        "".join(f", g.{column}" for column in columns),
        "g.grading",
        "customers c JOIN gradings g ON g.id = c.id",
    )


def reveal_joined(table: str) -> str:
    """``creditfile_reveal`` reading each customer's grading from ``table`` (migration 11)."""
    before = "RETURN QUERY SELECT c.id, c.doc, c.meta, c.grading FROM customers c\n"
    assert before in _REVEAL
    return _REVEAL.replace(
        before,
        f"RETURN QUERY SELECT c.id, c.doc, c.meta, g.grading FROM customers c "
        f"JOIN {table} g ON g.id = c.id\n",
    )


def cards_view_with(columns: Sequence[str]) -> str:
    """The statement that adds ``columns`` of ``customers`` to ``customer_cards`` (at its end,
    as ``CREATE OR REPLACE VIEW`` requires): none of them may be personal data."""
    return _cards_view("".join(f", c.{column}" for column in columns))


MIGRATION_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE personal_data_rules (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        natures text[] NOT NULL,
        paths text[] NOT NULL
    )""",
    # Filled with the active policy's rules by ``fill_from_active_policy`` right after.
    "INSERT INTO personal_data_rules (natures, paths) VALUES ('{individual}', '{}')",
    _DROP_PATH,
    _PUT_PATH,
    _PUBLIC,
    _PUBLIC_BY_RULES,
    _WITH_PERSONAL,
    _KEEP,
    _REVEAL,
    _cards_view(""),
)
"""Migration 5: personal data withheld as the policy in force says (its ``personal_natures``)."""


def write_rules(conn: psycopg.Connection[tuple[object, ...]], natures: Collection[str]) -> None:
    """Make ``natures`` the ones whose customers' phone, address and e-mail are withheld.

    Run inside the caller's transaction (a policy activation's), so that the server withholds
    what the activated policy says from the moment it is in force, and never before.
    """
    paths = [".".join(path) for path in nature_personal_paths()]
    conn.execute(
        "UPDATE personal_data_rules SET natures = %s, paths = %s", (sorted(natures), paths)
    )


def natures_of(policy_text: str | None) -> frozenset[str]:
    """The personal natures of a policy's text; without one, the shipped default's, which is
    in force where no policy was activated.

    A text that no longer loads gets the default's too: the program refuses to work under it
    until a policy is activated again, and the server withholds at least those meanwhile.
    """
    if policy_text is not None:
        try:
            return parse_policy(policy_text, "<active policy>").personal_natures
        except PolicyError:
            pass
    return load_policy(default_policy_path()).personal_natures


def fill_from_active_policy(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """Write the rules of the archive's active policy (the last activated), for the migration."""
    row = conn.execute("SELECT text FROM policy_activations ORDER BY seq DESC LIMIT 1").fetchone()
    write_rules(conn, natures_of(None if row is None else str(row[0])))
