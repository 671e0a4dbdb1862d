"""``solve(problem, params) -> Result``: choose an engine, run it, check the plan it returns."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from allocator.problem import ProblemData
from allocator.result import Result, Status

ENGINES = ("auto", "highs", "cpsat", "scip", "flow")


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
    def from_problem(cls, problem: ProblemData, **overrides: object) -> SolveParams:
        s = problem.scenario.solver
        params = cls(engine=s.engine, time_limit=s.time_limit, workers=s.workers, seed=s.seed,
                     tie_break=s.tie_break)
        return replace(params, **{k: v for k, v in overrides.items() if v is not None})


def choose_engine(problem: ProblemData) -> str:
    """The engine for this problem's shape (see README, "Engines")."""
    return "highs"


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
    if engine == "highs":
        from allocator.engines import highs

        result = highs.solve(problem, params.time_limit, params.workers, params.seed,
                             params.tie_break)
    elif engine == "cpsat":
        from allocator.engines import cpsat

        result = cpsat.solve(problem, params.time_limit, params.workers, params.seed,
                             params.tie_break)
    elif engine == "scip":
        from allocator.engines import scip

        result = scip.solve(problem, params.time_limit, params.workers, params.seed,
                            params.tie_break)
    else:
        raise ValueError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    if result.solution is not None:
        problems = result.solution.check()
        if problems:
            listing = "\n  ".join(problems[:50])
            raise EngineBug(f"engine {result.engine} returned a plan that breaks "
                            f"{len(problems)} constraints:\n  {listing}")
    return replace(result, runtime_s=time.perf_counter() - t0)


__all__ = ["solve", "SolveParams", "Result", "Status", "EngineBug", "choose_engine"]
