"""The problem as plain arrays — columns, sparse rows, three objectives — built once, vectorised.

Every MIP engine passes these arrays to its own solver, so all engines solve literally the same
model (docs in :mod:`allocator.problem`). Columns, in order: ``x`` (one per pair), ``y`` (one per
programme whose running matters), ``u`` (one per soft bound: places by which it is broken),
``w`` (one per person-year abroad that takes part in a no-consecutive-years conflict).

Each constraint family is one small function adding rows, called in one listed order in
:func:`build_model`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the HiGHS child process needs the arrays, not pandas
    from allocator.problem import ProblemData

INF = float("inf")


@dataclass
class _Rows:
    """Rows accumulated as COO chunks, turned into CSR at the end."""

    r: list[np.ndarray] = field(default_factory=list)
    c: list[np.ndarray] = field(default_factory=list)
    v: list[np.ndarray] = field(default_factory=list)
    lo: list[np.ndarray] = field(default_factory=list)
    hi: list[np.ndarray] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    family: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, row_local: np.ndarray, cols: np.ndarray, vals: np.ndarray, lo: np.ndarray,
            hi: np.ndarray, family: str, names: list[str] | None = None) -> np.ndarray:
        """Add ``len(lo)`` rows; ``row_local`` numbers entries' rows from 0. Returns row ids."""
        n = len(lo)
        self.r.append(np.asarray(row_local, dtype=np.int64) + self.count)
        self.c.append(np.asarray(cols, dtype=np.int64))
        self.v.append(np.asarray(vals, dtype=float))
        self.lo.append(np.asarray(lo, dtype=float))
        self.hi.append(np.asarray(hi, dtype=float))
        self.family.extend([family] * n)
        self.names.extend(names if names is not None else [family] * n)
        ids = np.arange(self.count, self.count + n)
        self.count += n
        return ids


@dataclass(frozen=True)
class LinearModel:
    """The MIP as arrays. CSR rows; ``integer`` marks integer columns."""

    n_cols: int
    n_x: int
    y_prog: np.ndarray  # programme index of each y column
    u_row: np.ndarray  # problem.rows index of each u column
    u_side: np.ndarray  # -1: shortfall below lo, +1: excess over hi
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_family: list[str]
    row_names: list[str]
    score: np.ndarray  # level 1 (maximise): score on x, −penalty on u
    cost: np.ndarray  # level 2 (minimise): VND on x and y
    tie: np.ndarray  # level 3 (minimise): the deterministic order
    integral_score: bool
    score_step: int = 1  # every plan's score is a multiple of it (when integral_score)
    # For each hard quota or budget row of the problem (``problem.rows`` without the soft ones,
    # in order): its row here, and the divisor its coefficients were divided by.
    hard_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    hard_divisor: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def y0(self) -> int:
        return self.n_x

    @property
    def u0(self) -> int:
        return self.n_x + len(self.y_prog)

    @property
    def w0(self) -> int:
        return self.u0 + len(self.u_row)

    def floor_score(self, value: float) -> float:
        """The largest score a plan can have at or below ``value`` (``value`` itself when
        scores need not be integers)."""
        if not self.integral_score:
            return float(value)
        step = self.score_step
        return float(np.floor(value / step + 1e-6) * step)

    def x_of(self, values: np.ndarray) -> np.ndarray:
        """The chosen pairs from a column vector (rounded)."""
        return np.asarray(values[: self.n_x]) > 0.5

    def full_vector(self, problem: ProblemData, chosen: np.ndarray) -> np.ndarray:
        """Every column's value implied by a plan (for warm starts)."""
        vals = np.zeros(self.n_cols)
        vals[: self.n_x] = chosen
        count = np.bincount(problem.pair_p[chosen], minlength=problem.n_programs)
        vals[self.y0: self.u0] = count[self.y_prog] > 0
        from allocator.solution import Solution

        uses = Solution(problem, chosen).row_use
        for j, (r, side) in enumerate(zip(self.u_row, self.u_side, strict=True)):
            use = uses[r]
            if side < 0 and use.row.lo is not None:
                vals[self.u0 + j] = max(0.0, use.row.lo - use.value)
            elif side > 0 and use.row.hi is not None:
                vals[self.u0 + j] = max(0.0, use.value - use.row.hi)
        ex = problem.exclusive
        if ex is not None and self.n_cols > self.w0:
            used = np.bincount(ex.group, weights=chosen[ex.pairs], minlength=len(ex.year))
            groups = np.unique(ex.conflicts)
            vals[self.w0:] = used[groups] > 0
        return vals


