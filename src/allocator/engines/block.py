"""Decomposition by mode: the few programmes the hard lower bounds need, solved as an exact MIP.

At national scale the plan's loss sat in the overseas delegations (kl39: 27 programmes of 15–20
people with minimum sizes and fixed costs, type quotas with minimums, a women's share, agency
caps): the transportation core ignores minimum sizes and shares, and the greedy repair of its
plan filled them with people the home courses needed more. The block is small, though (66,546
pairs, ~400 places), and it meets the rest of the model only through the rows it shares with
everyone (the budget envelopes) and through its people, who could go elsewhere instead.

So the block is cut out: the shared quota and budget rows are priced by the Lagrangian
multipliers instead of enforced, each pair also pays its person's value elsewhere (what the rest
of the plan loses when that person leaves it), and the block's own rows (type quotas, shares,
agency caps, minimum sizes, fixed costs) stay exact. Only the most valuable pairs of each
programme enter (several times its capacity, also among the pairs that raise each of the block's
lower-bounded rows); the MIP is then a few thousand columns. On national kl39 it is solved to
optimality in about a second, the greedy plan's block scores 413,062 below it at the same
prices, and the plan around it gains ~19,000 (see :func:`allocator.engines.lagrangian.improve`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from allocator.engines import highs as highs_engine
from allocator.engines.model import LinearModel, build_model
from allocator.engines.sparse import Csr
from allocator.problem import ProblemData

PER_PLACE = 5  # a programme's pairs kept: this many times its capacity, best first …
AT_LEAST = 50  # … and at least this many
MAX_SHARE = 0.5  # not a block when it holds more than this share of the pairs


@dataclass(frozen=True)
class Block:
    """The programmes (bool per programme) and their pairs (bool per pair)."""

    programs: np.ndarray
    pairs: np.ndarray

    def shared(self, problem: ProblemData) -> np.ndarray:
        """For each hard quota or budget row (in ``problem.rows`` order without the soft ones):
        whether it also counts pairs or programmes outside the block (it is then priced, not
        enforced, in the block's MIP)."""
        out = []
        for row in problem.rows:
            if row.soft:
                continue
            inside = self.pairs[row.pairs]
            runs = self.programs[row.programs]
            out.append(bool((inside.any() or runs.any())
                            and (not inside.all() or not runs.all())))
        return np.array(out, dtype=bool)


def find(problem: ProblemData) -> Block | None:
    """The programmes with a pair in a hard row with a positive lower bound (those rows need
    places there); None when there are none, or when they hold more than half the pairs (the
    block is then no smaller than the whole)."""
    programs = np.zeros(problem.n_programs, dtype=bool)
    for row in problem.rows:
        if not row.soft and row.lo is not None and row.lo > 0:
            programs[problem.pair_p[row.pairs[row.coef > 0]]] = True
    pairs = programs[problem.pair_p]
    if not programs.any() or pairs.sum() > MAX_SHARE * problem.n_pairs:
        return None
    return Block(programs, pairs)


def solve(problem: ProblemData, block: Block, pair_value: np.ndarray,
          program_value: np.ndarray, start: np.ndarray | None, deadline: float,
          seed: int = 0, model: LinearModel | None = None) -> np.ndarray | None:
    """The block's best plan (a bool per pair, False outside the block) by ``pair_value`` (one
    per pair: its score less the shared rows' prices and its person's value elsewhere) and
    ``program_value`` (one per programme: the shared rows' price of running it), with every row
    that only the block counts kept exact. ``start``: a plan whose block part the MIP starts
    from; ``model``: the problem's :func:`build_model`, if already built. None when no plan is
    found by ``deadline``."""
    model = build_model(problem, tight=True) if model is None else model
    a = Csr.of_model(model)
    x = _candidates(problem, block, pair_value, start)
    y = model.y0 + np.flatnonzero(block.programs[model.y_prog])
    cols = np.concatenate([x, y, np.arange(model.u0, model.n_cols)])
    # Quota and budget rows that count anything outside the block are priced, not kept; every
    # other row keeps its block columns (the rest of the plan is 0 from the block's view), its
    # lower bound dropped when it counts places outside as well (a person who must train may
    # train elsewhere).
    family = np.array(model.row_family)
    outside = np.zeros(model.n_cols, dtype=bool)
    outside[: model.n_x] = ~block.pairs
    outside[model.y0: model.u0] = ~block.programs[model.y_prog]
    touches = a.touches(outside)
    sub = a.columns(cols)
    inside = np.diff(sub.start) > 0
    keep = np.flatnonzero((inside | ~touches)  # a row of no column at all stays: 0 must fit it
                          & ~(touches & np.isin(family, ["quota", "budget"])))
    sub = sub.rows(keep)
    lower = np.where(touches[keep], -np.inf, model.row_lower[keep])
    objective = np.concatenate([pair_value[x], program_value[model.y_prog[y - model.y0]],
                                model.score[model.u0:]])
    restricted = replace(
        model, n_cols=len(cols), n_x=len(x), y_prog=model.y_prog[y - model.y0],
        col_lower=model.col_lower[cols], col_upper=model.col_upper[cols],
        integer=model.integer[cols], start=sub.start, index=sub.index, value=sub.value,
        row_lower=lower, row_upper=model.row_upper[keep],
        row_family=[model.row_family[i] for i in keep],
        row_names=[model.row_names[i] for i in keep], score=objective, cost=model.cost[cols],
        tie=model.tie[cols], integral_score=False, hard_row=np.zeros(0, dtype=np.int64),
        hard_divisor=np.zeros(0))
    first = None if start is None else model.full_vector(problem, start)[cols]
    out = highs_engine.solve_levels(restricted, max(0.0, deadline - time.perf_counter()), 2,
                                    seed, start=first, deadline=deadline, levels=1)
    if out.values is None:
        return None
    chosen = np.zeros(problem.n_pairs, dtype=bool)
    chosen[x[out.values[: len(x)] > 0.5]] = True
    return chosen


def _candidates(problem: ProblemData, block: Block, value: np.ndarray,
                start: np.ndarray | None) -> np.ndarray:
    """The block's pairs the MIP may choose: per programme its most valuable ones (``PER_PLACE``
    times its capacity, at least ``AT_LEAST``), as many among those that raise each of the
    block's lower-bounded rows (so that a share of women, say, stays reachable), and the start
    plan's."""
    keep = np.zeros(problem.n_pairs, dtype=bool)
    if start is not None:
        keep |= start & block.pairs
    pairs = np.flatnonzero(block.pairs)
    raising = [np.zeros(problem.n_pairs, dtype=bool)]
    for row in problem.rows:
        if row.lo is not None and block.pairs[row.pairs].all():
            mask = np.zeros(problem.n_pairs, dtype=bool)
            mask[row.pairs[row.coef > 0]] = True
            raising.append(mask)
    raising[0][pairs] = True  # every pair, for the plain top of each programme
    programme = problem.pair_p[pairs]
    order = np.lexsort((pairs, -value[pairs], programme))
    pairs, programme = pairs[order], programme[order]
    limit = np.maximum(PER_PLACE * problem.capacity, AT_LEAST)
    for mask in raising:
        inside = mask[pairs]
        sel, prog = pairs[inside], programme[inside]
        # Position of each pair within its programme's run (pairs are sorted by programme).
        first = np.searchsorted(prog, prog, side="left")
        keep[sel[np.arange(len(sel)) - first < limit[prog]]] = True
    return np.flatnonzero(keep)


__all__ = ["Block", "find", "solve"]
