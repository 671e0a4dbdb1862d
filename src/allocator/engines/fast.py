"""The default engine: LP bound with column generation, reduced-cost fixing, then a small exact MIP.

The model (:mod:`allocator.engines.model`) is a transportation problem plus a few side rows, and
its LP relaxation is almost integral. This engine exploits that and stays exact:

1. **Starting plan.** The better of two greedy plans (:mod:`allocator.engines.greedy`) that break
   nothing: by score, and with the transportation core's best plan first (min-cost flow,
   :mod:`allocator.engines.lagrangian`). The core's score is also a bound. From
   ``LAGRANGIAN_PAIRS`` pairs on (national scale) everything here is skipped, since the LP alone
   takes longer than any usable time limit: the prices of a sample economy's LP, then
   Lagrangian iterations on the core, give plans (greedy passes guided by each flow plan) and
   a bound, and the best plan is returned as feasible with that bound.
2. **LP by column generation.** The LP relaxation of level 1 is solved over a restricted set of
   pair columns (each person's best few pairs, the starting plan, forced pairs); the duals ``π``
   price every pair at once (``d = c − Aᵀπ``, vectorised) and the pairs with a positive reduced
   cost are added, until none is left (HiGHS simplex, warm-started). An LP its columns cannot
   satisfy (a branching node below) takes the columns HiGHS's dual ray says can mend it, or is
   infeasible at once when the ray shows none can (Farkas pricing, :func:`_mending`).
3. **A bound that needs no trust in the LP solver.** For *any* ``π`` (signs clipped to the row
   bounds that exist), ``L(π) = Σ_i max(π_i·lo_i, π_i·hi_i) + Σ_j max(d_j·l_j, d_j·u_j)`` is an
   upper bound on ``c·x`` over every plan. It is computed over all columns.
4. **Reduced-cost fixing.** A plan with objective ``≥ T`` loses at most ``L − T`` against
   ``L(π)``, and a column at value ``v`` loses ``max(d_j·l_j, d_j·u_j) − d_j·v`` on its own. So a
   column whose loss at ``v`` exceeds ``L − T`` never takes ``v`` in such a plan: a pair with
   ``d_j < −(L − T)`` is fixed at 0, one with ``d_j > L − T`` at 1. What is left is a small MIP.
   Before that, **branching on the run variables**: where the LP runs a programme part-way
   (a delegation at 0.8 pays 80% of its fixed cost — the main source of the LP's gap), a
   best-first search fixes run variables at 0 or 1, each node's LP warm-started and priced
   again, until the node of best bound runs every programme fully or not at all. Steps 4–5 run
   on that leaf; while an open node's bound is above the best plan, the search goes on to the
   next leaf of best bound and asks it for a better plan (nodes whose bound cannot beat the
   best plan are dropped). When none is left the best plan is optimal for the whole model;
   levels 2 and 3 run on its leaf, or on the whole model when another leaf holds a plan of
   its score (each node whose bound reaches it is asked). If the search stops short (node limit,
   time), steps 4–5 run on the whole model from the best plan, and the final bound is
   ``min(whole model's, max(leaves', open nodes'))``.
5. **The small MIP, all three levels** (HiGHS, :func:`allocator.engines.highs.solve_levels`). If its
   best plan reaches ``T``, that plan is optimal for the whole model: every better plan satisfies
   the fixings and so is in the small MIP. Every plan of best score satisfies them too, so the
   2nd and 3rd levels (least cost, then the tie-break) are exact on the small MIP as well.
   Otherwise ``T`` is lowered (to the plan found, or further) and step 4 repeats.

Each small MIP asks "is there a plan scoring at least ``T``?". With integral scores the first
``T`` is the bound itself, and each "no" lowers it a step, for :data:`_DESCENT` questions. A
plan at the ceiling they leave would be optimal, and one smaller MIP looks for it
(:func:`_finder`: only the columns that lose less than half a step); at city size it also runs
beside each question at the ceiling after a "no", on the other core (:func:`_beside_the_finder`;
its plan is kept when it reaches the target, or when it ends within the question's work).
After that, and without steps, ``T`` stops just short of the next cluster of reduced costs
(:func:`_target`). The rows are tightened against ``T`` as the columns are
(:func:`_tightened_rows`: a row whose slack would cost more than the room is held at its
bound), and a small MIP stops as soon as its bound is below ``T``: the answer is then no.
HiGHS solves each with its interchangeable people merged into counts
(:mod:`allocator.engines.aggregate`), which on the LP's degenerate optimal face is what lets
the bound move. A question asked alone runs as a race of HiGHS seeds on the two cores
(:func:`allocator.engines.highs.race`): its time swings many times over with the seed, and
the race's outcome is decided by HiGHS's work, not by which seed ends first, so the plan is the
same on every run. When time runs out the best plan is returned with the proven bound
``min(L, max(bound of the small MIP, T))``.
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np

from allocator.engines import highs as highs_engine
from allocator.engines import lagrangian
from allocator.engines.greedy import greedy_plan
from allocator.engines.highs import StopWhen
from allocator.engines.model import LinearModel, build_model
from allocator.engines.sparse import Csr
from allocator.problem import ProblemData
from allocator.result import Result, Status, relative_gap
from allocator.solution import Solution

NAME = "fast"
log = logging.getLogger(__name__)
# Pairs per person in the first restricted LP, and added by each pricing round. One and one:
# a smaller first LP, one more round (city LP, medians: generated 5.4 → 3.7 s, hcmc-2023 5.6 →
# 3.1 s, against two and two).
_TOP = 1
_PER_ROUND = 1
# And at most this many pairs a round, those of largest gain. The first LP's duals are rough:
# on the generated city its second round priced in 17,240 pairs (9,505 primal simplex
# iterations, 2.2-2.6 s) though only 336 of the final LP's support were missing. In rounds of
# 1,000: 11 rounds, ~40,000 columns instead of 50,000, LP 3.6-3.8 s -> 2.2-2.4 s (hcmc-2023:
# 3.4-3.8 s -> 2.4-2.6 s).
_ROUND_MAX = 1_000
_TOL = 1e-7
LAGRANGIAN_PAIRS = 500_000  # from this many pairs on, no LP: Lagrangian iterations on the core


def _slack_upper(model: LinearModel, a: Csr) -> np.ndarray:
    """Finite upper bounds for the columns: a soft row's slack never needs to exceed
    ``|bound| + Σ|a|`` (its largest possible violation), so the bound ``L`` stays finite."""
    upper = model.col_upper.copy()
    inf_cols = np.flatnonzero(np.isinf(upper))
    if len(inf_cols):
        rows_abs = np.bincount(a.row_of, weights=np.abs(a.value), minlength=a.n_rows)
        col_rows = a.columns(inf_cols).transpose()
        for i, j in enumerate(inf_cols):
            lo, hi = col_rows.start[i], col_rows.start[i + 1]
            big = 0.0
            for r in col_rows.index[lo:hi]:
                bnd = max(abs(model.row_lower[r]) if np.isfinite(model.row_lower[r]) else 0.0,
                          abs(model.row_upper[r]) if np.isfinite(model.row_upper[r]) else 0.0)
                big = max(big, bnd + rows_abs[r])
            upper[j] = big + 1.0
    return upper


def lagrangian_bound(model: LinearModel, a: Csr, pi: np.ndarray,
                     c: np.ndarray) -> tuple[float, np.ndarray]:
    """``L(π)``, an upper bound on ``max c·x`` over every plan, and the reduced costs ``d``.

    Valid for any ``π``: its signs are clipped to the row bounds that exist, and every column's
    bounds are finite.
    """
    pi = _clipped(model, pi)
    lo, hi = model.row_lower, model.row_upper
    rows = np.where(pi > 0, pi * np.where(np.isfinite(hi), hi, 0.0),
                    pi * np.where(np.isfinite(lo), lo, 0.0))
    d = c - a.tdot(pi)
    cols = np.maximum(d * model.col_lower, d * model.col_upper)
    return float(rows.sum() + cols.sum()), d


def _margin(bound: float) -> float:
    """What the fixings add to their room against rounding in ``L(π)`` and ``d``.

    ``L`` is a float sum of ~200,000 terms of at most ~10⁶ at city size (error ~10⁻⁸), and
    each ``d_j`` a sum of a few products (~10⁻¹³): 10⁻⁹ of the bound (0.004 points on the
    city) covers both many times over. It was 10⁻⁶ (3.7 points), which let 3.7 points more
    of loss into every small MIP: on seed 2, a plan of 3,711,930 may lose 5.88 points, and
    with 9.59 the tightened rows (:func:`_tightened_rows`) gave no proof in 200 s.
    """
    return 1e-9 * max(1.0, abs(bound))


def _clipped(model: LinearModel, pi: np.ndarray) -> np.ndarray:
    """``π`` with the signs clipped to the row bounds that exist (a copy)."""
    pi = pi.copy()
    pi[(pi > 0) & ~np.isfinite(model.row_upper)] = 0.0
    pi[(pi < 0) & ~np.isfinite(model.row_lower)] = 0.0
    return pi


# Rows with more entries than this keep their bounds in :func:`_tightened_rows`.
_DENSE_ROW = 2_000


def _tightened_rows(model: LinearModel, a: Csr, pi: np.ndarray, room: float) -> LinearModel:
    """The model with its rows' bounds tightened for plans that lose at most ``room`` against
    ``L(π)``: reduced-cost fixing on the rows' slacks.

    A row with ``π_i > 0`` counts ``π_i·hi_i`` in ``L``, and a plan whose activity on it is
    ``r`` loses ``π_i·(hi_i − r)`` there, so ``r ≥ hi_i − room/π_i`` (and ``r ≤ lo_i +
    room/|π_i|`` when ``π_i < 0``). Where every entry is a whole number on an integer column,
    the activity is a multiple of the entries' gcd and the new bound is rounded onto it: on the
    generated city most person and capacity rows become equalities, which HiGHS's presolve
    and propagation use (seed 2, the small MIP "is there a plan of 3,711,930?": root bound
    3,711,933.9 → 3,711,930.9 after cuts, proven optimal at 3,711,920 in 158 s, against no
    proof in 200 s; the MIP of a run with HiGHS seed 1, whose duals differ from seed 0's).
    Dense rows (the budget envelopes) keep their bounds: with both sides finite, HiGHS's
    propagation over them took 140 s of the root node (``perf``:
    ``HighsDomain::propagateRowUpper/Lower``).
    """
    pi = _clipped(model, pi)
    n_rows = len(model.row_lower)
    entries = np.diff(a.start)
    whole = (np.abs(a.value - np.round(a.value)) < 1e-9) & model.integer[a.index]
    lattice = np.bincount(a.row_of, weights=(~whole).astype(float), minlength=n_rows) == 0
    step = np.ones(n_rows)
    rows = np.flatnonzero(lattice & (entries > 0))
    if len(rows):
        magnitudes = np.abs(np.round(a.value)).astype(np.int64)
        step[rows] = np.gcd.reduceat(magnitudes, a.start[rows])
    step[step == 0] = 1.0
    use = (entries <= _DENSE_ROW) & (np.abs(pi) > 0)
    lower, upper = model.row_lower.copy(), model.row_upper.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        lo_new = upper - room / pi
        hi_new = lower + room / -pi
    lo_new = np.where(lattice, np.ceil(lo_new / step - 1e-9) * step, lo_new)
    hi_new = np.where(lattice, np.floor(hi_new / step + 1e-9) * step, hi_new)
    up = use & (pi > 0) & (lo_new > lower)
    down = use & (pi < 0) & (hi_new < upper)
    lower[up] = lo_new[up]
    upper[down] = hi_new[down]
    return replace(model, row_lower=lower, row_upper=upper)


def _fixings(model: LinearModel, d: np.ndarray, room: float) -> tuple[np.ndarray, np.ndarray]:
    """Columns kept and their new lower bounds, for plans that lose at most ``room`` against
    ``L``: an integer column whose loss at one bound exceeds ``room`` takes the other one.
    Columns fixed at 0 are dropped."""
    free = model.integer & (model.col_lower < model.col_upper)
    at_upper = free & (d * (model.col_upper - model.col_lower) > room)  # loss at lower > room
    at_lower = free & (-d * (model.col_upper - model.col_lower) > room)
    lower = np.where(at_upper, model.col_upper, model.col_lower)
    drop = at_lower & (model.col_lower == 0)
    upper_fix = at_lower & ~drop  # fixed at a non-zero lower bound: keep, fixed
    keep = np.flatnonzero(~drop)
    lower = lower[keep]
    upper = np.where(upper_fix, model.col_lower, model.col_upper)[keep]
    return keep, np.stack([lower, upper])


def _strengthen(problem: ProblemData, model: LinearModel, a: Csr
                ) -> tuple[LinearModel, Csr, np.ndarray, np.ndarray]:
    """Add ``x_k ≤ y_p`` for every pair of a programme with a run variable.

    Implied by ``Σ x_k ≤ capacity_p·y_p`` for integer plans, so no plan is lost; the LP bound
    drops a lot (a programme cannot run at 1/capacity to take one person at no fixed cost).
    """
    y_col = np.full(problem.n_programs, -1, dtype=np.int64)
    y_col[model.y_prog] = model.y0 + np.arange(len(model.y_prog))
    ks = np.flatnonzero(y_col[problem.pair_p] >= 0)
    vub_row = np.full(model.n_cols, -1, dtype=np.int64)
    vub_y = np.full(model.n_cols, -1, dtype=np.int64)
    if not len(ks):
        return model, a, vub_row, vub_y
    n = len(ks)
    vub_row[ks] = len(model.row_lower) + np.arange(n)
    vub_y[ks] = y_col[problem.pair_p[ks]]
    cols = np.empty(2 * n, dtype=np.int64)
    cols[0::2] = ks
    cols[1::2] = y_col[problem.pair_p[ks]]
    # Each row's pair column comes before its run column (x columns come first).
    a = a.stack(Csr(np.arange(0, 2 * n + 1, 2), cols, np.tile([1.0, -1.0], n), model.n_cols))
    out = replace(model, start=a.start, index=a.index, value=a.value,
                  row_lower=np.concatenate([model.row_lower, np.full(n, -np.inf)]),
                  row_upper=np.concatenate([model.row_upper, np.zeros(n)]),
                  row_family=[*model.row_family, *["run_link"] * n],
                  row_names=[*model.row_names, *["run_link"] * n])
    return out, a, vub_row, vub_y


def _restrict(model: LinearModel, a: Csr, cols: np.ndarray,
              bounds: np.ndarray | None = None) -> tuple[LinearModel, Csr]:
    """The model on the columns ``cols`` (sorted; the others at 0), with new bounds if given."""
    sub = a.columns(cols)
    lower = model.col_lower[cols] if bounds is None else bounds[0]
    upper = model.col_upper[cols] if bounds is None else bounds[1]
    n_x = int(np.searchsorted(cols, model.n_x))
    out = replace(
        model, n_cols=len(cols), n_x=n_x, col_lower=lower, col_upper=upper,
        integer=model.integer[cols], start=sub.start, index=sub.index, value=sub.value,
        score=model.score[cols], cost=model.cost[cols], tie=model.tie[cols])
    return out, sub


def _with_row(model: LinearModel, a: Csr, coef: np.ndarray, lo: float,
              hi: float) -> tuple[LinearModel, Csr]:
    """The model with one more row ``lo ≤ coef·x ≤ hi``."""
    nz = np.flatnonzero(coef)
    a = a.stack(Csr(np.array([0, len(nz)]), nz, coef[nz], model.n_cols))
    out = replace(model, start=a.start, index=a.index, value=a.value,
                  row_lower=np.append(model.row_lower, lo),
                  row_upper=np.append(model.row_upper, hi),
                  row_family=[*model.row_family, "level"],
                  row_names=[*model.row_names, "level"])
    return out, a


class _LP:
    """An LP over a growing set of a model's columns (HiGHS simplex, warm-started).

    Rows from ``n_base`` on are ``x_k ≤ y_p`` rows, one per column (``vub_row``: the row of each
    column, −1 if none); they enter the LP with their column, so the LP carries only those of
    the columns it has. Absent rows have dual 0, which keeps every bound valid.
    """

    def __init__(self, model: LinearModel, a: Csr, c: np.ndarray,
                 seed: int, n_base: int | None = None, vub_row: np.ndarray | None = None,
                 vub_y: np.ndarray | None = None) -> None:
        with highs_engine.quiet_stdout():
            self.h = highspy.Highs()
        h = self.h
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", int(seed))
        self.model, self.c = model, c
        self.n_base = len(model.row_lower) if n_base is None else n_base
        # The model's columns (Aᵀ by rows), on the rows below ``n_base`` only: the others
        # enter with their column.
        base = a.rows(np.arange(self.n_base)) if self.n_base < a.n_rows else a
        self.by_column = base.transpose()
        self.vub_row, self.vub_y = vub_row, vub_y
        self.local = np.full(model.n_cols, -1, dtype=np.int64)
        self.vub_added: list[np.ndarray] = []
        inf = h.getInfinity()
        n_rows = self.n_base
        lo, hi = model.row_lower[:n_rows], model.row_upper[:n_rows]
        h.addRows(n_rows, np.where(np.isinf(lo), -inf, lo), np.where(np.isinf(hi), inf, hi), 0,
                  np.zeros(n_rows, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.cols = np.zeros(0, dtype=np.int64)
        self.runs = 0
        self.dual_next = False  # bounds changed, or the last run was infeasible
        self.warm = False  # a carried basis: the primal simplex goes on from it

    def add(self, cols: np.ndarray) -> None:
        cols = np.asarray(cols, dtype=np.int64)
        sub = self.by_column.rows(cols)
        m = self.model
        self.h.addCols(len(cols), self.c[cols], m.col_lower[cols], m.col_upper[cols],
                       sub.nnz, sub.start[:-1].astype(np.int32), sub.index.astype(np.int32),
                       sub.value)
        self.local[cols] = len(self.cols) + np.arange(len(cols))
        self.cols = np.concatenate([self.cols, cols])
        if self.vub_row is None or self.vub_y is None:
            return
        linked = cols[self.vub_row[cols] >= 0]
        rows = self.vub_row[linked]
        if not len(linked):
            return
        ycols = self.vub_y[linked]  # already in the LP: every y column is in the first add
        n = len(rows)
        index = np.empty(2 * n, dtype=np.int32)
        index[0::2] = self.local[linked]
        index[1::2] = self.local[ycols]
        inf = self.h.getInfinity()
        self.h.addRows(n, np.full(n, -inf), np.zeros(n), 2 * n,
                       np.arange(0, 2 * n, 2, dtype=np.int32), index, np.tile([1.0, -1.0], n))
        self.vub_added.append(rows)

    def set_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """New bounds for columns of the model (all of them already in the LP)."""
        local = self.local[cols].astype(np.int32)
        self.dual_next = True
        self.h.changeColsBounds(len(local), local, lower.astype(float), upper.astype(float))

    def carried_basis(self, cols: np.ndarray, n_rows: int) -> highspy.HighsBasis:
        """This LP's basis for a model on the columns ``cols`` of this LP's model, with its
        rows and then new ones (``n_rows`` in all): a column this LP lacks is nonbasic at its
        lower bound, a row it lacks basic (its slack). A hint only: HiGHS checks it."""
        basis = self.h.getBasis()
        col_now = np.array([s.value for s in basis.col_status], dtype=np.int64)
        row_now = np.array([s.value for s in basis.row_status], dtype=np.int64)
        lower, basic = highspy.HighsBasisStatus.kLower.value, \
            highspy.HighsBasisStatus.kBasic.value
        col_status = np.full(len(cols), lower, dtype=np.int64)
        local = self.local[cols]
        col_status[local >= 0] = col_now[local[local >= 0]]
        row_status = np.full(n_rows, basic, dtype=np.int64)
        row_status[: self.n_base] = row_now[: self.n_base]
        if self.vub_added:
            row_status[np.concatenate(self.vub_added)] = row_now[self.n_base:]
        status = {s.value: s for s in (highspy.HighsBasisStatus.kLower,
                                       highspy.HighsBasisStatus.kBasic,
                                       highspy.HighsBasisStatus.kUpper,
                                       highspy.HighsBasisStatus.kZero,
                                       highspy.HighsBasisStatus.kNonbasic)}
        out = highspy.HighsBasis()
        out.col_status = [status[int(v)] for v in col_status]
        out.row_status = [status[int(v)] for v in row_status]
        out.valid = True
        return out

    def start_from(self, basis: highspy.HighsBasis) -> None:
        """Start the next run from ``basis`` (kept only if HiGHS accepts it)."""
        self.warm = self.h.setBasis(basis) == highspy.HighsStatus.kOk

    def full_duals(self, duals: np.ndarray) -> np.ndarray:
        """The LP's row duals as a vector over all the model's rows (absent rows: 0)."""
        pi = np.zeros(len(self.model.row_lower))
        pi[: self.n_base] = duals[: self.n_base]
        if self.vub_added:
            pi[np.concatenate(self.vub_added)] = duals[self.n_base:]
        return pi

    def ray(self) -> np.ndarray | None:
        """After an infeasible run of the dual simplex, HiGHS's dual ray over all the model's
        rows (absent rows: 0), or None when it has none; the next run is the dual simplex's."""
        self.dual_next = True
        _, has_ray, values = self.h.getDualRay()  # type: ignore[attr-defined]  # not in the stub
        return self.full_duals(np.asarray(values)) if has_ray else None

    def run(self, time_left: float) -> tuple[str, np.ndarray | None]:
        h = self.h
        # From scratch, and after bounds change, the dual simplex is fastest; after columns
        # are added the basis stays primal feasible, so the primal simplex goes on from it.
        primal = self.warm or self.runs and not self.dual_next
        h.setOptionValue("simplex_strategy", 4 if primal else 1)
        self.warm = False
        self.dual_next = False
        self.runs += 1
        highs_engine.run_until(h, time.perf_counter() + max(0.01, float(time_left)))
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", np.asarray(h.getSolution().row_dual)
        if status in (highspy.HighsModelStatus.kInfeasible,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return "infeasible", None
        return "none", None


# No restarts: when a better plan lets HiGHS fix some columns it presolves the MIP again and
# starts over, and with ~60,000 binaries each start costs 7-19 s before the first LP (clique
# table queries, seen with perf). hcmc-2023's first small MIP, scenario seed 0: proven in 44.9 s
# instead of not within the 60 s limit (105 s, two restarts, offline); HiGHS seeds 1-3: 38.0 /
# 35.3 s / not, against 39.4 / 39.6 s / not. City seed 3 with HiGHS seed 1: 3,704,410 instead of
# 3,704,340 (with the scenario's seed: 3,704,340 either way).
_MIP_OPTIONS = {"mip_allow_restart": False}


def _mip(model: LinearModel, c: np.ndarray, step: float, start: np.ndarray | None,
         deadline: float, workers: int, seed: int, stop: StopWhen | None = None,
         child: bool | None = None, merged: bool = False) -> highs_engine.LevelOutcome:
    """One level as a HiGHS MIP: maximise ``c·x`` from ``start``; ``stop``, ``child``,
    ``merged``: see :func:`allocator.engines.highs.solve_levels`."""
    one = _for_highs(replace(model, score=c), step)
    out = highs_engine.solve_levels(one, 0.0, workers, seed, start=start, deadline=deadline,
                                    levels=1, options=_MIP_OPTIONS, stop=stop, child=child,
                                    merged=merged)
    return out.first


def _for_highs(model: LinearModel, step: float) -> LinearModel:
    """``model`` with its score integral in steps of ``step`` (0: not integral), as HiGHS is
    told it."""
    return replace(model, integral_score=step > 0, score_step=max(1, int(step)))


def _merged_mip(model: LinearModel, step: float, deadline: float, workers: int, seed: int,
                stop: StopWhen | None = None) -> highs_engine.LevelOutcome:
    """Level 1's score on a small MIP, solved with its interchangeable people merged
    (:mod:`allocator.engines.aggregate`); ``stop``: see :func:`_mip`.

    Level 1's questions ("is there a plan of at least ``T``?"), the finder and the support MIP
    all run this way. Merged, the support MIP of generated city seeds 0, 2 and 4 has ~1,800 columns
    instead of ~20,000 and is solved in 0.2-0.4 s instead of 0.6-9.0 s (seed 2: 1.6 s or 9.0 s,
    by HiGHS's path)."""
    # Merged, a city-size MIP falls below the child process's size; it goes there all the
    # same (HiGHS's root heuristics can run past the deadline in-process: 6.6 s on city seed 4),
    # as a race of HiGHS seeds, one thread each (highs.race): on these MIPs one thread is
    # about as fast as two, and the time swings with the seed.
    child = model.n_cols >= highs_engine.CHILD_COLUMNS
    if not child or workers < 2:
        return _mip(model, model.score, step, None, deadline, workers, seed, stop,
                    child=child, merged=True)
    first = _merged_job(model, step, seed, stop)
    jobs = [replace(first, seed=seed + k) for k in range(workers)]
    return highs_engine.race(jobs, deadline).first


def _merged_job(model: LinearModel, step: float, seed: int, stop: StopWhen | None,
                **options: int) -> highs_engine.Job:
    """Level 1's score on a small MIP, as :func:`_merged_mip` solves it, for a child process
    beside another (one thread each); ``options``: HiGHS's, on top of :data:`_MIP_OPTIONS`."""
    return highs_engine.Job(_for_highs(model, step), 1, seed, options={**_MIP_OPTIONS, **options},
                            stop=stop, merged=True)


def _finder(a: Csr, tightened: LinearModel, d: np.ndarray, target: float, step: float,
            margin: float, deadline: float, workers: int, seed: int
            ) -> tuple[highs_engine.LevelOutcome, np.ndarray, int]:
    """Look for a plan of at least ``target`` among the columns that lose less than half a score
    step against ``L(π)``, with the rows of the question at ``target`` (``tightened``); stop at
    the first one. A heuristic: the plans it holds are some of the question's (its columns,
    those rows). Returns the MIP's outcome, its columns and how many are free.

    Where the optimum lies a few steps below the LP bound, its loss is mostly rows' slack (places
    left empty, an envelope not quite spent), not columns': ``hcmc-2023``'s optimum loses 28.5
    of its 33.3 points in four rows and 4.7 in one column. The question at that score frees
    every column that loses less than 33.3 (99,399) and finds the optimum at 84-96 s; with the
    columns held to half a step (50,412 free) HiGHS finds it in 14-36 s (seeds 0-2).
    """
    cols, bounds, sub = _finder_mip(tightened, a, d, step, margin)
    out = _merged_mip(sub, step, deadline, workers, seed,
                      StopWhen(bound_below=target, plan_reaches=target))
    return out, cols, int(np.sum(bounds[0] < bounds[1]))


def _finder_mip(tightened: LinearModel, a: Csr, d: np.ndarray, step: float, margin: float
                ) -> tuple[np.ndarray, np.ndarray, LinearModel]:
    """The finder's small MIP: the columns that lose less than half a score step (with their
    bounds), restricted from the question's rows ``tightened``."""
    cols, bounds = _fixings(tightened, d, step / 2 + margin)
    return cols, bounds, _restrict(tightened, a, cols, bounds)[0]


# The finder's branch-and-bound nodes beside a question (:func:`_beside_the_finder`): a count of
# nodes, not seconds, so that whether it finds its plan does not depend on the machine's speed.
_FINDER_NODES = 1_000


def _reaches(target: float, out: highs_engine.Levels | None) -> bool:
    """``out`` has a plan of at least ``target``."""
    return out is not None and out.first.objective is not None and \
        out.first.objective >= target - 1e-6


def _settled(target: float, question: highs_engine.Levels | None,
             finder: highs_engine.Levels | None, finder_work: float) -> bool:
    """Whether the question and the finder beside it (each ``None`` while it runs) have said
    enough: the finder reached the target (its plan is the answer), or both are done, or the
    question said no and the finder has done more work than it (then its plan is not kept:
    see :func:`_beside_the_finder`). A question that says yes waits for the finder, whose plan
    is preferred: which plan is kept must not depend on which ends first."""
    if _reaches(target, finder):
        return True
    if question is None:
        return False
    if finder is not None or question.work is None:
        return True
    return not _reaches(target, question) and finder_work > question.work


def _beside_the_finder(tight: LinearModel, a: Csr, cols: np.ndarray, bounds: np.ndarray,
                       d: np.ndarray, target: float, step: float, margin: float,
                       deadline: float, seed: int
                       ) -> tuple[highs_engine.LevelOutcome, tuple[np.ndarray, np.ndarray] | None,
                                  tuple[np.ndarray, np.ndarray] | None]:
    """The question at the ceiling ``target`` (its columns ``cols`` with ``bounds``, its rows
    ``tight``) and, beside it on the other core, the finder at the same target: two child
    processes, one thread each. Returns the question's outcome (in ``cols``); when the
    finder reaches the target, its plan (columns, values), which is then the answer; and when
    the question says no, the finder's best plan if it ended within the question's work.

    Which plan is kept does not depend on which MIP ends first: the finder's whenever it
    reaches the target, else the question's. So the question waits for the finder when it
    says yes first; when it says no, the finder cannot say yes (its plans are the question's)
    and goes on only while it has done no more work than the question (HiGHS's MIP interrupt
    callbacks, the same on every run: :func:`allocator.engines.highs.race`), so whether its
    plan below the target is kept does not depend on the clock either. On these MIPs one
    thread is about as fast as two (seed 4's question at 3,742,370: 7.8 s against 8.2 s;
    `hcmc-2023`'s "no"s 1.2 and 2.1 s against 1.0 and 2.2 s), so the other core is the
    finder's for free."""
    stop = StopWhen(bound_below=target, plan_reaches=target)
    f_cols, _, f_model = _finder_mip(tight, a, d, step, margin)
    question, finder = highs_engine.side_by_side(
        [_merged_job(_restrict(tight, a, cols, bounds)[0], step, seed, stop),
         _merged_job(f_model, step, seed, stop, mip_max_nodes=_FINDER_NODES)],
        deadline, lambda results, works: _settled(target, results[0], results[1], works[1]))
    if _reaches(target, finder) and finder.first.values is not None:
        return finder.first, (f_cols, finder.first.values), None
    below = None
    if not _reaches(target, question) and finder.work is not None and \
            question.work is not None and finder.work <= question.work and \
            finder.first.values is not None:
        # The finder ended within the question's work: its best plan, below the target, is
        # kept whatever ended first (generated city seed 12: beside the "no" at 3,741,710
        # the finder's plan of 3,741,700 is the optimum, which took another 7.7 s to find).
        below = (f_cols, finder.first.values)
    return question.first, None, below


# Questions asked from the bound down (level 1, integral scores) before the cluster rule
# (_target) takes over: where the optimum is many steps below the bound, one step a question
# is slow (scenarios/sample.yaml: nine steps, eight quick "no"s, then the plain MIP).
_DESCENT = 3

EXACT_LEVEL_FREE = 5_000  # levels 2 and 3: above this many free columns, no full MIP


@dataclass
class _Level:
    """One tie-break level (least cost, then the tie-break order) on the plans of best score:
    the best plan found, the model the fixings leave (every plan at least as good as the
    incumbent is in it) with its matrix and columns, and the level's proven bound (in ``c``)."""

    status: str
    values: np.ndarray
    model: LinearModel
    a: Csr
    cols: np.ndarray
    bound: float | None


def _exact_level(model: LinearModel, a: Csr, c: np.ndarray,
                 incumbent: np.ndarray, deadline: float, workers: int, seed: int,
                 stats: list[dict[str, Any]], basis: highspy.HighsBasis | None = None
                 ) -> _Level:
    """Maximise the integer objective ``c·x`` from a feasible ``incumbent``: LP, reduced-cost
    fixing against the incumbent's value, then the MIP on what is left.

    When the fixings leave more than :data:`EXACT_LEVEL_FREE` columns free, the MIP runs on
    the LP's support only: a plan at or next to the LP optimum in a fraction of a second,
    where proving it best takes minutes (generated city, least cost: the LP has 2 fractional
    columns and a gap of 19 cost steps; the support MIP finds the optimum in 0.2 s, the full
    MIP proves it in 130 s). The level is then ``feasible`` with the LP's bound, and its
    result depends on the model alone, never on the clock.
    """
    t = time.perf_counter()
    lp = _LP(model, a, c, seed)
    lp.add(np.arange(model.n_cols))
    if basis is not None:
        lp.start_from(basis)
    status, pi = lp.run(deadline - time.perf_counter())
    value = float(np.dot(c, incumbent))
    entry: dict[str, Any] = {"columns": model.n_cols}
    stats.append(entry)
    cols = np.arange(model.n_cols)
    bound = None
    x_lp = None
    if status == "optimal" and pi is not None:
        bound, d = lagrangian_bound(model, a, pi, c)
        x_lp = np.asarray(lp.h.getSolution().col_value)
        entry["lp_gap"] = bound - value
        entry["lp_s"] = round(time.perf_counter() - t, 3)
        log.info("level LP: %s", entry)
        if bound - value < 1.0 - 1e-6:
            entry["how"] = "LP bound"
            return _Level("optimal", incumbent, model, a, cols, value)
        room = bound - value + _margin(bound)
        cols, bounds = _fixings(model, d, room)
        model, a = _restrict(model, a, cols, bounds)
        incumbent, c, x_lp = incumbent[cols], c[cols], x_lp[cols]
    entry["free"] = int(np.sum(model.col_lower < model.col_upper))
    whole = x_lp is None or entry["free"] <= EXACT_LEVEL_FREE
    # No MIP start: HiGHS 1.16, given this start on a fresh instance, has reported "optimal"
    # with an objective beyond the LP bound (seen on a 13-column level-2 model). The incumbent
    # is kept here instead and returned when the MIP finds nothing better.
    if whole:
        mip_model, mip_c, part = model, c, None
    else:
        assert x_lp is not None
        # Not the incumbent's columns too: with two plans' worth of pairs the MIP has many
        # more ways to mix them (generated city: 26,823 columns, no proof in 53 s, vs 19,940 in
        # 0.2 s); the incumbent stays the answer when the support's best is worse.
        part = np.flatnonzero((x_lp > 1e-9) | (np.arange(model.n_cols) >= model.n_x))
        mip_model, _ = _restrict(model, a, part)
        mip_c = c[part]
        entry["support"] = int(len(part))
    # Alike people merged as in level 1, by this level's objective: least cost merges them,
    # the tie-break (a weight per pair) does not.
    out = _mip(mip_model, mip_c, 1.0, None, deadline, workers, seed, merged=True)
    values = out.values
    if values is not None and part is not None:
        values = np.zeros(model.n_cols)
        values[part] = out.values
    entry["mip"] = out.status
    entry["s"] = round(time.perf_counter() - t, 3)
    log.info("level: %s", entry)
    if values is None or float(np.dot(c, values)) < value - 0.5:
        values, found = incumbent, value
    else:
        found = float(np.dot(c, values))
    if (whole and out.status == "optimal") or (bound is not None and bound - found < 1.0 - 1e-6):
        return _Level("optimal", values, model, a, cols, found)
    if whole and out.bound is not None:
        bound = out.bound if bound is None else min(bound, out.bound)
    return _Level("feasible", values, model, a, cols, bound)


def _column_generation(lp: _LP, problem: ProblemData, model: LinearModel, a: Csr,
                       deadline: float) -> tuple[str, np.ndarray | None, np.ndarray | None, int]:
    """Solve the LP over ``lp``'s columns, price every column, add the best, until none
    prices out. Returns the status, the duals over all rows, the LP plan over all columns and
    the number of rounds; ``model`` carries the column bounds (a node's, when branching)."""
    rounds = 0
    pi = x_lp = None
    while True:
        rounds += 1
        status, duals = lp.run(deadline - time.perf_counter())
        if status == "infeasible" and len(lp.cols) < model.n_cols:
            # A few missing columns are all taken at once (one more round). Of many, those
            # that can mend it (Farkas pricing): on generated city seed 8 a branching node
            # infeasible on its 39,362 columns took all 115,902, and its LP 55 s.
            missing = np.setdiff1d(np.arange(model.n_cols), lp.cols)
            ray = lp.ray() if len(missing) > _MEND_ALL else None
            new = None if ray is None else _mending(problem, model, a, lp.cols, ray)
            if new is not None and len(new) == 0:
                return "infeasible", pi, x_lp, rounds  # on every column: the ray proves it
            lp.add(missing if new is None else new)
            continue
        if status != "optimal" or duals is None:
            return status, pi, x_lp, rounds
        pi = lp.full_duals(duals)
        x_lp = np.zeros(model.n_cols)
        x_lp[lp.cols] = np.asarray(lp.h.getSolution().col_value)
        _, d = lagrangian_bound(model, a, pi, model.score)
        gain = np.maximum(d * model.col_upper, d * model.col_lower) - d * model.col_lower
        gain[lp.cols] = 0.0
        new = _price(problem, model, gain)
        if len(new) == 0:
            return "optimal", pi, x_lp, rounds
        lp.add(new)


# An LP infeasible on its columns takes every missing column when there are at most this many.
_MEND_ALL = 5_000


def _mending(problem: ProblemData, model: LinearModel, a: Csr, cols: np.ndarray,
             ray: np.ndarray) -> np.ndarray | None:
    """The columns to add to an LP that is infeasible on its columns ``cols``, from a dual
    ray ``y`` of it (Farkas pricing): ``y·Ax`` cannot reach ``min y·r`` over the rows' bounds
    with those columns, and a column with ``y·a_j > 0`` raises its reach. Priced like
    :func:`_price`. Empty when no column can mend it (the ray proves the LP infeasible on every
    column); None when the ray proves nothing in either sign (rounding), and all columns are
    the safe choice."""
    lo, hi = model.row_lower, model.row_upper
    for y in (ray, -ray):
        with np.errstate(invalid="ignore"):
            least = np.where(y > 0, y * lo, np.where(y < 0, y * hi, 0.0)).sum()
        g = a.tdot(y)
        most = np.maximum(g * model.col_lower, g * model.col_upper)
        scale = 1e-9 * (1.0 + np.abs(y).sum())
        if not most[cols].sum() < least - scale:
            continue  # not a certificate in this sign
        gain = most - g * model.col_lower
        gain[cols] = 0.0
        if most.sum() < least - scale:
            return np.zeros(0, dtype=np.int64)
        return _price(problem, model, gain)
    return None


_MAX_NODES = 64


@dataclass
class _Leaf:
    """A leaf of the run tree: its model (its run variables ``fix``-ed) and its LP's bound
    ``L(π)``, duals, plan and reduced costs."""

    model: LinearModel
    fix: dict[int, float]
    bound: float
    pi: np.ndarray
    x: np.ndarray
    d: np.ndarray


class _RunTree:
    """Best-first branching on the run variables ``y`` (programmes with a minimum size or a
    fixed cost), down to leaves: nodes whose LP runs every programme fully or not at all.

    A part-run programme is what keeps the LP bound far above the plans (a delegation run at
    0.8 pays 80% of its fixed cost); each branch fixes one ``y`` at 0 or 1, and the LP of a
    node (column generation again, warm-started, on ``lp``) bounds every plan of its subtree.
    The open nodes stay in a heap: :meth:`next_leaf` takes the next leaf of best bound, and
    every plan is in a leaf taken or under an open node.
    """

    def __init__(self, problem: ProblemData, model: LinearModel, lp: _LP, a: Csr,
                 bound: float, x_lp: np.ndarray) -> None:
        self.problem, self.model, self.lp, self.a = problem, model, lp, a
        self.ys = np.arange(model.y0, model.u0)
        self.weight = problem.fixed_cost[model.y_prog].astype(float) + 1.0
        self.base_lo = model.col_lower[self.ys].copy()
        self.base_hi = model.col_upper[self.ys].copy()
        self.nodes = 0  # node LPs solved
        self.basis_of: dict[int, float] | None = None  # the leaf whose LP ``lp`` last solved
        self._dropped: list[tuple[float, int, dict[int, float], np.ndarray]] = []  # by ``above``
        self._counter = 0
        self.heap: list[tuple[float, int, dict[int, float], np.ndarray]] = []
        if len(self.ys) and len(self._fractional(x_lp)):
            self.heap.append((-bound, 0, {}, x_lp))

    @property
    def needed(self) -> bool:
        """The root LP runs some programme part-way (else the whole model is the leaf)."""
        return bool(self.heap) or self.nodes > 0

    def top(self) -> float | None:
        """The best bound among the open nodes (None when none is left)."""
        return -self.heap[0][0] if self.heap else None

    def reopen(self, score: float) -> None:
        """Open again the dropped nodes whose bound reaches ``score`` (rounded down to a
        score step): they may hold plans of that score."""
        back = [n for n in self._dropped if self.model.floor_score(-n[0]) >= score]
        self._dropped = [n for n in self._dropped if self.model.floor_score(-n[0]) < score]
        for node in back:
            heapq.heappush(self.heap, node)

    def _fractional(self, x: np.ndarray) -> np.ndarray:
        v = x[self.ys]
        return np.flatnonzero((v > 1e-6) & (v < 1 - 1e-6))

    def node_model(self, fix: dict[int, float]) -> tuple[LinearModel, np.ndarray, np.ndarray]:
        """The model of a node (its run variables fixed) and its ``y`` bounds."""
        lo, hi = self.base_lo.copy(), self.base_hi.copy()
        for k, val in fix.items():
            lo[k] = hi[k] = val
        m = self.model
        return replace(m, col_lower=_with(m.col_lower, self.ys, lo),
                       col_upper=_with(m.col_upper, self.ys, hi)), lo, hi

    def next_leaf(self, deadline: float, above: float = -np.inf) -> _Leaf | None:
        """Branch best-first until the open node of best bound is a leaf, and take it out.

        Nodes that cannot hold a plan scoring more than ``above`` (their bound, rounded down
        to a score step, is not above it) are dropped. None when no node is left, or when the
        node limit or the deadline comes first (the open nodes stay: :meth:`top`)."""
        heap, lp, ys = self.heap, self.lp, self.ys
        if not heap:
            return None
        found = None
        while heap and self.nodes < _MAX_NODES and time.perf_counter() < deadline:
            if self.model.floor_score(-heap[0][0]) <= above:
                # The best node cannot beat ``above``: nor can any other.
                self._dropped.extend(heap)
                heap.clear()
                break
            neg, _, fix, x = heapq.heappop(heap)
            frac = self._fractional(x)
            if not len(frac):
                found = (neg, fix, x)
                break
            v = x[ys[frac]]
            j = int(frac[np.argmax(self.weight[frac] * np.minimum(v, 1 - v))])
            for value in (1.0, 0.0):
                child = {**fix, j: value}
                node, lo, hi = self.node_model(child)
                lp.set_bounds(ys, lo, hi)
                status, pi_n, x_n, _ = _column_generation(lp, self.problem, node, self.a,
                                                          deadline)
                self.nodes += 1
                self.basis_of = None
                self._counter += 1
                if status == "optimal" and pi_n is not None and x_n is not None:
                    l_n, _ = lagrangian_bound(node, self.a, pi_n, self.model.score)
                    heapq.heappush(heap, (-l_n, self._counter, child, x_n))
                elif status != "infeasible":
                    # No LP in time: this subtree keeps its parent's bound.
                    heapq.heappush(heap, (neg, self._counter, child, x))
        lp.set_bounds(ys, self.base_lo, self.base_hi)
        if found is None:
            return None
        neg, fix, x = found
        leaf = self.solve_leaf(fix, deadline)
        if leaf is None:
            self._counter += 1  # no LP in time: the leaf stays open, its bound counts
            heapq.heappush(heap, (neg, self._counter, fix, x))
        return leaf

    def solve_leaf(self, fix: dict[int, float], deadline: float) -> _Leaf | None:
        """The leaf's LP (again: the heap keeps only its plan) for its duals; after it, the
        LP's basis is the leaf's (levels 2 and 3 start from it). None if not solved in time."""
        lp, ys = self.lp, self.ys
        leaf, lo, hi = self.node_model(fix)
        lp.set_bounds(ys, lo, hi)
        status, pi_l, x_l, _ = _column_generation(lp, self.problem, leaf, self.a, deadline)
        lp.set_bounds(ys, self.base_lo, self.base_hi)
        self.basis_of = fix
        if status != "optimal" or pi_l is None or x_l is None:
            self.basis_of = None
            return None
        l_leaf, d_leaf = lagrangian_bound(leaf, self.a, pi_l, self.model.score)
        return _Leaf(leaf, fix, l_leaf, pi_l, x_l, d_leaf)


def _has_plan(leaf: _Leaf, a: Csr, target: float, step: float, deadline: float, workers: int,
              seed: int) -> bool | None:
    """Whether ``leaf`` holds a plan scoring at least ``target``: one small MIP, as level 1
    asks it at a ceiling (stopped at the first such plan, or once its bound is below).
    None when it is not answered in time."""
    margin = _margin(leaf.model.floor_score(leaf.bound))
    room = leaf.bound - target + margin
    if room < 0:
        return False
    cols, bounds = _fixings(leaf.model, leaf.d, room)
    sub, _ = _restrict(_tightened_rows(leaf.model, a, leaf.pi, room), a, cols, bounds)
    out = _merged_mip(sub, step, deadline, workers, seed,
                      StopWhen(bound_below=target, plan_reaches=target))
    if out.objective is not None and out.objective >= target - 1e-6:
        return True
    if out.status in ("optimal", "infeasible") or (out.bound is not None and out.bound < target):
        return False
    return None


def _ties_elsewhere(tree: _RunTree, tied: list[_Leaf], a: Csr, score: float, step: float,
                    deadline: float, workers: int, seed: int, stats: dict[str, Any]) -> bool:
    """Whether a plan of the best ``score`` may lie outside the leaf of the best plan: in a
    leaf taken after it (``tied``: its questions showed only that none is better) or under a
    node dropped because it could not beat it. Each whose bound reaches the score is asked
    for a plan of that score (the dropped nodes first branched down to leaves); a question
    not answered in time, or a search cut short, counts as yes.

    Levels 2 and 3 then look for the least cost over every plan of that score: on the whole
    model if there may be some elsewhere, else on the best plan's leaf alone, whose small
    MIPs are far quicker (generated small seed 26: 0.5 s against 10.7 s; seed 30's other
    leaf does hold a cheaper plan of the best score)."""
    asked: list[dict[str, Any]] = []
    stats["ties"] = asked
    below = score - step if step else score - 1e-9 * max(1.0, abs(score))
    tree.reopen(score)
    leaves = iter([leaf for leaf in tied if tree.model.floor_score(leaf.bound) >= score])
    while True:
        ts = time.perf_counter()
        leaf = next(leaves, None) or tree.next_leaf(deadline, above=below)
        if leaf is None:
            return tree.top() is not None  # the node limit or the deadline: not known
        answer = _has_plan(leaf, a, score, step, deadline, workers, seed)
        asked.append({"leaf_bound": leaf.bound, "answer": answer,
                      "s": round(time.perf_counter() - ts, 3)})
        if answer is not False:
            return True


def _with(values: np.ndarray, idx: np.ndarray, new: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[idx] = new
    return out


def _initial_columns(problem: ProblemData, model: LinearModel, start: np.ndarray | None,
                     core: np.ndarray) -> np.ndarray:
    """Each person's best ``_TOP`` pairs, forced pairs, the starting plan, the transportation
    core's best plan, and every non-x column."""
    n_x = model.n_x
    order = np.lexsort((np.arange(n_x), -problem.score, problem.pair_c))
    first = np.searchsorted(problem.pair_c[order], problem.pair_c[order], side="left")
    rank = np.arange(n_x) - first
    keep = np.zeros(n_x, dtype=bool)
    keep[order[rank < _TOP]] = True
    keep |= problem.forced
    keep |= core
    if start is not None:
        keep |= start
    return np.concatenate([np.flatnonzero(keep), np.arange(n_x, model.n_cols)])


def _price(problem: ProblemData, model: LinearModel, gain: np.ndarray) -> np.ndarray:
    """The columns to add: each person's ``_PER_ROUND`` pairs of largest positive gain, at most
    ``_ROUND_MAX`` of them (the largest gains; ties by column), and every other column that
    gains."""
    new = np.flatnonzero(gain > _TOL)
    if len(new) == 0:
        return new
    x = new[new < model.n_x]
    order = np.lexsort((x, -gain[x], problem.pair_c[x]))
    xs = x[order]
    cs = problem.pair_c[xs]
    first = np.searchsorted(cs, cs, side="left")
    picked = xs[np.arange(len(xs)) - first < _PER_ROUND]
    if len(picked) > _ROUND_MAX:
        picked = picked[np.lexsort((picked, -gain[picked]))[:_ROUND_MAX]]
    return np.concatenate([np.sort(picked), new[new >= model.n_x]])


def _better(model: LinearModel, best: tuple[float, np.ndarray] | None, cols: np.ndarray,
            values: np.ndarray | None) -> tuple[float, np.ndarray] | None:
    """``best``, or the plan ``values`` on the columns ``cols`` (the others at 0) with its
    score when that is higher."""
    if values is None:
        return best
    full = np.zeros(model.n_cols)
    full[cols] = values
    z = float(np.dot(model.score, full))
    z = float(round(z)) if model.integral_score else z
    return (z, full) if best is None or z > best[0] else best


@dataclass
class _Level1Run:
    """The outcome of :func:`_level1` on one model (the whole problem, or a branching leaf)."""

    best: tuple[float, np.ndarray] | None  # objective, full column vector
    proven: bool  # ``best`` is optimal for this model
    bound: float  # every plan of this model scores at most this (rounded down to a step)
    fallback: bool  # the small MIPs did not converge: use the plain MIP
    stats: dict[str, Any]


def _losses(model: LinearModel, d: np.ndarray, margin: float) -> tuple[np.ndarray, int]:
    """The free pair columns' losses above ``margin``, sorted, and how many lose no more.

    A column's loss is what it costs at its worse bound, whichever the sign of ``d``: a pair the
    LP takes with ``d > 0`` is set free by a lower target as much as one it leaves with
    ``d < 0`` (:func:`_fixings`)."""
    n = model.n_x
    free = model.integer[:n] & (model.col_lower[:n] < model.col_upper[:n])
    loss = np.abs(d[:n]) * (model.col_upper[:n] - model.col_lower[:n])
    losses = np.sort(loss[free & (loss > margin)])
    return losses, int(np.count_nonzero(free)) - len(losses)


def _target(losses: np.ndarray, n_zero: int, attempt: int, raw_bound: float, bound: float,
            margin: float, known: list[float], step: float = 0.0) -> float:
    """The ``attempt``-th target of level 1's small MIPs.

    Reduced costs come in clusters (scores are coarse), so the target stops just short of the
    cluster that would more than double the small MIP: the fixings' room, ``raw_bound − T +
    margin``, stays below the loss of the first column left fixed. Never above the bound (the
    first question is whether it is reached). A known plan at or above the target replaces it
    (success is sure) or, with scores in steps of ``step``, the score a step above it: the
    question whose "no" proves that plan optimal, with less room than at the plan itself
    (generated city seed 6: 62,000 free columns instead of 106,181)."""
    allowed = int((n_zero + 200) * 1.25 * 2**attempt) - n_zero
    target = -np.inf if allowed >= len(losses) else \
        raw_bound + 2 * margin - losses[allowed] * (1 - 1e-9)
    target = min(target, bound)
    if known and max(known) >= target:
        return max(known) + step
    return target


def _level1(model: LinearModel, a: Csr, raw_bound: float, pi: np.ndarray,
            x_lp: np.ndarray, d: np.ndarray, z_start: float | None,
            best: tuple[float, np.ndarray] | None, deadline: float, workers: int,
            seed: int) -> _Level1Run:
    """Level 1 on ``model`` from its LP (bound ``raw_bound`` = ``L(π)``, plan ``x_lp``, reduced
    costs ``d``): a plan from the LP's support, then reduced-cost fixing and small MIPs,
    lowering the target until it is reached. ``z_start``: the score of a known plan of this
    model, if any; ``best``: a known plan (of this model) to beat."""
    stats: dict[str, Any] = {}
    integral = model.integral_score
    step = float(model.score_step) if integral else 0.0
    bound = model.floor_score(raw_bound)
    margin = _margin(bound)
    if best is None:
        # A plan near the LP optimum: the MIP on the LP's support (every pair the LP leaves
        # at 0 fixed at 0). A heuristic; when it reaches the bound it is optimal outright.
        ts = time.perf_counter()
        support = np.flatnonzero((x_lp > 1e-9) | (np.arange(model.n_cols) >= model.n_x))
        sup_model, _ = _restrict(model, a, support)
        sup_limit = min(deadline, ts + max(1.0, 0.25 * (deadline - ts)))
        heur = _merged_mip(sup_model, step, sup_limit, workers, seed)
        best = _better(model, None, support, heur.values)
        stats["support_mip"] = {"columns": int(len(support)), "status": heur.status,
                                "objective": best[0] if best else None,
                                "s": round(time.perf_counter() - ts, 3)}
        log.info("support MIP: %s (bound %s)", stats["support_mip"], bound)

    losses, n_zero = _losses(model, d, margin)

    def next_target(attempt: int) -> float:
        known = [v for v in (z_start, best[0] if best else None) if v is not None]
        return _target(losses, n_zero, attempt, raw_bound, bound, margin, known, step)

    def below_ceiling(attempt: int) -> tuple[int, float]:
        """The cluster rule's first target from the ``attempt``-th on below the ceiling (those
        above it are answered: no plan reaches them), and its attempt. Generated city seed 6:
        after the descent its first target was above the ceiling, so the ceiling was asked
        (5.8 s, no) before the question at a step above the best plan, which proved it."""
        target = next_target(attempt)
        while target > ceiling and np.isfinite(target):
            attempt += 1
            target = next_target(attempt)
        return attempt, min(target, ceiling)

    attempt = 0
    # Level 1's questions, "is there a plan scoring at least T?", go down from the bound a score
    # step at a time (with integral scores; _DESCENT of them, then the finder at the ceiling,
    # then the cluster rule): the highest T leaves the smallest MIP and, with the rows tightened
    # against it (_tightened_rows), the strongest one; merged (_merged_mip), each takes 0.3-3 s
    # at city size. Generated city at 60 s, every seed 0-4 proven; hcmc-2023 (optimum three
    # steps below its bound) in 10 s: three "no"s, then the finder.
    target = bound if integral else next_target(attempt)
    proven = best is not None and best[0] >= bound - 1e-6  # the plan reaches the bound
    sub_bound = None
    ceiling = bound  # what the small MIPs have proven so far
    tries: list[dict[str, Any]] = []
    stats["tries"] = tries
    while not proven and time.perf_counter() < deadline:
        room = raw_bound - target + margin
        cols, bounds = _fixings(model, d, room)
        tight = _tightened_rows(model, a, pi, room)
        ts = time.perf_counter()
        # No MIP start (see _exact_level); ``best`` is kept here. Once the small MIP's bound
        # is below the target the answer is no; at the ceiling (a proven bound: integral
        # scores), a plan that reaches it is optimal. Either way it stops there.
        at_ceiling = integral and target >= ceiling
        finder_plan = below = None
        if at_ceiling and tries and len(cols) >= highs_engine.CHILD_COLUMNS:
            # After a "no", at the ceiling: the finder beside the question.
            first, finder_plan, below = _beside_the_finder(tight, a, cols, bounds, d, target,
                                                           step, margin, deadline, seed)
        else:
            sub, _ = _restrict(tight, a, cols, bounds)
            stop = StopWhen(bound_below=target, plan_reaches=target if at_ceiling else None)
            first = _merged_mip(sub, step, deadline, workers, seed, stop)
        tries.append({"target": float(target), "free": int(np.sum(bounds[0] < bounds[1])),
                      "status": first.status, "s": round(time.perf_counter() - ts, 3)})
        if finder_plan is not None:
            tries[-1]["by"] = "finder"
        log.info("level 1 try: %s", tries[-1])
        best = _better(model, best, *(finder_plan or (cols, first.values)))
        if below is not None:
            best = _better(model, best, *below)
        tries[-1]["best"] = best[0] if best is not None else None
        if best is not None and (at_ceiling and best[0] >= target or
                                 first.status == "optimal" and best[0] >= target - 1e-6):
            proven = True
            break
        answered = first.status in ("optimal", "infeasible") or \
            (first.bound is not None and first.bound < target)
        if answered and len(tries) < 8:
            # Not reached: every plan is below the target. Lower it, never below a known plan
            # (with the target at a known plan's value, the small MIP contains that plan).
            # Every plan scoring at least ``target − margin`` is in the small MIP (the
            # fixings' room has the margin): none does.
            ceiling = min(ceiling, model.floor_score(target - margin))
            if integral and best is not None and best[0] >= ceiling:
                proven = True  # no plan scores a step more than the best one
                break
            if integral and len(tries) < _DESCENT:
                # The next question: the ceiling (no known plan reaches it). Not lower where
                # the small MIP's own bound points: with people merged each step costs 1-3 s,
                # and a question two steps down is a bigger MIP (hcmc-2023: 44.4 s with the
                # jump, 10.0 s without; city seed 0 31.8 s against 16.4 s).
                target = ceiling
                continue
            if integral and len(tries) == _DESCENT:
                # After the descent a plan at the ceiling is optimal: one look for it in a
                # smaller MIP (_finder), then the cluster rule from here on.
                ts = time.perf_counter()
                c_room = raw_bound - ceiling + margin
                found, found_cols, free = _finder(
                    a, _tightened_rows(model, a, pi, c_room), d, ceiling, step, margin,
                    deadline, workers, seed)
                stats["finder"] = {"target": float(ceiling), "free": free,
                                   "status": found.status, "s": round(time.perf_counter() - ts, 3)}
                log.info("level 1 finder: %s", stats["finder"])
                best = _better(model, best, found_cols, found.values)
                if best is not None and best[0] >= ceiling:
                    proven = True  # no plan scores a step more than the best one
                    break
                attempt, target = below_ceiling(attempt)  # the cluster rule from here on
            elif first.status == "optimal" and best is not None:
                # Is there a plan a step better than the best one? (Without steps: a plan at
                # least as good, which the small MIP then contains.)
                target = best[0] + step if integral else best[0]
            else:
                attempt, target = below_ceiling(attempt + 1)
            continue
        if first.status in ("optimal", "infeasible"):
            return _Level1Run(best, False, bound, True, stats)
        sub_bound = first.bound  # time limit inside the small MIP
        break
    if proven and best is not None:
        return _Level1Run(best, True, best[0], False, stats)
    known = best[0] if best is not None else -np.inf
    run_bound = ceiling
    if sub_bound is not None:
        # Every plan scoring at least ``target − margin`` is in the last small MIP, so
        # scores at most its bound; every other plan scores less.
        run_bound = model.floor_score(min(ceiling, max(sub_bound, target - margin)))
    return _Level1Run(best, False, max(run_bound, known), False, stats)


def solve(problem: ProblemData, time_limit: float, workers: int, seed: int,
          tie_break: bool = True) -> Result:
    """Solve ``problem`` exactly: LP bound, reduced-cost fixing, small MIPs (see module doc)."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    stats: dict[str, Any] = {}
    # From this size on the MIPs run in child processes (level 1's questions as races of
    # ``workers`` of them): their fork server starts now and imports while the LP is solved.
    with highs_engine.fork_server() if problem.n_pairs >= highs_engine.CHILD_COLUMNS else \
            contextlib.nullcontext():
        if problem.n_pairs >= LAGRANGIAN_PAIRS:
            return _national(problem, deadline, seed, t0, stats)
        return _exact(problem, deadline, workers, seed, tie_break, t0, stats)


def _exact(problem: ProblemData, deadline: float, workers: int, seed: int, tie_break: bool,
           t0: float, stats: dict[str, Any]) -> Result:
    """:func:`solve` below the national size: the LP, the run branching, level 1's small
    MIPs, then levels 2 and 3."""
    model = build_model(problem, tight=True)
    if model.n_cols == 0:
        # Nothing to choose: the empty plan, if every row allows 0.
        if np.all(model.row_lower <= 0) and np.all(model.row_upper >= 0):
            empty = Solution(problem, np.zeros(0, dtype=bool))
            return Result(Status.OPTIMAL, NAME, time.perf_counter() - t0,
                          objective=empty.objective, bound=float(empty.objective), gap=0.0,
                          cost=empty.cost, solution=empty, stats=stats)
        return Result(Status.INFEASIBLE, NAME, time.perf_counter() - t0, stats=stats,
                      message="no plan satisfies every constraint")
    a = Csr.of_model(model)
    model = replace(model, col_upper=_slack_upper(model, a))
    n_base = len(model.row_lower)
    model, a, vub_row, vub_y = _strengthen(problem, model, a)
    stats["build_s"] = round(time.perf_counter() - t0, 3)

    t = time.perf_counter()
    core, core_bound = lagrangian.core_plan(problem)
    plan, z_start = _start_plan(problem, core)
    stats["start_s"] = round(time.perf_counter() - t, 3)
    stats["start_objective"] = z_start
    stats["core_bound"] = core_bound

    # Level 1, LP relaxation by column generation.
    t = time.perf_counter()
    lp = _LP(model, a, model.score, seed, n_base, vub_row, vub_y)
    lp.add(_initial_columns(problem, model, plan, core))
    status, pi, x_lp, rounds = _column_generation(lp, problem, model, a, deadline)
    stats["lp_s"] = round(time.perf_counter() - t, 3)
    log.info("LP: %d rounds, %d columns, %.2f s", rounds, len(lp.cols), stats["lp_s"])
    stats["lp_rounds"] = rounds
    stats["lp_columns"] = int(len(lp.cols))
    if status == "infeasible":
        return Result(Status.INFEASIBLE, NAME, time.perf_counter() - t0, stats=stats,
                      message="no plan satisfies every constraint (even fractionally)")
    if pi is None or x_lp is None:
        if plan is not None and z_start is not None:
            # No LP in time: the starting plan, with the core's bound.
            return _unproven(problem, plan, core_bound, t0, stats,
                             "no LP within the time limit: the starting plan, bounded by the "
                             "transportation core")
        # No LP and no plan: the plain MIP for what time is left.
        return _plain(problem, model, deadline, workers, seed, tie_break, t0, stats)
    bound, d = lagrangian_bound(model, a, pi, model.score)
    stats["lp_bound"] = bound

    # Branch on the run variables (programmes run part-way in the LP) before anything else:
    # level 1 runs on the leaf of best bound, the subproblem whose LP runs every programme
    # fully or not at all; then on the next leaf while an open node may beat the best plan.
    ts = time.perf_counter()
    tree = _RunTree(problem, model, lp, a, bound, x_lp)
    leaf = tree.next_leaf(deadline) if tree.needed else None
    stats["run_branching"] = {"nodes": tree.nodes, "s": round(time.perf_counter() - ts, 3),
                              "leaf_bound": leaf.bound if leaf else None,
                              "open_bound": tree.top()}
    log.info("run branching: %s", stats["run_branching"])
    best: tuple[float, np.ndarray] | None = None
    holder: _Leaf | None = None  # the leaf of the best plan
    tied: list[_Leaf] = []  # leaves taken since the best plan: none beats it, some may equal it
    unproven = -np.inf  # the bound of a leaf whose level 1 did not settle
    settled = leaf is not None
    branched: dict[str, Any] = {}  # the branching down to the next leaf
    while leaf is not None:
        leaf_start = z_start
        if plan is not None:
            full = leaf.model.full_vector(problem, plan)
            if np.any(full < leaf.model.col_lower - 1e-9) or \
                    np.any(full > leaf.model.col_upper + 1e-9):
                leaf_start = None  # the greedy plan is not in the leaf: no target from it
        leaf_run = _level1(leaf.model, a, leaf.bound, leaf.pi, leaf.x, leaf.d, leaf_start, best,
                           deadline, workers, seed)
        if "leaf" not in stats:
            stats["leaf"] = leaf_run.stats
        else:
            stats.setdefault("leaves", []).append({**branched, "leaf_bound": leaf.bound,
                                                   **leaf_run.stats})
        if leaf_run.best is not None and (best is None or leaf_run.best[0] > best[0]):
            best, holder, tied = leaf_run.best, leaf, []
        else:
            tied.append(leaf)
        if not leaf_run.proven or best is None:
            settled, unproven = False, leaf_run.bound
            break
        # Settled unless an open node may hold a plan that beats the best one: then the
        # next leaf (generated city seed 15: the first leaf's optimum 3,733,220 lay under an
        # open node's bound of 3,733,238.98; asked of the whole model from the root LP, with
        # 118,887 free columns, the question a step above it was not answered in 47 s).
        ts, nodes = time.perf_counter(), tree.nodes
        leaf = tree.next_leaf(deadline, above=best[0])
        branched = {"nodes": tree.nodes - nodes, "s": round(time.perf_counter() - ts, 3)}
        if leaf is None and branched["nodes"]:
            stats.setdefault("leaves", []).append(branched)  # no leaf left to take
        if leaf is None and tree.top() is not None:
            settled = False  # the node limit or the deadline
    top = tree.top()
    tree_bound = None
    if settled and best is not None and holder is not None:
        # No other node beats the best plan: it is optimal. Levels 2 and 3 run on its leaf
        # when no other node holds a plan of its score, else on the whole model from the root
        # LP, solved again for its basis.
        run = _Level1Run(best, True, best[0], False, {})
        step = float(model.score_step) if model.integral_score else 0.0
        if not _ties_elsewhere(tree, tied, a, best[0], step, deadline, workers, seed, stats):
            if tree.basis_of is not holder.fix:
                # From the leaf's LP basis: solve it again (from another node's, seed 15's
                # least-cost LP took 13-15 s instead of ~0.2 s).
                holder = tree.solve_leaf(holder.fix, deadline) or holder
            model, raw_bound, d = holder.model, holder.bound, holder.d
        else:
            raw_bound = bound
            status, pi_r, _, _ = _column_generation(lp, problem, model, a, deadline)
            if status == "optimal" and pi_r is not None:
                raw_bound, d = lagrangian_bound(model, a, pi_r, model.score)
    else:
        # Not settled by the leaves: the whole problem, from their best plan if there is one
        # (a plan of the whole problem too).
        run = _level1(model, a, bound, pi, x_lp, d, z_start, best, deadline, workers, seed)
        stats["level1"] = run.stats
        raw_bound = bound
        if tree.needed:
            # Every plan is under an open node, in a leaf that settled (none beats the best
            # plan) or in the one that did not.
            tree_bound = max(-np.inf if top is None else model.floor_score(top), unproven,
                             -np.inf if best is None else best[0])
    if run.fallback:
        return _plain(problem, model, deadline, workers, seed, tie_break, t0, stats)
    integral = model.integral_score
    margin = _margin(raw_bound)
    proven = run.proven
    best = run.best
    if best is None:
        if plan is None:
            no_plan = min(b for b in (run.bound, tree_bound, core_bound) if b is not None)
            return Result(Status.NO_SOLUTION, NAME, time.perf_counter() - t0, bound=no_plan,
                          message="no plan found within the time limit", stats=stats)
        best = (float(z_start), model.full_vector(problem, plan))  # type: ignore[arg-type]
    z_best, values = best

    cost_floor = None
    if proven:
        # Levels 2 and 3 on the plans of best score: fixings at T = z* (the tightest), the score
        # held at z*, then least cost, then the tie-break; each from the previous level's plan.
        cols, bounds = _fixings(model, d, raw_bound - z_best + margin)
        sub, sub_a = _restrict(model, a, cols, bounds)
        floor = model.floor_score(z_best) if integral else z_best - 1e-6
        sub, sub_a = _with_row(sub, sub_a, sub.score, floor, np.inf)
        inc = values[cols]
        level_stats: list[dict[str, Any]] = []
        # Costs in units of their gcd (100,000 VND in the shipped scenarios): in VND the
        # simplex fights its tolerances (city: the least-cost LP 2.3 s → 1.5 s).
        unit = _cost_unit(sub)
        # The score LP's basis stays primal feasible for the least-cost LP (its basic
        # columns have zero reduced cost, so the fixings keep them free; the score row is new
        # and basic): city, 2.1 s from scratch → ~0.1 s.
        second = _exact_level(sub, sub_a, -sub.cost / unit, inc, deadline, workers, seed,
                              level_stats, basis=lp.carried_basis(cols, len(sub.row_lower)))
        if second.bound is not None:
            # L(π) is exact for its π up to float sums (~1e-11 relative here): the margin
            # only keeps a bound that lands on a whole unit from rounding up past it.
            cost_floor = int(np.ceil(-second.bound - 1e-9 * max(1.0, abs(second.bound))) * unit)
        sub, sub_a, inc, cols = second.model, second.a, second.values, cols[second.cols]
        if tie_break and second.status == "optimal":
            spend = float(np.dot(sub.cost, inc)) / unit
            sub, sub_a = _with_row(sub, sub_a, sub.cost / unit, -np.inf,
                                   np.floor(spend + 0.5) + 0.5)
            third = _exact_level(sub, sub_a, -sub.tie, inc, deadline, workers, seed,
                                 level_stats)
            inc, cols = third.values, cols[third.cols]
        values = np.zeros(model.n_cols)
        values[cols] = inc
        stats["levels23"] = level_stats
    chosen = values[: model.n_x] > 0.5
    solution = Solution(problem, chosen)
    objective = float(solution.objective)
    final_bound = objective if proven else run.bound
    if tree_bound is not None:
        final_bound = min(final_bound, tree_bound)  # both bound every plan
    if core_bound is not None:
        final_bound = min(final_bound, core_bound)
    final_bound = max(final_bound, objective)
    if final_bound <= objective + 1e-9 * max(1.0, abs(objective)):
        final_bound = objective  # an LP bound's rounding error is no gap
    status = Status.OPTIMAL if final_bound <= objective else Status.FEASIBLE
    stats["solve_s"] = round(time.perf_counter() - t0, 3)
    if status is not Status.OPTIMAL:
        cost_floor = None  # the least cost at a score not proven best means nothing
    elif cost_floor is not None:
        cost_floor = min(cost_floor, solution.cost)
    return Result(status, NAME, time.perf_counter() - t0, objective=solution.objective,
                  bound=final_bound, gap=relative_gap(objective, final_bound),
                  cost=solution.cost, cost_floor=cost_floor, solution=solution, stats=stats)


def _cost_unit(model: LinearModel) -> float:
    """The gcd of the per-place and fixed costs when they are whole VND (every plan's cost is
    a multiple of it), else 1."""
    costs = np.unique(np.abs(model.cost))
    costs = costs[costs > 0]
    if not len(costs) or np.any(costs != np.round(costs)) or costs[-1] > 2**53:
        return 1.0
    return float(np.gcd.reduce(costs.astype(np.int64)))


def _national(problem: ProblemData, deadline: float, seed: int, t0: float,
              stats: dict[str, Any]) -> Result:
    """National scale: the LP does not finish in minutes (97 s for its first round at 1.2 M
    pairs), so Lagrangian iterations on the transportation core give the plan and the bound,
    starting from the prices of a sample economy's LP, with the block of programmes the lower
    bounds need solved exactly at those prices (:mod:`allocator.engines.lagrangian`)."""
    t = time.perf_counter()
    plan, z_start = _start_plan(problem, None)
    stats["start_objective"] = z_start
    stats["start_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    model = build_model(problem, tight=True)  # once, for the sample's LP and the block's MIPs
    prices = lagrangian.sample_prices(problem, seed, t + 0.4 * (deadline - t), model=model)
    stats["sample_lp_s"] = round(time.perf_counter() - t, 3)
    out = lagrangian.improve(problem, deadline, plan, z_start, pi0=prices, seed=seed,
                             model=model)
    stats["lagrangian"] = out.stats
    if out.plan is None:
        return Result(Status.NO_SOLUTION, NAME, time.perf_counter() - t0, bound=out.bound,
                      message="no plan found within the time limit", stats=stats)
    return _unproven(problem, out.plan, out.bound, t0, stats,
                     "national scale, no LP: the best plan of greedy passes guided by "
                     "Lagrangian iterations on the transportation core")


def _start_plan(problem: ProblemData, core: np.ndarray | None
                ) -> tuple[np.ndarray | None, float | None]:
    """A greedy plan that breaks nothing: given ``core``, with the transportation core's best
    plan first (it settles who gets the contested places with every person in view; greedy
    then only drops what the side rows refuse); by score alone when that plan breaks a rule or
    there is no core. One pass, not the better of both: at city size the second cost ~0.5 s
    and the LP's support MIP beats either by far (generated city: 3,608,590 with the core
    first, the better one; hcmc-2023: 3,530,940 against 3,571,290 by score alone, and the
    support MIP 3,729,530)."""
    for prefer in (None,) if core is None else (core, None):
        plan = greedy_plan(problem, prefer)
        solution = Solution(problem, plan)
        if not solution.check():
            return plan, float(solution.objective)
    return None, None


def _unproven(problem: ProblemData, plan: np.ndarray, bound: float | None, t0: float,
              stats: dict[str, Any], message: str) -> Result:
    """A plan without the LP's proof: feasible, with whatever bound there is."""
    solution = Solution(problem, plan)
    objective = float(solution.objective)
    final = None if bound is None else max(bound, objective)
    stats["solve_s"] = round(time.perf_counter() - t0, 3)
    # Feasible even at gap 0: the levels below (cost, tie-break) were not optimised.
    return Result(Status.FEASIBLE, NAME, time.perf_counter() - t0, objective=solution.objective,
                  bound=final, gap=None if final is None else relative_gap(objective, final),
                  cost=solution.cost, solution=solution, stats=stats,
                  message=message)


def _plain(problem: ProblemData, model: LinearModel, deadline: float, workers: int, seed: int,
           tie_break: bool, t0: float, stats: dict[str, Any]) -> Result:
    result = highs_engine.solve(problem, max(0.01, deadline - time.perf_counter()), workers,
                                seed, tie_break, model=model)
    return replace(result, engine=NAME, runtime_s=time.perf_counter() - t0,
                   stats={**stats, **result.stats, "fallback": "plain MIP"})


__all__ = ["solve", "NAME", "lagrangian_bound"]
