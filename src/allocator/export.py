"""Writing a solve's outputs: the folder appears whole or not at all.

Everything is written into a temporary folder beside the target, then moved into place in one
rename. An existing output folder is refused unless ``force`` is given.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator.problem import ProblemData
from allocator.result import Result

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutputExists(Exception):
    """The output folder exists and ``--force`` was not given."""


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made plain text.

    >>> neutralise("=HYPERLINK(\\"x\\")")
    "'=HYPERLINK(\\"x\\")"
    >>> neutralise("Nguyễn Thị Lan")
    'Nguyễn Thị Lan'
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) of a frame neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def json_default(value: Any) -> Any:
    """JSON for numpy and pandas scalars, dates and paths."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | set):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=json_default) + "\n",
                    encoding="utf-8")


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ``YYYY-MM-DD``, lists as ``a;b``, formulas neutralised."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            values = out[col]
            if values.dropna().map(float.is_integer).all():
                out[col] = values.astype("Int64")
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
        elif out[col].dtype == object and len(out) and out[col].map(
                lambda v: isinstance(v, tuple)).any():
            out[col] = out[col].map(lambda v: ";".join(v) if isinstance(v, tuple) else v)
    return neutralise_frame(out)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """UTF-8 with BOM so that Excel shows Vietnamese diacritics; LF line ends."""
    csv_ready(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


@contextmanager
def atomic_folder(target: Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces ``target`` whole, on failure vanishes."""
    target = Path(target)
    if target.exists() and not force:
        raise OutputExists(f"{target} exists: choose another --out or add --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def summary_data(problem: ProblemData, result: Result) -> dict[str, Any]:
    """``summary.json``: the solve's figures, then every KPI, quota use and cost by envelope."""
    data: dict[str, Any] = {"scenario": problem.scenario.name, **result.summary()}
    sol = result.solution
    if sol is None:
        return data
    data["kpis"] = sol.kpis()
    data["quotas"] = [
        {"name": u.row.name, "group": u.row.group, "kind": u.row.kind, "min": u.row.lo,
         "max": u.row.hi, "share": u.row.share, "places": u.places, "of_places": u.of_places,
         "value": round(u.value, 6), "slack": None if u.slack is None else round(u.slack, 6),
         "soft": u.row.soft, "broken_by": round(u.violation, 6),
         "penalty": round(u.row.penalty * u.violation, 6)}
        for u in sol.row_use if u.row.family == "quota"
    ]
    data["budget"] = [
        {"envelope": u.row.name, "cap": u.row.hi, "spent": int(round(u.value)),
         "left": None if u.row.hi is None else int(round(u.row.hi - u.value))}
        for u in sol.row_use if u.row.family == "budget"
    ]
    return data


Writer = Callable[[Path, ProblemData, Result], None]


def write_core(folder: Path, problem: ProblemData, result: Result) -> None:
    """``assignments.csv`` and ``summary.json``."""
    if result.solution is not None:
        write_csv(folder / "assignments.csv", result.solution.assignments())
    write_json(folder / "summary.json", summary_data(problem, result))


WRITERS: list[Writer] = [write_core]


def write_outputs(out: Path, problem: ProblemData, result: Result, force: bool = False) -> Path:
    """Write every output of a solve into ``out``, whole or not at all.

    When no plan exists, the folder holds ``summary.json`` with the diagnosis and nothing else.
    """
    with atomic_folder(out, force) as tmp:
        if result.solution is None:
            write_core(tmp, problem, result)
        else:
            for writer in WRITERS:
                writer(tmp, problem, result)
    return out
