"""The exact engines agree with each other: on random small problems, the default engine
(``fast``: LP bound, reduced-cost fixing, small MIPs), plain HiGHS and plain CP-SAT find the same
status, the same optimal objective and the same least cost at that objective; ``fast`` and
``highs`` also pick the same plan by the documented tie-break. The greedy baseline never returns
a plan that breaks a constraint, and never one better than the optimum.

The random scenarios are the ones of ``tests/test_engine_properties.py`` (which compares the
engines with exhaustive search); here no search is needed, so no example is thrown away for size.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_engine_properties import build, scenarios

from allocator.problem import ProblemData
from allocator.result import Result, Status
from allocator.solve import SolveParams, choose_engine, solve

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
EXACT = ("fast", "highs", "cpsat")


def problem_of(spec: dict[str, Any]) -> ProblemData:
    with tempfile.TemporaryDirectory() as tmp:
        return build(spec, Path(tmp))


def run(problem: ProblemData, engine: str) -> Result:
    return solve(problem, SolveParams(engine=engine, time_limit=30))


@SETTINGS
@given(spec=scenarios())
def test_every_exact_engine_finds_the_same_optimum_and_the_same_least_cost(
        spec: dict[str, Any]) -> None:
    problem = problem_of(spec)
    results = {engine: run(problem, engine) for engine in EXACT}
    statuses = {engine: r.status for engine, r in results.items()}
    assert len(set(statuses.values())) == 1, f"engines disagree on the status: {statuses}"
    status = statuses["highs"]
    assert status in (Status.OPTIMAL, Status.INFEASIBLE)
    if status is Status.INFEASIBLE:
        assert all(r.solution is None for r in results.values())
        return
    figures = {engine: (r.objective, r.cost) for engine, r in results.items()}
    assert len(set(figures.values())) == 1, f"engines disagree on (objective, cost): {figures}"
    for engine, r in results.items():
        assert r.solution is not None and r.solution.check() == [], engine
        assert r.bound == pytest.approx(r.objective), f"{engine}: optimal, so bound = objective"
        assert r.gap == 0
        assert r.cost_floor == r.cost, f"{engine}: the least cost is proven at this size"
    # Same tie-break, same plan: the default engine and plain HiGHS choose the same pairs.
    assert results["fast"].solution.chosen.tolist() == \
        results["highs"].solution.chosen.tolist()  # type: ignore[union-attr]

    greedy = run(problem, "greedy")
    assert greedy.status in (Status.FEASIBLE, Status.NO_SOLUTION)
    if greedy.status is Status.FEASIBLE:
        assert greedy.solution is not None and greedy.solution.check() == []
        assert greedy.objective <= results["highs"].objective + 1e-9  # type: ignore[operator]


@SETTINGS
@given(spec=scenarios())
def test_least_cost_on_the_lps_support_keeps_the_score_and_proves_a_floor_below_the_least(
        spec: dict[str, Any]) -> None:
    # Large levels 2 and 3 run their MIP on the LP's support only (fast.EXACT_LEVEL_FREE):
    # forced here on every size, the plan keeps the best score, and the floor it proves is
    # never above the least cost plain HiGHS finds.
    from unittest import mock

    from allocator.engines import fast

    problem = problem_of(spec)
    exact = run(problem, "highs")
    if exact.status is not Status.OPTIMAL:
        return
    with mock.patch.object(fast, "EXACT_LEVEL_FREE", 0):
        r = run(problem, "fast")
    assert r.status is Status.OPTIMAL and r.objective == exact.objective
    assert r.solution is not None and r.solution.check() == []
    assert r.cost_floor is not None and exact.cost is not None and r.cost is not None
    assert r.cost_floor <= exact.cost <= r.cost


def test_the_default_engine_is_the_fast_exact_one(make_scenario: Any) -> None:
    # Two people, one course with one place: Lan (priority 3) beats Minh (priority 1).
    path = make_scenario(
        candidates=[{"candidate_id": "C1", "full_name": "Lan", "priority": 3},
                    {"candidate_id": "C2", "full_name": "Minh", "priority": 1}],
        programs=[{"program_id": "P1", "capacity": 1}])
    from allocator.problem import load_problem

    problem = load_problem(path)
    assert choose_engine(problem) == "fast"
    result = solve(problem, SolveParams(time_limit=30))
    assert result.engine == "fast"
    assert result.status is Status.OPTIMAL
    assert result.solution is not None
    assert result.solution.assignments()["candidate_id"].tolist() == ["C1"]
