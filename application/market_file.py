"""Reading a market-data file (YAML or XLSX): every problem found, each located, or the
checked figures (``reports.market.MarketData``).

Both formats become the same document, checked against ``policy/schema/market.schema.json``,
then for meaning: an item the policy knows (by key or label), one figure per item, region and
period, a year's four quarters adding up to the year where both are given, a size within
bounds in CNY, no text a spreadsheet would run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from creditfile.document import field_catalogue
from creditfile.document.limits import MAX_XLSX_BYTES, file_said
from creditfile.policy import CreditfileError, Policy
from creditfile.policy.errors import PolicyProblem, format_path, os_said
from creditfile.policy.schema_check import schema_problems
from creditfile.policy.yamlsource import YamlDocument, parse_yaml
from creditfile.policy.yamltext import UNSAFE_IN_POLICY
from creditfile.presentation.inert import is_formula_like
from creditfile.presentation.translation import _, language
from creditfile.reports.market import QUARTERS, MarketData, MarketFigure
from creditfile.spreadsheets.reading import unpacked_said

MARKET_SCHEMA = "market.schema.json"
MAX_YAML_BYTES = 2_000_000
MAX_ROWS = 5_000
MAX_SIZE_CNY = Decimal(10) ** 15
"""A thousand trillion CNY: far beyond any leasing market; a larger figure is a typing slip."""
UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
HEADERS = {
    "item": (field_catalogue()["leases[].item"].label.zh, "租赁物类别", "item"),
    "region": ("地区", "region"),
    "period": ("期间", "period"),
    "size": ("市场规模", "size", "market size"),
    "note": (field_catalogue()["sources[].note"].label.zh, "note"),
}
_SIZE_WITH_UNIT = re.compile(r"^(市场规模|size|market size)\s*[(（]\s*(元|万元|亿元)\s*[)）]$")
_TEXTS = ("item", "region")
Path_ = tuple[str | int, ...]


class MarketError(CreditfileError):
    """A market file that cannot be used; ``problems`` lists every one, located."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class _Source:
    """A market file read into the schema's shape, with where each value stood: a YAML
    file's line and column, or a sheet's row and column (``sheet`` set)."""

    file: str
    doc: YamlDocument
    sheet: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def problem(self, line: int | None, col: int | None, path: str, message: str) -> str:
        if line is None:
            where = self.file
        elif self.sheet is not None:
            where = f"{self.file}:{self.sheet}!{_letter(col or 1)}{line}"
        else:
            where = f"{self.file}:{line}:{col or 1}"
        if self.sheet is not None:
            path = self.headers.get(path.rsplit(".", 1)[-1], path)
        return f"{where}: {path}: {message}" if path else f"{where}: {message}"

    def at(self, path: Path_, message: str) -> str:
        line, col = self.doc.locate(path)
        return self.problem(line, col, format_path(path), message)


def read_market(path: str | Path, policy: Policy) -> MarketData:
    """The checked figures of a market file, sizes in CNY and items as the policy's keys.

    Raises:
        MarketError: anything wrong, every problem located (``FILE:LINE:COL`` or
            ``FILE:SHEET!CELL``) with what to do.
    """
    file = Path(path)
    workbook = file.suffix.lower() == ".xlsx"
    problem = file_said(file, MAX_XLSX_BYTES if workbook else MAX_YAML_BYTES)
    if problem is None and workbook:
        problem = unpacked_said(str(file))
    if problem is not None:
        raise MarketError([f"{file}: {problem.text(_)}"])
    source = _xlsx_source(file) if workbook else _yaml_source(file)
    if not isinstance(source.doc.data, dict):
        raise MarketError(
            [f"{file}: " + _("a market file is a mapping with a list `markets:`; see "
                             "`creditfile market template`")]
        )  # fmt: skip
    found = schema_problems(source.doc, str(file), MARKET_SCHEMA)
    if found:
        raise MarketError([source.problem(p.line, p.column, p.path, _worded(p)) for p in found])
    figures, problems = _figures(source, policy)
    if problems:
        raise MarketError(problems)
    text = source.doc.data.get("source")
    return MarketData(tuple(figures), str(file), text if isinstance(text, str) else "")


def _worded(problem: PolicyProblem) -> str:
    """What a schema problem says, without its place, in the language in force."""
    return problem.said.text(_) if problem.said is not None else problem.message


