"""Who may do what in a PostgreSQL archive: duties mapped to roles the server enforces.

Each archive database has one group role (``NOLOGIN``) per duty, named after the database
(``creditfile_clerk`` for a database ``creditfile``) and listed in ``creditfile_roles``:

- ``clerk`` (a salesperson): create and edit cards, add sources, merge customers;
- ``assessor``: enter scores (a card's ``assessment``);
- ``compliance``: activate policies (and rescale scores with an activation);
- ``operator`` (operations): regrade, import, and everything a clerk or an assessor may do to
  customers;
- ``auditor``: read everything, history included; change nothing;
- ``reveal``: read personal data (a privilege of its own, given beside another duty), through
  ``creditfile_reveal``, which records each reveal (``store.pg_personal``).

Table privileges (``GRANT``) say which tables each duty may touch; what a ``GRANT`` cannot say
— that a clerk may change a card but not its scores, that only an operator may import or run
a regrade, that only compliance activates a policy — is checked by statement triggers in the
server (``creditfile_require``), which refuse with a message naming the duty needed. The owner
of the archive's tables (whoever ran ``db init``) and superusers pass every check.

``creditfile db grant USER --as DUTY`` creates the group roles when they are missing, gives
them their privileges, creates ``USER`` (a login role, no password) when missing, and makes it
a member.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql

from creditfile.policy.errors import NOTHING, Phrase, phrase, verbatim
from creditfile.store.duties import DUTIES, READERS, WRITERS
from creditfile.store.errors import PrivilegeRefusedError, StoreError
from creditfile.store.pg_list import LIST_KEY_COLUMNS

_READ_TABLES = (
    "archive_state",
    "history",
    "policy_activations",
    "regrade_runs",
    "aliases",
    "creditfile_schema",
    "creditfile_roles",
)
_READ_TABLES_ADDED = (
    "customer_cards",  # migration 3: customers without personal data
    "personal_data_rules",  # migration 5: what is personal under the policy in force
    "customer_search",  # migration 7: search keys, no personal data
    "gradings",  # migration 11: each customer's grading and the list's keys
)
# ``doc``: through ``creditfile_reveal``; ``phone`` (migration 10): personal, never granted.
# The grading and the list's keys live in ``gradings`` since migration 11 (none personal).
_CUSTOMER_COLUMNS = "id, pos, rev, meta, credit_code"

_MAY = """
CREATE FUNCTION creditfile_may(duties text[]) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = 'archive_state'::regclass),
                       'USAGE')
        OR EXISTS (SELECT 1 FROM creditfile_roles r JOIN pg_roles g ON g.rolname = r.role_name
                   WHERE r.duty = ANY (duties) AND pg_has_role(current_user, g.oid, 'USAGE'))
$$
"""

_REQUIRE = """
CREATE FUNCTION creditfile_require(duties text[], doing text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    wanted text;
BEGIN
    IF creditfile_may(duties) THEN
        RETURN;
    END IF;
    SELECT string_agg(format('%s (role %s)', r.duty, r.role_name), ' or '
                      ORDER BY array_position(duties, r.duty))
        INTO wanted FROM creditfile_roles r WHERE r.duty = ANY (duties);
    RAISE EXCEPTION 'creditfile: % needs the duty %; the database user % has no such role',
            doing, wanted, session_user
        USING ERRCODE = 'insufficient_privilege',
              HINT = format('ask the database administrator to run '
                            '`creditfile db grant %s --as %s`', session_user, duties[1]);
END
$$
"""

_CUSTOMERS_ADDED = """
CREATE FUNCTION creditfile_check_customers_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF creditfile_may(ARRAY['operator']) THEN
        RETURN NULL;
    END IF;
    PERFORM creditfile_require(ARRAY['clerk', 'operator'], 'adding a customer');
    IF EXISTS (SELECT 1 FROM added
               WHERE coalesce(doc::jsonb -> 'assessment', '{}') NOT IN ('{}', 'null')) THEN
        PERFORM creditfile_require(ARRAY['assessor', 'operator'], 'entering scores');
    END IF;
    RETURN NULL;
END
$$
"""

_CUSTOMERS_CHANGED = """
CREATE FUNCTION creditfile_check_customers_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF creditfile_may(ARRAY['operator']) THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM before_rows o JOIN after_rows n ON n.id = o.id
               WHERE o.doc::text IS DISTINCT FROM n.doc::text
                 AND (o.doc::jsonb - 'assessment') IS DISTINCT FROM (n.doc::jsonb - 'assessment'))
    THEN
        PERFORM creditfile_require(ARRAY['clerk', 'operator'], 'changing a customer''s card');
    END IF;
    IF EXISTS (SELECT 1 FROM before_rows o JOIN after_rows n ON n.id = o.id
               WHERE o.doc::text IS DISTINCT FROM n.doc::text
                 AND (o.doc::jsonb -> 'assessment') IS DISTINCT FROM (n.doc::jsonb -> 'assessment'))
    THEN
        PERFORM creditfile_require(ARRAY['assessor', 'compliance', 'operator'],
                                   'changing a customer''s scores');
    END IF;
    RETURN NULL;