def implied_capacity(problem: ProblemData) -> tuple[np.ndarray, np.ndarray]:
    """Each programme's capacity, lowered where a hard row caps its places alike, and which hard
    rows (``problem.hard_rows``, in order) do so.

    A budget cap on one course (``cost·n + fixed·y ≤ cap``, every place at the same cost) allows
    at most ``⌊(cap − fixed)/cost⌋`` places: the core can meet the row itself, exactly, instead
    of pricing it (on national kl39, 31 such caps: ``L`` at the sample's prices 31,432,549 →
    31,428,937). Every integer plan keeps these capacities, so a model built with them
    (``build_model(tight=True)``) has the same plans and a tighter LP: the LP can no longer
    fill 35.8 places of a course whose budget pays for 35."""
    capacity = problem.capacity.astype(np.int64).copy()
    rows = problem.hard_rows
    implied = np.zeros(len(rows), dtype=bool)
    per_programme = np.bincount(problem.pair_p, minlength=problem.n_programs)
    for i, row in enumerate(rows):
        if row.hi is None or row.lo is not None or not len(row.pairs):
            continue
        q = int(problem.pair_p[row.pairs[0]])
        one = bool(np.all(problem.pair_p[row.pairs] == q)) and len(row.pairs) == per_programme[q]
        alike = float(row.coef[0]) > 0 and bool(np.all(row.coef == row.coef[0]))
        if one and alike and np.all(row.programs == q):
            room = row.hi - float(np.sum(row.prog_coef))
            capacity[q] = min(capacity[q], max(0, int(np.floor(room / row.coef[0] + 1e-9))))
            implied[i] = True
    return capacity, implied


def _capacity(p: ProblemData, rows: _Rows, y_col: np.ndarray, capacity: np.ndarray) -> None:
    """Σ_{k∈p} x_k − capacity_p·y_p ≤ 0 (or ≤ capacity_p); min_size_p·y_p − Σ x_k ≤ 0."""
    n_p = p.n_programs
    k = np.arange(p.n_pairs)
    has = np.bincount(p.pair_p, minlength=n_p) > 0
    # Capacity: one row per programme (row local id = programme index).
    cols = [k]
    vals = [np.ones(p.n_pairs)]
    rloc = [p.pair_p]
    with_y = np.flatnonzero(y_col >= 0)
    cols.append(y_col[with_y])
    vals.append(-capacity[with_y].astype(float))
    rloc.append(with_y)
    hi = np.where(y_col >= 0, 0.0, capacity.astype(float))
    ids = rows.add(np.concatenate(rloc), np.concatenate(cols), np.concatenate(vals),
                   np.full(n_p, -INF), hi, "capacity",
                   [f"capacity {pid}" for pid in p.programs["program_id"]])
    del ids, has
    # Minimum size: only programmes with one.
    need = np.flatnonzero(p.min_size > 0)
    if len(need):
        local = np.full(n_p, -1)
        local[need] = np.arange(len(need))
        sel = local[p.pair_p] >= 0
        rows.add(np.concatenate([local[p.pair_p[sel]], np.arange(len(need))]),
                 np.concatenate([k[sel], y_col[need]]),
                 np.concatenate([np.ones(int(sel.sum())), -p.min_size[need].astype(float)]),
                 np.zeros(len(need)), np.full(len(need), INF), "min_size",
                 [f"min_size {p.programs['program_id'].iat[i]}" for i in need])


