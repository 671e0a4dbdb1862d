"""Large HiGHS MIPs run in a child process that is stopped at the deadline (engines/highs.py).

HiGHS does not check its time limit everywhere: a city-size root node ran 726 s past a 200 s
limit inside a rounding heuristic. These tests run the child path on small models, forced by
lowering the column threshold.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from allocator.engines import highs
from allocator.engines.model import LinearModel


def knapsacks(n: int, m: int, seed: int) -> LinearModel:
    """A multi-dimensional 0/1 knapsack: ``m`` rows, ``n`` items, each row half-full."""
    rng = np.random.default_rng(seed)
    weights = rng.integers(10, 1000, size=(m, n)).astype(float)
    start = np.arange(0, m * n + 1, n, dtype=np.int64)
    index = np.tile(np.arange(n, dtype=np.int64), m)
    empty = np.zeros(0, dtype=np.int64)
    return LinearModel(
        n_cols=n, n_x=n, y_prog=empty, u_row=empty, u_side=empty, col_lower=np.zeros(n),
        col_upper=np.ones(n), integer=np.ones(n, dtype=bool), start=start, index=index,
        value=weights.ravel(), row_lower=np.full(m, -np.inf),
        row_upper=np.floor(weights.sum(axis=1) / 2), row_family=["budget"] * m,
        row_names=[f"row {i}" for i in range(m)],
        score=rng.integers(10, 1000, size=n).astype(float), cost=np.zeros(n),
        tie=np.arange(1, n + 1, dtype=float), integral_score=True, score_step=1)


@pytest.fixture(params=[False, True], ids=["here", "in the child"])
def child(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run the test's MIPs in this process, then in a child process (the threshold lowered)."""
    if request.param:
        monkeypatch.setattr(highs, "CHILD_COLUMNS", 1)
    return bool(request.param)


def test_child_process_finds_the_same_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    model = knapsacks(25, 3, seed=1)
    here = highs.solve_levels(model, 30.0, 1, 0)
    monkeypatch.setattr(highs, "CHILD_COLUMNS", 1)
    there = highs.solve_levels(model, 30.0, 1, 0)
    assert here.first.status == there.first.status == "optimal"
    assert here.values is not None and there.values is not None
    assert np.dot(model.score, there.values) == np.dot(model.score, here.values)
    assert there.statuses == ["optimal", "optimal", "optimal"]


def test_child_process_is_stopped_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    # 400 items in 30 knapsack rows: far from proven in 2 s.
    model = knapsacks(400, 30, seed=2)
    monkeypatch.setattr(highs, "CHILD_COLUMNS", 1)
    t0 = time.perf_counter()
    out = highs.solve_levels(model, 2.0, 1, 0)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0 + highs._GRACE_S + 1.0
    assert out.first.status in ("feasible", "none")
    if out.values is not None:  # the best plan the child reported is a real plan
        a = np.zeros((30, 400))
        a[np.repeat(np.arange(30), 400), model.index] = model.value
        assert np.all(a @ np.round(out.values) <= model.row_upper + 1e-6)
        assert out.first.bound is None or out.first.bound >= np.dot(model.score, out.values)


@pytest.mark.usefixtures("child")
def test_options_reach_highs_here_and_in_the_child() -> None:
    # HiGHS stops at its first improving plan when told to: "feasible", not "optimal".
    model = knapsacks(25, 3, seed=1)
    plain = highs.solve_levels(model, 30.0, 1, 0)
    first = highs.solve_levels(model, 30.0, 1, 0, options={"mip_max_improving_sols": 1})
    assert plain.first.status == "optimal"
    assert first.first.status == "feasible"
    assert first.statuses == ["feasible"]


def optimum_of(model: LinearModel) -> float:
    """The best score of ``model``, solved to the end."""
    plain = highs.solve_levels(model, 30.0, 1, 0, levels=1)
    assert plain.first.status == "optimal" and plain.values is not None
    return float(np.dot(model.score, plain.values))


@pytest.mark.usefixtures("child")
def test_a_mip_stops_once_its_bound_is_below_the_question() -> None:
    # "Is there a plan scoring at least T?" is answered "no" once the bound is below T: the
    # MIP stops there instead of proving its own optimum. Below the optimum it changes nothing.
    model = knapsacks(60, 8, seed=3)
    relaxed = replace(model, integer=np.zeros(60, dtype=bool), integral_score=False)
    lp = highs.solve_levels(relaxed, 30.0, 1, 0, levels=1).first.objective
    optimum = optimum_of(model)
    assert lp is not None and lp > optimum + 200  # 21,885 and 22,175.3
    question = (optimum + lp) / 2
    above = highs.solve_levels(model, 30.0, 1, 0, levels=1,
                               stop=highs.StopWhen(bound_below=question))
    assert above.first.status == "feasible"
    assert above.first.bound is not None and optimum <= above.first.bound < question
    below = highs.solve_levels(model, 30.0, 1, 0, levels=1,
                               stop=highs.StopWhen(bound_below=optimum - 1))
    assert below.first.status == "optimal" and below.values is not None
    assert np.dot(model.score, below.values) == optimum


