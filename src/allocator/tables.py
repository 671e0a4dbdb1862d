"""Reading the input tables (candidates, programs, pairs, history) from CSV or XLSX.

Each table is read as text, then every column of the contract is parsed to its type. Parsing
works on a column's *distinct* values (a column of 200,000 cells rarely holds more than a few
thousand different dates, codes or numbers) and spreads the result back with one ``take``, so
no Python code runs per cell. Problems are collected (file, spreadsheet row, column, what is
wrong), never raised one by one: :func:`read_tables` raises one :class:`InputError` listing all
of them.

The frames returned are normalised: every contract column is present with its default, IDs are
strings exactly as written (trimmed of surrounding spaces), dates are ``datetime64[s]``, lists
are tuples, and the column ``_row`` holds the spreadsheet's own row number (header = 1, first
record = 2; blank lines keep their number, as in a spreadsheet). Extra columns are kept as text.
Text is never re-encoded or normalised: Vietnamese diacritics stay byte for byte, composed (NFC)
or decomposed (NFD). Codes (genders, booleans, ratings, …) are compared after NFC normalisation
and lower-casing, so ``Có`` typed either way means yes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator.errors import InputError, Issue, Severity, warning
from allocator.scenario import DISCIPLINES, LEVELS_CEFR, RATINGS, Scenario, TableRef

ROW = "_row"
MAX_ROWS_PER_PROBLEM = 20  # past this, one line says how many more rows have the same problem

TRUE_WORDS = {"true", "yes", "1", "có", "co", "x", "y", "t", "đúng"}
FALSE_WORDS = {"false", "no", "0", "không", "khong", "n", "f", "sai"}
GENDER_WORDS = {"f": "F", "m": "M", "nữ": "F", "nu": "F", "nam": "M", "female": "F", "male": "M"}
RATING_WORDS = {
    "xuất sắc": "excellent",
    "hoàn thành xuất sắc": "excellent",
    "hoàn thành xuất sắc nhiệm vụ": "excellent",
    "tốt": "good",
    "hoàn thành tốt": "good",
    "hoàn thành tốt nhiệm vụ": "good",
    "hoàn thành": "complete",
    "hoàn thành nhiệm vụ": "complete",
    "không hoàn thành": "incomplete",
    "không hoàn thành nhiệm vụ": "incomplete",
}
DISCIPLINE_WORDS = {
    "": "none",
    "không": "none",
    "đang xem xét": "under_review",
    "đang xem xét kỷ luật": "under_review",
    "khiển trách": "reprimand",
    "cảnh cáo": "warning",
    "giáng chức": "demotion",
    "hạ bậc lương": "demotion",
    "cách chức": "dismissal",
    "buộc thôi việc": "dismissal",
}
DEFAULT_DURATION_DAYS = {"short_term": 14, "medium_term": 90, "language": 240, "course": 10}
YEAR_RANGE = (1900, 2200)
INT64_LIMIT = 2**62  # money and counts beyond this are typing mistakes (and overflow int64 sums)
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Column:
    """One column of the contract: its kind, whether required, and its default."""

    name: str
    kind: str  # id | text | enum | date | bool | int | number | list | cefr
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    lower: bool = False  # codes compared case-insensitively are stored lower-case
    bounds: tuple[int, int] | None = None  # plausible range of a number (inclusive)
    negative_ok: bool = False


CANDIDATES = (
    Column("candidate_id", "id", required=True),
    Column("full_name", "text", required=True),
    Column("agency", "text", required=True),
    Column("gender", "enum", required=True, choices=("F", "M"), aliases=GENDER_WORDS),
    Column("birth_date", "date", required=True),
    Column("position_level", "text", required=True),
    Column("field", "text", required=True),
    Column("years_of_service", "number", default=0.0),
    Column("secondary_fields", "list", default=()),
    Column("planned_position", "text", default=""),
    Column("planned_field", "text", default=""),
    Column("leader_term_end", "date"),
    Column("rating_prev_year", "enum", default="good", choices=RATINGS, aliases=RATING_WORDS),
    Column("discipline", "enum", default="none", choices=DISCIPLINES, aliases=DISCIPLINE_WORDS),
    Column("exit_restricted", "bool", default=False),
    Column("health_ok", "bool", default=True),
    Column("language", "text", default="", lower=True),
    Column("language_level", "cefr", default=""),
    Column("priority", "number", default=1.0),
    Column("preferences", "list", default=()),
    Column("must_train", "bool", default=False),
)

PROGRAMS = (
    Column("program_id", "id", required=True),
    Column("title", "text", required=True),
    Column("mode", "enum", required=True, choices=("domestic", "overseas")),
    Column("type", "text", required=True),
    Column("field", "text", required=True),
    Column("year", "int", required=True, bounds=YEAR_RANGE),
    Column("capacity", "int", required=True),
    Column("cost_per_person", "int", required=True),
    Column("min_size", "int", default=0),
    Column("fixed_cost", "int", default=0),
    Column("funding_source", "text", default="state_budget"),
    Column("budget_cap", "int"),
    Column("content_group", "text", default=""),
    Column("country", "text", default=""),
    Column("start_date", "date"),
    Column("duration_days", "int"),
    Column("language", "text", default="", lower=True),
    Column("min_language_level", "cefr", default=""),
    Column("target_levels", "list", default=()),
)

PAIRS = (
    Column("candidate_id", "id", required=True),
    Column("program_id", "id", required=True),
    Column("score", "int", negative_ok=True),
    Column("cost", "int"),
    Column("status", "enum", default="", choices=("allowed", "forbidden", "forced")),
)

HISTORY = (
    Column("candidate_id", "id", required=True),
    Column("year", "int", required=True, bounds=YEAR_RANGE),
    Column("mode", "enum", required=True, choices=("domestic", "overseas")),
    Column("type", "text", required=True),
    Column("program_id", "text", default=""),
)

SCHEMAS: dict[str, tuple[Column, ...]] = {
    "candidates": CANDIDATES,
    "programs": PROGRAMS,
    "pairs": PAIRS,
    "history": HISTORY,
}
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "candidates": ("candidate_id",),
    "programs": ("program_id",),
    "pairs": ("candidate_id", "program_id"),
    "history": ("candidate_id",),
}


@dataclass(frozen=True)
class Tables:
    """The four normalised tables and where each came from (file and sheet)."""

    candidates: pd.DataFrame
    programs: pd.DataFrame
    pairs: pd.DataFrame
    history: pd.DataFrame
    sources: dict[str, str]
    warnings: tuple[Issue, ...] = ()


class _Collector:
    """Collects problems, grouping rows that share one problem so a bad column is one block."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def rows(self, file: str, rows: pd.Series, column: str, message: Callable[[Any], str],
             severity: Severity = Severity.ERROR) -> None:
        """One issue per bad row, up to a limit, then one line for the rest.

        ``rows`` maps a frame position (its index) to the spreadsheet row; ``message`` gets
        the position.
        """
        positions = list(rows.index)
        for pos in positions[:MAX_ROWS_PER_PROBLEM]:
            self.issues.append(Issue(file, int(rows[pos]), column, message(pos), severity))
        extra = len(positions) - MAX_ROWS_PER_PROBLEM
        if extra > 0:
            self.issues.append(Issue(file, None, column,
                                     f"… and {extra} more rows with the same problem", severity))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]


