"""A race of HiGHS seeds (engines/highs.py: ``race``): the outcome of the job that needs the least
work, whichever ends first in time."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from test_highs_child import knapsacks

from allocator.engines import highs


def ended(work: int | None, objective: float = 1.0) -> highs.Levels:
    out = highs.LevelOutcome("optimal", np.zeros(1), objective, objective)
    return highs.Levels(out, out.values, ["optimal"], [0.0], work)


def test_the_winner_is_the_least_work_once_no_runner_can_beat_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(highs, "RACE_HEAD_START", 0)  # the least work alone decides
    inf = np.inf
    assert highs._winner([None, None], [5.0, 9.0]) is None
    # The second ended with 10 units; the first, still running at 7, may end with less.
    assert highs._winner([None, ended(10)], [7.0, 10.0]) is None
    # Once the first has done more than 10, it cannot win.
    assert highs._winner([None, ended(10)], [11.0, 10.0]) == 1
    # At exactly 10 it could still tie, and a tie goes to the first job.
    assert highs._winner([None, ended(10)], [10.0, 10.0]) is None
    # The first job ended with 10: the second, at 10 and still running, can at best tie.
    assert highs._winner([ended(10), None], [10.0, 10.0]) == 0
    assert highs._winner([ended(10), None], [10.0, 9.0]) is None  # the second may end below
    # Both ended: the least work, ties to the first.
    assert highs._winner([ended(12), ended(10)], [12.0, 10.0]) == 1
    assert highs._winner([ended(10), ended(10)], [10.0, 10.0]) == 0
    # A job that died (no result, infinite work) cannot win and holds nobody up.
    assert highs._winner([None, ended(30)], [inf, 30.0]) == 1
    # A result without a count of work (stopped from outside) cannot win.
    assert highs._winner([ended(None), ended(30)], [inf, 30.0]) == 1


def test_the_first_job_wins_outright_within_the_head_start(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(highs, "RACE_HEAD_START", 50)
    # Ended within 50: nobody is waited for, whatever the others' work.
    assert highs._winner([ended(50), None], [50.0, 3.0]) == 0
    assert highs._winner([ended(40), ended(5)], [40.0, 5.0]) == 0
    # The second ended first: the first may still end within 50 and win.
    assert highs._winner([None, ended(5)], [49.0, 5.0]) is None
    # Past 50 the first can no longer win outright, and with more work than 5 not at all.
    assert highs._winner([None, ended(5)], [51.0, 5.0]) == 1
    # Past the head start it is the least work again: 60 against 80.
    assert highs._winner([ended(60), None], [60.0, 61.0]) == 0
    assert highs._winner([ended(80), None], [80.0, 61.0]) is None


def test_work_is_the_same_on_every_run_of_a_job() -> None:
    model = knapsacks(60, 4, seed=3)
    job = highs.Job(model, 1, 0)
    runs = [highs._levels(job, time.perf_counter() + 30, highs._Sink()) for _ in range(2)]
    assert runs[0].work is not None and runs[0].work > 0
    assert runs[0].work == runs[1].work
    assert runs[0].values is not None and runs[1].values is not None
    assert np.array_equal(runs[0].values, runs[1].values)


def test_the_race_gives_the_outcome_of_the_job_of_least_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Each job alone, here: the race must give the plan of the one of least work (no head
    # start: these small MIPs would all end within it).
    monkeypatch.setattr(highs, "RACE_HEAD_START", 0)
    for seed in (3, 4):
        model = knapsacks(60, 4, seed=seed)
        stop = highs.StopWhen(bound_below=None, plan_reaches=None)
        jobs = [highs.Job(model, 1, s, stop=stop) for s in (0, 1, 2)]
        alone = [highs._levels(job, time.perf_counter() + 30, highs._Sink()) for job in jobs]
        works = [(out.work, i) for i, out in enumerate(alone)]
        assert all(w is not None for w, _ in works)
        first = alone[min(works)[1]]  # type: ignore[type-var]
        raced = highs.race(jobs, time.perf_counter() + 30)
        assert raced.work == first.work
        assert raced.first.status == "optimal"
        assert raced.values is not None and first.values is not None
        assert np.array_equal(raced.values, first.values)


def test_a_race_that_runs_out_of_time_keeps_the_best_plan_and_the_least_bound() -> None:
    model = knapsacks(400, 30, seed=2)  # far from proven in 2 s
    jobs = [highs.Job(model, 1, s) for s in (0, 1)]
    t0 = time.perf_counter()
    out = highs.race(jobs, t0 + 2.0)
    assert time.perf_counter() - t0 < 2.0 + 2 * highs._GRACE_S + 1.0
    assert out.first.status == "feasible" and out.first.bound is not None
    assert out.first.objective is not None and out.first.objective <= out.first.bound


def test_pooled_outcomes_keep_the_best_plan_and_the_least_bound() -> None:
    def stopped(objective: float | None, bound: float) -> highs.Levels:
        out = highs.LevelOutcome("feasible" if objective else "none", None, objective, bound)
        return highs.Levels(out, None, [out.status], [0.0])

    pooled = highs._pooled([stopped(None, 90.0), stopped(80.0, 95.0), stopped(80.0, 99.0)])
    assert pooled.first.objective == 80.0 and pooled.first.bound == 90.0
    assert highs._pooled([stopped(None, 90.0), replace(stopped(None, 95.0))]).first.bound == 90.0