def _persons(p: ProblemData, rows: _Rows) -> None:
    """must_train ≤ Σ_{k∈c} x_k ≤ max_programs_per_candidate (only rows that can bind)."""
    n_c = p.n_candidates
    per = np.bincount(p.pair_c, minlength=n_c)
    need = (per > p.max_per_candidate) | p.must_train
    idx = np.flatnonzero(need)
    local = np.full(n_c, -1)
    local[idx] = np.arange(len(idx))
    sel = local[p.pair_c] >= 0
    rows.add(local[p.pair_c[sel]], np.flatnonzero(sel), np.ones(int(sel.sum())),
             p.must_train[idx].astype(float), p.max_per_candidate[idx].astype(float), "person",
             [f"person {cid}" for cid in p.candidates["candidate_id"].to_numpy()[idx]])


def _group_limits(p: ProblemData, rows: _Rows) -> None:
    """Σ_{k∈g} x_k ≤ limit_g for per-mode, per-year-abroad and short-term-once groups."""
    for lim in p.limits:
        rows.add(lim.group, lim.pairs, np.ones(len(lim.pairs)), np.full(len(lim.limit), -INF),
                 lim.limit.astype(float), lim.rule)


def _exclusive(p: ProblemData, rows: _Rows, w0: int) -> int:
    """Σ_{k∈g} x_k ≤ M_g·w_g and w_a + w_b ≤ 1 for consecutive years abroad."""
    ex = p.exclusive
    if ex is None:
        return 0
    groups = np.unique(ex.conflicts)
    local = np.full(len(ex.year), -1)
    local[groups] = np.arange(len(groups))
    sel = local[ex.group] >= 0
    size = np.bincount(ex.group[sel], minlength=len(ex.year))[groups]
    wcol = w0 + np.arange(len(groups))
    rows.add(np.concatenate([local[ex.group[sel]], np.arange(len(groups))]),
             np.concatenate([ex.pairs[sel], wcol]),
             np.concatenate([np.ones(int(sel.sum())), -size.astype(float)]),
             np.full(len(groups), -INF), np.zeros(len(groups)), "no_consecutive_overseas_years")
    n = len(ex.conflicts)
    rows.add(np.repeat(np.arange(n), 2), (w0 + local[ex.conflicts]).ravel(), np.ones(2 * n),
             np.full(n, -INF), np.ones(n), "no_consecutive_overseas_years")
    return len(groups)


