"""``assignments.xlsx``: the plan as a workbook a planner hands on, and the XLSX writer behind it.

Sheets, in order: *Summary*, *Placements* (every placement with both tables' columns), *Quotas*
(bounds, use, slack, broken soft quotas and their penalty), *Budget* (cap, spent, left per
envelope), *By group* (places and cost per mode, type, field, agency, year, …), *Programmes*,
*Agencies*, *Not placed* (each candidate without a place and the reason: a rule, or not chosen),
*Reserves* (per programme, who takes a place if a placed person withdraws), then one roster per
programme that runs and one sheet per agency that sends someone.

The workbook is written by :class:`Workbook`, a small streaming writer of the Office Open XML
format (openpyxl reads it back in the tests). It is ~30 times faster than building openpyxl cells
one by one, which matters at national size (a million cells and more), and it is deterministic by
construction: fixed document dates, fixed zip timestamps, rows in the frames' order.

Every sheet has its header row frozen, an autofilter, column widths fitted to the content, money
with thousands separators (``#,##0``) and dates as real dates. Text from the inputs is written as
text, never as a formula: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR is
stored as a string with Excel's quote prefix, so the spreadsheet shows it and never runs it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator import __version__
from allocator.export import (
    FORMULA_START,
    agency_table,
    assignments_of,
    breakdowns,
    budget_table,
    is_formula_like,
    programme_table,
    quota_table,
)
from allocator.forked import Forked
from allocator.problem import ProblemData
from allocator.result import Result
from allocator.zipped import Member, deflate, write_zip

#: Document dates written into every workbook, so that the same plan gives the same bytes.
FIXED_TIMESTAMP = "2000-01-01T00:00:00Z"
# zlib level 1, not 6: the city workbook 6.3 → 8.0 MB, written in 1.4 s instead of 1.8-2.2
# (national: zlib was ~8 s of the ~37 s of writing).
ZIP_LEVEL = 1
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: From this many cells in the sheets cut from another, those are rendered in a child process
#: beside the rest (Workbook.save).
BESIDE_CELLS = 100_000
MAX_SHEET_NAME = 31
MAX_CELL_TEXT = 32_767
MAX_ROWS = 1_048_576
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
ILLEGAL_XML = re.compile(f"[{_ILLEGAL_XML_CHARS}]")
#: In texts joined by NUL (which no cell text holds) and framed by it, what makes one more than
#: plain text (see _text_bodies): a formula start or white space first, white space last, a tab
#: or CR, or a character XML cannot hold.
_NOT_PLAIN = re.compile(r"\x00[=+\-@\s]|\s\x00|[\t\r"
                        + _ILLEGAL_XML_CHARS.replace("\x00", "\x01") + "]")

#: Column formats a sheet may ask for, by name.
FORMATS = ("general", "money", "date", "percent", "decimal", "integer", "wrap")
#: Columns formatted as money when a sheet does not say otherwise.
MONEY_COLUMN = re.compile(r"(^|_)(cost|costs|cap|spent|left|budget)(_|$)|^cost_per_person$")

# Cell styles (indices into cellXfs of styles.xml).
S_GENERAL, S_HEADER, S_TITLE, S_MONEY, S_DATE, S_PERCENT, S_DECIMAL, S_TEXT, S_WRAP, \
    S_LINK, S_WRAP_TEXT = range(11)
STYLE_OF = {"general": S_GENERAL, "money": S_MONEY, "date": S_DATE, "percent": S_PERCENT,
            "decimal": S_DECIMAL, "integer": S_GENERAL, "wrap": S_WRAP}

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_FONT = '<sz val="{size}"/>{extra}<name val="Calibri"/><family val="2"/>'
_FONTS = ["<font>" + _FONT.format(size=11, extra="") + "</font>",
          "<font><b/>" + _FONT.format(size=11, extra="") + "</font>",
          "<font><b/>" + _FONT.format(size=13, extra="") + "</font>",
          "<font><u/>" + _FONT.format(size=11, extra='<color rgb="FF0563C1"/>') + "</font>"]
_TOP_WRAP = '<alignment vertical="top" wrapText="1"/>'


def _xf(num: int = 0, font: int = 0, fill: int = 0, border: int = 0, align: str = "",
        quote: bool = False) -> str:
    applied = "".join(f' apply{name}="1"' for name, on in (
        ("NumberFormat", num), ("Font", font), ("Fill", fill), ("Border", border),
        ("Alignment", align)) if on)
    q = ' quotePrefix="1"' if quote else ""
    head = (f'<xf numFmtId="{num}" fontId="{font}" fillId="{fill}" borderId="{border}" '
            f'xfId="0"{applied}{q}')
    return f"{head}>{align}</xf>" if align else f"{head}/>"


# In the order of the S_* indices.
_CELL_XFS = [_xf(), _xf(font=1, fill=2, border=1, align='<alignment vertical="center"/>'),
             _xf(font=2), _xf(num=3), _xf(num=164), _xf(num=165), _xf(num=4),
             _xf(num=49, quote=True), _xf(align=_TOP_WRAP), _xf(font=3),
             _xf(num=49, align=_TOP_WRAP, quote=True)]
STYLES_XML = XML_HEAD + (
    f'<styleSheet xmlns="{NS_MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="0.0%"/></numFmts>'
    f'<fonts count="{len(_FONTS)}">{"".join(_FONTS)}</fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
    "</border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    f'</cellStyleXfs><cellXfs count="{len(_CELL_XFS)}">{"".join(_CELL_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


# --------------------------------------------------------------------------------------------
# Names and cells.
# --------------------------------------------------------------------------------------------


def sheet_name(text: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name: at most 31 characters, none of ``[]:*?/\\``, no edge quote.

    Uniqueness is case-insensitive, as in Excel; a clash gets `` (2)``, `` (3)``, ….

    >>> sheet_name("Sở Y tế / Phòng [A]")
    'Sở Y tế _ Phòng _A_'
    >>> sheet_name("Summary", taken=["summary"])
    'Summary (2)'
    """
    return _unique_name(text, {t.casefold() for t in taken})


