"""fast's level-1 targets: the first questions go down from the bound a step at a time, then
each small MIP stops just short of the next cluster of reduced costs.

For the cluster rule the model here is only what the rule and the fixings read (columns'
bounds and integrality); the reduced costs are laid out in clusters as the city instances have
them. The descent is checked on the shipped sample scenario.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from allocator.engines.fast import _fixings, _losses, _target
from allocator.problem import load_problem
from allocator.result import Status
from allocator.solve import SolveParams, solve

MARGIN = 1e-3
RAW_BOUND = 1005.88  # L(π); plans score in steps of 10, so the bound is 1000
BOUND = 1000.0


def _model(n: int) -> SimpleNamespace:
    return SimpleNamespace(n_x=n, integer=np.ones(n, dtype=bool), col_lower=np.zeros(n),
                           col_upper=np.ones(n))


def _clusters() -> tuple[SimpleNamespace, np.ndarray]:
    """100 pairs of reduced cost 0; 30 the LP takes that lose 10 if dropped (d = +10); 30 it
    leaves that lose 10 if taken (d = −10); then a cluster of 840 that lose 30 (d = −30)."""
    d = np.concatenate([np.zeros(100), np.full(30, 10.0), np.full(30, -10.0),
                        np.full(840, -30.0)])
    return _model(len(d)), d


def _free(model: SimpleNamespace, d: np.ndarray, target: float) -> int:
    cols, bounds = _fixings(model, d, RAW_BOUND - target + MARGIN)  # type: ignore[arg-type]
    return int(np.sum(bounds[0] < bounds[1]))


def test_losses_count_both_signs_of_the_reduced_cost():
    model, d = _clusters()
    losses, n_zero = _losses(model, d, MARGIN)  # type: ignore[arg-type]
    assert n_zero == 100
    assert len(losses) == 900
    assert list(losses[:60]) == [10.0] * 60


def test_the_first_target_stops_short_of_the_cluster_that_would_swamp_the_mip():
    model, d = _clusters()
    losses, n_zero = _losses(model, d, MARGIN)  # type: ignore[arg-type]
    target = _target(losses, n_zero, 0, RAW_BOUND, BOUND, MARGIN, [])
    # 275 more columns are allowed (1.25 × (100 + 200) − 100); the 60 of loss 10 fit, the
    # cluster of 30 does not: the fixings' room stays just below 30.
    assert RAW_BOUND - target + MARGIN < 30.0
    assert _free(model, d, target) == 160
    # Every plan losing up to the room is still in the small MIP: a plan losing 25.
    assert target - MARGIN <= RAW_BOUND - 25.0


def test_a_later_attempt_takes_the_cluster_in():
    model, d = _clusters()
    losses, n_zero = _losses(model, d, MARGIN)  # type: ignore[arg-type]
    target = _target(losses, n_zero, 2, RAW_BOUND, BOUND, MARGIN, [])  # 1,400 allowed
    assert target == -np.inf
    assert _free(model, d, target) == 1000


def test_the_target_is_never_above_the_bound():
    # Pairs of loss 0, then a cluster that loses 2, less than the 5.88 between L(π) and the
    # bound: the first question is whether the bound is reached, with every pair free.
    d = np.concatenate([np.zeros(100), np.full(900, -2.0)])
    model = _model(len(d))
    losses, n_zero = _losses(model, d, MARGIN)  # type: ignore[arg-type]
    assert _target(losses, n_zero, 0, RAW_BOUND, BOUND, MARGIN, []) == BOUND
    assert _free(model, d, BOUND) == 1000


def test_a_known_plan_at_or_above_the_target_replaces_it():
    model, d = _clusters()
    losses, n_zero = _losses(model, d, MARGIN)  # type: ignore[arg-type]
    assert _target(losses, n_zero, 0, RAW_BOUND, BOUND, MARGIN, [990.0, 950.0]) == 990.0
    below = _target(losses, n_zero, 0, RAW_BOUND, BOUND, MARGIN, [950.0])
    assert 975.0 < below < 976.0
    # With scores in steps: a step above the plan, whose "no" proves the plan optimal.
    assert _target(losses, n_zero, 0, RAW_BOUND, BOUND, MARGIN, [990.0, 950.0], 10.0) == 1000.0
    assert _target(losses, n_zero, 0, RAW_BOUND, BOUND, MARGIN, [950.0], 10.0) == below


SAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "sample.yaml"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shipped scenarios/sample.yaml is missing")
def test_three_questions_from_the_bound_then_the_finder_then_the_cluster_rule():
    # sample.yaml's optimum is nine steps below its bound: three "no"s, each one step down,
    # then the cluster rule's target falls below the best known plan, so the question is
    # whether any plan beats it by a step: no, which proves it. Asked one step at a time all
    # the way, the eight-question cap sent it to the plain MIP instead.
    problem = load_problem(SAMPLE)
    result = solve(problem, SolveParams(engine="fast", time_limit=60))
    assert result.status is Status.OPTIMAL and result.objective == 91_980
    run = result.stats.get("leaf") or result.stats["level1"]
    assert [t["target"] for t in run["tries"]] == [92_070, 92_060, 92_050, 91_990]
    assert run["tries"][-1]["best"] == 91_980
    # After the descent, one look for a plan at the ceiling (three "no"s: 92,040) in the
    # finder's smaller MIP; there is none, and the cluster rule takes over.
    assert run["finder"]["target"] == 92_040
    assert "levels23" in result.stats  # not the plain MIP's fallback