# --------------------------------------------------------------------------------------------
# Raw reading: every cell as text, exactly as written.
# --------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """An XLSX cell as the text a planner sees (7.0 -> '7', a date -> '2024-03-01')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, sheet: str) -> pd.DataFrame:
    import openpyxl  # imported here: only workbook users pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a zip/XML problem: not a workbook openpyxl can open
        raise InputError([Issue(str(path), message="cannot open the workbook: "
                                f"{type(exc).__name__}: {exc} (save it again as .xlsx)")]) \
            from None
    try:
        if sheet not in book.sheetnames:
            sheets = ", ".join(repr(n) for n in book.sheetnames)
            raise InputError([Issue(str(path), message=f"no sheet {sheet!r} (sheets: {sheets})")])
        ws = book[sheet]
        # Some writers store a wrong <dimension>: read every row and cell that is there.
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return pd.DataFrame()
        names = [_cell_text(h) for h in header]
        while names and names[-1].strip() == "":
            names.pop()
        width = len(names)
        records = []
        for values in rows:
            cells = [_cell_text(v) for v in values[:width]]
            cells += [""] * (width - len(cells))
            records.append(cells)
        return pd.DataFrame(records, columns=pd.Index(names, dtype=object), dtype=object)
    finally:
        book.close()


def _raw_bytes(path: Path) -> bytes:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as f:
        return f.read()