def _unique_name(text: str, used: set[str]) -> str:
    """:func:`sheet_name` against the names taken, casefolded (a workbook keeps that set, so
    that naming thousands of sheets does not fold every name again each time)."""
    base = FORBIDDEN_IN_SHEET_NAME.sub("_", ILLEGAL_XML.sub("", str(text)))
    base = " ".join(base.split()).strip("'") or "Sheet"
    if base.casefold() == "history":  # reserved by Excel
        base = "History_"
    name = base[:MAX_SHEET_NAME].rstrip("'").rstrip() or "Sheet"
    n = 1
    while name.casefold() in used:
        n += 1
        suffix = f" ({n})"
        name = base[:MAX_SHEET_NAME - len(suffix)].rstrip("'").rstrip() + suffix
    return name


def column_letter(index: int) -> str:
    """``0 -> A``, ``25 -> Z``, ``26 -> AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _clean_text(value: str) -> str:
    text = ILLEGAL_XML.sub("", value) if ILLEGAL_XML.search(value) else value
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT - 1] + "…"
    return text


def escape(text: str) -> str:
    """``text`` escaped for an XML element's content (``xml.sax.saxutils.escape``, whose module
    imports ``urllib.request`` and the ``email`` package: 18 ms of a small plan's workbook)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value, as ``xml.sax.saxutils.quoteattr`` writes it."""
    data = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in data:
        return f'"{data}"'
    if "'" not in data:
        return f"'{data}'"
    return '"' + data.replace('"', "&quot;") + '"'


def _text_cell(value: str, style: int) -> str:
    """The rest of a ``<c r="A1`` element for a text cell (after the reference)."""
    text = _clean_text(value)
    if text.startswith(FORMULA_START):
        style = S_WRAP_TEXT if style == S_WRAP else S_TEXT
    body = escape(text)
    if "\r" in body:
        body = body.replace("\r", "&#13;")
    space = ' xml:space="preserve"' if (text[:1].isspace() or text[-1:].isspace()
                                        or "\n" in text or "\t" in text) else ""
    s = f' s="{style}"' if style else ""
    return f'"{s} t="inlineStr"><is><t{space}>{body}</t></is></c>'


def _number_cell(value: float | int, style: int) -> str:
    s = f' s="{style}"' if style else ""
    return f'"{s}><v>{value!r}</v></c>' if isinstance(value, float) else \
        f'"{s}><v>{value}</v></c>'


def _text_bodies(texts: Iterable[str], style: int) -> dict[str, str]:
    """The distinct non-empty texts of a column, each to its cell body (as :func:`_text_cell`).

    Most columns hold plain text only (no formula start, no white space at either end, no tab,
    CR or character XML cannot hold, not too long): those are checked and escaped in one pass
    over the texts joined by NUL. A column with any other text takes :func:`_text_cell` text by
    text.
    """
    texts = list(texts)
    s = f' s="{style}"' if style else ""
    joined = "\x00".join(texts)
    if (joined.count("\x00") == len(texts) - 1 and _NOT_PLAIN.search(f"\x00{joined}\x00") is None
            and max(map(len, texts), default=0) <= MAX_CELL_TEXT):
        escaped = escape(joined)
        return {t: (f'"{s} t="inlineStr"><is><t>{e}</t></is></c>' if "\n" not in e else
                    f'"{s} t="inlineStr"><is><t xml:space="preserve">{e}</t></is></c>')
                for t, e in zip(texts, escaped.split("\x00"), strict=True)}
    return {t: _text_cell(t, style) for t in texts}


