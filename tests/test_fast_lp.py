"""fast's LP by column generation when its first columns cannot satisfy the rows (a branching node
that runs a delegation its columns cannot fill): missing many columns, it takes those a Farkas ray
says can mend it, or stops at once when the ray proves no column can, never the whole model.
These models are small, so the threshold for "many" is lowered to none.
"""

from __future__ import annotations

import time
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
from test_fast_rows import _model

from allocator.engines import fast, highs

INF = np.inf
N = 20


def _run(model, a, first: list[int], people: np.ndarray):
    lp = fast._LP(model, a, model.score, seed=0)
    lp.add(np.array(first))
    problem: Any = SimpleNamespace(pair_c=people)  # what pricing reads: each pair's person
    out = fast._column_generation(lp, problem, model, a, time.perf_counter() + 30)
    return out, lp


def _lp_optimum(model) -> float | None:
    # Before any _LP: HiGHS's thread pool is sized by its first user.
    h = highs._new_highs(replace(model, integer=np.zeros(model.n_cols, dtype=bool)), 1, 0)
    h.changeColsCost(model.n_cols, np.arange(model.n_cols, dtype=np.int32), model.score)
    h.changeObjectiveSense(highs.highspy.ObjSense.kMaximize)
    h.run()
    if h.getModelStatus() != highs.highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


def test_an_lp_its_columns_cannot_satisfy_takes_columns_that_mend_it(monkeypatch):
    monkeypatch.setattr(fast, "_MEND_ALL", 0)
    score = np.linspace(10.0, 1.0, N)
    # At least 6 places in all, at most 1 from the first two columns; people of 4 pairs each.
    model, a = _model([{j: 1.0 for j in range(N)}, {0: 1.0, 1: 1.0}],
                      lower=[6, -INF], upper=[INF, 1], n=N, score=score)
    best = _lp_optimum(model)  # the LP over every column (first: HiGHS's threads)
    (status, pi, x, _), lp = _run(model, a, [0, 1, 2], np.arange(N) // 4)
    assert status == "optimal" and x is not None and best is not None
    assert np.isclose(score @ x, best)
    assert np.all(a.dot(x) >= model.row_lower - 1e-9) and np.all(a.dot(x) <= model.row_upper + 1e-9)


def test_an_lp_no_column_can_mend_is_infeasible_without_taking_every_column(monkeypatch):
    monkeypatch.setattr(fast, "_MEND_ALL", 0)
    score = np.linspace(10.0, 1.0, N)
    # Columns 0 and 1 alone make up row 0, which asks for 3: no other column can help.
    model, a = _model([{0: 1.0, 1: 1.0}, {j: 1.0 for j in range(N)}],
                      lower=[3, -INF], upper=[INF, 10], n=N, score=score)
    assert _lp_optimum(model) is None
    (status, _, _, _), lp = _run(model, a, [0, 1, 2], np.arange(N) // 4)
    assert status == "infeasible"
    assert len(lp.cols) == 3  # the ray proved it: nothing was added
