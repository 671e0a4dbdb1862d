"""Reading the input tables (candidates, programs, pairs, history) from CSV or XLSX.

Each table is read as text, then every column of the contract is parsed to its type in one
vectorised pass. Problems are collected (file, spreadsheet row, column, what is wrong), never
raised one by one: :func:`read_tables` raises one :class:`InputError` listing all of them.

The frames returned are normalised: every contract column is present with its default, IDs are
strings exactly as written, dates are ``datetime64``, lists are tuples, and the column ``_row``
holds the spreadsheet's own row number (header = 1, first record = 2). Extra columns are kept.
"""

from __future__ import annotations

import datetime as dt
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
    "tốt": "good",
    "hoàn thành tốt": "good",
    "hoàn thành": "complete",
    "không hoàn thành": "incomplete",
}
DEFAULT_DURATION_DAYS = {"short_term": 14, "medium_term": 90, "language": 240, "course": 10}


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
    Column("discipline", "enum", default="none", choices=DISCIPLINES),
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
    Column("year", "int", required=True),
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
    Column("score", "int"),
    Column("cost", "int"),
    Column("status", "enum", default="", choices=("allowed", "forbidden", "forced")),
)

HISTORY = (
    Column("candidate_id", "id", required=True),
    Column("year", "int", required=True),
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

    def rows(self, file: str, rows: pd.Series, column: str, message: Callable[[int], str],
             severity: Severity = Severity.ERROR) -> None:
        """One issue per bad row, up to a limit, then one line for the rest."""
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
    return str(value).strip()


def _read_xlsx(path: Path, sheet: str) -> pd.DataFrame:
    import openpyxl  # imported here: only workbook users pay for it

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet not in book.sheetnames:
            names = ", ".join(repr(n) for n in book.sheetnames)
            raise InputError([Issue(str(path), message=f"no sheet {sheet!r} (sheets: {names})")])
        rows = book[sheet].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return pd.DataFrame()
        names = [_cell_text(h) for h in header]
        while names and names[-1] == "":
            names.pop()
        width = len(names)
        records = []
        for values in rows:
            cells = [_cell_text(v) for v in values[:width]]
            cells += [""] * (width - len(cells))
            records.append(cells)
        # Trailing empty rows are formatting, not records.
        while records and not any(records[-1]):
            records.pop()
        return pd.DataFrame(records, columns=names, dtype=object)
    finally:
        book.close()


def read_raw(ref: TableRef, table: str) -> pd.DataFrame:
    """Read one table as text cells; raise :class:`InputError` if the file cannot be read."""
    path = Path(ref.path)
    if not path.exists():
        raise InputError([Issue(str(path), message=f"{table} file not found")])
    suffix = "".join(path.suffixes[-2:]).lower()
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = _read_xlsx(path, ref.sheet or table)
        elif suffix.endswith((".csv", ".csv.gz", ".txt")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                skipinitialspace=False)
        else:
            raise InputError([Issue(str(path), message="expected a .csv, .csv.gz or .xlsx file")])
    except InputError:
        raise
    except UnicodeDecodeError:
        raise InputError([Issue(str(path), message="not UTF-8 text: save the CSV as "
                                "'CSV UTF-8' (Excel) or use the .xlsx workbook")]) from None
    except Exception as exc:  # any reader failure is a user's file problem, reported in one line
        raise InputError([Issue(str(path), message=f"cannot read the {table} table: {exc}")]) \
            from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v)
    frame.insert(0, ROW, np.arange(2, len(frame) + 2))
    return frame


# --------------------------------------------------------------------------------------------
# Parsing: one vectorised pass per column.
# --------------------------------------------------------------------------------------------