def _not_utf8(path: Path, table: str) -> InputError:
    """Where the first byte that is not UTF-8 sits: row (and column, when the header reads)."""
    row = column = None
    detail = ""
    try:
        data = _raw_bytes(path)
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        row = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        header = data.split(b"\n", 1)[0].rstrip(b"\r")
        try:
            names = [n.strip() for n in header.decode("utf-8-sig").split(",")]
            index = data[line_start:offset].count(b",")
            column = names[index] if row > 1 and index < len(names) else None
        except UnicodeDecodeError:
            column = None
        detail = f" (byte 0x{data[offset]:02X})"
    except (OSError, EOFError, gzip.BadGzipFile):
        pass
    return InputError([Issue(str(path), row, column,
                             f"the {table} file is not UTF-8 text{detail}: save it as "
                             "'CSV UTF-8' (Excel) or use the .xlsx workbook")])


def _sniff_separator(path: Path) -> str:
    """``,`` unless the header line has none and uses ``;`` or a tab (regional Excel exports)."""
    try:
        opener = gzip.open if path.suffix.lower() == ".gz" else open
        with opener(path, "rb") as f:
            first = f.readline()
    except (OSError, EOFError, gzip.BadGzipFile):
        return ","
    if b"," in first:
        return ","
    if first.count(b";") > 0 and first.count(b";") >= first.count(b"\t"):
        return ";"
    return "\t" if b"\t" in first else ","


def _read_csv(path: Path, table: str) -> pd.DataFrame:
    try:
        grid = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                           header=None, skip_blank_lines=False, sep=_sniff_separator(path))
    except UnicodeDecodeError:
        raise _not_utf8(path, table) from None
    except pd.errors.EmptyDataError:
        raise InputError([Issue(str(path), message=f"the {table} file is empty")]) from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            want, line, saw = found.groups()
            raise InputError([Issue(str(path), int(line), None,
                                    f"this row has {saw} cells but the header has {want} "
                                    "(a comma inside a value needs quotes)")]) from None
        raise InputError([Issue(str(path), message=f"cannot read the {table} table: {exc}")]) \
            from None
    if grid.empty:
        return pd.DataFrame()
    names = [str(v) for v in grid.iloc[0]]
    frame = grid.iloc[1:]
    frame.columns = pd.Index(names, dtype=object)
    return frame


def read_raw(ref: TableRef, table: str) -> pd.DataFrame:
    """Read one table as text cells; raise :class:`InputError` if the file cannot be read.

    The frame has the column ``_row`` (the spreadsheet row) first, then the file's columns in
    order, every cell a string (``""`` when empty); fully blank rows are dropped.
    """
    path = Path(ref.path)
    if not path.exists():
        raise InputError([Issue(str(path), message=f"{table} file not found")])
    if path.is_dir():
        raise InputError([Issue(str(path), message=f"{table}: a folder, not a file")])
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if path.suffix.lower() in XLSX_SUFFIXES:
            frame = _read_xlsx(path, ref.sheet or table)
        elif suffix.endswith((".csv", ".csv.gz", ".txt", ".tsv")):
            if ref.sheet:
                raise InputError([Issue(str(path), message=f"sheet {ref.sheet!r} given for a "
                                        "CSV file (sheets are for .xlsx workbooks)")])
            frame = _read_csv(path, table)
        else:
            raise InputError([Issue(str(path), message="expected a .csv, .csv.gz or .xlsx file"
                                    + (" (save the .xls workbook as .xlsx)"
                                       if path.suffix.lower() == ".xls" else ""))])
    except InputError:
        raise
    except UnicodeDecodeError:
        raise _not_utf8(path, table) from None
    except Exception as exc:  # any reader failure is a user's file problem, reported in one line
        raise InputError([Issue(str(path), message=f"cannot read the {table} table: "
                                f"{type(exc).__name__}: {exc}")]) from None
    return _tidy(frame)


