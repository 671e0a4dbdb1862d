"""fast's row tightening: reduced-cost fixing on the rows' slacks keeps every plan within the room.

For any duals ``π``, a plan scoring at least ``T`` loses at most ``L(π) − T`` on each row, so
each row's activity stays within ``room/|π_i|`` of the bound that ``L`` counts. The first tests
pin what the bounds become; the last checks, by enumerating every plan of small random models,
that no plan scoring at least ``T`` is cut off — and that the tightening does cut off others.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import highspy
import numpy as np

from allocator.engines import fast, highs
from allocator.engines.fast import _tightened_rows, lagrangian_bound
from allocator.engines.model import LinearModel
from allocator.engines.sparse import Csr

INF = np.inf


def _model(rows: list[dict[int, float]], lower: list[float], upper: list[float],
           n: int, integer: list[bool] | None = None,
           score: np.ndarray | None = None) -> tuple[LinearModel, Csr]:
    start, index, value = [0], [], []
    for row in rows:
        for j, v in sorted(row.items()):
            index.append(j)
            value.append(v)
        start.append(len(index))
    model = LinearModel(
        n_cols=n, n_x=n, y_prog=np.zeros(0, dtype=np.int64), u_row=np.zeros(0, dtype=np.int64),
        u_side=np.zeros(0, dtype=np.int64), col_lower=np.zeros(n), col_upper=np.ones(n),
        integer=np.array(integer if integer is not None else [True] * n),
        start=np.array(start), index=np.array(index, dtype=np.int64),
        value=np.array(value, dtype=float), row_lower=np.array(lower, dtype=float),
        row_upper=np.array(upper, dtype=float), row_family=["test"] * len(rows),
        row_names=[f"r{i}" for i in range(len(rows))],
        score=score if score is not None else np.zeros(n), cost=np.zeros(n), tie=np.zeros(n),
        integral_score=True)
    return model, Csr.of_model(model)


def test_rows_whose_slack_costs_more_than_the_room_become_equalities():
    model, a = _model(
        [{0: 1, 1: 1},                 # a person: dual 12 > room, so the person is placed
         {0: 3, 1: 5, 2: 7},           # an envelope: at most 5/0.5 = 10 units unspent
         {0: 2, 2: 4},                 # activity is even: ≥ 6 − 5 = 1 rounds up to 2
         {1: 1, 2: 1},                 # a lower bound with dual −3: at most 1 + 5/3 → 2
         {0: 1, 3: 0.5},               # a continuous column: no rounding
         {0: 1, 2: 1},                 # dual 0: unchanged
         {1: 1, 2: 1}],                # dual > 0 but no upper bound: clipped, unchanged
        lower=[-INF, -INF, -INF, 1, -INF, -INF, 0],
        upper=[1, 20, 6, INF, 1, 1, INF], n=4, integer=[True, True, True, False])
    pi = np.array([12.0, 0.5, 1.0, -3.0, 2.0, 0.0, 4.0])
    out = _tightened_rows(model, a, pi, room=5.0)
    assert list(out.row_lower) == [1, 10, 2, 1, -1.5, -INF, 0]
    assert list(out.row_upper) == [1, 20, 6, 2, 1, 1, INF]
    assert list(model.row_lower) == [-INF, -INF, -INF, 1, -INF, -INF, 0]  # a new model


def test_dense_rows_keep_their_bounds(monkeypatch):
    model, a = _model([{0: 1, 1: 1, 2: 1}, {0: 1}], lower=[-INF, -INF], upper=[2, 1], n=3)
    monkeypatch.setattr(fast, "_DENSE_ROW", 2)
    out = _tightened_rows(model, a, np.array([10.0, 10.0]), room=1.0)
    assert list(out.row_lower) == [-INF, 1]


def _feasible(model: LinearModel, a: Csr, x: np.ndarray) -> bool:
    act = a.dot(x)
    return bool(np.all(act >= model.row_lower - 1e-9) and np.all(act <= model.row_upper + 1e-9))


def _lp_duals(model: LinearModel, score: np.ndarray) -> np.ndarray:
    # Through the engine's constructor: HiGHS's thread pool is sized by its first user.
    h = highs._new_highs(replace(model, integer=np.zeros(model.n_cols, dtype=bool)), 1, 0)
    h.changeColsCost(model.n_cols, np.arange(model.n_cols, dtype=np.int32), score)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    return np.array(h.getSolution().row_dual)


def _random_rows(rng: np.random.Generator, n: int, m: int
                 ) -> tuple[list[dict[int, float]], list[float], list[float]]:
    """``m`` random rows over ``n`` binary columns (whole coefficients, some rows even), with
    their lower and upper bounds."""
    rows = [{int(j): float(rng.integers(1, 6)) * (2 if i % 3 == 0 else 1)
             for j in rng.choice(n, size=int(rng.integers(2, 6)), replace=False)}
            for i in range(m)]
    upper = [float(sum(r.values()) // 2) for r in rows]
    lower = [-INF if i % 2 else 1.0 for i in range(m)]
    return rows, lower, upper


def _cut_off(seed: int) -> int:
    """Checks every plan of one random model against every target; returns how many plans
    below a target the tightening cut off."""
    rng = np.random.default_rng(seed)
    n, m = 10, 6
    rows, lower, upper = _random_rows(rng, n, m)
    score = rng.integers(0, 5, n).astype(float) * 10
    model, a = _model(rows, lower, upper, n, score=score)
    # The bound and the tightening hold for any duals; the LP's make the room small.
    pi = _lp_duals(model, score) if seed % 2 == 0 else rng.normal(0, 8, m)
    L, _ = lagrangian_bound(model, a, pi, score)
    plans = [np.array(x, dtype=float) for x in itertools.product([0, 1], repeat=n)]
    plans = [x for x in plans if _feasible(model, a, x)]
    assert plans
    cut = 0
    for target in sorted({float(score @ x) for x in plans}):
        room = L - target + 1e-9
        tight = _tightened_rows(model, a, pi, room)
        for x in plans:
            if score @ x >= target:
                assert _feasible(tight, a, x), (seed, target, x)
            elif not _feasible(tight, a, x):
                cut += 1
    return cut


def test_no_plan_scoring_at_least_the_target_is_cut_off():
    cuts = [_cut_off(seed) for seed in range(16)]
    # With the LP's duals, plans below a target are cut off (else the check could not fail).
    assert sum(c > 0 for c in cuts[::2]) >= 4, cuts
