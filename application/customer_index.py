"""The customer list's in-memory index: rows, search keys (with pinyin), filters and sort orders.

Pure: no Textual, no I/O. Search keys are computed once per archive; a keystroke only scans
precomputed lowercase strings, and every sort order is computed once and kept until a row
changes, so filtering and sorting 100,000 customers stays well under 100 ms.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from creditfile.document.personal import is_person
from creditfile.document.pinyin import PinyinKeys
from creditfile.presentation.translation import _

COLUMNS = (
    "id",
    "name",
    "nature",
    "tier",
    "grade",
    "total",
    "lifecycle",
    "stage",
    "assessed",
    "attention",
)
FILTERABLE = ("grade", "nature", "tier", "lifecycle", "stage", "attention")
UNGRADED = ""
"""The ``grade`` of a customer without one (never graded, or ungraded)."""


@dataclass(slots=True)
class ListRow:
    """One customer as the list shows it; no personal data (``profile.person``) ever.

    ``phone`` and ``contact`` are searched but not shown; a person's phone is personal data
    and not even searched (``row_of``).
    """

    id: str
    name: str
    nature: str
    tier: str
    grade: str
    total: float | None
    lifecycle: str
    stage: str
    assessed: str
    attention: tuple[str, ...] = ()
    phone: str = ""
    contact: str = ""


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def row_of(
    record: Mapping[str, Any],
    attention: Iterable[str] = (),
    *,
    personal_natures: Collection[str],
) -> ListRow:
    """The list row of a store record (document + ``_grading``).

    A person's phone (the customer is of one of ``personal_natures``) is left out of the row,
    so that no search finds whose number it is: a search is not a recorded reveal.

    Args:
        record: The record; its ``_grading`` is the stored grading (SPEC §6), if any.
        attention: Codes of the reasons it needs attention (``engine.review``).
        personal_natures: The natures the policy in force marks personal.
    """
    grading = record.get("_grading") or {}
    graded = grading.get("status") == "graded" and grading.get("grade")
    contact = record.get("contact") or {}
    assessment = record.get("assessment") or {}
    total = grading.get("total") if graded else None
    return ListRow(
        id=str(record.get("id", "")),
        name=_text(record.get("name")),
        nature=_text(record.get("nature")),
        tier=_text(grading.get("tier")),
        grade=str(grading["grade"]) if graded else UNGRADED,
        total=float(total) if isinstance(total, int | float) else None,
        lifecycle=_text(grading.get("lifecycle")),
        stage=_text(grading.get("stage")),
        assessed=_text(assessment.get("assessed_on") if isinstance(assessment, dict) else None),
        attention=tuple(attention),
        phone=""
        if is_person(record, personal_natures)
        else _text(contact.get("phone") if isinstance(contact, dict) else None),
        contact=_text(contact.get("person") if isinstance(contact, dict) else None),
    )


def search_keys(row: ListRow, keys: PinyinKeys) -> tuple[str, str]:
    """The row's haystack (every searchable text, lowercased, separated so that a query cannot
    span two) and the pinyin of its name (its sort key)."""
    parts = [row.id.lower(), row.name.lower(), row.phone.lower(), row.contact.lower()]
    name_key = row.name.lower()
    if row.name and not row.name.isascii():
        name_keys = keys.keys(row.name)
        name_key = name_keys[2] if len(name_keys) > 2 else name_keys[0]
        parts.extend(name_keys)
    if row.contact and not row.contact.isascii():
        parts.extend(keys.keys(row.contact))
    return "\x00".join(parts), name_key


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: search text, filters and sort order.

    Attributes:
        text: Search text; every whitespace-separated word must match (substring).
        filters: Allowed values per column of ``FILTERABLE`` (``attention``: ``{"yes"}``);
            an absent or empty set does not filter.
        sort: The column to sort by.
        reverse: Sort descending.
    """

    text: str = ""
    filters: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sort: str = "id"
    reverse: bool = False


def _sort_key(column: str, grade_rank: Mapping[str, int]) -> Any:
    if column == "grade":
        # Ungraded customers sort after every grade.
        return lambda r: grade_rank.get(r.grade, len(grade_rank))
    if column == "total":
        return lambda r: r.total
    if column == "attention":
        return lambda r: len(r.attention)
    return lambda r: getattr(r, column)


ServerSearch = Callable[[Sequence[str]], Sequence[str] | None]
"""``words -> ids`` of the customers whose search keys, kept by the store, hold every word;
None when the store could not answer (the index then scans its own keys)."""