def _strip(column: pd.Series) -> pd.Series:
    """Trim surrounding spaces, working on the distinct values only."""
    codes, u = _distinct(column)
    return _spread(np.array(u, dtype=object), codes, column.index, "str")


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Header names trimmed, spreadsheet row numbers added, blank rows dropped.

    Cells stay as read (object arrays of ``str``); they are trimmed when parsed, on their
    distinct values (:func:`_distinct`).
    """
    names = [str(c).strip().lstrip("\ufeff").strip() for c in frame.columns]
    n = len(frame)
    cells: dict[str, np.ndarray] = {}
    for i, name in enumerate(names):
        col = frame.iloc[:, i].to_numpy(dtype=object) if n else np.zeros(0, dtype=object)
        if name == "":
            if n == 0 or not any(str(v).strip() for v in pd.unique(col)):
                continue  # an unnamed, empty column: a trailing separator or formatting
            name = f"column_{i + 1}"
        if name in cells:  # a repeated header: kept under a marked name, reported by parse_table
            k = 2
            while f"{name}\x00{k}" in cells:
                k += 1
            name = f"{name}\x00{k}"
        cells[name] = col
    out = pd.DataFrame({ROW: np.arange(2, n + 2, dtype=np.int64)})
    if cells:
        out = pd.concat([out, pd.DataFrame(cells, dtype=object)], axis=1)
    if cells and n:
        blank = np.ones(n, dtype=bool)
        for col in cells.values():
            blank &= col == ""
        if blank.any():
            out = out[~blank].reset_index(drop=True)
    return out


# --------------------------------------------------------------------------------------------
# Parsing: one pass per column, over its distinct values.
# --------------------------------------------------------------------------------------------


def _distinct(text: pd.Series) -> tuple[np.ndarray, list[str]]:
    """``codes`` and the distinct values, trimmed: row ``i`` holds ``uniques[codes[i]]``.

    Two spellings that differ only in surrounding spaces stay two entries (same value).
    """
    codes, uniques = pd.factorize(text.to_numpy(dtype=object), use_na_sentinel=False)
    return codes, [("" if v is None or v != v else str(v)).strip() for v in uniques]


def _spread(values: np.ndarray | pd.api.extensions.ExtensionArray, codes: np.ndarray,
            index: pd.Index, dtype: str | None = None) -> pd.Series:
    """The per-distinct-value ``values`` back on every row."""
    return pd.Series(values.take(codes), index=index, dtype=dtype)


def _code_key(value: str) -> str:
    """How a code is compared: NFC, lower case (``Có``, ``CÓ`` and decomposed ``có`` agree)."""
    return unicodedata.normalize("NFC", value).lower()


def _parse_date(value: str) -> np.datetime64:
    """``YYYY-MM-DD`` (a workbook's ``YYYY-MM-DD 00:00:00`` too); NaT when it is no date."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
                         value)
    if not found:
        return np.datetime64("NaT")
    try:
        day = dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return np.datetime64("NaT")
    return np.datetime64(day, "s")


_NOT_NUMBER = re.compile(r"[\s_\u00a0\u202f]")


def _parse_number(value: str) -> float:
    try:
        return float(_NOT_NUMBER.sub("", value))
    except ValueError:
        return float("nan")