def _cells(values: pd.Series, fmt: str, objects: list[Any] | None = None) -> list[str | None]:
    """One column as cell bodies (``None`` for an empty cell), with its format's style.

    The hot loop of a large workbook: numbers are formatted in one comprehension, and each
    distinct text is rendered once (agencies, titles and codes repeat down a column).
    ``objects`` is ``values.astype(object).tolist()`` when the caller has it already.
    """
    style = STYLE_OF[fmt]
    if len(values) == 0:
        return []
    s = f' s="{style}"' if style else ""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        days = ((values - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)).tolist()
        d = f' s="{style if fmt != "general" else S_DATE}"'
        return [None if v != v else f'"{d}><v>{int(v) if v.is_integer() else v!r}</v></c>'
                for v in days]
    if pd.api.types.is_bool_dtype(values.dtype):
        return [f'" t="b"><v>{int(bool(v))}</v></c>' for v in values.tolist()]
    if objects is None:
        objects = values.astype(object).tolist()
    if pd.api.types.is_integer_dtype(values.dtype):
        if isinstance(values.dtype, np.dtype):  # no missing values
            return [f'"{s}><v>{v}</v></c>' for v in objects]
        return [None if v is None or v is pd.NA else f'"{s}><v>{int(v)}</v></c>'
                for v in objects]
    if pd.api.types.is_float_dtype(values.dtype):
        floats = values.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
        return [None if v != v else (
            (f'"{s}><v>{int(v)}</v></c>' if v.is_integer() else f'"{s}><v>{v!r}</v></c>')
            if abs(v) != np.inf else _text_cell(str(v), S_GENERAL)) for v in floats]
    if pd.api.types.is_numeric_dtype(values.dtype):
        return [_any_cell(v, style) for v in objects]
    kinds = set(map(type, objects))
    if any(issubclass(k, tuple | list) for k in kinds):
        # Lists (``a;b``) become their text first, so that they share the text path.
        objects = [";".join(str(x) for x in v) if isinstance(v, tuple | list) else v
                   for v in objects]
        kinds = set(map(type, objects))
    if kinds == {str}:
        bodies: dict[str, str | None] = {**_text_bodies(set(objects) - {""}, style), "": None}
        return list(map(bodies.__getitem__, objects))
    bodies = {**_text_bodies({v for v in objects if type(v) is str and v}, style), "": None}
    return [bodies[v] if type(v) is str else _any_cell(v, style) for v in objects]


def _any_cell(value: Any, style: int) -> str | None:
    """A cell of a mixed (object) column."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return f'" t="b"><v>{int(bool(value))}</v></c>'
    if isinstance(value, int | np.integer):
        return _number_cell(int(value), style)
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        if not np.isfinite(value):
            return _text_cell(str(value), S_GENERAL)
        return _number_cell(float(value), style)
    if isinstance(value, pd.Timestamp | np.datetime64):
        days = (pd.Timestamp(value) - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
        return _number_cell(int(days) if float(days).is_integer() else float(days), S_DATE)
    if isinstance(value, tuple | list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    if text == "":
        return None
    return _text_cell(text, style)


def _width(values: pd.Series, header: str, fmt: str, objects: list[Any] | None = None) -> float:
    """A column width (in characters) that fits the header and the first values.

    ``objects`` is ``values.astype(object).tolist()`` when the caller has it already.
    """
    if fmt == "date" or pd.api.types.is_datetime64_any_dtype(values.dtype):
        longest = 10
    elif fmt == "percent":
        longest = 6
    else:
        first = (values.iloc[:2000].astype(object).tolist() if objects is None
                 else objects[:2000])
        sample = [v for v in set(first) if v is not None and v is not pd.NA and v == v]
        if fmt == "money" and pd.api.types.is_numeric_dtype(values.dtype):
            longest = max((len(f"{v:,.0f}") for v in sample), default=0)
        elif fmt == "wrap":
            longest = max((max(len(line) for line in str(v).split("\n")) for v in sample),
                          default=0)
        else:
            longest = max((len(str(v)) for v in sample), default=0)
    width = max(len(str(header)) + 2, longest + 2, 6)
    return float(min(width, 80 if fmt == "wrap" else 50))


# --------------------------------------------------------------------------------------------
# The writer.
# --------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet: a frame under an optional title line, its header frozen and filtered.

    ``formats`` maps a column to one of :data:`FORMATS`, or to a list with one format per row
    (a figure/value sheet mixes money, shares and text); money columns are found by name
    otherwise. ``links`` maps a column to the sheet each row's cell links to (or None).

    A sheet cut from another (:meth:`Workbook.add_cut`) has that sheet as ``source`` and shows
    the ``rows`` (positions, in this order) and ``columns`` of its frame, with its cells.
    """

    name: str
    frame: pd.DataFrame
    title: str | None = None
    formats: dict[str, str | list[str]] = field(default_factory=dict)
    links: dict[str, list[str | None]] = field(default_factory=dict)
    source: Sheet | None = None
    rows: np.ndarray | None = None
    columns: list[str] | None = None

    @property
    def shown_columns(self) -> list[Any]:
        """The columns the sheet shows, in order."""
        return list(self.frame.columns) if self.columns is None else self.columns

    @property
    def n_rows(self) -> int:
        """The number of rows under the header."""
        return len(self.frame) if self.rows is None else len(self.rows)

    def shown(self) -> pd.DataFrame:
        """The table the sheet shows (for a cut, taken from its source's frame)."""
        if self.rows is None:
            return self.frame
        return self.frame[self.shown_columns].take(self.rows).reset_index(drop=True)

    def format_of(self, column: str) -> str | list[str]:
        if self.source is not None:
            return self.source.format_of(column)
        if column in self.formats:
            return self.formats[column]
        if MONEY_COLUMN.search(str(column)) and pd.api.types.is_numeric_dtype(
                self.frame[column].dtype):
            return "money"
        return "general"