def _parse_column(frame: pd.DataFrame, col: Column, file: str, out: _Collector) -> pd.Series:
    text = frame[col.name].astype(str) if col.name in frame else pd.Series("", index=frame.index)
    empty = text == ""
    rows = frame[ROW]
    if col.required and empty.any():
        out.rows(file, rows[empty], col.name, lambda _: "empty, but required")
    kind = col.kind
    if kind in ("id", "text"):
        text = text.str.lower() if col.lower else text
        return text.mask(empty, col.default) if col.default else text
    if kind == "enum":
        lowered = text.str.lower()
        mapped = lowered.map(lambda v: col.aliases.get(v, v))
        valid = {c.lower(): c for c in col.choices}
        result = mapped.map(lambda v: valid.get(v.lower()) if v else "")
        bad = ~empty & result.isna()
        if bad.any():
            allowed = ", ".join(col.choices)
            out.rows(file, rows[bad], col.name,
                     lambda pos: f"{text[pos]!r} is not one of: {allowed}")
        result = result.fillna("")
        if col.default is not None:
            result = result.mask(empty, col.default)
        return result
    if kind == "cefr":
        upper = text.str.upper()
        bad = ~empty & ~upper.isin(LEVELS_CEFR)
        if bad.any():
            out.rows(file, rows[bad], col.name,
                     lambda pos: f"{text[pos]!r} is not a CEFR level (A1, A2, B1, B2, C1, C2)")
        return upper.where(~bad, "")
    if kind == "bool":
        lowered = text.str.lower()
        is_true = lowered.isin(TRUE_WORDS)
        bad = ~empty & ~is_true & ~lowered.isin(FALSE_WORDS)
        if bad.any():
            out.rows(file, rows[bad], col.name,
                     lambda pos: f"{text[pos]!r} is not a yes/no value "
                                 "(true/false, yes/no, 1/0, có/không)")
        return is_true.where(~empty, bool(col.default))
    if kind == "date":
        parsed = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
        # Workbooks may hold a date with a time part ("2024-03-01 00:00:00").
        retry = parsed.isna() & ~empty
        if retry.any():
            parsed[retry] = pd.to_datetime(text[retry].str.slice(0, 10), format="%Y-%m-%d",
                                           errors="coerce")
        bad = parsed.isna() & ~empty
        if bad.any():
            out.rows(file, rows[bad], col.name,
                     lambda pos: f"{text[pos]!r} is not a date (YYYY-MM-DD)")
        return parsed.astype("datetime64[s]")
    if kind in ("int", "number"):
        cleaned = text.str.replace(r"[\s_]", "", regex=True)
        numbers = pd.to_numeric(cleaned.where(~empty), errors="coerce")
        bad = numbers.isna() & ~empty
        if bad.any():
            out.rows(file, rows[bad], col.name, lambda pos: f"{text[pos]!r} is not a number")
        if kind == "int":
            frac = numbers.notna() & (numbers != np.floor(numbers.fillna(0)))
            if frac.any():
                out.rows(file, rows[frac], col.name,
                         lambda pos: f"{text[pos]!r} is not a whole number")
        allow_negative = col.name == "score"
        negative = numbers.notna() & (numbers < 0)
        if negative.any() and not allow_negative:
            out.rows(file, rows[negative], col.name,
                     lambda pos: f"{text[pos]} is negative")
        if col.default is not None:
            numbers = numbers.fillna(col.default)
        if kind == "int":
            return numbers.round().astype("Int64")
        return numbers.astype(float)
    if kind == "list":
        return text.map(lambda v: tuple(p.strip() for p in v.split(";") if p.strip()))
    raise AssertionError(f"unknown column kind {kind}")


def parse_table(raw: pd.DataFrame, table: str, file: str, out: _Collector) -> pd.DataFrame:
    """Check the columns of one table and parse them to their types."""
    schema = SCHEMAS[table]
    missing = [c.name for c in schema if c.required and c.name not in raw.columns]
    for name in missing:
        out.add(Issue(file, 1, name, f"required column {name!r} is missing from the header"))
    dupes = raw.columns[raw.columns.duplicated()].unique()
    for name in dupes:
        out.add(Issue(file, 1, str(name), "the column appears twice in the header"))
    if missing or len(dupes):
        return pd.DataFrame()
    parsed = {ROW: raw[ROW]}
    for col in schema:
        parsed[col.name] = _parse_column(raw, col, file, out)
    extra = [c for c in raw.columns if c != ROW and c not in parsed]
    frame = pd.DataFrame(parsed)
    for name in extra:
        frame[name] = raw[name]
    return frame.reset_index(drop=True)


def _check_unique(frame: pd.DataFrame, keys: list[str], file: str, out: _Collector) -> None:
    dup = frame.duplicated(keys, keep="first")
    if dup.any():
        first_row = frame.groupby(keys, sort=False)[ROW].transform("first")
        label = " + ".join(keys)
        out.rows(file, frame.loc[dup, ROW], keys[-1] if len(keys) == 1 else label,
                 lambda pos: f"duplicate {label} {tuple(frame.loc[pos, keys]) if len(keys) > 1 else frame.loc[pos, keys[0]]!r} "
                             f"(first on row {first_row[pos]})")


