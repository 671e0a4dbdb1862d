"""The transportation core by min-cost flow, and a Lagrangian bound and plans built on it.

The core of the model is a transportation problem: people (at most ``max_programs_per_candidate``
places each) and programmes (``capacity`` places). Without the side rows (quotas, budget), its
best plan is a min-cost flow, which OR-Tools solves in seconds even at national scale (1.2 M
pairs), where the LP of the whole model does not finish in two minutes.

**Bound.** For multipliers ``π`` on the hard quota and budget rows (``π ≥ 0`` on an upper bound,
``≤ 0`` on a lower one), ``L(π) = Σ_r max(π_r·lo_r, π_r·hi_r) + max_core Σ_k (s_k − π·a_k)·x_k +
Σ_p max(0, −π·f_p)`` bounds every plan's level-1 objective: every plan satisfies the core, soft
rows only subtract penalties, and the fixed costs ``f_p`` enter through the run variables
``y_p``, of which only ``Σ_{k∈p} x_k ≤ capacity_p·y_p`` is kept: where ``π·f_p > 0`` each place
of ``p`` also pays ``π·f_p/capacity_p`` (the least ``y_p`` allows), otherwise ``y_p = 1``. The
core's maximum is a min-cost flow with integer costs, the prices rounded up to hundredths (so
the flow's value can only be higher). ``π = 0`` is the core alone.

**Plans.** Each flow plan meets capacities and persons but not the side rows; the greedy pass
with that plan first (:func:`allocator.engines.greedy.greedy_plan`) keeps what the side rows
allow. As ``π`` prices the budget and quotas, the flow plans come nearer to what the side rows
allow, and so do the greedy plans.

**Multipliers.** Subgradient steps (Polyak's rule against the best plan, each row scaled by its
largest coefficient so that money and head counts weigh alike), restarted from the best ``π``
with a halved step when ``L`` does not improve (no greedy pass then: the plan is the same).
The step factor starts at 0.3, measured on the national instance this route is for (100 s of
iterations, plan / bound): 0.05 → bound 31.83 M after 8 iterations (``L`` fell ~45,000 an
iteration), 0.1 → 31,266,080 / 31,747,460, 0.3 → 31,340,850 / 31,712,180. (On hcmc-2023, 20
iterations, 0.1 did better than 0.3: 3,723,520 / 3,739,890 against 3,705,140 / 3,740,720.)
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from allocator.engines.greedy import greedy_plan
from allocator.problem import ProblemData
from allocator.solution import Solution

log = logging.getLogger(__name__)
_K = 100.0  # flow costs in hundredths of a score point
_THETA = 0.3  # first Polyak step factor (see the module doc)


class Core:
    """The transportation core as a min-cost flow network, solved for any pair scores."""

    def __init__(self, problem: ProblemData) -> None:
        self.problem = problem
        n_c, n_p, n_k = problem.n_candidates, problem.n_programs, problem.n_pairs
        self.source, self.sink = n_c + n_p, n_c + n_p + 1
        self.supply = int(problem.max_per_candidate.sum())
        self.tails = np.concatenate([np.full(n_c, self.source), problem.pair_c,
                                     n_c + np.arange(n_p), [self.source]])
        self.heads = np.concatenate([np.arange(n_c), n_c + problem.pair_p,
                                     np.full(n_p, self.sink), [self.sink]])
        self.caps = np.concatenate([problem.max_per_candidate, np.ones(n_k, dtype=np.int64),
                                    problem.capacity, [self.supply]]).astype(np.int64)

    def best(self, gains: np.ndarray) -> tuple[np.ndarray, int] | None:
        """The core's plan of largest total integer ``gains`` (one per pair) and that total;
        None if the flow solver fails."""
        from ortools.graph.python import min_cost_flow

        p = self.problem
        costs = np.concatenate([np.zeros(p.n_candidates, dtype=np.int64), -gains,
                                np.zeros(p.n_programs + 1, dtype=np.int64)])
        f = min_cost_flow.SimpleMinCostFlow()
        f.add_arcs_with_capacity_and_unit_cost(self.tails, self.heads, self.caps, costs)
        f.set_nodes_supplies(np.array([self.source, self.sink]),
                             np.array([self.supply, -self.supply]))
        if f.solve() != f.OPTIMAL:
            return None
        first = p.n_candidates
        chosen = np.asarray(f.flows(np.arange(first, first + p.n_pairs))) > 0
        return chosen, int(-f.optimal_cost())


def core_plan(problem: ProblemData) -> tuple[np.ndarray, float | None]:
    """The core's best plan by score (``π = 0``) and its score, which bounds every plan's
    level-1 objective when scores are integers (otherwise None)."""
    exact = bool(np.all(problem.score == np.round(problem.score)))
    out = Core(problem).best(np.round(problem.score).astype(np.int64))
    if out is None:
        return np.zeros(problem.n_pairs, dtype=bool), None
    return out[0], (float(out[1]) if exact else None)


@dataclass
class Outcome:
    """What :func:`improve` found: the best plan that breaks nothing (if any), its objective,
    the best bound (None without integer scores) and the iterations' log."""

    plan: np.ndarray | None
    objective: float | None
    bound: float | None
    stats: dict[str, Any] = field(default_factory=dict)