def _parse_column(frame: pd.DataFrame, col: Column, file: str, out: _Collector,
                  present: bool = True) -> pd.Series:
    """Parse one column; ``present=False`` gives the column's default on every row.

    The work is done once per distinct value (plain Python over a short list) and spread back
    to the rows with one ``take``: the cost is a hash of each cell, whatever the kind.
    """
    rows = frame[ROW]
    index = frame.index
    if not present or col.name not in frame:
        text = pd.Series("", index=index, dtype=object)
    else:
        text = frame[col.name]
    codes, u = _distinct(text)
    empty_u = np.array([v == "" for v in u], dtype=bool)
    if col.required and present and empty_u.any():
        empty = empty_u.take(codes)
        out.rows(file, rows[empty], col.name, lambda _: "empty, but required")

    def report(bad_u: np.ndarray, message: Callable[[str], str]) -> np.ndarray:
        if not bad_u.any():
            return bad_u
        bad = bad_u.take(codes)
        out.rows(file, rows[bad], col.name, lambda pos: message(u[codes[index.get_loc(pos)]]))
        return bad_u

    kind = col.kind
    if kind in ("id", "text"):
        values = [v.lower() for v in u] if col.lower else list(u)
        if col.default:
            values = [col.default if v == "" else v for v in values]
        return _spread(np.array(values, dtype=object), codes, index, "str")
    if kind == "enum":
        lookup = {_code_key(k): v for k, v in col.aliases.items()}
        lookup |= {c.lower(): c for c in col.choices}
        mapped = [lookup.get(_code_key(v)) if v else None for v in u]
        allowed = ", ".join(col.choices)
        report(np.array([m is None for m in mapped], dtype=bool) & ~empty_u,
               lambda v: f"{v!r} is not one of: {allowed}")
        default = col.default if col.default is not None else ""
        values = [default if v == "" else (m or "") for v, m in zip(u, mapped, strict=True)]
        return _spread(np.array(values, dtype=object), codes, index, "str")
    if kind == "cefr":
        upper = [v.upper() for v in u]
        bad_u = np.array([v not in LEVELS_CEFR for v in upper], dtype=bool) & ~empty_u
        report(bad_u, lambda v: f"{v!r} is not a CEFR level (A1, A2, B1, B2, C1, C2)")
        values = ["" if b else v for v, b in zip(upper, bad_u, strict=True)]
        return _spread(np.array(values, dtype=object), codes, index, "str")
    if kind == "bool":
        keys = [_code_key(v) for v in u]
        is_true = np.array([k in TRUE_WORDS for k in keys], dtype=bool)
        is_false = np.array([k in FALSE_WORDS for k in keys], dtype=bool)
        report(~empty_u & ~is_true & ~is_false,
               lambda v: f"{v!r} is not a yes/no value (true/false, yes/no, 1/0, có/không)")
        return _spread(np.where(empty_u, bool(col.default), is_true), codes, index)
    if kind == "date":
        parsed = np.array([_parse_date(v) if v else np.datetime64("NaT") for v in u],
                          dtype="datetime64[s]")
        report(np.isnat(parsed) & ~empty_u, lambda v: f"{v!r} is not a date (YYYY-MM-DD)")
        return _spread(parsed, codes, index)
    if kind in ("int", "number"):
        nums = np.array([_parse_number(v) if v else np.nan for v in u], dtype=float)
        bad_u = ~np.isfinite(nums) & ~empty_u
        report(bad_u, lambda v: f"{v!r} is not a number (write digits only, e.g. 85000000)")
        ok = ~bad_u & ~empty_u
        safe = np.where(ok, nums, 0.0)
        if kind == "int":
            frac = ok & (safe != np.floor(safe))
            report(frac, lambda v: f"{v!r} is not a whole number")
            huge = ok & ~frac & (np.abs(safe) >= INT64_LIMIT)
            report(huge, lambda v: f"{v!r} is too large")
            ok &= ~frac & ~huge
        if not col.negative_ok:
            report(ok & (safe < 0), lambda v: f"{v} is negative")
        if col.bounds is not None:
            lo, hi = col.bounds
            report(ok & ((safe < lo) | (safe > hi)),
                   lambda v: f"{v} is not a plausible year ({lo}–{hi})")
        nums = np.where(ok, nums, np.nan)
        if col.default is not None:
            nums = np.where(np.isnan(nums), float(col.default), nums)
        if kind == "int":
            valid = ~np.isnan(nums)
            ints = pd.arrays.IntegerArray(np.where(valid, nums, 0).round().astype(np.int64),
                                          ~valid)
            return _spread(ints, codes, index)
        return _spread(nums, codes, index)
    if kind == "list":
        lists = np.empty(len(u), dtype=object)
        lists[:] = [tuple(p.strip() for p in v.split(";") if p.strip()) for v in u]
        return _spread(lists, codes, index)
    raise AssertionError(f"unknown column kind {kind}")