class Workbook:
    """An XLSX workbook written in one pass; sheets keep the order they were added in.

    >>> wb = Workbook()
    >>> wb.add("Summary", pd.DataFrame({"figure": ["places"], "value": [454]}))
    'Summary'
    """

    def __init__(self, title: str = "") -> None:
        self.title = title
        self.sheets: list[Sheet] = []
        self._used: set[str] = set()  # the sheets' names, casefolded

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def reserve(self, text: str) -> str:
        """The name a sheet called ``text`` would get if added now (to link to it in advance)."""
        return _unique_name(text, self._used)

    def _name(self, text: str) -> str:
        """A unique name for a sheet being added, taken from now on."""
        name = _unique_name(text, self._used)
        self._used.add(name.casefold())
        return name

    def add(self, name: str, frame: pd.DataFrame, *, title: str | None = None,
            formats: Mapping[str, str | list[str]] | None = None,
            links: Mapping[str, list[str | None]] | None = None) -> str:
        """Add a sheet; returns its (valid, unique) name."""
        unique = self._name(name)
        if len(frame) + (2 if title else 1) > MAX_ROWS:
            raise ValueError(f"sheet {unique!r}: {len(frame):,} rows exceed Excel's "
                             f"{MAX_ROWS:,}")
        frame = frame.reset_index(drop=True)
        used: set[str] = set()
        for column, fmt in (formats or {}).items():
            if isinstance(fmt, list):
                if len(fmt) != len(frame):
                    raise ValueError(f"sheet {unique!r}: {len(fmt)} formats for column "
                                     f"{column!r} of {len(frame)} rows")
                used.update(fmt)
            else:
                used.add(fmt)
        unknown = used - set(FORMATS)
        if unknown:
            raise ValueError(f"unknown column format(s) {sorted(unknown)}; one of {FORMATS}")
        self.sheets.append(Sheet(unique, frame, title, dict(formats or {}), dict(links or {})))
        return unique

    def add_cut(self, name: str, of: str, rows: np.ndarray, columns: Iterable[str], *,
                title: str | None = None) -> str:
        """Add a sheet that shows ``rows`` (positions, in this order) and ``columns`` of the
        sheet ``of``, with its formats, under its own title; returns its name.

        The cells are the source's, rendered once for every sheet cut from it: a roster per
        programme costs what its rows cost, not what a sheet of its own costs.
        """
        source = next(s for s in self.sheets if s.name == of)
        if source.source is not None:
            source = source.source
        unique = self._name(name)
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) + (2 if title else 1) > MAX_ROWS:
            raise ValueError(f"sheet {unique!r}: {len(rows):,} rows exceed Excel's "
                             f"{MAX_ROWS:,}")
        shown = list(columns)
        missing = [c for c in shown if c not in source.frame.columns]
        if missing:
            raise ValueError(f"sheet {unique!r}: no column(s) {missing} in sheet {of!r}")
        self.sheets.append(Sheet(unique, source.frame, title, source=source, rows=rows,
                                 columns=shown))
        return unique

    # ---- writing ---------------------------------------------------------------------------

    def save(self, path: Path) -> Path:
        """Write the workbook (deterministic bytes for the same sheets).

        A large workbook is rendered by two processes: the sheets cut from another (rosters,
        agencies; :meth:`_beside`) in a forked child, which renders the columns they take on
        its own, and the rest here; the archive is then put together from both
        (:mod:`allocator.zipped`). The bytes are the same as from one process."""
        if not self.sheets:
            self.add("Sheet", pd.DataFrame())
        path = Path(path)
        numbers = range(1, len(self.sheets) + 1)
        beside = self._beside()
        part = path.with_name(f".{path.name}.part")  # the child's sheets, deflated
        try:
            with (Forked(partial(self._deflate_into, part, beside), "writing cut sheets")
                  if beside else contextlib.nullcontext()):
                package = [deflate(name, [text.encode("utf-8")], ZIP_LEVEL)
                           for name, text in self._package()]
                sheets = self._deflated([i for i in numbers if i not in beside])
            if beside:
                sheets.update(pickle.loads(part.read_bytes()))
            write_zip(path, package + [sheets[i] for i in numbers], ZIP_DATE)
        finally:
            part.unlink(missing_ok=True)
        return path

    def _beside(self) -> list[int]:
        """The numbers of the sheets rendered in a child process: the cut sheets when they
        hold at least :data:`BESIDE_CELLS` cells (below, the fork and the second rendering of
        their columns cost more than they save), where ``fork`` exists."""
        cut = [i for i, s in enumerate(self.sheets, start=1) if s.source is not None]
        cells = sum(self.sheets[i - 1].n_rows * len(self.sheets[i - 1].shown_columns)
                    for i in cut)
        return cut if cells >= BESIDE_CELLS and hasattr(os, "fork") else []

    def _deflated(self, numbers: list[int]) -> dict[int, Member]:
        """The sheets ``numbers`` (from 1), rendered and deflated."""
        # The rendered columns that these cut sheets take their cells from, by (source,
        # column): filled in by whichever sheet renders the column first.
        shared: dict[tuple[str, str], _Rendered | None] = {
            (sheet.source.name, c): None for sheet in (self.sheets[i - 1] for i in numbers)
            if sheet.source is not None for c in sheet.shown_columns}
        return {i: deflate(f"xl/worksheets/sheet{i}.xml",
                           (chunk.encode("utf-8")
                            for chunk in _sheet_xml(self.sheets[i - 1], i == 1, shared)),
                           ZIP_LEVEL)
                for i in numbers}

    def _deflate_into(self, part: Path, numbers: list[int]) -> None:
        part.write_bytes(pickle.dumps(self._deflated(numbers), protocol=pickle.HIGHEST_PROTOCOL))

    def _package(self) -> list[tuple[str, str]]:
        """The archive's members before the sheets: names and texts."""
        return [("[Content_Types].xml", self._content_types()),
                ("_rels/.rels", _root_rels()),
                ("docProps/app.xml", _app_xml()),
                ("docProps/core.xml", _core_xml(self.title)),
                ("xl/workbook.xml", self._workbook_xml()),
                ("xl/_rels/workbook.xml.rels", self._workbook_rels()),
                ("xl/styles.xml", STYLES_XML)]

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(self.sheets) + 1))
        return XML_HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>' + sheets +
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats'
            '-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/></Types>')

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, start=1))
        names = []
        for i, s in enumerate(self.sheets):
            ref = _filter_ref(s)
            if ref is not None:
                quoted = "'" + s.name.replace("'", "''") + "'"
                absolute = "$" + ref.replace(":", ":$")
                absolute = re.sub(r"([A-Z]+)(\d+)", r"\1$\2", absolute)
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" '
                             f'hidden="1">{escape(quoted)}!{absolute}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        return XML_HEAD + (f'<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
                           '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
                           f"<sheets>{sheets}</sheets>{defined}</workbook>")

    def _workbook_rels(self) -> str:
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{NS_REL}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(self.sheets) + 1))
        n = len(self.sheets) + 1
        return XML_HEAD + (f'<Relationships xmlns="{NS_PKG_REL}">{rels}'
                           f'<Relationship Id="rId{n}" Type="{NS_REL}/styles" '
                           'Target="styles.xml"/></Relationships>')


