"""``solve(problem, params) -> Result``: choose an engine, run it, check the plan it returns."""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, replace
from typing import Any

from allocator.problem import ProblemData
from allocator.result import Result, Status

ENGINES = ("auto", "fast", "highs", "cpsat", "greedy")


class EngineBug(RuntimeError):
    """An engine returned a plan that breaks a constraint: a bug, never written as a plan."""


@dataclass(frozen=True)
class SolveParams:
    """Cross-cutting solver options, in one place (defaults from the scenario's ``solver``)."""

    engine: str = "auto"
    time_limit: float = 120.0
    workers: int = 2
    seed: int = 0
    tie_break: bool = True

    @classmethod
    def from_problem(cls, problem: ProblemData, **overrides: Any) -> SolveParams:
        s = problem.scenario.solver
        params = cls(engine=s.engine, time_limit=s.time_limit, workers=s.workers, seed=s.seed,
                     tie_break=s.tie_break)
        return replace(params, **{k: v for k, v in overrides.items() if v is not None})


def choose_engine(problem: ProblemData) -> str:
    """The engine for this problem's shape (see benchmarks/README.md, "Engines").

    Every shape gets ``fast`` (exact: LP bound with column generation, reduced-cost fixing, then
    small HiGHS MIPs; it falls back to the plain HiGHS MIP by itself when the small MIPs do not
    converge). ``fast`` itself looks at the size: from ``fast.LAGRANGIAN_PAIRS`` eligible pairs
    on (national scale), where the LP alone outlasts any usable time limit, it returns the best
    plan of Lagrangian iterations on the transportation core with their bound instead.
    """
    del problem
    return "fast"


def solve(problem: ProblemData, params: SolveParams | None = None) -> Result:
    """Find the best plan for ``problem``.

    Every plan an engine returns is checked against the problem data before it is returned.

    Raises
    ------
    EngineBug
        If the engine's plan breaks a constraint.
    """
    params = params or SolveParams.from_problem(problem)
    engine = params.engine if params.engine != "auto" else choose_engine(problem)
    t0 = time.perf_counter()
    if engine not in ENGINES or engine == "auto":
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    # Engines are imported on demand: each is the only module that imports its solver.
    module = importlib.import_module(f"allocator.engines.{engine}")
    result = module.solve(problem, params.time_limit, params.workers, params.seed,
                          params.tie_break)
    if result.solution is not None:
        problems = result.solution.check()
        if problems:
            listing = "\n  ".join(problems[:50])
            raise EngineBug(f"engine {result.engine} returned a plan that breaks "
                            f"{len(problems)} constraints:\n  {listing}")
    return replace(result, runtime_s=time.perf_counter() - t0)


__all__ = ["solve", "SolveParams", "Result", "Status", "EngineBug", "choose_engine"]