def parse_table(raw: pd.DataFrame, table: str, file: str, out: _Collector) -> pd.DataFrame:
    """Check the columns of one table and parse them to their types.

    Every present column is parsed even when another is missing, so that one run lists every
    problem; a missing column's values are its default (or empty) without a message per row.
    """
    schema = SCHEMAS[table]
    columns = [c for c in raw.columns if c != ROW]
    for name in columns:
        if "\x00" in name:
            base = name.split("\x00")[0]
            out.add(Issue(file, 1, base, "the column appears twice in the header (the "
                          "second one is ignored)"))
    raw = raw[[ROW, *(c for c in columns if "\x00" not in c)]]
    missing = {c.name for c in schema if c.required and c.name not in raw.columns}
    for col in schema:
        if col.name in missing:
            near = _near(col.name, [c for c in raw.columns if c != ROW])
            out.add(Issue(file, 1, col.name, f"required column {col.name!r} is missing from "
                          "the header" + (f" (is {near!r} meant to be it?)" if near else "")))
    parsed = {ROW: raw[ROW].to_numpy(dtype=np.int64)}
    for col in schema:
        parsed[col.name] = _parse_column(raw, col, file, out, present=col.name not in missing)
    frame = pd.DataFrame(parsed, index=raw.index)
    for name in raw.columns:
        if name not in parsed:
            frame[name] = _strip(raw[name])
    return frame.reset_index(drop=True)


def _near(name: str, columns: list[str]) -> str | None:
    """A header cell that is probably the wanted column, spelt differently (case, spaces)."""
    squash = name.replace("_", "").lower()
    for c in columns:
        if c.replace("_", "").replace(" ", "").lower() == squash:
            return c
    return None


def _check_unique(frame: pd.DataFrame, keys: list[str], file: str, out: _Collector) -> None:
    filled = np.ones(len(frame), dtype=bool)
    for k in keys:
        filled &= (frame[k] != "").to_numpy()
    dup = frame.duplicated(keys, keep="first").to_numpy() & filled
    if dup.any():
        first_row = frame.groupby(keys, sort=False)[ROW].transform("first")
        label = " + ".join(keys)

        def message(pos: int) -> str:
            value = (tuple(frame.loc[pos, keys]) if len(keys) > 1
                     else repr(frame.loc[pos, keys[0]]))
            return f"duplicate {label} {value} (first on row {first_row[pos]})"

        out.rows(file, frame.loc[dup, ROW], keys[-1] if len(keys) == 1 else label, message)


def _finish_programs(programs: pd.DataFrame, file: str, out: _Collector) -> pd.DataFrame:
    """Cross-column checks and derived defaults: ``start_date`` and ``duration_days``."""
    if programs.empty:
        return programs
    rows = programs[ROW]
    too_small = ((programs["min_size"] > programs["capacity"])
                 & (programs["capacity"] >= 0)).fillna(False).astype(bool)
    if too_small.any():
        out.rows(file, rows[too_small], "min_size",
                 lambda pos: f"programme {programs.at[pos, 'program_id']!r}: min_size "
                             f"{programs.at[pos, 'min_size']} exceeds capacity "
                             f"{programs.at[pos, 'capacity']}")
    year = programs["year"].fillna(2000).to_numpy(dtype=np.int64)
    jan1 = pd.Series((year - 1970).astype("datetime64[Y]").astype("datetime64[s]"),
                     index=programs.index)
    programs["start_date"] = programs["start_date"].fillna(jan1)
    default_days = programs["type"].map(DEFAULT_DURATION_DAYS).fillna(10)
    programs["duration_days"] = programs["duration_days"].fillna(default_days).astype("Int64")
    start_year = programs["start_date"].dt.year
    off = (programs["start_date"].notna() & (start_year != year)
           & programs["year"].notna()).to_numpy()
    if off.any():
        out.rows(file, rows[off], "start_date",
                 lambda pos: f"starts in {start_year[pos]} but the programme's year is "
                             f"{year[pos]}", Severity.WARNING)
    return programs


def _ids(frame: pd.DataFrame, column: str) -> pd.Index:
    """A table's IDs as a hashed index (``isin`` against it is one vectorised pass)."""
    return pd.Index(pd.unique(frame[column].to_numpy(dtype=object)), dtype=object)


