"""The customer list as staff search, filter, sort and export it: one use case for both front ends.

``creditfile list`` and the terminal UI's list give the same rows for the same search, filters
and sort (both go through ``customer_index.SearchIndex``), and export them the same way
(``list_table`` → the report writers). A list row carries no personal data (``profile.person``)
and no contact details: nothing here can put them in a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from creditfile.application.card import attention_reasons
from creditfile.application.customer_index import (
    COLUMNS,
    FILTERABLE,
    UNGRADED,
    ListQuery,
    ListRow,
    SearchIndex,
    ServerSearch,
    row_of,
)
from creditfile.application.list_window import SERVER_FILTERABLE, ServerRows, every_row
from creditfile.document import field_catalogue
from creditfile.document.pinyin import PinyinKeys
from creditfile.policy import CreditfileError, Policy
from creditfile.presentation.tables import Column, ColumnFormat, Table
from creditfile.presentation.translation import LOCALES, _, translation
from creditfile.presentation.vocabulary import LIFECYCLES, STAGES, WORDS, reason_label
from creditfile.store import ArchiveStore, ListingStore, SearchingStore, StoreError


def _headers(lang: str) -> dict[str, str]:
    """The headers of the columns that are not customer fields, in ``lang``."""
    words = translation(lang)
    return {
        "grade": words.pgettext("list", "Grade"),
        "grade_label": words.pgettext("list", "Grade label"),
        "total": words.pgettext("list", "Total"),
        "tier": words.pgettext("list", "Tier"),
        "lifecycle": words.pgettext("list", "Lifecycle"),
        "stage": words.pgettext("list", "Stage"),
        "assessed": words.pgettext("list", "Assessed on"),
        "attention": words.pgettext("list", "Needs attention because"),
    }


def _names(table: Mapping[str, str]) -> dict[str, str]:
    """Every way a person may name a value of ``table``: its key, its name in each language."""
    named = {key: key for key in table}
    for lang in LOCALES:
        named |= {translation(lang).gettext(word): key for key, word in table.items()}
    return named


# The exported columns, in order: the grade right beside the name.
EXPORT_COLUMNS: tuple[tuple[str, ColumnFormat], ...] = (
    ("id", "id"),
    ("name", "text"),
    ("grade", "text"),
    ("grade_label", "text"),
    ("total", "score"),
    ("nature", "text"),
    ("tier", "text"),
    ("lifecycle", "text"),
    ("stage", "text"),
    ("assessed", "date"),
    ("attention", "text"),
)


class ListError(CreditfileError):
    """A filter or sort the list cannot apply; the message names the option and the choices."""


@dataclass(frozen=True)
class ListRequest:
    """What to list, as a person names it (keys or the policy's labels, any case).

    Attributes:
        grades: Grade names (``A``) or labels (优质客户); ``ungraded`` for customers without one.
        natures: Nature keys (``developer``) or labels (开发商).
        tiers: Tier keys (``general``) or labels (一般客户).
        lifecycles: ``established``, ``new``, ``prospective`` or their names (either language).
        stages: ``current``, ``past``, ``upcoming`` or their names (either language).
        attention: Only customers that need attention (the review list's).
        text: Search words (id, name, phone, contact person; pinyin full or initials).
        sort: The column to sort by (one of ``COLUMNS``).
        reverse: Sort descending.
    """

    grades: Sequence[str] = ()
    natures: Sequence[str] = ()
    tiers: Sequence[str] = ()
    lifecycles: Sequence[str] = ()
    stages: Sequence[str] = ()
    attention: bool = False
    text: str = ""
    sort: str = "id"
    reverse: bool = False


def list_query(request: ListRequest, policy: Policy) -> ListQuery:
    """The index query for a request, every name resolved to its key.

    Raises:
        ListError: An unknown grade, nature, tier, lifecycle, stage or sort column, named
            with the choices.
    """
    english = policy.in_language("en")
    grades = {g.name: g.name for g in policy.all_grades}
    grades |= {g.label: g.name for g in (*english.all_grades, *policy.all_grades)}
    grades |= dict.fromkeys(("none", *_names({UNGRADED: WORDS["ungraded"]})), UNGRADED)
    tiers = {t.key: t.key for t in policy.tiers}
    tiers |= {t.label: t.key for t in (*english.tiers, *policy.tiers)}
    natures = dict(zip(policy.natures, policy.natures, strict=True))
    natures |= {label: key for key, label in english.natures.items()}
    natures |= {label: key for key, label in policy.natures.items()}
    lifecycles = _names(LIFECYCLES)
    stages = _names(STAGES)
    filters: dict[str, frozenset[str]] = {}
    for column, given, known in (
        ("grade", request.grades, grades),
        ("nature", request.natures, natures),
        ("tier", request.tiers, tiers),
        ("lifecycle", request.lifecycles, lifecycles),
        ("stage", request.stages, stages),
    ):
        if given:
            filters[column] = frozenset(_resolve(column, name, known) for name in given)
    if request.attention:
        filters["attention"] = frozenset({"yes"})
    if request.sort not in COLUMNS:
        raise ListError(
            _("--sort {column}: sort by one of {choices}").format(
                column=repr(request.sort), choices=", ".join(COLUMNS)
            )
        )
    return ListQuery(request.text, filters, request.sort, request.reverse)


def _resolve(column: str, name: str, known: Mapping[str, str]) -> str:
    found = known.get(name.strip()) or {k.lower(): v for k, v in known.items()}.get(
        name.strip().lower()
    )
    if found is None:
        choices = ", ".join(dict.fromkeys(name for name in known if name))
        raise ListError(
            _("--{option} {name}: not one of the policy's; use one of {choices}").format(
                option=column, name=repr(name), choices=choices
            )
        )
    return found


def list_rows(
    records: Mapping[str, Mapping[str, Any]],
    policy: Policy,
    as_of: date,
    query: ListQuery,
    keys: PinyinKeys | None = None,
    server: ServerSearch | None = None,
) -> list[ListRow]:
    """The customers a query shows, in its order, with their attention marks.

    Args:
        records: The archive's records by id (documents with their stored ``_grading``).
        policy: Grade order, labels and the review rules for the attention marks.
        as_of: The date review ages are counted to.
        query: Search text, filters and sort.
        keys: A pinyin cache to reuse.
        server: The store's own search (``server_search``), asked instead of scanning.

    Returns:
        The rows, as the terminal UI's list would show them.
    """
    rows = [
        row_of(
            record,
            (r["code"] for r in attention_reasons(record, policy, as_of)),
            personal_natures=policy.personal_natures,
        )
        for record in records.values()
    ]
    grades = [g.name for g in policy.all_grades]
    index = SearchIndex(rows, grades, keys, searchable=server is None, server=server)
    return shown_rows(index, query)


def listed_rows(
    store: ArchiveStore, policy: Policy, as_of: date, query: ListQuery
) -> list[ListRow]:
    """``list_rows`` of the archive. A database answers the search and its filters a page at
    a time, as the UI's list reads it, so that its records are never all in memory; the rows
    are then filtered by their attention marks (which depend on the policy and the date) and
    sorted here, as on a file: the same rows in the same order from either store."""
    if not isinstance(store, ListingStore):
        return list_rows(store.records(), policy, as_of, query, server=server_search(store))
    wanted = {column: values for column, values in query.filters.items() if values}
    served = {column: values for column, values in wanted.items() if column in SERVER_FILTERABLE}
    rest = {column: values for column, values in wanted.items() if column not in served}
    asked = replace(query, filters=served, sort="id", reverse=False)
    rows = every_row(ServerRows(store, policy, as_of), asked)
    index = SearchIndex(rows, [g.name for g in policy.all_grades], searchable=False)
    return shown_rows(index, ListQuery("", rest, query.sort, query.reverse))


def server_search(store: ArchiveStore) -> ServerSearch | None:
    """The search a store answers itself over keys it keeps and indexes (a PostgreSQL
    archive), for ``SearchIndex(server=…)``; None for a store without one (the file).

    A failed search (the server out of reach) answers None, and the index scans its own keys.
    """
    if not isinstance(store, SearchingStore):
        return None

    def search(words: Sequence[str]) -> Sequence[str] | None:
        try:
            return store.search(words)
        except StoreError:
            return None

    return search


def shown_rows(index: SearchIndex, query: ListQuery) -> list[ListRow]:
    """The rows of an index that ``query`` shows, in order (the UI's list exports these)."""
    return [index.rows[i] for i in index.query(query)]


def list_table(rows: Iterable[ListRow], policy: Policy, lang: str) -> Table:
    """The rows as a table for export or printing: labels in ``lang``, the grade by the name.

    Args:
        rows: From ``list_rows`` or ``shown_rows``.
        policy: Labels of grades, natures and tiers as compliance wrote them.
        lang: ``zh`` or ``en`` (headers, lifecycle, stage and attention reasons).

    Returns:
        A ``presentation.tables.Table`` for the report writers (CSV, XLSX) or the terminal.
    """
    policy = policy.in_language(lang)
    catalogue = field_catalogue()
    headers = _headers(lang)
    words = translation(lang)
    columns = tuple(
        Column(key, catalogue[key].text(lang) if key in catalogue else headers[key], kind)
        for key, kind in EXPORT_COLUMNS
    )
    tiers = {t.key: t.label for t in policy.tiers}
    grade_labels = {g.name: g.label for g in policy.all_grades}
    title = words.pgettext("list", "Customers")
    table = Table(title, title, columns)  # its sheet named in the list's language
    for row in rows:
        table.rows.append(
            {
                "id": row.id,
                "name": row.name,
                "grade": row.grade or words.gettext(WORDS["ungraded"]),
                "grade_label": grade_labels.get(row.grade, ""),
                "total": row.total,
                "nature": policy.nature_label(row.nature),
                "tier": tiers.get(row.tier, row.tier),
                "lifecycle": _word(LIFECYCLES, row.lifecycle, lang),
                "stage": _word(STAGES, row.stage, lang),
                "assessed": row.assessed or None,
                "attention": _reasons(row.attention, lang),
            }
        )
    return table


def _word(table: Mapping[str, str], key: str, lang: str) -> str:
    return translation(lang).gettext(table[key]) if key in table else key


def _reasons(codes: Sequence[str], lang: str) -> str:
    return ("; " if lang == "en" else ";").join(reason_label({"code": c}, lang) for c in codes)


def list_json(rows: Iterable[ListRow], policy: Policy) -> list[dict[str, Any]]:
    """The rows as plain objects with keys (for ``--json``): codes, not labels."""
    return [
        {
            "id": row.id,
            "name": row.name,
            "grade": row.grade or None,
            "grade_label": policy.grade_named(row.grade).label
            if row.grade and row.grade in {g.name for g in policy.all_grades}
            else None,
            "total": row.total,
            "nature": row.nature,
            "tier": row.tier or None,
            "lifecycle": row.lifecycle or None,
            "stage": row.stage or None,
            "assessed_on": row.assessed or None,
            "attention": list(row.attention),
        }
        for row in rows
    ]


def export_list(
    table: Table, target: str | Path, *, archive: Path | None, option: str = "--out"
) -> Path:
    """Write the list to ``target`` whole (``.xlsx`` a workbook, anything else CSV for Excel).

    Args:
        table: From ``list_table``.
        target: The file to write; never the archive or one of its files.
        archive: The archive the list came from (see ``outputs.check_output``).
        option: The option that named the path, for messages.

    Returns:
        The file written.

    Raises:
        OutputError: the target was refused or could not be written; nothing was written.
    """
    from creditfile.application.outputs import write_output, write_text_output
    from creditfile.spreadsheets.reading import write_table_csv, write_tables_xlsx

    if str(target).lower().endswith(".xlsx"):
        out = write_output(
            target,
            lambda path: write_tables_xlsx(path, [table]),
            archive=archive,
            private=True,
            option=option,
        )
    else:
        out = write_text_output(
            target,
            lambda stream: write_table_csv(stream, [table]),
            archive=archive,
            private=True,
            encoding="utf-8-sig",
            option=option,
        )
    return out.real


__all__ = ["FILTERABLE", "ListQuery", "ListRow"]