def _root_rels() -> str:
    return XML_HEAD + (
        f'<Relationships xmlns="{NS_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{NS_REL}/extended-properties" '
        'Target="docProps/app.xml"/></Relationships>')


def _app_xml() -> str:
    return XML_HEAD + ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                       '2006/extended-properties"><Application>allocator</Application>'
                       f"<AppVersion>{escape(__version__)}</AppVersion></Properties>")


def _core_xml(title: str) -> str:
    return XML_HEAD + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(_clean_text(title))}</dc:title>"
        f"<dc:creator>allocator {escape(__version__)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIMESTAMP}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIMESTAMP}</dcterms:modified>'
        "</cp:coreProperties>")


def _header_row(sheet: Sheet) -> int:
    return 2 if sheet.title else 1


def _filter_ref(sheet: Sheet) -> str | None:
    ncol = len(sheet.shown_columns)
    if ncol == 0 or sheet.n_rows == 0:
        return None
    top = _header_row(sheet)
    return f"A{top}:{column_letter(ncol - 1)}{top + sheet.n_rows}"


@dataclass(frozen=True)
class _Rendered:
    """A column of a source sheet as its cut sheets need it: the values as Python objects
    (None for dates: their width is fixed) and the cell bodies, as arrays to take rows from."""

    objects: list[Any] | None
    bodies: np.ndarray