def _check_references(tables: dict[str, pd.DataFrame], files: dict[str, str],
                      usable: set[str], out: _Collector) -> None:
    """IDs that name nothing: pairs and preferences (errors), history (warning, ignored)."""
    cand_ids = _ids(tables["candidates"], "candidate_id") if "candidates" in usable else None
    prog_ids = _ids(tables["programs"], "program_id") if "programs" in usable else None
    pairs = tables["pairs"]
    if "pairs" in usable and len(pairs):
        for column, known, what in (("candidate_id", cand_ids, "candidate"),
                                    ("program_id", prog_ids, "programme")):
            if known is None:
                continue
            unknown = ~pairs[column].isin(known) & (pairs[column] != "")

            def message(pos: int, c: str = column, w: str = what) -> str:
                return f"unknown {w} {pairs.at[pos, c]!r}"

            out.rows(files["pairs"], pairs.loc[unknown, ROW], column, message)
    cands = tables["candidates"]
    if prog_ids is not None and "candidates" in usable and len(cands):
        exploded = cands[["preferences", ROW]].explode("preferences").dropna()
        unknown = exploded[~exploded["preferences"].isin(prog_ids)].reset_index(drop=True)
        if len(unknown):
            out.rows(files["candidates"], unknown[ROW], "preferences",
                     lambda pos: f"unknown programme {unknown.at[pos, 'preferences']!r}")
    history = tables["history"]
    if cand_ids is not None and "history" in usable and len(history):
        stray = ~history["candidate_id"].isin(cand_ids) & (history["candidate_id"] != "")
        if stray.any():
            out.rows(files["history"], history.loc[stray, ROW], "candidate_id",
                     lambda pos: f"candidate {history.at[pos, 'candidate_id']!r} is not among "
                                 "the candidates (row ignored)", Severity.WARNING)


def empty_table(table: str) -> pd.DataFrame:
    """An empty, correctly typed table (for the optional pairs and history)."""
    out = _Collector()
    raw = pd.DataFrame({c.name: pd.Series(dtype=object) for c in SCHEMAS[table]})
    raw.insert(0, ROW, pd.Series(dtype=np.int64))
    return parse_table(raw, table, table, out)


def describe(ref: TableRef) -> str:
    """The name of a table's source as a planner would say it: ``data.xlsx [candidates]``."""
    return f"{ref.path}" + (f" [{ref.sheet}]" if ref.sheet else "")


def read_tables(scenario: Scenario) -> Tables:
    """Read and check the scenario's tables, reporting every problem at once.

    Raises
    ------
    InputError
        With every error found in every table (warnings ride along in ``Tables.warnings``).
    """
    out = _Collector()
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    usable: set[str] = set()  # tables whose ID columns were read (cross-references can run)
    for table in ("candidates", "programs", "pairs", "history"):
        ref: TableRef | None = getattr(scenario.data, table)
        if ref is None:
            frames[table] = empty_table(table)
            files[table] = table
            usable.add(table)
            continue
        is_book = Path(ref.path).suffix.lower() in XLSX_SUFFIXES
        files[table] = describe(ref) if ref.sheet or not is_book else f"{ref.path} [{table}]"
        try:
            raw = read_raw(ref, table)
        except InputError as exc:
            out.issues.extend(exc.issues)
            frames[table] = empty_table(table)
            continue
        frames[table] = parse_table(raw, table, files[table], out)
        if all(k in raw.columns for k in ID_COLUMNS[table]):
            usable.add(table)
        if table in ("candidates", "programs") and len(frames[table]) == 0:
            out.add(warning(files[table], f"the {table} table has no rows", code="empty_table"))
    if "candidates" in usable:
        _check_unique(frames["candidates"], ["candidate_id"], files["candidates"], out)
    if "programs" in usable:
        _check_unique(frames["programs"], ["program_id"], files["programs"], out)
    frames["programs"] = _finish_programs(frames["programs"], files["programs"], out)
    if "pairs" in usable:
        _check_unique(frames["pairs"], ["candidate_id", "program_id"], files["pairs"], out)
    _check_references(frames, files, usable, out)
    if out.errors:
        raise InputError(out.issues)
    history = frames["history"]
    if len(history):
        history = history[history["candidate_id"].isin(_ids(frames["candidates"], "candidate_id"))]
    warnings = tuple(i for i in out.issues if i.severity is Severity.WARNING)
    return Tables(frames["candidates"], frames["programs"], frames["pairs"],
                  history.reset_index(drop=True), files, warnings)


__all__ = ["Tables", "read_tables", "read_raw", "parse_table", "SCHEMAS", "ROW", "warning"]