def _finish_programs(programs: pd.DataFrame, file: str, out: _Collector) -> pd.DataFrame:
    if programs.empty:
        return programs
    rows = programs[ROW]
    too_small = (programs["min_size"] > programs["capacity"]) & (programs["capacity"] >= 0)
    if too_small.fillna(False).any():
        out.rows(file, rows[too_small.fillna(False)], "min_size",
                 lambda pos: f"programme {programs.at[pos, 'program_id']!r}: min_size "
                             f"{programs.at[pos, 'min_size']} exceeds capacity "
                             f"{programs.at[pos, 'capacity']}")
    year = programs["year"].fillna(2000).astype(int)
    jan1 = pd.to_datetime(year.astype(str) + "-01-01").astype("datetime64[s]")
    programs["start_date"] = programs["start_date"].fillna(jan1)
    default_days = programs["type"].map(DEFAULT_DURATION_DAYS).fillna(10)
    programs["duration_days"] = programs["duration_days"].fillna(default_days).astype("Int64")
    start_year = programs["start_date"].dt.year
    off = programs["start_date"].notna() & (start_year != year)
    if off.any():
        out.rows(file, rows[off], "start_date",
                 lambda pos: f"starts in {start_year[pos]} but the programme's year is "
                             f"{year[pos]}", Severity.WARNING)
    return programs


def _check_references(tables: dict[str, pd.DataFrame], files: dict[str, str],
                      out: _Collector) -> None:
    cand_ids = set(tables["candidates"]["candidate_id"]) if "candidate_id" in tables[
        "candidates"] else set()
    prog_ids = set(tables["programs"]["program_id"]) if "program_id" in tables[
        "programs"] else set()
    pairs = tables["pairs"]
    if not pairs.empty and cand_ids and prog_ids:
        unknown_c = ~pairs["candidate_id"].isin(cand_ids) & (pairs["candidate_id"] != "")
        out.rows(files["pairs"], pairs.loc[unknown_c, ROW], "candidate_id",
                 lambda pos: f"unknown candidate {pairs.at[pos, 'candidate_id']!r}")
        unknown_p = ~pairs["program_id"].isin(prog_ids) & (pairs["program_id"] != "")
        out.rows(files["pairs"], pairs.loc[unknown_p, ROW], "program_id",
                 lambda pos: f"unknown programme {pairs.at[pos, 'program_id']!r}")
    cands = tables["candidates"]
    if not cands.empty and prog_ids:
        exploded = cands[["preferences", ROW]].explode("preferences").dropna()
        unknown = exploded[~exploded["preferences"].isin(prog_ids)]
        if len(unknown):
            out.rows(files["candidates"], unknown[ROW].reset_index(drop=True), "preferences",
                     lambda pos: f"unknown programme {unknown['preferences'].iloc[pos]!r}")
    history = tables["history"]
    if not history.empty and cand_ids:
        stray = ~history["candidate_id"].isin(cand_ids)
        if stray.any():
            out.rows(files["history"], history.loc[stray, ROW], "candidate_id",
                     lambda pos: f"candidate {history.at[pos, 'candidate_id']!r} is not among "
                                 "the candidates (row ignored)", Severity.WARNING)


def empty_table(table: str) -> pd.DataFrame:
    """An empty, correctly typed table (for the optional pairs and history)."""
    out = _Collector()
    raw = pd.DataFrame({c.name: pd.Series(dtype=str) for c in SCHEMAS[table]})
    raw.insert(0, ROW, pd.Series(dtype=int))
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
    for table in ("candidates", "programs", "pairs", "history"):
        ref: TableRef | None = getattr(scenario.data, table)
        if ref is None:
            frames[table] = empty_table(table)
            files[table] = table
            continue
        is_book = Path(ref.path).suffix.lower() in (".xlsx", ".xlsm")
        files[table] = describe(ref) if ref.sheet or not is_book else f"{ref.path} [{table}]"
        try:
            raw = read_raw(ref, table)
        except InputError as exc:
            out.issues.extend(exc.issues)
            frames[table] = pd.DataFrame()
            continue
        frames[table] = parse_table(raw, table, files[table], out)
    if not frames["candidates"].empty:
        _check_unique(frames["candidates"], ["candidate_id"], files["candidates"], out)
    if not frames["programs"].empty:
        _check_unique(frames["programs"], ["program_id"], files["programs"], out)
        frames["programs"] = _finish_programs(frames["programs"], files["programs"], out)
    if not frames["pairs"].empty:
        _check_unique(frames["pairs"], ["candidate_id", "program_id"], files["pairs"], out)
    for table in ("pairs", "history"):
        if frames[table].empty and getattr(scenario.data, table) is not None:
            frames[table] = empty_table(table) if not out.errors else frames[table]
    if not out.errors:
        _check_references(frames, files, out)
    if out.errors:
        raise InputError(out.issues)
    history = frames["history"]
    if not history.empty:
        history = history[history["candidate_id"].isin(set(frames["candidates"]["candidate_id"]))]
    warnings = tuple(i for i in out.issues if i.severity is Severity.WARNING)
    return Tables(frames["candidates"], frames["programs"], frames["pairs"],
                  history.reset_index(drop=True), files, warnings)


__all__ = ["Tables", "read_tables", "read_raw", "parse_table", "SCHEMAS", "ROW", "warning"]