def _side_rows(p: ProblemData, rows: _Rows, y_col: np.ndarray, u0: int) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Quotas and budget: lo ≤ a·x + b·y (+u_lo) and (−u_hi) ≤ hi, slacks for soft bounds.
    Returns the slacks' rows and sides, and each hard row's row id and divisor."""
    u_row: list[int] = []
    u_side: list[int] = []
    hard_row: list[int] = []
    hard_divisor: list[float] = []
    for r, row in enumerate(p.rows):
        cols = [row.pairs]
        vals = [row.coef]
        if len(row.programs):
            yc = y_col[row.programs]
            # A programme without a y column has no fixed cost by construction.
            keep = yc >= 0
            cols.append(yc[keep])
            vals.append(row.prog_coef[keep].astype(float))
        c = np.concatenate(cols)
        v = np.concatenate(vals)
        bounds = []
        if row.soft:
            if row.lo is not None:
                bounds.append((row.lo, INF, -1))
            if row.hi is not None:
                bounds.append((-INF, row.hi, +1))
        else:
            bounds.append((row.lo if row.lo is not None else -INF,
                           row.hi if row.hi is not None else INF, 0))
        for lo, hi, side in bounds:
            cc, vv = c, v
            divisor = 1.0
            if not side:
                vv, lo, hi, divisor = _divide_by_gcd(v, lo, hi)
            if side:
                col = u0 + len(u_row)
                u_row.append(r)
                u_side.append(side)
                cc = np.append(c, col)
                vv = np.append(v, 1.0 if side < 0 else -1.0)
            ids = rows.add(np.zeros(len(cc), dtype=np.int64), cc, vv, np.array([lo]),
                           np.array([hi]), row.family, [row.label])
            if not side:
                hard_row.append(int(ids[0]))
                hard_divisor.append(divisor)
    return (np.array(u_row, dtype=np.int64), np.array(u_side, dtype=np.int64),
            np.array(hard_row, dtype=np.int64), np.array(hard_divisor, dtype=float))


def _divide_by_gcd(v: np.ndarray, lo: float, hi: float) -> tuple[np.ndarray, float, float,
                                                                  float]:
    """A hard row with integer coefficients divided by their gcd (bounds rounded inwards).

    Exact: the row's value is an integer multiple of the gcd for every integer plan. Money rows
    (VND, up to 1e11) become small numbers, which keeps the solvers' tolerances meaningful.
    """
    if not len(v) or not np.all(v == np.round(v)) or np.max(np.abs(v)) >= 2**53:
        return v, lo, hi, 1.0
    g = int(np.gcd.reduce(np.abs(v).astype(np.int64)))
    if g <= 1:
        return v, lo, hi, 1.0
    lo = float(math.ceil(Fraction(str(float(lo))) / g)) if np.isfinite(lo) else lo
    hi = float(math.floor(Fraction(str(float(hi))) / g)) if np.isfinite(hi) else hi
    return v / g, lo, hi, float(g)


def build_model(p: ProblemData, tight: bool = False) -> LinearModel:
    """Assemble the whole MIP: variables, then constraint families in order, then objectives.

    ``tight``: capacities from :func:`implied_capacity` (the same integer plans, a tighter LP;
    the plain engines keep the model as written)."""
    n_x = p.n_pairs
    y_prog = np.flatnonzero(p.needs_run_var)
    y_col = np.full(p.n_programs, -1, dtype=np.int64)
    y_col[y_prog] = n_x + np.arange(len(y_prog))
    n_soft = sum((r.lo is not None) + (r.hi is not None) for r in p.rows if r.soft)
    u0 = n_x + len(y_prog)
    w0 = u0 + n_soft

    rows = _Rows()
    _capacity(p, rows, y_col, implied_capacity(p)[0] if tight else p.capacity)
    _persons(p, rows)
    _group_limits(p, rows)
    u_row, u_side, hard_row, hard_divisor = _side_rows(p, rows, y_col, u0)
    n_w = _exclusive(p, rows, w0)
    n_cols = w0 + n_w

    r = np.concatenate(rows.r) if rows.r else np.zeros(0, dtype=np.int64)
    c = np.concatenate(rows.c) if rows.c else np.zeros(0, dtype=np.int64)
    v = np.concatenate(rows.v) if rows.v else np.zeros(0)
    order = np.argsort(r * max(n_cols, 1) + c, kind="stable")  # rows, then columns
    r, c, v = r[order], c[order], v[order]
    start = np.searchsorted(r, np.arange(rows.count + 1)).astype(np.int64)

    lower = np.zeros(n_cols)
    upper = np.ones(n_cols)
    lower[:n_x] = p.forced.astype(float)
    upper[u0:w0] = INF
    integer = np.ones(n_cols, dtype=bool)
    integer[u0:w0] = False  # slacks follow from the integer x, y

    score = np.zeros(n_cols)
    score[:n_x] = p.score
    penalties = np.array([p.rows[i].penalty for i in u_row], dtype=float)
    score[u0:w0] = -penalties
    cost = np.zeros(n_cols)
    cost[:n_x] = p.cost
    cost[n_x:u0] = p.fixed_cost[y_prog]
    tie = np.zeros(n_cols)
    tie[:n_x] = np.arange(1, n_x + 1)
    return LinearModel(
        n_cols=n_cols, n_x=n_x, y_prog=y_prog, u_row=u_row, u_side=u_side, col_lower=lower,
        col_upper=upper, integer=integer, start=start, index=c, value=v,
        row_lower=np.concatenate(rows.lo) if rows.lo else np.zeros(0),
        row_upper=np.concatenate(rows.hi) if rows.hi else np.zeros(0),
        row_family=rows.family, row_names=rows.names, score=score, cost=cost, tie=tie,
        integral_score=p.integral_objective, score_step=max(1, p.objective_step),
        hard_row=hard_row, hard_divisor=hard_divisor,
    )