@pytest.mark.usefixtures("child")
def test_a_mip_stops_at_a_plan_that_reaches_the_question() -> None:
    # "Is there a plan scoring at least T?" where T is known to be the best possible: the first
    # plan that reaches T is the answer, and the MIP stops there, unproven. Above the optimum
    # it changes nothing.
    model = knapsacks(60, 8, seed=3)
    optimum = optimum_of(model)
    low = optimum - 2_000  # a plan this good comes long before the proof
    early = highs.solve_levels(model, 30.0, 1, 0, levels=1,
                               stop=highs.StopWhen(plan_reaches=low))
    assert early.first.status == "feasible" and early.values is not None
    reached = float(np.dot(model.score, early.values))
    assert low <= reached <= optimum
    assert early.first.bound is not None and early.first.bound >= optimum
    high = highs.solve_levels(model, 30.0, 1, 0, levels=1,
                              stop=highs.StopWhen(plan_reaches=optimum + 1))
    assert high.first.status == "optimal" and high.values is not None
    assert np.dot(model.score, high.values) == optimum


def test_a_child_that_dies_leaves_no_plan_and_does_not_hang(
        capfd: pytest.CaptureFixture[str]) -> None:
    # A job the child cannot even start (no model): it dies with a traceback of its own, and
    # the parent reads the end of its pipe as "no plan", at once, not at the deadline.
    job = highs.Job(model=None, workers=1, seed=0)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    out = highs.side_by_side([job], time.perf_counter() + 60, lambda results, works: False)
    assert time.perf_counter() - t0 < 20
    assert out[0].first.status == "none" and out[0].values is None
    assert "Traceback" in capfd.readouterr().err


def test_the_children_are_forks_of_one_server_that_ends_with_the_block() -> None:
    model = knapsacks(25, 3, seed=1)
    job = highs.Job(model, 1, 0, levels=1)
    alone = highs.side_by_side([job], time.perf_counter() + 30, lambda results, works: False)
    with highs.fork_server() as server:
        with highs.fork_server() as inner:
            assert inner is server  # one server for the enclosing block
        outs = [highs.side_by_side([job, replace(job, seed=k)], time.perf_counter() + 30,
                                   lambda results, works: False) for k in (1, 2)]
        assert server.proc.poll() is None
    assert server.proc.poll() == 0  # ended, with every child reaped
    assert highs._SERVERS == []
    objective = alone[0].first.objective
    assert [o.first.objective for pair in outs for o in pair] == [objective] * 4


def _state(pid: int) -> str:
    """A process's state letter from /proc (Z: ended, not yet reaped), or "" when gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return ""
    return status.split("State:")[1].split()[0]


def test_a_child_stopped_early_is_killed_and_the_server_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    model = knapsacks(400, 30, seed=2)  # far from proven in 30 s
    quick = highs.Job(knapsacks(25, 3, seed=1), 1, 0, levels=1)
    slow = highs.Job(model, 1, 0, levels=1)
    pids: list[int] = []
    start = highs._Running.start.__func__  # type: ignore[attr-defined]

    def recording(cls: type[highs._Running], server: object) -> highs._Running:
        running = start(cls, server)
        pids.append(running.child.pid)
        return running

    monkeypatch.setattr(highs._Running, "start", classmethod(recording))
    with highs.fork_server() as server:
        t0 = time.perf_counter()
        quick_out, slow_out = highs.side_by_side(
            [quick, slow], time.perf_counter() + 30,
            lambda results, works: results[0] is not None)
        assert time.perf_counter() - t0 < 20  # the slow one was stopped, not waited for
        if Path("/proc").exists():  # both end at once (the server reaps them later); the
            # last of a killed process's exit may still be under way as its socket closes
            ended = time.perf_counter() + 1.0
            while any(_state(pid) not in ("", "Z") for pid in pids) and \
                    time.perf_counter() < ended:
                time.sleep(0.01)
            assert [_state(pid) in ("", "Z") for pid in pids] == [True, True]
        assert quick_out.first.status == "optimal"
        assert slow_out.first.status in ("feasible", "none")
        again = highs.side_by_side([quick], time.perf_counter() + 30,
                                   lambda results, works: False)[0]
        assert again.first.objective == quick_out.first.objective
    assert server.proc.poll() == 0


def test_ctrl_c_reaches_neither_the_server_nor_its_children(
        capfd: pytest.CaptureFixture[str]) -> None:
    # A terminal's Ctrl-C goes to every process of its group: the parent decides alone.
    slow = highs.Job(knapsacks(400, 30, seed=2), 1, 0, levels=1)
    with highs.fork_server() as server:
        running = highs._Running.start(server)
        running.send(slow, time.perf_counter() + 30)
        time.sleep(0.5)
        for pid in (server.proc.pid, running.child.pid):
            os.kill(pid, signal.SIGINT)
        time.sleep(0.5)
        assert server.proc.poll() is None
        assert not running.messages.poll() or running.messages.recv()[0] != "done"
        running.end()
    assert server.proc.poll() == 0
    assert "Traceback" not in capfd.readouterr().err
