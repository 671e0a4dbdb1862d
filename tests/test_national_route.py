"""fast's national route (from ``fast.LAGRANGIAN_PAIRS`` pairs on), tried on the shipped sample.

At national scale the LP does not finish in minutes, so ``fast`` prices the quota and budget rows
with the duals of a sample economy's LP and runs Lagrangian iterations on the transportation
core (engines/lagrangian.py). Lowering the threshold sends the 500-person sample that way: the
plan must check, and the bound must lie above the exact optimum (HiGHS on the whole model).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from allocator.engines import fast
from allocator.problem import load_problem
from allocator.result import Status
from allocator.solve import SolveParams, solve

SAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "sample.yaml"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shipped scenarios/sample.yaml is missing")
def test_the_national_route_gives_a_plan_that_checks_and_a_bound_above_the_optimum(
        monkeypatch: pytest.MonkeyPatch) -> None:
    problem = load_problem(SAMPLE)
    exact = solve(problem, SolveParams(engine="highs", time_limit=60))
    assert exact.status is Status.OPTIMAL and exact.objective is not None
    monkeypatch.setattr(fast, "LAGRANGIAN_PAIRS", 1)
    result = solve(problem, SolveParams(engine="fast", time_limit=10))
    assert result.status is Status.FEASIBLE  # never called optimal: no LP proof, no levels 2–3
    assert result.solution is not None and result.solution.check() == []
    assert result.objective is not None and result.bound is not None
    assert result.objective <= exact.objective <= result.bound
    assert "sample_lp_s" in result.stats and result.stats["lagrangian"]["iterations"]
    # The sample's prices make the first flow's bound far tighter than the core's alone.
    first = result.stats["lagrangian"]["iterations"][0]["bound"]
    core = fast.lagrangian.core_plan(problem)[1]
    assert core is not None and first < core