def _side_rows(problem: ProblemData) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray,
                                              np.ndarray]:
    """The hard quota and budget rows, each scaled by its largest coefficient: pair matrix,
    programme (fixed cost) matrix, lower and upper bounds."""
    rows = [r for r in problem.rows if not r.soft]
    scale = np.array([max([1.0, *np.abs(r.coef).tolist(), *np.abs(r.prog_coef).tolist()])
                      for r in rows])
    n = len(rows)
    a = sp.csr_matrix((np.concatenate([r.coef / s for r, s in zip(rows, scale, strict=True)]
                                      or [np.zeros(0)]),
                       (np.repeat(np.arange(n), [len(r.pairs) for r in rows]),
                        np.concatenate([r.pairs for r in rows] or [np.zeros(0, dtype=int)]))),
                      shape=(n, problem.n_pairs))
    f = sp.csr_matrix((np.concatenate([r.prog_coef / s for r, s in zip(rows, scale, strict=True)]
                                      or [np.zeros(0)]),
                       (np.repeat(np.arange(n), [len(r.programs) for r in rows]),
                        np.concatenate([r.programs for r in rows]
                                       or [np.zeros(0, dtype=int)]))),
                      shape=(n, problem.n_programs))
    lo = np.array([r.lo / s if r.lo is not None else -np.inf
                   for r, s in zip(rows, scale, strict=True)])
    hi = np.array([r.hi / s if r.hi is not None else np.inf
                   for r, s in zip(rows, scale, strict=True)])
    return a, f, lo, hi


def improve(problem: ProblemData, deadline: float, plan: np.ndarray | None,
            objective: float | None, max_iterations: int = 10_000) -> Outcome:
    """Lagrangian iterations on the core until ``deadline``: a better plan and a bound.

    ``plan``/``objective``: the best known plan that breaks nothing (or None)."""
    a, f, lo, hi = _side_rows(problem)
    a_t = a.T.tocsr()
    core = Core(problem)
    exact = bool(np.all(problem.score == np.round(problem.score)))
    step = max(1, problem.objective_step) if problem.integral_objective else 0
    pi = np.zeros(a.shape[0])
    best_pi, best_x = pi, None
    bound = np.inf
    theta = _THETA
    cap = np.maximum(problem.capacity, 1).astype(float)
    log_rows: list[dict[str, Any]] = []
    while time.perf_counter() < deadline and len(log_rows) < max_iterations:
        t = time.perf_counter()
        # A programme's fixed cost at price π·f_p: when it earns (π·f_p < 0) the programme
        # runs (y = 1); when it costs, y ≥ Σx/capacity charges each place its share.
        fixed = -(f.T @ pi)
        price = problem.score - a_t @ pi + (np.minimum(fixed, 0.0) / cap)[problem.pair_p]
        gains = np.ceil(price * _K - 1e-6).astype(np.int64)
        out = core.best(gains)
        if out is None:
            break
        x, total = out
        # 1e-6 a place pays back the rounding allowance above (far more than float error).
        value = ((total + 1e-6 * core.supply) / _K + float(np.maximum(fixed, 0.0).sum())
                 + float(np.maximum(pi * np.where(np.isfinite(lo), lo, 0.0),
                                    pi * np.where(np.isfinite(hi), hi, 0.0)).sum()))
        row: dict[str, Any] = {"bound": round(value, 1)}
        if value < bound:
            bound, best_pi, best_x = value, pi, x
            # The flow's plan first, each pair ranked by its score less the price of its rows.
            candidate = greedy_plan(problem, x, price)
            solution = Solution(problem, candidate)
            fits = not solution.check()
            if fits and (objective is None or solution.objective > objective):
                plan, objective = candidate, float(solution.objective)
            row["plan"] = float(solution.objective) if fits else None
        else:
            theta *= 0.5  # overshot: a shorter step from the best multipliers
            x = best_x if best_x is not None else x
        row["s"] = round(time.perf_counter() - t, 2)
        log_rows.append(row)
        log.info("lagrangian: %s", row)
        # The rows' use by the flow's plan (fixed costs left out: with them the steps did
        # worse on hcmc-2023, bound 3,743,270 against 3,740,690 after ten iterations).
        act = a @ x.astype(float)
        g = np.where(act > hi, act - hi, np.where(act < lo, act - lo, 0.0))
        if float(g @ g) == 0.0 or objective is None or theta < 1e-4:
            break  # nothing to move, nothing to aim at, or no progress left
        pi = best_pi + theta * (bound - objective) / float(g @ g) * g
        pi[(pi > 0) & ~np.isfinite(hi)] = 0.0
        pi[(pi < 0) & ~np.isfinite(lo)] = 0.0
    final = None
    if exact and np.isfinite(bound):
        final = float(np.floor(bound / step + 1e-9) * step) if step else bound
    return Outcome(plan, objective, final, {"iterations": log_rows})


__all__ = ["Core", "core_plan", "improve", "Outcome"]
