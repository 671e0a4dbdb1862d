"""HiGHS MIP engine (through ``highspy``): the model's arrays passed in one call, solved in
three lexicographic levels — best score, then least cost at that score, then the tie-break.

Only this module imports ``highspy``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np

from allocator.engines.model import INF, LinearModel, build_model
from allocator.problem import ProblemData
from allocator.result import Result, Status, relative_gap
from allocator.solution import Solution

NAME = "highs"
_MS = highspy.HighsModelStatus


@dataclass(frozen=True)
class LevelOutcome:
    status: str  # optimal | feasible | infeasible | none
    values: np.ndarray | None
    objective: float | None
    bound: float | None


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner from C++ when created; keep it out of the planner's terminal."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


_threads_in_use: list[int] = []


def _use_threads(threads: int) -> None:
    """HiGHS has one global thread pool, sized by the first run: a later run asking for another
    size fails at once. Reset the pool when the number of threads changes."""
    if _threads_in_use and _threads_in_use[0] != threads:
        highspy.Highs.resetGlobalScheduler(True)
    _threads_in_use[:] = [threads]


def _new_highs(model: LinearModel, threads: int, seed: int) -> highspy.Highs:
    _use_threads(int(threads))
    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", int(threads))
    inf = h.getInfinity()
    lower = np.where(np.isinf(model.col_lower), -inf, model.col_lower)
    upper = np.where(np.isinf(model.col_upper), inf, model.col_upper)
    h.addVars(model.n_cols, lower, upper)
    integer = np.flatnonzero(model.integer).astype(np.int32)
    if len(integer):
        h.changeColsIntegrality(len(integer), integer,
                                np.full(len(integer), highspy.HighsVarType.kInteger))
    n_rows = len(model.row_lower)
    if n_rows:
        rlo = np.where(np.isinf(model.row_lower), -inf, model.row_lower)
        rhi = np.where(np.isinf(model.row_upper), inf, model.row_upper)
        h.addRows(n_rows, rlo, rhi, len(model.index), model.start[:-1].astype(np.int32),
                  model.index.astype(np.int32), model.value)
    return h


def _report_progress(h: highspy.Highs, on: bool) -> None:
    """Send the best plan and the bound of a score level to the live display, if one shows.

    Only the score level (maximised) reports: the cost and tie-break levels are other units.
    """
    from allocator.progress import active, report

    if active() is None:
        return
    state = getattr(h, "_allocator_progress", None)
    if state is None:
        state = {"on": on}

        def send(event: object) -> None:
            if not state["on"]:
                return
            data = event.data_out  # type: ignore[attr-defined]
            best, bound = data.mip_primal_bound, data.mip_dual_bound
            report(best=float(best) if np.isfinite(best) else None,
                   bound=float(bound) if np.isfinite(bound) else None)

        h.cbMipImprovingSolution.subscribe(send)
        h.cbMipInterrupt.subscribe(send)
        h._allocator_progress = state
    state["on"] = on


def _run_level(h: highspy.Highs, objective: np.ndarray, maximise: bool, time_left: float,
               integral: bool, start: np.ndarray | None) -> LevelOutcome:
    n = len(objective)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), objective.astype(float))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
    h.setOptionValue("time_limit", max(0.01, float(time_left)))
    # Integral objectives: a gap below 1 proves the floor of the bound is reached.
    h.setOptionValue("mip_abs_gap", 1.0 - 1e-6 if integral else 1e-9)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start)
        sol.value_valid = True
        h.setSolution(sol)
    _report_progress(h, maximise)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value) if has_sol else None
    obj = float(info.objective_function_value) if has_sol else None
    bound = float(info.mip_dual_bound)
    if status == _MS.kOptimal:
        return LevelOutcome("optimal", values, obj, bound if np.isfinite(bound) else obj)
    if status in (_MS.kInfeasible, _MS.kUnboundedOrInfeasible):
        return LevelOutcome("infeasible", None, None, None)
    return LevelOutcome("feasible" if has_sol else "none", values, obj,
                        bound if np.isfinite(bound) else None)


@dataclass(frozen=True)
class Levels:
    """The outcome of the three lexicographic levels on one model."""

    first: LevelOutcome  # level 1 (its bound is the proven bound on score − penalties)
    values: np.ndarray | None  # the last level's plan (all columns)
    statuses: list[str]
    seconds: list[float]


def solve_levels(model: LinearModel, time_limit: float, workers: int, seed: int,
                 tie_break: bool = True, start: np.ndarray | None = None,
                 deadline: float | None = None) -> Levels:
    """Best score, then least cost at that score, then the tie-break, on ``model``'s arrays."""
    t0 = time.perf_counter()
    deadline = deadline if deadline is not None else t0 + time_limit
    if model.n_cols == 0:
        # Nothing to choose (HiGHS calls an empty model neither optimal nor infeasible): the
        # empty plan is optimal when every row allows 0, and no plan exists otherwise.
        if np.all(model.row_lower <= 0) and np.all(model.row_upper >= 0):
            empty = LevelOutcome("optimal", np.zeros(0), 0.0, 0.0)
            return Levels(empty, np.zeros(0), ["optimal"], [0.0])
        return Levels(LevelOutcome("infeasible", None, None, None), None, ["infeasible"], [0.0])
    h = _new_highs(model, workers, seed)
    first = _run_level(h, model.score, True, deadline - time.perf_counter(),
                       model.integral_score, start)
    statuses = [first.status]
    seconds = [time.perf_counter() - t0]
    values = first.values
    if first.status == "optimal" and values is not None:
        # Level 2: at the best score, spend the least. Level 3: the deterministic tie-break.
        target = float(np.dot(model.score, values))
        floor = np.floor(target + 1e-6) if model.integral_score else target - 1e-6
        nz = np.flatnonzero(model.score)
        h.addRow(floor, h.getInfinity(), len(nz), nz.astype(np.int32), model.score[nz])
        second = _run_level(h, model.cost, False, deadline - time.perf_counter(), True, values)
        statuses.append(second.status)
        seconds.append(time.perf_counter() - t0 - sum(seconds))
        if second.values is not None:
            values = second.values
        if tie_break and second.status == "optimal":
            spend = float(np.dot(model.cost, values))
            nz = np.flatnonzero(model.cost)
            h.addRow(-h.getInfinity(), np.floor(spend + 0.5) + 0.5, len(nz),
                     nz.astype(np.int32), model.cost[nz])
            third = _run_level(h, model.tie, False, deadline - time.perf_counter(), True,
                               values)
            statuses.append(third.status)
            seconds.append(time.perf_counter() - t0 - sum(seconds))
            if third.values is not None:
                values = third.values
    return Levels(first, values, statuses, [round(x, 3) for x in seconds])


