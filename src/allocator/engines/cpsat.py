"""CP-SAT engine (OR-Tools): the plain model of :mod:`allocator.engines.model`, in integers.

CP-SAT needs integer coefficients. Each row is multiplied by the least common denominator ``L_r``
of its coefficients and bounds (read exactly with ``Fraction(str(x))``: a share row
``Σ (1[of] − 0.3)·x ≥ 0`` becomes ``Σ (10·1[of] − 3)·x ≥ 0``). A soft row's slack ``u`` becomes
the integer ``U = L_r·u`` (coefficient ±1 in the scaled row), and the level-1 objective is
multiplied by ``S`` = the least common multiple of the denominators of ``penalty_r / L_r``, so
``S·(score − penalties)`` is an exact integer and so is its proven bound.

Three lexicographic levels, as in every engine: maximise score − penalties; then, with the score
held at its optimum, minimise cost; then minimise the tie-break ``Σ (k+1)·x_k``. Each level starts
from the previous level's plan (a hint). The model is built as protobuf text in one parse: adding
millions of variables one by one through the Python API is slower than solving small cases.

Only this module imports ``ortools.sat``.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from allocator.engines.model import LinearModel, build_model
from allocator.problem import ProblemData
from allocator.result import Result, Status, relative_gap
from allocator.solution import Solution

NAME = "cpsat"
_BIG = 2**62


def _frac(x: float) -> Fraction:
    """``x`` as the decimal it was written as (``0.3`` → 3/10); a float that is no short decimal
    (a computed share such as 0.3333333333333333) as the closest fraction with a denominator of
    at most 10⁶ (1/3), so that scaled rows stay far from int64 overflow."""
    f = Fraction(str(float(x)))
    if f.denominator > 10**6:
        f = Fraction(float(x)).limit_denominator(10**6)
    return f


def _lcd(values: np.ndarray) -> int:
    """The least common denominator of ``values`` (decimals read exactly)."""
    d = 1
    for v in np.unique(values):
        if np.isfinite(v) and v != round(v):
            d = math.lcm(d, _frac(v).denominator)
    return d


class IntegerModel:
    """The LinearModel with integer rows, integer slacks and an exact integer objective."""

    def __init__(self, model: LinearModel) -> None:
        self.model = model
        n_rows = len(model.row_lower)
        start, index, value = model.start, model.index, model.value
        integral = value == np.round(value)
        bad_rows = np.unique(np.searchsorted(start, np.flatnonzero(~integral), side="right") - 1)
        lo_frac = np.isfinite(model.row_lower) & (model.row_lower != np.round(model.row_lower))
        hi_frac = np.isfinite(model.row_upper) & (model.row_upper != np.round(model.row_upper))
        scale = np.ones(n_rows, dtype=object)
        for r in sorted(set(bad_rows.tolist()) | set(np.flatnonzero(lo_frac | hi_frac).tolist())):
            a, b = start[r], start[r + 1]
            scale[r] = _lcd(np.concatenate([value[a:b], [model.row_lower[r], model.row_upper[r]]]))
        self.row_scale = scale
        row_of = np.repeat(np.arange(n_rows), np.diff(start))
        is_u = (index >= model.u0) & (index < model.w0)
        coef = np.empty(len(value), dtype=np.int64)
        plain = np.ones(n_rows, dtype=bool)
        plain[[r for r in range(n_rows) if scale[r] != 1]] = False
        sel = plain[row_of] | is_u
        coef[sel] = np.round(value[sel]).astype(np.int64)  # a slack keeps ±1 as U = L·u
        for k in np.flatnonzero(~sel):
            coef[k] = int(_frac(value[k]) * scale[row_of[k]])
        self.coef = coef
        lo = np.full(n_rows, -_BIG, dtype=object)
        hi = np.full(n_rows, _BIG, dtype=object)
        for r in np.flatnonzero(np.isfinite(model.row_lower)):
            lo[r] = math.ceil(_frac(model.row_lower[r]) * scale[r])
        for r in np.flatnonzero(np.isfinite(model.row_upper)):
            hi[r] = math.floor(_frac(model.row_upper[r]) * scale[r])
        self.lo, self.hi = lo, hi
        # Slack columns: U_j = L_r·u_j, bounded by the largest violation any plan can have.
        n_u = len(model.u_row)
        self.u_scale = np.ones(n_u, dtype=object)
        self.u_upper = np.zeros(n_u, dtype=object)
        u_cols = index[is_u]
        u_rows = row_of[is_u]
        s = 1
        penalties = -model.score[model.u0: model.w0]
        for col, r in zip(u_cols.tolist(), u_rows.tolist(), strict=True):
            jj = col - model.u0
            a, b = start[r], start[r + 1]
            others = coef[a:b][index[a:b] != col]
            bound = lo[r] if model.u_side[jj] < 0 else hi[r]
            self.u_scale[jj] = scale[r]
            self.u_upper[jj] = int(np.abs(others).sum()) + abs(int(bound))
            s = math.lcm(s, (_frac(penalties[jj]) / scale[r]).denominator)
        self.obj_scale = s
        score = np.zeros(model.n_cols, dtype=object)
        score[: model.u0] = model.score[: model.u0].astype(np.int64) * s
        for jj in range(n_u):
            score[model.u0 + jj] = -(_frac(penalties[jj]) * s / self.u_scale[jj])
            assert score[model.u0 + jj].denominator == 1
            score[model.u0 + jj] = int(score[model.u0 + jj])
        self.score = score  # S × level-1 objective, on the integer columns
        self.cost = np.round(model.cost).astype(np.int64)
        self.tie = np.round(model.tie).astype(np.int64)

    def proto_text(self) -> str:
        """The variables and rows as CpModelProto text (no objective)."""
        m = self.model
        lower = m.col_lower.copy()
        upper = m.col_upper.copy()
        parts: list[str] = []
        lo_int = np.round(lower[: m.u0]).astype(np.int64)
        hi_int = np.round(upper[: m.u0]).astype(np.int64)
        # Runs of identical binary domains are written as one repeated string.
        both = lo_int * 2 + hi_int
        change = np.flatnonzero(np.diff(both)) + 1
        bounds = np.concatenate([[0], change, [m.u0]])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            if b > a:
                parts.append(f"variables{{domain:{lo_int[a]} domain:{hi_int[a]}}}" * int(b - a))
        for jj in range(len(m.u_row)):
            parts.append(f"variables{{domain:0 domain:{self.u_upper[jj]}}}")
        n_w = m.n_cols - m.w0
        parts.append("variables{domain:0 domain:1}" * n_w)
        idx = m.index.tolist()
        coef = self.coef.tolist()
        start = m.start.tolist()
        for r in range(len(m.row_lower)):
            a, b = start[r], start[r + 1]
            vs = " ".join(f"vars:{v}" for v in idx[a:b])
            cs = " ".join(f"coeffs:{c}" for c in coef[a:b])
            parts.append(f"constraints{{linear{{{vs} {cs} domain:{self.lo[r]} "
                         f"domain:{self.hi[r]}}}}}")
        return "\n".join(parts)


def _set_objective(proto: Any, coefs: np.ndarray,
                   minimise: bool) -> None:
    proto.clear_objective()
    nz = [i for i, c in enumerate(coefs.tolist()) if c != 0]
    sign = 1 if minimise else -1
    proto.objective.vars.extend(nz)
    proto.objective.coeffs.extend([sign * int(coefs[i]) for i in nz])
    if not minimise:
        proto.objective.scaling_factor = -1.0


def _add_row(proto: Any, coefs: np.ndarray, lo: int,
             hi: int) -> None:
    nz = [i for i, c in enumerate(coefs.tolist()) if c != 0]
    c = proto.constraints.add()
    c.linear.vars.extend(nz)
    c.linear.coeffs.extend([int(coefs[i]) for i in nz])
    c.linear.domain.extend([int(lo), int(hi)])


def _hint(proto: Any, values: list[int]) -> None:
    proto.clear_solution_hint()
    proto.solution_hint.vars.extend(range(len(values)))
    proto.solution_hint.values.extend(values)


def _run(model: cp_model.CpModel, time_left: float, workers: int, seed: int
         ) -> tuple[Any, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, float(time_left))
    solver.parameters.num_workers = max(1, int(workers))
    solver.parameters.random_seed = int(seed)
    solver.parameters.log_search_progress = False
    status = solver.solve(model)
    return status, solver


def _level_status(status: Any) -> str:
    if status == cp_model.OPTIMAL:
        return "optimal"
    return "feasible" if status == cp_model.FEASIBLE else "none"


def _values(solver: cp_model.CpSolver, n: int) -> list[int]:
    sol = list(solver.response_proto.solution)
    return [int(v) for v in sol[:n]]


def solve(problem: ProblemData, time_limit: float, workers: int, seed: int,
          tie_break: bool = True, model: LinearModel | None = None) -> Result:
    """Solve ``problem`` with CP-SAT; the plan's figures are recomputed by the Solution."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    model = model or build_model(problem)
    im = IntegerModel(model)
    cp = cp_model.CpModel()
    cp.proto.parse_text_format(im.proto_text())
    build_s = time.perf_counter() - t0
    stats: dict[str, object] = {"build_s": round(build_s, 3), "levels": []}
    levels: list[str] = stats["levels"]  # type: ignore[assignment]

    _set_objective(cp.proto, im.score, minimise=False)
    status, solver = _run(cp, deadline - time.perf_counter(), workers, seed)
    if status == cp_model.INFEASIBLE:
        levels.append("infeasible")
        return Result(Status.INFEASIBLE, NAME, time.perf_counter() - t0,
                      message="no plan satisfies every constraint", stats=stats)
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT rejected the model: {cp.validate()}")
    bound_scaled = solver.best_objective_bound
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        levels.append("none")
        return Result(Status.NO_SOLUTION, NAME, time.perf_counter() - t0,
                      bound=_bound(bound_scaled, im, model),
                      message="no plan found within the time limit", stats=stats)
    optimal = status == cp_model.OPTIMAL
    levels.append("optimal" if optimal else "feasible")
    values = _values(solver, model.n_cols)
    if optimal:
        # Level 2: least cost with the best score held; level 3: the tie-break with that cost
        # held. Each level starts from the previous level's plan.
        held = (im.score, int(round(solver.objective_value)), _BIG)
        for coef, last in ((im.cost, not tie_break), (im.tie, True)):
            _add_row(cp.proto, *held)
            _set_objective(cp.proto, coef, minimise=True)
            _hint(cp.proto, values)
            status_k, solver_k = _run(cp, deadline - time.perf_counter(), workers, seed)
            levels.append(_level_status(status_k))
            if status_k in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                values = _values(solver_k, model.n_cols)
            if last or status_k != cp_model.OPTIMAL:
                break
            held = (im.cost, -_BIG, int(round(solver_k.objective_value)))
    chosen = np.asarray(values[: model.n_x]) > 0
    solution = Solution(problem, chosen)
    objective = solution.objective
    bound = objective if optimal else _bound(bound_scaled, im, model)
    cheapest = optimal and levels[1:2] == ["optimal"]
    return Result(Status.OPTIMAL if optimal else Status.FEASIBLE, NAME,
                  time.perf_counter() - t0, objective=objective, bound=bound,
                  gap=relative_gap(objective, bound), cost=solution.cost,
                  cost_floor=solution.cost if cheapest else None, solution=solution,
                  stats=stats)


def _bound(scaled: float, im: IntegerModel, model: LinearModel) -> float | None:
    if not np.isfinite(scaled):
        return None
    bound = scaled / im.obj_scale
    return model.floor_score(bound)


__all__ = ["solve", "NAME", "IntegerModel"]