END
$$
"""

_CUSTOMERS_REMOVED = """
CREATE FUNCTION creditfile_check_customers_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM creditfile_require(ARRAY['clerk', 'operator'], 'removing a customer');
    RETURN NULL;
END
$$
"""

_HISTORY_ADDED = """
CREATE FUNCTION creditfile_check_history_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM added WHERE kind IS DISTINCT FROM event ->> 'kind') THEN
        RAISE EXCEPTION 'creditfile: a history event''s kind must be the kind its record names'
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM added WHERE kind = 'customer_imported') THEN
        PERFORM creditfile_require(ARRAY['operator'], 'importing customers');
    END IF;
    IF EXISTS (SELECT 1 FROM added WHERE kind = 'regrade_run' AND event ->> 'trigger' IS NULL)
    THEN
        PERFORM creditfile_require(ARRAY['operator'], 'a regrade of the archive');
    END IF;
    IF EXISTS (SELECT 1 FROM added WHERE kind = 'policy_activated') THEN
        PERFORM creditfile_require(ARRAY['compliance'], 'activating a policy');
    END IF;
    IF EXISTS (SELECT 1 FROM added
               WHERE kind IN ('personal_data_revealed', 'personal_data_exported')) THEN
        PERFORM creditfile_require(ARRAY['reveal'], 'revealing personal data');
    END IF;
    RETURN NULL;
END
$$
"""

MIGRATION_STATEMENTS: tuple[str, ...] = (
    """CREATE TABLE creditfile_roles (
        duty text PRIMARY KEY,
        role_name text NOT NULL UNIQUE
    )""",
    """INSERT INTO creditfile_roles (duty, role_name)
        SELECT duty, left(current_database(), 48) || '_' || duty
        FROM unnest(ARRAY['clerk', 'assessor', 'compliance', 'operator', 'auditor', 'reveal'])
            AS duty""",
    # The login that wrote an event, not a name the client declares (or a SET ROLE).
    "ALTER TABLE history ALTER COLUMN db_user SET DEFAULT session_user",
    _MAY,
    _REQUIRE,
    _CUSTOMERS_ADDED,
    _CUSTOMERS_CHANGED,
    _CUSTOMERS_REMOVED,
    _HISTORY_ADDED,
    """CREATE TRIGGER customers_added_by_duty AFTER INSERT ON customers
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION creditfile_check_customers_added()""",
    """CREATE TRIGGER customers_changed_by_duty AFTER UPDATE ON customers
        REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
        FOR EACH STATEMENT EXECUTE FUNCTION creditfile_check_customers_changed()""",
    """CREATE TRIGGER customers_removed_by_duty BEFORE DELETE ON customers
        FOR EACH STATEMENT EXECUTE FUNCTION creditfile_check_customers_removed()""",
    """CREATE TRIGGER history_added_by_duty AFTER INSERT ON history
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION creditfile_check_history_added()""",
)
"""Migration 2: the duties' checks in the server (the roles themselves come with ``db grant``)."""


_CUSTOMER_CHANGED = """
CREATE FUNCTION creditfile_check_customer_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF creditfile_may(ARRAY['operator']) THEN
        RETURN NULL;
    END IF;
    IF (OLD.doc::jsonb - 'assessment') IS DISTINCT FROM (NEW.doc::jsonb - 'assessment') THEN
        PERFORM creditfile_require(ARRAY['clerk', 'operator'], 'changing a customer''s card');
    END IF;
    IF (OLD.doc::jsonb -> 'assessment') IS DISTINCT FROM (NEW.doc::jsonb -> 'assessment') THEN
        PERFORM creditfile_require(ARRAY['assessor', 'compliance', 'operator'],
                                   'changing a customer''s scores');
    END IF;
    RETURN NULL;
END
$$
"""