def _render(values: pd.Series, fmt: str | list[str]) -> tuple[list[Any] | None,
                                                              list[str | None]]:
    """A column's values as Python objects (None for dates) and its cell bodies.

    The objects serve the column's width, cells and links: each column is read once.
    """
    objects = None if pd.api.types.is_datetime64_any_dtype(values.dtype) else \
        values.astype(object).tolist()
    if isinstance(fmt, str):
        return objects, _cells(values, fmt, objects)
    every = values.astype(object).tolist() if objects is None else objects
    return objects, [_any_cell(x, STYLE_OF[g]) for x, g in zip(every, fmt, strict=True)]


def _sheet_xml(sheet: Sheet, selected: bool,
               shared: dict[tuple[str, str], _Rendered | None] | None = None) -> Iterator[str]:
    """The sheet's XML in chunks. ``shared`` holds the columns that cut sheets take from their
    source (keys present, values filled in by whichever sheet renders the column first)."""
    shared = {} if shared is None else shared
    frame = sheet.frame
    shown = sheet.shown_columns
    columns = [str(c) for c in shown]
    ncol = max(len(columns), 1)
    n_rows = sheet.n_rows
    top = _header_row(sheet)
    last_row = top + n_rows
    letters = [column_letter(j) for j in range(ncol)]
    formats = [sheet.format_of(c) for c in shown]
    yield XML_HEAD + f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
    yield f'<dimension ref="A1:{letters[-1]}{last_row}"/>'
    first = f"A{top + 1}"
    tab = ' tabSelected="1"' if selected else ""
    yield (f'<sheetViews><sheetView workbookViewId="0"{tab}><pane ySplit="{top}" '
           f'topLeftCell="{first}" activePane="bottomLeft" state="frozen"/>'
           f'<selection pane="bottomLeft" activeCell="{first}" sqref="{first}"/>'
           "</sheetView></sheetViews>")
    yield '<sheetFormatPr defaultRowHeight="15"/>'
    series = [frame[c] for c in shown]
    objects: list[list[Any] | None] = []
    bodies: list[list[str | None]] = []
    for c, values, fmt in zip(shown, series, formats, strict=True):
        key = ((sheet.source or sheet).name, str(c))
        if sheet.rows is None:
            objs, cells = _render(values, fmt)
            if key in shared:  # sheets cut from this one take their cells from it
                shared[key] = _Rendered(objs, np.array(cells, dtype=object))
            objects.append(objs)
            bodies.append(cells)
            continue
        rendered = shared.get(key)
        if rendered is None:  # the source comes later: render its column here
            objs, cells = _render(values, fmt)
            rendered = shared[key] = _Rendered(objs, np.array(cells, dtype=object))
        head = sheet.rows[:2000]  # the width looks at the first values only
        objects.append(None if rendered.objects is None else
                       [rendered.objects[i] for i in head])
        bodies.append(rendered.bodies[sheet.rows].tolist())
    if columns:
        cols = "".join(
            f'<col min="{j + 1}" max="{j + 1}" '
            f'width="{_width(v, c, f if isinstance(f, str) else "general", o):.1f}" '
            'customWidth="1"/>'
            for j, (v, c, f, o) in enumerate(zip(series, shown, formats, objects,
                                                 strict=True)))
        yield f"<cols>{cols}</cols>"
    yield "<sheetData>"
    if sheet.title:
        yield f'<row r="1"><c r="A1{_text_cell(sheet.title, S_TITLE)}</row>'
    header = "".join(f'<c r="{letters[j]}{top}{_text_cell(c, S_HEADER)}'
                     for j, c in enumerate(columns))
    yield f'<row r="{top}">{header}</row>'
    hyperlinks: list[str] = []
    for column, targets in sheet.links.items():
        j = columns.index(str(column))
        cells = bodies[j]
        values = objects[j]
        if values is None:
            values = series[j].astype(object).tolist()
        for i, target in enumerate(targets):
            value = values[i]
            if target is None or cells[i] is None or is_formula_like(value):
                continue
            cells[i] = _text_cell(str(value), S_LINK)
            location = "'" + target.replace("'", "''") + "'!A1"
            hyperlinks.append(f'<hyperlink ref="{letters[j]}{top + 1 + i}" '
                              f"location={quoteattr(location)}/>")
    rows = [str(top + 1 + i) for i in range(n_rows)]
    full = [[f'<c r="{letters[j]}{r}{b}' if b is not None else "" for r, b in zip(rows, col,
                                                                                 strict=True)]
            for j, col in enumerate(bodies)]
    chunk: list[str] = []
    row_cells: Iterable[tuple[str, ...]] = zip(*full, strict=True) if full else \
        [()] * len(rows)
    for r, row in zip(rows, row_cells, strict=True):
        chunk.append(f'<row r="{r}">{"".join(row)}</row>')
        if len(chunk) >= 2000:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)
    yield "</sheetData>"
    ref = _filter_ref(sheet)
    if ref is not None:
        yield f'<autoFilter ref="{ref}"/>'
    if hyperlinks:
        yield f"<hyperlinks>{''.join(hyperlinks)}</hyperlinks>"
    yield ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
           'footer="0.3"/></worksheet>')