def solve(problem: ProblemData, time_limit: float, workers: int, seed: int,
          tie_break: bool = True, model: LinearModel | None = None) -> Result:
    """Solve ``problem`` with HiGHS; the plan's figures are recomputed by the Solution."""
    t0 = time.perf_counter()
    model = model or build_model(problem)
    build_s = time.perf_counter() - t0
    out = solve_levels(model, time_limit, workers, seed, tie_break, deadline=t0 + time_limit)
    first = out.first
    stats: dict[str, object] = {"build_s": round(build_s, 3), "levels": out.statuses,
                                 "level_s": out.seconds}
    if first.status == "infeasible":
        return Result(Status.INFEASIBLE, NAME, time.perf_counter() - t0,
                      message="no plan satisfies every constraint", stats=stats)
    if out.values is None:
        return Result(Status.NO_SOLUTION, NAME, time.perf_counter() - t0, bound=first.bound,
                      message="no plan found within the time limit", stats=stats)
    solution = Solution(problem, model.x_of(out.values))
    objective = solution.objective
    bound = first.bound
    if bound is not None and model.integral_score:
        bound = float(np.floor(bound + 1e-6))  # every plan's objective is an integer
    status = Status.OPTIMAL if first.status == "optimal" else Status.FEASIBLE
    return Result(status, NAME, time.perf_counter() - t0, objective=objective, bound=bound,
                  gap=relative_gap(objective, bound), cost=solution.cost, solution=solution,
                  stats=stats)


__all__ = ["solve", "solve_levels", "Levels", "LevelOutcome", "NAME", "INF"]