ROW_CHECK_STATEMENTS: tuple[str, ...] = (
    "DROP TRIGGER customers_changed_by_duty ON customers",
    "DROP FUNCTION creditfile_check_customers_changed()",
    _CUSTOMER_CHANGED,
    # Only a write of the document is checked, row by row: a regrade, which writes gradings
    # alone, no longer has every old and new row of the archive gathered for the check.
    """CREATE TRIGGER customers_changed_by_duty AFTER UPDATE OF doc ON customers
        FOR EACH ROW WHEN (OLD.doc::text IS DISTINCT FROM NEW.doc::text)
        EXECUTE FUNCTION creditfile_check_customer_changed()""",
)
"""Migration 8's half: the duty check of a changed card, made only where the card changed."""


@dataclass(frozen=True)
class Member:
    """A database user and the duties it holds in the archive."""

    user: str
    duties: tuple[str, ...]


def role_names(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, str]:
    """The group role of each duty in this archive: ``{duty: role name}``."""
    rows = conn.execute("SELECT duty, role_name FROM creditfile_roles").fetchall()
    return {str(duty): str(role) for duty, role in rows}


def apply_privileges(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, str]:
    """Create the duties' group roles that are missing and grant each its privileges.

    Run again by ``db grant`` and after every migration, so that a table a migration adds is
    granted too. The caller holds a transaction.

    Returns:
        ``{duty: role name}``.
    """
    roles = role_names(conn)
    existing = {
        str(row[0])
        for row in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(roles.values()),)
        ).fetchall()
    }
    for role in roles.values():
        if role not in existing:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))

    def to(duties: Sequence[str]) -> sql.Composable:
        return sql.SQL(", ").join(sql.Identifier(roles[d]) for d in duties)

    grants = [
        ("REVOKE SELECT (doc) ON customers FROM {to}", READERS),  # granted by schema 2
        ("GRANT CONNECT ON DATABASE {db} TO {to}", READERS),
        ("GRANT USAGE ON SCHEMA public TO {to}", READERS),
        (f"GRANT SELECT ON {', '.join(_READ_TABLES)} TO {{to}}", READERS),
        (f"GRANT SELECT ({_CUSTOMER_COLUMNS}) ON customers TO {{to}}", READERS),
        (f"GRANT SELECT ON {', '.join(_READ_TABLES_ADDED)} TO {{to}}", READERS),
        ("GRANT EXECUTE ON FUNCTION creditfile_reveal(text[], json) TO {to}", ("reveal",)),
        ("GRANT UPDATE ON archive_state TO {to}", WRITERS),
        ("GRANT INSERT (txn, customer_id, kind, event) ON history TO {to}", WRITERS),
        ("GRANT INSERT ON regrade_runs TO {to}", WRITERS),
        ("GRANT UPDATE (rev, doc, meta) ON customers TO {to}", WRITERS),
        ("GRANT INSERT (id, rev, doc, meta) ON customers TO {to}", ("clerk", "operator")),
        ("GRANT UPDATE (grading) ON gradings TO {to}", WRITERS),
        ("GRANT INSERT (id, grading) ON gradings TO {to}", ("clerk", "operator")),
        # A regrade writes the list's keys it computed beside each grading (migration 12).
        (f"GRANT UPDATE ({', '.join(LIST_KEY_COLUMNS)}) ON gradings TO {{to}}", ("operator",)),
        ("GRANT INSERT, UPDATE ON customer_search TO {to}", WRITERS),
        ("GRANT DELETE ON customers TO {to}", ("clerk", "operator")),
        ("GRANT INSERT, UPDATE ON aliases TO {to}", ("clerk", "operator")),
        ("GRANT INSERT ON policy_activations TO {to}", ("compliance",)),
        ("GRANT UPDATE ON personal_data_rules TO {to}", ("compliance",)),
    ]
    database = conn.execute("SELECT current_database()").fetchone()
    assert database is not None
    for statement, duties in grants:
        conn.execute(sql.SQL(statement).format(db=sql.Identifier(str(database[0])), to=to(duties)))
    return roles