# --------------------------------------------------------------------------------------------
# assignments.xlsx
# --------------------------------------------------------------------------------------------

PLACEMENT_FIRST = ("candidate_id", "full_name", "agency", "program_id", "program_title", "mode",
                   "type", "program_field", "year", "start_date", "duration_days", "country",
                   "cost", "score")
ROSTER_COLUMNS = ("candidate_id", "full_name", "agency", "gender", "birth_date",
                  "position_level", "field", "score", "cost")
AGENCY_COLUMNS = ("candidate_id", "full_name", "gender", "position_level", "program_id",
                  "program_title", "mode", "type", "year", "start_date", "cost")


def _money(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def summary_frame(problem: ProblemData, result: Result) -> tuple[pd.DataFrame, list[str]]:
    """The Summary sheet: figure, value, unit; and each row's format."""
    from allocator.export import summary_data

    data = summary_data(problem, result)
    rows: list[tuple[str, Any, str, str]] = [
        ("scenario", problem.scenario.name, "", "general"),
        ("description", problem.scenario.description, "", "wrap"),
        ("status", result.status.value, "", "general"),
        ("engine", result.engine, "", "general"),
    ]
    if result.message:
        rows.append(("message", result.message, "", "wrap"))
    rows += [("objective (score − penalties)", result.objective, "points", "money"),
             ("best bound", result.bound, "points", "money"),
             ("gap", result.gap, "", "percent")]
    sol = result.solution
    if sol is not None:
        k = data["kpis"]
        rows += [
            ("total score", data["score"], "points", "money"),
            ("soft quota penalties", data["penalty"], "points", "decimal"),
            ("cost", k["cost"], "VND", "money"),
            ("  per-person costs", k["cost_per_person_total"], "VND", "money"),
            ("  fixed costs of running programmes", k["cost_fixed_total"], "VND", "money"),
            ("places", k["places"]["total"], "places", "money"),
        ]
        rows += [(f"  {mode}", n, "places", "money") for mode, n in
                 k["places"]["by_mode"].items()]
        rows += [
            ("people placed", k["persons_placed"], "people", "money"),
            ("candidates", problem.n_candidates, "people", "money"),
            ("candidates not placed", data["not_placed"]["total"], "people", "money"),
            ("  eligible for nothing", data["not_placed"]["eligible_for_nothing"], "people",
             "money"),
            ("  eligible, not chosen", data["not_placed"]["eligible_not_chosen"], "people",
             "money"),
            ("women's share of places", data["women_share"], "", "percent"),
            ("women's share of places abroad", k["women_share_overseas"], "", "percent"),
            ("programmes running", k["programs_running"], "programmes", "money"),
            ("programmes cancelled (below min_size)", k["programs_cancelled"], "programmes",
             "money"),
            ("eligible pairs", problem.n_pairs, "pairs", "money"),
        ]
        for b in data["budget"]:
            rows.append((f"budget {b['envelope']}: spent of {_money(b['cap'])}", b["spent"],
                         "VND", "money"))
        broken = [q for q in data["quotas"] if q["soft"] and q["broken_by"] > 1e-9]
        for q in broken:
            label = q["name"] + (f" [{q['group']}]" if q["group"] else "")
            rows.append((f"soft quota broken: {label} (penalty {q['penalty']:g})",
                         q["broken_by"], "places", "decimal"))
    rows.append(("warnings", len(problem.warnings), "", "money"))
    frame = pd.DataFrame({"figure": [r[0] for r in rows],
                          "value": pd.Series([r[1] for r in rows], dtype=object),
                          "unit": [r[2] for r in rows]})
    return frame, [r[3] for r in rows]


def _place_columns(frame: pd.DataFrame, first: Iterable[str]) -> pd.DataFrame:
    head = [c for c in first if c in frame.columns]
    return frame[head + [c for c in frame.columns if c not in head]]


def assignments_workbook(problem: ProblemData, result: Result) -> Workbook:
    """Every sheet of ``assignments.xlsx`` (see the module's docstring), not yet written."""
    from allocator.explain import not_placed_reasons
    from allocator.reserve import reserve_lists

    sol = result.solution
    wb = Workbook(title=f"{problem.scenario.name}: training plan")
    summary, row_formats = summary_frame(problem, result)
    wb.add("Summary", summary, formats={"value": row_formats, "figure": "wrap"})
    if sol is None:
        return wb
    assignments = assignments_of(sol).reset_index(drop=True)  # positions are row numbers
    placements = wb.add("Placements", _place_columns(assignments, PLACEMENT_FIRST))
    quotas = quota_table(sol)
    wb.add("Quotas", quotas, formats={"share": "percent", "achieved_share": "percent",
                                      "min": "money", "max": "money", "places": "money",
                                      "value": "decimal", "slack": "decimal",
                                      "broken_by": "decimal", "penalty": "decimal",
                                      "penalty_per_place": "decimal"})
    wb.add("Budget", budget_table(sol), formats={"use": "percent"})
    groups = pd.concat([frame.assign(dimension=key) for key, frame in breakdowns(sol).items()],
                       ignore_index=True)
    groups = groups[["dimension", "group", "places", "persons", "women", "women_share",
                     "cost_per_person", "fixed_cost", "cost"]]
    wb.add("By group", groups, formats={"women_share": "percent", "places": "money",
                                        "persons": "money", "women": "money"})

    programmes = programme_table(sol)
    taken = {n.casefold() for n in [*wb.names, "Programmes", "Agencies", "Not placed",
                                    "Reserves"]}

    def sheets_for(names: pd.Series, shown: pd.Series) -> list[str | None]:
        """A unique sheet name for each shown row (None for the others)."""
        out: list[str | None] = []
        for name, show in zip(names, shown, strict=True):
            out.append(_unique_name(name, taken) if show else None)
            if show:
                taken.add(out[-1].casefold())  # type: ignore[union-attr]
        return out

    roster_names = sheets_for(programmes["program_id"], programmes["runs"])
    agencies = agency_table(sol)
    agency_names = sheets_for(agencies["agency"], agencies["places"] > 0)
    wb.add("Programmes", programmes.assign(sheet=roster_names),
           formats={"fill": "percent", "capacity": "money", "placed": "money",
                    "eligible": "money"},
           links={"program_id": roster_names})
    wb.add("Agencies", agencies.assign(sheet=agency_names),
           formats={"placed_share": "percent"}, links={"agency": agency_names})
    wb.add("Not placed", not_placed_reasons(problem, sol), formats={"reason": "wrap"})
    wb.add("Reserves", reserve_lists(problem, sol), formats={"note": "wrap"})

    # One roster per running programme, one sheet per agency that sends someone: cut from the
    # Placements sheet by position (its cells are rendered once for all of them), each in the
    # order of one stable sort of every placement.
    def rows_by(by: str, order: list[str]) -> dict[Any, np.ndarray]:
        """Each value of ``by``: the positions of its placements, sorted by ``order``."""
        ranked = assignments.sort_values(order if len(order) > 1 else order[0],
                                         kind="stable").index.to_numpy()
        return {k: ranked[pos] for k, pos in
                assignments.take(ranked).groupby(by, sort=False).indices.items()}

    roster_columns = [c for c in ROSTER_COLUMNS if c in assignments.columns]
    by_program = rows_by("program_id", ["candidate_id"])
    for row, name in zip(programmes.itertuples(index=False), roster_names, strict=True):
        if name is None:
            continue
        where = ", ".join(str(v) for v in (row.mode, row.type, row.field, row.year) if v != "")
        title = (f"{row.program_id} — {row.title} ({where}): {row.placed:,} of "
                 f"{row.capacity:,} places, {_money(row.cost)} VND")
        added = wb.add_cut(name, placements, by_program[row.program_id], roster_columns,
                           title=title)
        assert added == name, (added, name)
    agency_columns = [c for c in AGENCY_COLUMNS if c in assignments.columns]
    by_agency = rows_by("agency", ["program_id", "candidate_id"])
    for row, name in zip(agencies.itertuples(index=False), agency_names, strict=True):
        if name is None:
            continue
        title = (f"{row.agency}: {row.persons_placed:,} of {row.candidates:,} candidates "
                 f"placed, {row.places:,} places, {_money(row.cost)} VND")
        added = wb.add_cut(name, placements, by_agency[row.agency], agency_columns,
                           title=title)
        assert added == name, (added, name)
    return wb


def write_assignments_workbook(path: Path, problem: ProblemData, result: Result) -> Path:
    """Write ``assignments.xlsx``."""
    return assignments_workbook(problem, result).save(path)