def _yaml_source(file: Path) -> _Source:
    try:
        text = file.read_text("utf-8")
    except OSError as exc:
        said = _("cannot be read: {error}").format(error=os_said(exc).text(_))
        raise MarketError([f"{file}: {said}"]) from None
    except UnicodeDecodeError as exc:
        said = _("not UTF-8 text (byte {byte}); save the file as UTF-8").format(byte=exc.start)
        raise MarketError([f"{file}: {said}"]) from None
    if text.count("\n") > MAX_ROWS * 6:
        raise MarketError(
            [f"{file}: " + _("more than {count} lines; a market file holds at most {rows} "
                             "figures: split it").format(count=f"{MAX_ROWS * 6:,}",
                                                        rows=f"{MAX_ROWS:,}")]
        )  # fmt: skip
    doc, problems = parse_yaml(text, str(file))
    if doc is None or problems:
        raise MarketError([p.text(_) for p in problems])
    return _Source(str(file), doc)


def _figures(source: _Source, policy: Policy) -> tuple[list[MarketFigure], list[str]]:
    data = source.doc.data
    unit = UNITS[str(data.get("unit") or "元")]
    names = _item_names(policy)
    problems: list[str] = []
    figures: list[MarketFigure] = []
    first: dict[tuple[str, str, str], int] = {}
    for index, row in enumerate(data["markets"]):
        path: Path_ = ("markets", index)
        problems.extend(_text_problems(source, path, row))
        item = names.get(str(row["item"]).strip().casefold())
        if item is None:
            problems.append(source.at((*path, "item"), _unknown_item(str(row["item"]), policy)))
            continue
        size = Decimal(repr(row["size"])) * unit
        if size > MAX_SIZE_CNY:
            problems.append(source.at((*path, "size"), _too_large(size)))
            continue
        key = (item, str(row["region"]).strip(), str(row["period"]))
        if key in first:
            problems.append(source.at(path, _given_twice(source, row, key, first[key])))
            continue
        first[key] = index
        figures.append(MarketFigure(*key, size))
    problems.extend(_quarter_problems(source, figures, first))
    return figures, problems


def _text_problems(source: _Source, path: Path_, row: Mapping[str, Any]) -> Iterator[str]:
    for key in (*_TEXTS, "note"):
        text = row.get(key)
        if not isinstance(text, str):
            continue
        if UNSAFE_IN_POLICY.search(text):
            words = _("holds a control, zero-width or direction character; type the text again")
            yield source.at((*path, key), words)
        elif key in _TEXTS and is_formula_like(text.strip()):
            words = _("{text!r} looks like a spreadsheet formula; type the value itself")
            yield source.at((*path, key), words.format(text=text[:40]))


def _too_large(size: Decimal) -> str:
    return _("{size} CNY is more than {limit} CNY; check the figure and the file's unit").format(
        size=f"{size:,.0f}", limit=f"{MAX_SIZE_CNY:,.0f}"
    )


def _given_twice(
    source: _Source, row: Mapping[str, Any], key: tuple[str, str, str], earlier: int
) -> str:
    line, _col = source.doc.locate(("markets", earlier))
    return _("{item} in {region} for {period} is given twice (first at {first}); keep one").format(
        item=row["item"], region=key[1], period=key[2], first=_row_word(source, line)
    )


def _row_word(source: _Source, line: int | None) -> str:
    if line is None:
        return "?"
    return _("row {row}").format(row=line) if source.sheet else _("line {line}").format(line=line)


def _item_names(policy: Policy) -> dict[str, str]:
    names: dict[str, str] = {}
    for labels in (policy.item_categories_en, policy.item_categories):
        names.update({str(label).strip().casefold(): key for key, label in labels.items()})
    names.update({key.casefold(): key for key in policy.item_categories})
    return names


def _unknown_item(text: str, policy: Policy) -> str:
    shown = policy.in_language(language()).item_categories
    known = [f"{label} ({key})" for key, label in shown.items()]
    choices = [*policy.item_categories, *policy.item_categories.values(), *shown.values()]
    close = difflib.get_close_matches(text, choices, n=1)
    hint = _("; did you mean {name!r}?").format(name=close[0]) if close else ""
    return _("unknown leased item {text!r}{hint}; use one of the policy's: {known}").format(
        text=text[:60], hint=hint, known=", ".join(known)
    )


