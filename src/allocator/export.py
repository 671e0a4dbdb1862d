"""Writing a solve's outputs: the plan's tables, and a folder that appears whole or not at all.

The folder holds ``assignments.csv``, ``assignments.xlsx``, ``summary.json``, ``report.html`` and
``manifest.json`` (see :data:`WRITERS`); when no plan exists, only ``summary.json`` with the
diagnosis. Everything is written into a temporary folder beside the target, then moved into place
in one rename; an existing output folder is refused unless ``force`` is given.
Forked child processes write the workbook, most of the writing, and the report while this one
writes the rest (see :data:`BESIDE`): the same bytes, on the machine's other core.

The tables a planner reads (quota use, budget use, breakdowns, programmes, agencies) are built
here once, from the :class:`~allocator.solution.Solution`'s own figures, and shared by the
workbook, the report and ``summary.json``. Every writer is deterministic: the same problem and
result give the same bytes.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator.forked import Forked
from allocator.problem import ProblemData
from allocator.result import Result
from allocator.solution import Solution
from allocator.solve import SolveParams

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: The groupings of the plan's figures: (key in ``summary.json``, table, column).
DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("mode", "program", "mode"),
    ("type", "program", "type"),
    ("field", "program", "field"),
    ("content_group", "program", "content_group"),
    ("year", "program", "year"),
    ("funding_source", "program", "funding_source"),
    ("country", "program", "country"),
    ("agency", "candidate", "agency"),
    ("gender", "candidate", "gender"),
    ("position_level", "candidate", "position_level"),
)


#: The group of a placement whose programme or candidate has no value for a dimension.
NONE = "(none)"


class OutputExists(Exception):
    """The output folder exists and ``--force`` was not given."""


# --------------------------------------------------------------------------------------------
# Safe cells, JSON and CSV.
# --------------------------------------------------------------------------------------------


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, made plain text.

    >>> neutralise("=HYPERLINK(\\"x\\")")
    "'=HYPERLINK(\\"x\\")"
    >>> neutralise("Nguyễn Thị Lan")
    'Nguyễn Thị Lan'
    """
    if is_formula_like(value):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series.dtype)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) of a frame neutralised."""
    out = frame.copy()
    for col in out.columns:
        if _is_text_column(out[col]):
            values = out[col].astype(object)
            if _has_formula_like(values.tolist()):
                values = values.map(neutralise)
            out[col] = values
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


#: A formula start at the beginning of a text, in texts joined (and framed) by NUL.
_FORMULA_AFTER_NUL = re.compile("\x00[" + re.escape("".join(FORMULA_START)) + "]")


def _has_formula_like(values: list[Any]) -> bool:
    """Whether any value is formula-like text (one search over the texts joined by NUL; a NUL
    inside a text can only make it answer True for nothing, never miss one)."""
    texts = values if set(map(type, values)) == {str} else [
        v for v in values if isinstance(v, str)]
    return bool(texts) and _FORMULA_AFTER_NUL.search("\x00" + "\x00".join(texts)) is not None


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
            present = values.dropna().to_numpy(dtype=np.float64)
            if np.isfinite(present).all() and (present == np.floor(present)).all():
                out[col] = values.astype("Int64")  # every value is_integer()
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
        elif out[col].dtype == object and len(out) and any(
                issubclass(kind, tuple) for kind in set(map(type, out[col].tolist()))):
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
    tmp.chmod(0o755)  # mkdtemp makes it private; an output folder is an ordinary folder
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# The plan's tables (shared by summary.json, the workbook and the report).
# --------------------------------------------------------------------------------------------


def placements(sol: Solution) -> pd.DataFrame:
    """One row per placement with the figures the tables group by.

    Columns: ``candidate``/``program`` (positions), ``candidate_id``, ``full_name``, ``program_id``,
    ``cost`` (the pair's per-person cost, VND), ``score``, then every :data:`DIMENSIONS` column
    (as text; empty where the table has no such column).
    """
    p = sol.problem
    idx = sol.placed
    ci, pi = p.pair_c[idx], p.pair_p[idx]
    out = pd.DataFrame({
        "candidate": ci, "program": pi,
        "candidate_id": p.candidates["candidate_id"].to_numpy(dtype=object)[ci],
        "full_name": p.candidates["full_name"].to_numpy(dtype=object)[ci],
        "program_id": p.programs["program_id"].to_numpy(dtype=object)[pi],
        "cost": p.cost[idx], "score": p.score[idx],
    })
    for key, table, column in DIMENSIONS:
        frame, pos = (p.programs, pi) if table == "program" else (p.candidates, ci)
        values = _text(frame, column)[pos] if len(frame) else np.array([], dtype=object)
        out[key] = np.where(values == "", NONE, values) if len(values) else values
    return out


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as text (missing values as ``""``)."""
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    values = frame[column]
    return values.astype(object).where(values.notna(), "").astype(str).to_numpy(dtype=object)


def breakdown(sol: Solution, key: str, placed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Places, people, women and cost per value of one dimension (``field``, ``agency``, …).

    Columns: ``group``, ``places``, ``persons``, ``women``, ``cost_per_person`` (the placements'
    costs), ``fixed_cost`` (the fixed costs of the group's running programmes; 0 for a candidate
    attribute such as ``agency``: a programme's fixed cost is not split between the agencies
    that send people), ``cost`` (their sum: over a programme attribute the groups add up to the
    plan's cost) and ``women_share``. Groups sorted by name; :data:`NONE` for a missing value.
    ``placed`` is :func:`placements` (given when several breakdowns share it).
    """
    p = sol.problem
    table = next(t for k, t, _ in DIMENSIONS if k == key)
    column = next(c for k, _, c in DIMENSIONS if k == key)
    pl = placements(sol) if placed is None else placed
    labels = pl[key].to_numpy(dtype=object)
    groups, inverse = np.unique(labels.astype(str), return_inverse=True) if len(labels) else (
        np.array([], dtype=str), np.array([], dtype=np.int64))
    n = len(groups)
    cand = pl["candidate"].to_numpy(dtype=np.int64)
    persons = np.bincount(np.unique(inverse * max(p.n_candidates, 1) + cand)
                          // max(p.n_candidates, 1), minlength=n) if n else np.zeros(0)
    women = np.bincount(inverse, weights=(pl["gender"].to_numpy() == "F"), minlength=n)
    per_person = np.bincount(inverse, weights=pl["cost"].to_numpy(dtype=np.float64),
                             minlength=n)
    fixed: np.ndarray = np.zeros(n)
    if table == "program" and n:
        running = np.flatnonzero(sol.runs & (p.fixed_cost > 0))
        prog_labels = _text(p.programs, column)[running]
        prog_labels = np.where(prog_labels == "", NONE, prog_labels).astype(str)
        at = np.searchsorted(groups, prog_labels)
        ok = (at < n) & (groups[np.minimum(at, n - 1)] == prog_labels)
        fixed = np.bincount(at[ok], weights=p.fixed_cost[running][ok].astype(np.float64),
                            minlength=n)
    places = np.bincount(inverse, minlength=n).astype(np.int64)
    women_n = women.astype(np.int64)
    cost_per_person = per_person.round().astype(np.int64)
    fixed_cost = fixed.round().astype(np.int64)
    return pd.DataFrame({
        "group": groups.astype(object), "places": places,
        "persons": np.asarray(persons, dtype=np.int64), "women": women_n,
        "cost_per_person": cost_per_person, "fixed_cost": fixed_cost,
        "cost": cost_per_person + fixed_cost,
        "women_share": women_n / np.maximum(places, 1),
    })


def breakdowns(sol: Solution) -> dict[str, pd.DataFrame]:
    """:func:`breakdown` for every dimension of :data:`DIMENSIONS` (computed once per plan:
    ``summary.json``, the workbook and the report share them; each caller gets copies)."""

    def compute() -> dict[str, pd.DataFrame]:
        placed = placements(sol)
        return {key: breakdown(sol, key, placed) for key, _, _ in DIMENSIONS}

    return {key: frame.copy() for key, frame in sol.memo("breakdowns", compute).items()}


def assignments_of(sol: Solution) -> pd.DataFrame:
    """:meth:`Solution.assignments`, computed once per plan (the CSV, the workbook and the
    report share it; each caller gets a copy)."""
    return sol.memo("assignments", sol.assignments).copy()


def quota_table(sol: Solution) -> pd.DataFrame:
    """One row per quota cell: its bounds, its use, its slack, and what breaking it cost.

    For a share quota ``places`` are the selected places, ``of_places`` those matching ``of``,
    ``achieved_share`` their ratio and ``share`` the bound; for a count quota ``value`` is the
    places counted. ``slack`` is the room left before the nearer bound (0: the quota binds);
    ``broken_by`` how many places a soft quota misses by and ``penalty`` what that cost in score.
    """
    rows = []
    for u in sol.row_use:
        r = u.row
        if r.family != "quota":
            continue
        share = r.kind != "count"
        rows.append({
            "quota": r.name, "group": r.group, "kind": r.kind, "soft": r.soft,
            "penalty_per_place": r.penalty if r.soft else None,
            "min": r.lo if not share else None, "max": r.hi if not share else None,
            "share": r.share,
            "places": u.places, "of_places": u.of_places if share else None,
            "achieved_share": (u.of_places / u.places if u.places else None) if share else None,
            "value": round(u.value, 6),
            "slack": None if u.slack is None else round(u.slack, 6),
            "binding": u.slack is not None and abs(u.slack) <= 1e-9,
            "broken_by": round(u.violation, 6),
            "penalty": round(r.penalty * u.violation, 6) if r.soft else 0.0,
        })
    columns = ["quota", "group", "kind", "soft", "penalty_per_place", "min", "max", "share",
               "places", "of_places", "achieved_share", "value", "slack", "binding",
               "broken_by", "penalty"]
    return pd.DataFrame(rows, columns=columns)


def budget_table(sol: Solution) -> pd.DataFrame:
    """One row per budget envelope: ``cap``, ``spent``, ``left`` (VND) and ``use`` (spent/cap)."""
    rows = []
    for u in sol.row_use:
        r = u.row
        if r.family != "budget":
            continue
        spent = int(round(u.value))
        cap = None if r.hi is None else int(round(r.hi))
        rows.append({"envelope": r.name, "cap": cap, "spent": spent,
                     "left": None if cap is None else cap - spent,
                     "use": (spent / cap if cap else None)})
    return pd.DataFrame(rows, columns=["envelope", "cap", "spent", "left", "use"])


def programme_table(sol: Solution) -> pd.DataFrame:
    """Every programme of the plan: capacity, places taken, whether it runs, what it costs."""
    p = sol.problem
    prog = p.programs
    per_person = np.bincount(p.pair_p[sol.chosen], weights=p.cost[sol.chosen],
                             minlength=p.n_programs).round().astype(np.int64)
    fixed = np.where(sol.runs, p.fixed_cost, 0).astype(np.int64)
    eligible = np.bincount(p.pair_p, minlength=p.n_programs)
    out = pd.DataFrame({
        "program_id": _text(prog, "program_id"), "title": _text(prog, "title"),
        "mode": _text(prog, "mode"), "type": _text(prog, "type"), "field": _text(prog, "field"),
        "year": prog["year"].to_numpy() if "year" in prog else "",
        "capacity": p.capacity, "min_size": p.min_size, "eligible": eligible,
        "placed": sol.program_count.astype(np.int64),
        "runs": sol.runs,
        "cost_per_person": per_person, "fixed_cost": fixed, "cost": per_person + fixed,
    })
    out["fill"] = np.where(out["capacity"] > 0, out["placed"] / out["capacity"].clip(lower=1),
                           np.nan)
    return out


def agency_table(sol: Solution) -> pd.DataFrame:
    """Every agency with candidates: candidates, people placed, places, women, per-person cost."""
    p = sol.problem
    agencies = _text(p.candidates, "agency")
    cand = pd.DataFrame({"agency": agencies, "women": _text(p.candidates, "gender") == "F"})
    n_places = np.bincount(p.pair_c[sol.chosen], minlength=p.n_candidates)
    spend = np.bincount(p.pair_c[sol.chosen], weights=p.cost[sol.chosen],
                        minlength=p.n_candidates)
    cand["placed"] = n_places > 0
    cand["places"] = n_places
    cand["cost"] = spend
    cand["women_placed"] = cand["women"] & cand["placed"]
    g = cand.groupby("agency", sort=True)
    out = pd.DataFrame({
        "candidates": g.size(), "persons_placed": g["placed"].sum(),
        "places": g["places"].sum(), "women_placed": g["women_placed"].sum(),
        "cost": g["cost"].sum().round(),
    }).astype(np.int64)
    out["placed_share"] = out["persons_placed"] / out["candidates"]
    out.index.name = "agency"
    return out.reset_index()


# --------------------------------------------------------------------------------------------
# summary.json
# --------------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON records (NaN as null, numpy scalars as Python's), column by column."""
    columns = []
    for name in frame.columns:
        values = frame[name]
        columns.append([(v.item() if isinstance(v, np.generic) else v) if present else None
                        for v, present in zip(values.astype(object).tolist(),
                                              values.notna().tolist(), strict=True)])
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(frame.columns, row, strict=True)) for row in zip(*columns, strict=True)]


def summary_data(problem: ProblemData, result: Result) -> dict[str, Any]:
    """``summary.json``: the solve's figures, then every KPI, quota use and cost by envelope.

    Keys: ``scenario``, the solve (``status``, ``objective``, ``cost``, ``bound``, ``gap``,
    ``runtime_s``, ``engine``, ``message``), ``counts`` (candidates, programmes, eligible pairs),
    and with a plan: ``kpis`` (places by mode, type, field, content group, agency, year, gender,
    position level; people placed; programmes running and cancelled; women's share abroad; cost),
    ``score``, ``penalty``, ``women_share``, ``not_placed``, ``breakdown`` (per dimension and
    group: places, persons, women, per-person/fixed/total cost), ``quotas`` and ``budget``
    (cap, spent, left per envelope); then ``warnings``.
    """
    data: dict[str, Any] = {"scenario": problem.scenario.name, **result.summary()}
    n_pairs = np.bincount(problem.pair_c, minlength=problem.n_candidates)
    data["counts"] = {"candidates": problem.n_candidates, "programs": problem.n_programs,
                      "eligible_pairs": problem.n_pairs,
                      "eligible_for_nothing": int((n_pairs == 0).sum()),
                      "removed_by_rule": dict(sorted(problem.removed_by_rule.items()))}
    sol = result.solution
    if sol is not None:
        # The plan's figures, computed once: the workbook, the report and summary.json share
        # them (a Solution belongs to one problem).
        data.update(sol.memo("summary_figures", lambda: _plan_figures(problem, sol, n_pairs)))
    data["warnings"] = [str(w) for w in problem.warnings]
    return data


def _plan_figures(problem: ProblemData, sol: Solution, n_pairs: np.ndarray) -> dict[str, Any]:
    """The part of ``summary.json`` that depends on the plan only."""
    data: dict[str, Any] = {}
    kpis = sol.kpis()
    data["kpis"] = kpis
    data["score"] = sol.score
    data["penalty"] = round(sol.penalty, 6)
    genders = _text(problem.candidates, "gender")[problem.pair_c[sol.placed]]
    data["women_share"] = float((genders == "F").mean()) if len(genders) else None
    placed = np.zeros(problem.n_candidates, dtype=bool)
    placed[problem.pair_c[sol.placed]] = True
    data["not_placed"] = {"total": int((~placed).sum()),
                          "eligible_for_nothing": int((n_pairs == 0).sum()),
                          "eligible_not_chosen": int(((n_pairs > 0) & ~placed).sum())}
    data["breakdown"] = {
        f"by_{key}": {str(r["group"]): {k: r[k] for k in ("places", "persons", "women",
                                                          "cost_per_person", "fixed_cost",
                                                          "cost")}
                      for r in _records(frame)}
        for key, frame in breakdowns(sol).items()
    }
    quotas = quota_table(sol)
    data["quotas"] = [
        {"name": q["quota"], "group": q["group"], "kind": q["kind"], "min": q["min"],
         "max": q["max"], "share": q["share"], "places": q["places"],
         "of_places": q["of_places"] or 0, "achieved_share": q["achieved_share"],
         "value": q["value"], "slack": q["slack"], "binding": q["binding"],
         "soft": q["soft"], "broken_by": q["broken_by"], "penalty": q["penalty"]}
        for q in _records(quotas)
    ]
    data["budget"] = [{k: b[k] for k in ("envelope", "cap", "spent", "left")}
                      for b in _records(budget_table(sol))]
    return data


# --------------------------------------------------------------------------------------------
# The output folder.
# --------------------------------------------------------------------------------------------

#: A writer adds its file(s) to the (temporary) output folder.
Writer = Callable[[Path, ProblemData, Result, SolveParams], None]


def write_core(folder: Path, problem: ProblemData, result: Result,
               params: SolveParams | None = None, summary: dict[str, Any] | None = None) -> None:
    """``assignments.csv`` and ``summary.json`` (``summary`` when the caller made a richer one)."""
    if result.solution is not None:
        write_csv(folder / "assignments.csv", assignments_of(result.solution))
    write_json(folder / "summary.json", summary or summary_data(problem, result))


def write_reserves(folder: Path, problem: ProblemData, result: Result,
                   params: SolveParams | None = None) -> None:
    """``reserve.csv``: per programme, who takes a place if a placed person withdraws."""
    from allocator.reserve import reserve_lists

    write_csv(folder / "reserve.csv", reserve_lists(problem, result))


def write_workbook(folder: Path, problem: ProblemData, result: Result,
                   params: SolveParams | None = None) -> None:
    """``assignments.xlsx``."""
    from allocator.workbook import write_assignments_workbook

    assert result.solution is not None
    write_assignments_workbook(folder / "assignments.xlsx", problem, result)


def write_report(folder: Path, problem: ProblemData, result: Result,
                 params: SolveParams | None = None) -> None:
    """``report.html``."""
    from allocator.report import write_report_html

    write_report_html(folder / "report.html", problem, result)


def write_manifest(folder: Path, problem: ProblemData, result: Result,
                   params: SolveParams | None = None) -> None:
    """``manifest.json`` (last: it lists the hashes of the other outputs)."""
    from allocator.manifest import write_manifest_json

    write_manifest_json(folder / "manifest.json", problem, result, params)


#: The writers of a solve with a plan, in order (the manifest last: it hashes the others).
WRITERS: list[Writer] = [write_workbook, write_reserves, write_report, write_manifest]

#: Writers that each run in a forked child process while the next ones run (see
#: :mod:`allocator.forked`): the workbook is most of the writing (~1.7 s of the city's ~2.5 s),
#: the report the largest of the rest (0.12 s of a small plan's 0.25 s). The manifest waits for
#: them: it hashes their files.
BESIDE: frozenset[Writer] = frozenset({write_workbook, write_report})


def write_outputs(out: Path, problem: ProblemData, result: Result, force: bool = False,
                  params: SolveParams | None = None,
                  summary: dict[str, Any] | None = None) -> Path:
    """Write every output of a solve into ``out``, whole or not at all.

    When no plan exists, the folder holds ``summary.json`` with the diagnosis and nothing else.
    ``params`` (recorded in the manifest) default to the scenario's solver settings.
    """
    params = params or SolveParams.from_problem(problem)
    writers = WRITERS if result.solution is not None else []
    with atomic_folder(out, force) as tmp, ExitStack() as children:
        for writer in (w for w in writers if w in BESIDE):  # started first, to run longest
            work = partial(writer, tmp, problem, result, params)
            children.enter_context(Forked(work, f"running {writer.__name__}"))
        write_core(tmp, problem, result, params, summary)
        for writer in (w for w in writers if w not in BESIDE):
            if writer is write_manifest:
                children.close()  # join them: the manifest hashes their files
            writer(tmp, problem, result, params)
    return out
