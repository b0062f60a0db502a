"""Personal data in a PostgreSQL archive: readable only through a reveal the server records.

Only the archive's owner reads the ``doc`` column of ``customers``. Every duty reads customers
through the view ``customer_cards``, whose documents are those of ``creditfile_public``: without
``profile.person`` (its ID number kept masked, ``4201**********1234``), and for an individual
without the phone and the address. Migration 5 (``store.pg_personal_rules``) replaces these
functions and the view with ones following the policy in force's personal natures, so that they
leave what ``document.personal.without_personal`` leaves. The whole document comes only from
``creditfile_reveal``, a ``SECURITY DEFINER`` function open to the ``reveal`` duty, which
appends the reveal to the history (its database login, ``session_user``) in the same
transaction as the read.

A writer that read the view saves documents without personal data: the trigger
``customers_keep_personal`` puts the stored personal values back into what it writes (a masked
ID number is the stored one), so that no save, import or regrade by such a writer loses them.
Such a writer can add a personal value (a phone typed on the card), not remove one.
"""

from __future__ import annotations

_JSON_SET = """
CREATE FUNCTION creditfile_json_set(obj json, key text, value json) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(json_object_agg(t.k, t.v ORDER BY t.n), '{}'::json)
    FROM (SELECT e.key AS k, CASE WHEN e.key = $2 THEN $3 ELSE e.value END AS v, e.n
          FROM json_each(coalesce($1, '{}'::json)) WITH ORDINALITY AS e(key, value, n)
          UNION ALL
          SELECT $2, $3, 9223372036854775807
          WHERE NOT EXISTS (SELECT 1 FROM json_each(coalesce($1, '{}'::json)) AS x
                            WHERE x.key = $2)) AS t
$$
"""

_JSON_DROP = """
CREATE FUNCTION creditfile_json_drop(obj json, keys text[]) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(json_object_agg(e.key, e.value ORDER BY e.n), '{}'::json)
    FROM json_each($1) WITH ORDINALITY AS e(key, value, n)
    WHERE e.key <> ALL ($2)
$$
"""

_MASK = """
CREATE FUNCTION creditfile_masked_id(value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN length($1) <= 8 THEN repeat('*', length($1))
                ELSE left($1, 4) || repeat('*', length($1) - 8) || right($1, 4) END
$$
"""

_PUBLIC = """
CREATE FUNCTION creditfile_public(doc json) RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    person json := doc -> 'profile' -> 'person';
    number text := person ->> 'id_number';
BEGIN
    IF json_typeof(doc) <> 'object' THEN
        RETURN doc;
    END IF;
    IF person IS NOT NULL THEN
        doc := creditfile_json_set(doc, 'profile',
                                   creditfile_json_drop(doc -> 'profile', ARRAY['person']));
        IF json_typeof(person) = 'object' AND coalesce(number, '') <> '' THEN
            doc := creditfile_json_set(doc, 'profile', creditfile_json_set(
                doc -> 'profile', 'person',
                json_build_object('id_number', creditfile_masked_id(number))));
        END IF;
    END IF;
    IF doc ->> 'nature' = 'individual' AND json_typeof(doc -> 'contact') = 'object' THEN
        doc := creditfile_json_set(doc, 'contact', creditfile_json_drop(
            doc -> 'contact', ARRAY['phone', 'address']));
    END IF;
    RETURN doc;
END
$$
"""

_WITH_PERSONAL = """
CREATE FUNCTION creditfile_with_personal(stored json, written json) RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    kept json := stored -> 'profile' -> 'person';
    person json := written -> 'profile' -> 'person';
    field record;
    contact json := written -> 'contact';
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
    IF stored ->> 'nature' = 'individual' AND json_typeof(stored -> 'contact') = 'object' THEN
        FOR field IN SELECT key, value FROM json_each(stored -> 'contact')
                     WHERE key IN ('phone', 'address') LOOP
            IF contact -> field.key IS NULL THEN
                contact := creditfile_json_set(contact, field.key, field.value);
            END IF;
        END LOOP;
        IF contact IS NOT NULL THEN
            written := creditfile_json_set(written, 'contact', contact);
        END IF;
    END IF;
    RETURN written;
END
$$
"""

_KEEP = """
CREATE FUNCTION creditfile_keep_personal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.doc := creditfile_with_personal(OLD.doc, NEW.doc);
    RETURN NEW;
END
$$
"""

_REVEAL = """
CREATE FUNCTION creditfile_reveal(ids text[], event json)
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
    IF EXISTS (SELECT 1 FROM customers c
               WHERE (ids IS NULL OR c.id = ANY (ids))
                 AND c.doc::text <> creditfile_public(c.doc)::text) THEN
        INSERT INTO history (customer_id, kind, event)
            VALUES (event ->> 'customer_id', event ->> 'kind', event);
    END IF;
    RETURN QUERY SELECT c.id, c.doc, c.meta, c.grading FROM customers c
                 WHERE ids IS NULL OR c.id = ANY (ids) ORDER BY c.pos;
END
$$
"""

MIGRATION_STATEMENTS: tuple[str, ...] = (
    _JSON_SET,
    _JSON_DROP,
    _MASK,
    _PUBLIC,
    _WITH_PERSONAL,
    _KEEP,
    _REVEAL,
    """CREATE VIEW customer_cards AS
        SELECT id, pos, rev,
               CASE WHEN doc -> 'profile' -> 'person' IS NULL AND doc ->> 'nature' <> 'individual'
                    THEN doc ELSE creditfile_public(doc) END AS doc,
               meta, grading
        FROM customers""",
    # A writer that cannot read ``doc`` wrote what the view showed it: keep what it did not see.
    """CREATE TRIGGER customers_keep_personal BEFORE UPDATE OF doc ON customers
        FOR EACH ROW WHEN (NOT has_column_privilege('customers', 'doc', 'SELECT'))
        EXECUTE FUNCTION creditfile_keep_personal()""",
    "REVOKE ALL ON FUNCTION creditfile_reveal(text[], json) FROM PUBLIC",
)
"""Migration 3: personal data read only through a reveal the server records."""