def grant_duties(
    conn: psycopg.Connection[tuple[object, ...]], location: str, user: str, duties: Sequence[str]
) -> tuple[dict[str, str], bool]:
    """Give ``user`` the ``duties`` (creating the login role when missing), in one transaction.

    Returns:
        ``{duty: role name}`` of the archive, and whether the user was created.

    Raises:
        StoreError: the database user running it may not create roles or grant them.
    """
    try:
        with conn.transaction():
            roles = apply_privileges(conn)
            _refuse_duty_role(location, user, roles)
            found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone()
            if found is None:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(user)))
            for duty in duties:
                conn.execute(
                    sql.SQL("GRANT {} TO {}").format(
                        sql.Identifier(roles[duty]), sql.Identifier(user)
                    )
                )
    except pg_errors.InsufficientPrivilege as exc:
        raise not_an_administrator(location, "db grant", exc) from None
    except pg_errors.InvalidGrantOperation as exc:
        raise StoreError(
            location,
            phrase(
                "the server refused to give {user} these duties ({error}); nothing changed",
                user=repr(user),
                error=_first_line(exc),
            ),
        ) from None
    return roles, found is None


def _refuse_duty_role(location: str, user: str, roles: dict[str, str]) -> None:
    """Refuse ``user`` when it is one of the archive's duty roles: a duty given to a duty's
    role would pass to every holder of that duty, and a role cannot be a member of itself.

    Raises:
        StoreError: ``user`` is the role of a duty.
    """
    for duty, role in roles.items():
        if role == user:
            raise StoreError(
                location,
                phrase(
                    "{user} is the role of the duty {duty} in this archive, not a database "
                    "user; nothing changed — name the login of the person who is to hold the "
                    "duty (`creditfile db grant LOGIN --as {duty}`; `creditfile db roles` lists "
                    "who holds which)",
                    user=repr(user),
                    duty=duty,
                ),
            )


def revoke_duties(
    conn: psycopg.Connection[tuple[object, ...]], location: str, user: str, duties: Sequence[str]
) -> dict[str, str]:
    """Take the ``duties`` from ``user`` (the login role itself is kept).

    Raises:
        StoreError: no such user, or the database user running it may not revoke roles.
    """
    try:
        with conn.transaction():
            roles = role_names(conn)
            _refuse_duty_role(location, user, roles)
            found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone()
            if found is None:
                raise StoreError(
                    location,
                    phrase("there is no database user {user}; nothing changed", user=repr(user)),
                )
            for duty in duties:
                conn.execute(
                    sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(roles[duty]), sql.Identifier(user)
                    )
                )
    except (pg_errors.InsufficientPrivilege, pg_errors.UndefinedObject) as exc:
        raise not_an_administrator(location, "db revoke", exc) from None
    return roles


def members(conn: psycopg.Connection[tuple[object, ...]]) -> list[Member]:
    """Every database user holding a duty in this archive, with its duties (``db roles``)."""
    rows = conn.execute(
        """SELECT u.rolname, r.duty
           FROM creditfile_roles r
           JOIN pg_roles g ON g.rolname = r.role_name
           JOIN pg_auth_members m ON m.roleid = g.oid
           JOIN pg_roles u ON u.oid = m.member
           ORDER BY u.rolname"""
    ).fetchall()
    found: dict[str, list[str]] = {}
    for user, duty in rows:
        found.setdefault(str(user), []).append(str(duty))
    return [Member(user, tuple(d for d in DUTIES if d in duties)) for user, duties in found.items()]


# The server's own refusals (``creditfile_require``, ``creditfile_reveal``), as the schema's
# migrations word them: read back into their values so the front end words them again.
_SERVER_REFUSAL = re.compile(
    r"creditfile: (?P<doing>.+) needs the duty (?P<wanted>.+); the database user (?P<user>.+) "
    r"has no such role"
)
_SERVER_HINT = re.compile(
    r"ask the database administrator to run `creditfile db grant (?P<user>\S+) --as "
    r"(?P<duty>\S+)`"
)
_SERVER_WANTED = re.compile(r"(?P<duty>\w+) \(role (?P<role>[^)]+)\)")
# What the server's duty checks say is being done.
_SERVER_DOINGS = {
    "adding a customer": phrase("adding a customer"),
    "changing a customer's card": phrase("changing a customer's card"),
    "changing a customer's scores": phrase("changing a customer's scores"),
    "entering scores": phrase("entering scores"),
    "removing a customer": phrase("removing a customer"),
    "activating a policy": phrase("activating a policy"),
    "a regrade of the archive": phrase("a regrade of the archive"),
    "importing customers": phrase("importing customers"),
    "revealing personal data": phrase("revealing personal data"),
}


