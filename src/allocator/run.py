"""One solve as a planner runs it: scenario file -> problem -> Result -> output folder."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allocator.export import summary_data, write_outputs
from allocator.problem import ProblemData, load_problem
from allocator.result import Result
from allocator.solve import SolveParams, solve


@dataclass(frozen=True)
class Outcome:
    """What ``allocator solve`` produced."""

    problem: ProblemData
    result: Result
    out: Path | None
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def summary_lines(self) -> list[str]:
        """The short, aligned summary printed after a solve."""
        r, s = self.result, self.summary
        lines = [f"scenario   {self.problem.scenario.name}",
                 f"status     {r.status.value}  (engine {r.engine}, {r.runtime_s:.2f} s)"]
        if r.objective is not None:
            gap = f"{r.gap:.4%}" if r.gap is not None else "—"
            bound = f"{r.bound:,.0f}" if r.bound is not None else "—"
            lines.append(f"objective  {r.objective:,}  (bound {bound}, gap {gap})")
        if r.solution is not None:
            k = s["kpis"]
            modes = ", ".join(f"{m} {n:,}" for m, n in k["places"]["by_mode"].items())
            lines.append(f"placed     {k['places']['total']:,} places ({modes}); "
                         f"{k['persons_placed']:,} people")
            lines.append(f"cost       {k['cost']:,} VND")
            broken = [q for q in s["quotas"] if q["soft"] and q["broken_by"] > 1e-9]
            if broken:
                lines.append("soft quotas broken: " + "; ".join(
                    f"{q['name']}{' [' + q['group'] + ']' if q['group'] else ''} by "
                    f"{q['broken_by']:g} (penalty {q['penalty']:g})" for q in broken))
        elif r.message:
            lines.append(f"reason     {r.message}")
        if self.out is not None:
            lines.append(f"written    {self.out}")
        return lines


def default_out(scenario_path: Path, name: str) -> Path:
    return Path("out") / name


def run_solve(scenario_path: Path, out: Path | None = None, *, engine: str | None = None,
              time_limit: float | None = None, force: bool = False,
              progress: bool = False) -> Outcome:
    """Load, build, solve and write; raises InputError / OutputExists for the CLI to report."""
    t0 = time.perf_counter()
    problem = load_problem(scenario_path)
    t_load = time.perf_counter() - t0
    target = out if out is not None else default_out(scenario_path, problem.scenario.name)
    if target.exists() and not force:
        from allocator.export import OutputExists

        raise OutputExists(f"{target} exists: choose another --out or add --force")
    params = SolveParams.from_problem(problem, engine=engine, time_limit=time_limit)
    result = solve(problem, params)
    t_solve = time.perf_counter() - t0 - t_load
    summary = summary_data(problem, result)
    write_outputs(target, problem, result, force=force)
    timings = {"load_s": t_load, "solve_s": t_solve, "total_s": time.perf_counter() - t0}
    return Outcome(problem, result, target, summary, timings)
