"""fast's finder: after level 1's descent, one look for a plan at the ceiling in a smaller MIP —
the columns that lose less than half a score step against ``L(π)``, the rows of the question.

It is a heuristic, so what it owes is checked by enumerating every plan of small random models:
exactly those columns are free, every plan it returns is a plan of the model, and it finds a plan
of the target whenever one lies among its columns and rows.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
from test_fast_rows import _feasible, _lp_duals, _model, _random_rows

from allocator.engines import fast, highs
from allocator.engines.fast import _finder, _tightened_rows, lagrangian_bound
from allocator.engines.model import LinearModel
from allocator.engines.sparse import Csr

STEP = 10.0


N = 10  # columns of the random models


def _case(seed: int) -> tuple[LinearModel, Csr, np.ndarray, np.ndarray, float, np.ndarray,
                               float, list[np.ndarray]]:
    """One random model with scores in steps: the model, its matrix, scores, LP duals, the
    bound ``L(π)``, reduced costs, the margin, and every plan (enumerated)."""
    rng = np.random.default_rng(seed)
    rows, lower, upper = _random_rows(rng, N, 6)
    score = rng.integers(0, 5, N).astype(float) * STEP + rng.integers(0, 2, N) * 2 * STEP
    model, a = _model(rows, lower, upper, N, score=score)
    pi = _lp_duals(model, score)
    bound, d = lagrangian_bound(model, a, pi, score)
    plans = [np.array(x, dtype=float) for x in itertools.product([0, 1], repeat=N)]
    plans = [x for x in plans if _feasible(model, a, x)]
    assert plans
    return model, a, score, pi, bound, d, fast._margin(bound), plans


def _check(seed: int) -> tuple[int, int]:
    """Every target of one random model; returns how many targets had a plan among the finder's
    columns (each found) and how many had plans only outside them."""
    model, a, score, pi, bound, d, margin, plans = _case(seed)
    n = N
    loss = np.abs(d) * (model.col_upper - model.col_lower)
    cheap = loss <= STEP / 2 + margin
    fixed_at = (d > 0).astype(float)  # where a costly column stays (_fixings)
    inside = outside = 0
    for target in sorted({float(score @ x) for x in plans}):
        tight = _tightened_rows(model, a, pi, bound - target + margin)
        out, cols, free = _finder(a, tight, d, target, STEP, margin,
                                  time.perf_counter() + 30, 1, 0)
        assert free == int(np.count_nonzero(cheap)), (seed, target)
        found = None
        if out.values is not None:
            found = np.zeros(n)
            found[cols] = out.values
            assert _feasible(model, a, found), (seed, target)  # a plan of the model
            assert np.all((found == 0) | (found == 1))
        reach = [x for x in plans if score @ x >= target]
        if any(_feasible(tight, a, x) and np.all(x[~cheap] == fixed_at[~cheap]) for x in reach):
            inside += 1
            assert found is not None and score @ found >= target, (seed, target)
        elif reach:
            outside += 1
    return inside, outside


def test_the_finder_frees_the_cheap_columns_and_finds_what_they_hold():
    counts = [_check(seed) for seed in range(16)]
    # Both cases occur, so the checks can fail: targets the finder must reach, and targets
    # whose plans need a costly column (the finder is smaller than the question).
    assert sum(i for i, _ in counts) >= 20, counts
    assert sum(o for _, o in counts) >= 5, counts


def test_the_question_with_the_finder_beside_it_answers_the_question():
    # At the ceiling, after a "no", the engine runs the question and the finder side by side
    # in two child processes (city size). The answer must be the question's: a plan of the
    # target whenever one exists, the finder's plan when the finder reaches the target, and the
    # same plan on every run.
    by_finder = by_question = none = 0
    for seed in range(3):
        model, a, score, pi, bound, d, margin, plans = _case(seed)
        n = N
        best = max(float(score @ x) for x in plans)
        for target in (best + STEP, best, best - STEP, best - 2 * STEP):
            room = bound - target + margin
            tight = _tightened_rows(model, a, pi, room)
            cols, bounds = fast._fixings(model, d, room)
            runs = [fast._beside_the_finder(tight, a, cols, bounds, d, target, STEP, margin,
                                            time.perf_counter() + 30, 0) for _ in range(2)]
            plans_out = []
            for out, finder_plan, below in runs:
                if below is not None:  # the finder's plan below the target, when it is kept
                    kept = np.zeros(n)
                    kept[below[0]] = below[1]
                    assert _feasible(model, a, kept) and score @ kept < target, (seed, target)
                plan = np.zeros(n)
                if finder_plan is not None:
                    plan[finder_plan[0]] = finder_plan[1]
                elif out.values is not None:
                    plan[cols] = out.values
                plans_out.append(plan)
                reached = (finder_plan is not None or out.values is not None) and \
                    score @ plan >= target
                if reached:
                    assert _feasible(model, a, plan), (seed, target)
                assert reached == (best >= target), (seed, target)  # the question's answer
            assert np.array_equal(*plans_out), (seed, target)  # the same on every run
            belows = [None if r[2] is None else r[2][1] for r in runs]
            assert (belows[0] is None) == (belows[1] is None), (seed, target)
            if belows[0] is not None:
                assert np.array_equal(belows[0], belows[1]), (seed, target)
            finder_plan = runs[0][1]
            if finder_plan is not None:
                by_finder += 1
            elif best >= target:
                by_question += 1
            else:
                none += 1
    # Every case occurs: the finder's plan, the question's (the plan needs a costly column),
    # and no plan.
    assert by_finder and none, (by_finder, by_question, none)


def test_the_question_waits_for_the_finder_only_when_it_says_yes_or_has_done_more_work():
    def done(objective: float | None, work: int = 50) -> highs.Levels:
        out = highs.LevelOutcome("feasible" if objective else "none", None, objective, None)
        return highs.Levels(out, None, [out.status], [0.0], work=work)

    target = 100.0
    assert not fast._settled(target, None, None, 0)
    assert fast._settled(target, None, done(100.0), 0)  # the finder reached it: its plan
    assert not fast._settled(target, None, done(90.0), 0)  # the finder did not: the question
    assert not fast._settled(target, done(100.0), None, 80)  # yes: wait for the finder's plan
    assert fast._settled(target, done(100.0), done(90.0), 80)
    # The question said no: the finder goes on while it has done no more work than the
    # question (its plan is then kept), and stops once it has done more.
    assert not fast._settled(target, done(None, work=50), None, 50)
    assert not fast._settled(target, done(90.0, work=50), None, 20)
    assert fast._settled(target, done(None, work=50), None, 51)
    assert fast._settled(target, done(90.0, work=50), None, 80)
