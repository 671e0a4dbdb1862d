"""Interchangeable people merged into counts (engines/aggregate.py): the merged model holds the
same plans as the original, up to swapping alike people.

A small model is enumerated both ways: every plan of the merged model, expanded, is a plan of the
original with the same score, cost and rows' values, and every such value the original reaches
the merged model reaches too.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from allocator.engines import highs
from allocator.engines.aggregate import aggregate
from allocator.engines.model import LinearModel
from allocator.engines.sparse import Csr
from allocator.problem import load_problem
from allocator.result import Status
from allocator.solve import SolveParams, solve

INF = np.inf

# People 0, 1 and 2 are alike (same programmes, scores, costs, quota coefficient); person 3
# scores differently; person 4 has a private row (a class of one). Programme A has a run
# variable (column 10); programme B has none.
PEOPLE = 5
SCORE = {0: (30, 20), 1: (30, 20), 2: (30, 20), 3: (50, 20), 4: (30, 20)}
COST = (7, 3)
WOMAN = {0: 1, 1: 1, 2: 1, 3: 0, 4: 1}


def _model(person_lower: float = -INF) -> tuple[LinearModel, Csr]:
    n_x = 2 * PEOPLE  # pair (p, A) is column 2p, (p, B) is 2p + 1
    rows: list[tuple[dict[int, float], float, float, str]] = []
    for p in range(PEOPLE):
        rows.append(({2 * p: 1, 2 * p + 1: 1}, person_lower, 1, "person"))
    rows.append(({**{2 * p: 1 for p in range(PEOPLE)}, n_x: -3}, -INF, 0, "capacity"))
    rows.append(({2 * p + 1: 1 for p in range(PEOPLE)}, -INF, 3, "capacity"))
    for p in range(PEOPLE):
        rows.append(({2 * p: 1, n_x: -1}, -INF, 0, "run_link"))
    rows.append(({k: WOMAN[k // 2] - 0.5 for k in range(n_x)}, 0, INF, "quota"))
    rows.append(({k: COST[k % 2] for k in range(n_x)} | {n_x: 10}, -INF, 45, "budget"))
    rows.append(({8: 1, 9: 1}, -INF, 1, "short_term_once"))  # person 4's own row
    start, index, value = [0], [], []
    for entries, _, _, _ in rows:
        for j, v in sorted(entries.items()):
            index.append(j)
            value.append(float(v))
        start.append(len(index))
    n = n_x + 1
    score = np.array([SCORE[k // 2][k % 2] for k in range(n_x)] + [0], dtype=float)
    cost = np.array([COST[k % 2] for k in range(n_x)] + [10], dtype=float)
    model = LinearModel(
        n_cols=n, n_x=n_x, y_prog=np.array([0]), u_row=np.zeros(0, dtype=np.int64),
        u_side=np.zeros(0, dtype=np.int64), col_lower=np.zeros(n), col_upper=np.ones(n),
        integer=np.ones(n, dtype=bool), start=np.array(start), index=np.array(index),
        value=np.array(value), row_lower=np.array([r[1] for r in rows], dtype=float),
        row_upper=np.array([r[2] for r in rows], dtype=float),
        row_family=[r[3] for r in rows], row_names=[r[3] for r in rows],
        score=score, cost=cost, tie=np.arange(n, dtype=float), integral_score=True)
    return model, Csr.of_model(model)


def _feasible(model: LinearModel, a: Csr, x: np.ndarray) -> bool:
    act = a.dot(x)
    return bool(np.all(act >= model.row_lower - 1e-9) and np.all(act <= model.row_upper + 1e-9)
                and np.all(x >= model.col_lower - 1e-9) and np.all(x <= model.col_upper + 1e-9))


def _points(model: LinearModel, a: Csr) -> list[np.ndarray]:
    ranges = [range(int(lo), int(hi) + 1) for lo, hi in zip(model.col_lower, model.col_upper,
                                                             strict=True)]
    points = [np.array(x, dtype=float) for x in itertools.product(*ranges)]
    return [x for x in points if _feasible(model, a, x)]


def _shared(model: LinearModel, a: Csr, x: np.ndarray) -> tuple[float, ...]:
    """What a plan is worth and uses, alike people not told apart: score, cost, and the rows
    that are no one person's."""
    act = a.dot(x)
    shared = [i for i, f in enumerate(model.row_family) if f in ("capacity", "quota", "budget")]
    return (float(model.score @ x), float(model.cost @ x), *[float(act[i]) for i in shared])


@pytest.mark.parametrize("person_lower", [-INF, 1.0])
def test_the_merged_model_holds_the_same_plans(person_lower):
    model, a = _model(person_lower)
    merged = aggregate(model, a)
    assert merged is not None
    # People 0-2 become one class: a count column per programme (up to 3 each), a row, and a
    # link to programme A's run variable. People 3 and 4 keep their pairs, rows and links.
    assert list(merged.kept) == [6, 7, 8, 9] and list(merged.rest) == [10]
    assert merged.model.n_cols == 4 + 2 + 1
    assert list(merged.model.col_upper[4:6]) == [3, 3]
    assert merged.model.row_family.count("class") == 1
    assert merged.model.row_family.count("run_link") == 2 + 1
    assert merged.model.row_family.count("person") == 2
    m_a = Csr.of_model(merged.model)
    seen = set()
    for z in _points(merged.model, m_a):
        x = merged.expand(z)
        assert _feasible(model, a, x), z
        assert float(model.score @ x) == float(merged.model.score @ z)
        seen.add(_shared(model, a, x))
    originals = {_shared(model, a, x) for x in _points(model, a)}
    assert seen == originals
    assert len(originals) >= (10 if person_lower < 0 else 4)  # something to compare


def test_no_two_people_alike_means_no_merge():
    model, a = _model()
    score = model.score.copy()
    score[[0, 2]] = [31, 32]  # people 0, 1 and 2 now differ
    assert aggregate(model, a) is not None
    assert aggregate(replace(model, score=score), a) is None


SAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "sample.yaml"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shipped scenarios/sample.yaml is missing")
def test_the_engine_finds_the_same_plan_with_and_without_merging(monkeypatch):
    problem = load_problem(SAMPLE)
    merged = solve(problem, SolveParams(engine="fast", time_limit=60))
    monkeypatch.setattr(highs, "aggregate", lambda model, a: None)  # the sample solves here
    plain = solve(problem, SolveParams(engine="fast", time_limit=60))
    assert merged.status is plain.status is Status.OPTIMAL
    assert merged.objective == plain.objective and merged.cost == plain.cost
    assert np.array_equal(merged.solution.chosen, plain.solution.chosen)