class SearchIndex:
    """The rows of one archive with their search keys and cached sort orders.

    Args:
        rows: One row per customer.
        grade_order: Grade names best first (sorting by grade follows it).
        keys: A pinyin cache to share between indexes (one per archive is plenty).
        searchable: Build the search keys now (else on the first search that needs them).
        server: The store's own search (a database's indexed keys): a search asks it and
            scans only the rows' phone numbers here, which the store's keys leave out.
    """

    def __init__(
        self,
        rows: Iterable[ListRow],
        grade_order: Sequence[str] = (),
        keys: PinyinKeys | None = None,
        *,
        searchable: bool = True,
        server: ServerSearch | None = None,
    ) -> None:
        self.rows: list[ListRow] = list(rows)
        self._server = server
        self._phones: list[tuple[int, str]] | None = None
        self._keys = keys or PinyinKeys()
        self._hay: list[str] = []
        self._name_keys: list[str] = []
        self.searchable = False
        self._building = threading.Lock()
        if searchable:
            self.build_search()
        self._rank = {name: i for i, name in enumerate(grade_order)}
        self._orders: dict[tuple[str, bool], list[int]] = {}
        self._position = {row.id: i for i, row in enumerate(self.rows)}
        self._last_text: tuple[str, list[int]] | None = None

    def build_search(self) -> None:
        """Compute every row's search keys and pinyin (once; ~1 s per 100,000 rows).

        An index made with ``searchable=False`` can be shown at once and made searchable
        afterwards in a worker; searching or sorting by name before that builds them first.
        """
        with self._building:
            if self.searchable:
                return
            both = [search_keys(row, self._keys) for row in self.rows]
            # Assigned together at the end: a reader never sees half-built keys.
            self._hay, self._name_keys = [h for h, _ in both], [n for _, n in both]
            self.searchable = True

    def __len__(self) -> int:
        return len(self.rows)

    def position(self, customer_id: str) -> int | None:
        """The row number of a customer, or None."""
        return self._position.get(customer_id)

    def put(self, row: ListRow) -> None:
        """Add a row, or replace the row with the same id (after a save)."""
        index = self._position.get(row.id)
        if index is None:
            index = len(self.rows)
            self._position[row.id] = index
            self.rows.append(row)
            if self.searchable:
                self._hay.append("")
                self._name_keys.append("")
        self.rows[index] = row
        if self.searchable:
            self._hay[index], self._name_keys[index] = search_keys(row, self._keys)
        self._orders.clear()
        self._last_text = None
        self._phones = None

    def order(self, column: str, reverse: bool = False) -> list[int]:
        """Row numbers sorted by ``column`` (ties by id); missing values last either way."""
        cached = self._orders.get((column, reverse))
        if cached is not None:
            return cached
        if column not in COLUMNS:
            raise ValueError(
                _("cannot sort by {column!r}; use one of {choices}").format(
                    column=column, choices=", ".join(COLUMNS)
                )
            )
        if column == "name":
            self.build_search()
            # Chinese staff expect names in pinyin order, as in a phone book, not by code point.
            values: list[Any] = self._name_keys
        else:
            key = _sort_key(column, self._rank)
            values = [key(row) for row in self.rows]
        present = [i for i, v in enumerate(values) if v is not None and v != ""]
        missing = [i for i, v in enumerate(values) if v is None or v == ""]
        ids = [row.id for row in self.rows]
        present.sort(key=ids.__getitem__)
        present.sort(key=values.__getitem__, reverse=reverse)
        missing.sort(key=ids.__getitem__)
        result = present + missing
        self._orders[(column, reverse)] = result
        return result

    def matching(self, text: str) -> list[int] | None:
        """Row numbers whose search keys contain every word of ``text``; None: no text."""
        words = text.lower().split()
        if not words:
            return None
        norm = " ".join(words)
        if self._last_text is not None and self._last_text[0] == norm:
            return self._last_text[1]
        asked = self._asked(words)
        if asked is not None:
            self._last_text = (norm, asked)
            return asked
        self.build_search()
        scope: Iterable[int] = range(len(self.rows))
        last = self._last_text
        # Typing on extends the previous words: only the previous matches can still match.
        if last is not None and norm.startswith(last[0]) and norm.count(" ") == last[0].count(" "):
            scope = last[1]
        hay = self._hay
        found = list(scope)
        # One pass per word, longest first: it usually discards the most rows at once.
        for word in sorted(words, key=len, reverse=True):
            found = [i for i in found if word in hay[i]]
        self._last_text = (norm, found)
        return found

    def _asked(self, words: Sequence[str]) -> list[int] | None:
        """Row numbers matching every word by the store's search, or None (no such search,
        or it failed). A phone number is matched here: the store's keys hold none, since
        whose phone is personal depends on the policy in force."""
        if self._server is None:
            return None
        phones = self._phone_rows()
        by_phone = [[i for i, phone in phones if word in phone] for word in words]
        position = self._position.get
        if not any(by_phone):
            found = self._server(words)
            if found is None:
                return None
            rows = [i for i in map(position, found) if i is not None]
        else:
            kept: set[int] | None = None
            for word, extra in zip(words, by_phone, strict=True):
                found = self._server([word])
                if found is None:
                    return None
                hits = {i for i in map(position, found) if i is not None}
                hits.update(extra)
                kept = hits if kept is None else kept & hits
            rows = list(kept or ())
        rows.sort()
        return rows

    def _phone_rows(self) -> list[tuple[int, str]]:
        """``(row number, phone lowercased)`` of every row with a phone (kept until a row
        changes)."""
        if self._phones is None:
            self._phones = [(i, row.phone.lower()) for i, row in enumerate(self.rows) if row.phone]
        return self._phones

    def query(self, query: ListQuery) -> list[int]:
        """The row numbers to show, in order, for ``query``."""
        allowed = [(column, values) for column, values in query.filters.items() if values]
        matched = self.matching(query.text)
        if matched is None and not allowed:
            return list(self.order(query.sort, query.reverse))
        keep = (
            bytearray(len(self.rows))
            if matched is not None
            else bytearray(b"\x01") * len(self.rows)
        )
        if matched is not None:
            for i in matched:
                keep[i] = 1
        rows = self.rows
        for column, values in allowed:
            for i in range(len(rows)):
                if keep[i] and _value(rows[i], column) not in values:
                    keep[i] = 0
        return [i for i in self.order(query.sort, query.reverse) if keep[i]]

    def values(self, column: str) -> list[str]:
        """The distinct values of a filterable column, for the filter dialog."""
        return sorted({_value(row, column) for row in self.rows})


def _value(row: ListRow, column: str) -> str:
    if column == "attention":
        return "yes" if row.attention else "no"
    return str(getattr(row, column))