def either(parts: Sequence[Phrase | str]) -> Phrase:
    """``a``, ``a or b``, ``a or b or c``: each ``or`` worded in the language shown."""
    said = [part if isinstance(part, Phrase) else verbatim(part) for part in parts]
    if not said:
        return NOTHING
    whole = said[0]
    for part in said[1:]:
        whole = phrase("{first} or {second}", first=whole, second=part)
    return whole


def _wanted(text: str) -> Phrase:
    found = [
        phrase("{duty} (role {role})", duty=m["duty"], role=m["role"])
        for m in _SERVER_WANTED.finditer(text)
    ]
    return either(found) if found else verbatim(text)


def _server_said(primary: str) -> Phrase:
    found = _SERVER_REFUSAL.fullmatch(primary)
    if found is None:
        return verbatim(primary.removeprefix("creditfile: "))
    return phrase(
        "{doing} needs the duty {wanted}; the database user {user} has no such role",
        doing=_SERVER_DOINGS.get(found["doing"]) or verbatim(found["doing"]),
        wanted=_wanted(found["wanted"]),
        user=found["user"],
    )


def _server_hint(hint: str | None) -> Phrase:
    if not hint:
        return phrase("ask the database administrator for the duty")
    found = _SERVER_HINT.fullmatch(hint)
    if found is None:
        return verbatim(hint)
    return _grant_hint(found["user"], found["duty"])


def _grant_hint(user: str, duty: str) -> Phrase:
    return phrase(
        "ask the database administrator to run `creditfile db grant {user} --as {duty}`",
        user=user,
        duty=duty,
    )


def refusal(
    location: str, user: str, doing: Phrase, duties: Sequence[str], exc: pg_errors.Error
) -> PrivilegeRefusedError:
    """The server's refusal of ``doing`` as a message naming the duty needed and who to ask.

    A refusal from a duty check (``creditfile_require``) names the duty itself; a plain
    ``GRANT``'s ("permission denied for table …") is named by what was being done. The
    server's English is read back into its values, so the message is worded in the
    language shown; a sentence not recognised is kept as the server said it.
    """
    primary = exc.diag.message_primary or _first_line(exc)
    if primary.startswith("creditfile: "):
        found = [d for d in DUTIES if f" {d} (role " in primary]
        return PrivilegeRefusedError(
            location,
            phrase(
                "the server refused it: {refusal}; nothing was written — {hint}",
                refusal=_server_said(primary),
                hint=_server_hint(exc.diag.message_hint),
            ),
            user=user,
            duties=tuple(found),
        )
    if not duties:
        return PrivilegeRefusedError(
            location,
            phrase(
                "the server refused {user} this {doing} ({error}): only the archive's owner "
                "(the database user that ran `db init`) or a superuser may; nothing was written",
                user=user,
                doing=doing,
                error=primary,
            ),
            user=user,
            duties=(),
        )
    return PrivilegeRefusedError(
        location,
        phrase(
            "the server refused {user} this {doing} ({error}): it needs the duty {duties}; "
            "nothing was written — {hint}",
            user=user,
            doing=doing,
            error=primary,
            duties=either(duties),
            hint=_grant_hint(user, duties[0]),
        ),
        user=user,
        duties=tuple(duties),
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def not_an_administrator(location: str, command: str, exc: BaseException) -> StoreError:
    """The refusal of an administration command to a user who may not run it."""
    first = _first_line(exc)
    return StoreError(
        location,
        phrase(
            "{command} needs a database user that may create and grant roles (CREATEROLE) and "
            "owns the archive's tables — the one that ran `db init`, or a superuser; the "
            "server said: {error}; nothing was changed",
            command=command,
            error=first,
        ),
    )