def _quarter_problems(
    source: _Source, figures: Sequence[MarketFigure], first: Mapping[tuple[str, str, str], int]
) -> Iterator[str]:
    """A year given beside all four of its quarters must be their sum."""
    sizes = {(f.item, f.region, f.period): f.size for f in figures}
    for (item, region, period), size in sizes.items():
        if "-" in period:
            continue
        parts = [sizes.get((item, region, f"{period}-{q}")) for q in QUARTERS]
        if any(part is None for part in parts):
            continue
        added = sum((p for p in parts if p is not None), Decimal(0))
        if added != size:
            index = first[(item, region, period)]
            yield source.at(("markets", index, "size"), _(
                "the year {period} is {size} CNY but its four quarters add up to {added} CNY; "
                "correct one or give the quarters alone").format(
                    period=period, size=f"{size:,}", added=f"{added:,}"))  # fmt: skip


def _xlsx_source(file: Path) -> _Source:
    try:
        sheet_name, rows = _xlsx_rows(file)
    except MarketError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign workbook
        raise MarketError([f"{file}: " + _(
            "not a readable .xlsx workbook ({kind}); save it as .xlsx").format(
                kind=type(exc).__name__)]) from None  # fmt: skip
    if not rows:
        raise MarketError([f"{file}: " + _("the sheet is empty; the first row names the columns")])
    columns, units, headers = _xlsx_columns(file, sheet_name, rows[0])
    markets: list[dict[str, Any]] = []
    marks: dict[Path_, tuple[int, int]] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        index = len(markets)
        entry: dict[str, Any] = {}
        marks[("markets", index)] = (number, 1)
        for key, col in columns.items():
            value = row[col].value if col < len(row) else None
            marks[("markets", index, key)] = (number, col + 1)
            if col < len(row) and row[col].data_type == "f":
                problems.append(
                    f"{file}:{sheet_name}!{_letter(col + 1)}{number}: {headers[key]}: "
                    + _("a formula; type the value itself (copy, then paste values only)")
                )
                continue
            if value is not None and not (isinstance(value, str) and not value.strip()):
                entry[key] = _cell_value(value, key)
        markets.append(entry)
        if len(markets) > MAX_ROWS:
            raise MarketError([f"{file}: " + _("more than {rows} rows; split the sheet").format(
                rows=f"{MAX_ROWS:,}")])  # fmt: skip
    if problems:
        raise MarketError(problems)
    data: dict[str, Any] = {"markets": markets}
    if units:
        data["unit"] = units
    return _Source(str(file), YamlDocument(data, marks), sheet_name, headers)


def _xlsx_rows(file: Path) -> tuple[str, list[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    # Not data_only: a formula is refused as such, never read as whatever it last showed.
    book = load_workbook(file, read_only=True, data_only=False)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the stored dimension is a claim: read the cells that exist
        rows = []
        for row in sheet.iter_rows():
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS + 1:
                break
            if len(row) > 64:
                raise MarketError(
                    [
                        f"{file}: "
                        + _("{count} columns; a market sheet has five").format(count=len(row))
                    ]
                )
        return str(sheet.title), rows
    finally:
        book.close()


def _xlsx_columns(
    file: Path, sheet: str, header: Sequence[Any]
) -> tuple[dict[str, int], str, dict[str, str]]:
    names = {alias.casefold(): key for key, aliases in HEADERS.items() for alias in aliases}
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    unit = ""
    for index, cell in enumerate(header):
        text = str(cell.value).strip() if cell.value is not None else ""
        with_unit = _SIZE_WITH_UNIT.match(text.casefold())
        key = "size" if with_unit else names.get(text.casefold())
        if key is not None and key not in columns:
            columns[key] = index
            headers[key] = text
            if with_unit:
                unit = with_unit.group(2)
    missing = [
        HEADERS[key][0] for key in ("item", "region", "period", "size") if key not in columns
    ]
    if missing:
        shown = ", ".join(f"{aliases[0]} ({aliases[-1]})" for aliases in HEADERS.values())
        raise MarketError([f"{file}:{sheet}!A1: " + _(
            "no column {missing}; the first row names the columns: {shown}").format(
                missing=", ".join(missing), shown=shown)])  # fmt: skip
    return columns, unit, headers


def _cell_value(value: Any, key: str) -> Any:
    if key == "period" and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # a date typed where a period belongs: refused as text
    return value


def _letter(col: int) -> str:
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
