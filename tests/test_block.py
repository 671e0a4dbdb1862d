"""The block of programmes the lower bounds need (engines/block.py), by hand-worked cases.

A delegation abroad (D1: at least 2 places, half of them women, runs with 2 or not at all) next to
a course at home (P1); one budget envelope counts both. The block is D1; the envelope is shared
(priced by the caller, not enforced); the quota, the share and the minimum size stay exact.
"""

from __future__ import annotations

import time

import numpy as np

from allocator.engines import block
from allocator.engines.greedy import greedy_plan
from allocator.problem import load_problem
from allocator.result import Status
from allocator.solution import Solution
from allocator.solve import SolveParams, solve

M = 1_000_000


def delegation(make_scenario):
    people = [("A", "M"), ("B", "M"), ("C", "F"), ("D", "M")]
    return load_problem(make_scenario(
        candidates=[{"candidate_id": c, "gender": g, "must_train": c == "A"}
                    for c, g in people],
        programs=[{"program_id": "P1", "capacity": 4},
                  {"program_id": "D1", "mode": "overseas", "type": "short_term",
                   "capacity": 3, "min_size": 2, "cost_per_person": 10 * M}],
        pairs=[{"candidate_id": c, "program_id": p, "score": 100}
               for c, _ in people for p in ("P1", "D1")],
        quotas=[{"name": "abroad", "select": {"mode": "overseas"}, "min": 2},
                {"name": "women-abroad", "select": {"mode": "overseas"},
                 "min_share": {"share": 0.5, "of": {"gender": "F"}}}],
        budget={"total": 100 * M},
        rules={"max_programs_per_candidate": 1},
    ))


def pairs_of(problem, chosen):
    names = problem.candidates["candidate_id"].to_numpy()
    programs = problem.programs["program_id"].to_numpy()
    return sorted(zip(names[problem.pair_c[chosen]], programs[problem.pair_p[chosen]],
                      strict=True))


def test_the_block_is_the_delegation_and_the_envelope_is_shared(make_scenario):
    problem = delegation(make_scenario)
    found = block.find(problem)
    assert found is not None
    assert problem.programs["program_id"].to_numpy()[found.programs].tolist() == ["D1"]
    hard = [r.name for r in problem.rows if not r.soft]
    assert dict(zip(hard, found.shared(problem).tolist(), strict=True)) == {
        "abroad": False, "women-abroad": False, "total": True}


def test_the_block_mip_keeps_its_own_rows_exact_and_charges_each_person_elsewhere(
        make_scenario):
    # Value abroad = 100 less the value elsewhere: A 90 (so 10), B 60 (40), C 95 (5), D 80
    # (20). Best two by value are B and D, but half must be women: C and B (45). A must
    # train, but may train at home: the block does not force A in.
    problem = delegation(make_scenario)
    found = block.find(problem)
    assert found is not None
    elsewhere = dict(A=90, B=60, C=95, D=80)
    names = problem.candidates["candidate_id"].to_numpy()[problem.pair_c]
    value = problem.score - np.array([elsewhere[n] for n in names])
    chosen = block.solve(problem, found, value, np.zeros(problem.n_programs), None,
                         time.perf_counter() + 30)
    assert chosen is not None
    assert pairs_of(problem, chosen) == [("B", "D1"), ("C", "D1")]


def test_greedy_takes_the_settled_pairs_it_is_given_and_no_other(make_scenario):
    # The block settled on B and C abroad; greedy fills home around them (A and D), never
    # abroad, though by score and order it would have sent A and B.
    problem = delegation(make_scenario)
    found = block.find(problem)
    assert found is not None
    settled = np.zeros(problem.n_pairs, dtype=bool)
    programs = problem.programs["program_id"].to_numpy()[problem.pair_p]
    names = problem.candidates["candidate_id"].to_numpy()[problem.pair_c]
    settled[(programs == "D1") & np.isin(names, ["B", "C"])] = True
    plan = greedy_plan(problem, settled, settled=found.pairs)
    assert Solution(problem, plan).check() == []
    assert pairs_of(problem, plan) == [("A", "P1"), ("B", "D1"), ("C", "D1"), ("D", "P1")]
    assert pairs_of(problem, greedy_plan(problem)) != pairs_of(problem, plan)


def test_a_budget_cap_on_one_course_becomes_its_capacity_in_the_core(make_scenario):
    # 119 M for a course of 3.1 M a place and 8 M to run: (119 − 8) / 3.1 = 35.8, so 35 of
    # its 40 places. The cap is then met by the flow itself and priced at nothing.
    from allocator.engines.model import implied_capacity

    problem = load_problem(make_scenario(
        candidates=[{"candidate_id": f"C{i}"} for i in range(3)],
        programs=[{"program_id": "P1", "capacity": 40, "cost_per_person": 3_100_000,
                   "fixed_cost": 8 * M, "budget_cap": 119 * M},
                  {"program_id": "P2", "capacity": 5}],
        budget={"total": 1000 * M},
    ))
    capacity, implied = implied_capacity(problem)
    assert capacity.tolist() == [35, 5]
    hard = [r.name for r in problem.rows if not r.soft]
    assert [name for name, on in zip(hard, implied, strict=True) if on] == ["budget_cap:P1"]


def test_the_fast_engine_models_that_capacity_so_its_lp_cannot_fill_a_fraction_of_a_place(
        make_scenario):
    # The same course with 40 people who want it, 10 points each: 35 places, 350 points. The
    # plain model's LP fills 35.8 places (bound 358); built tight, the capacity row says 35.
    from allocator.engines.model import build_model

    problem = load_problem(make_scenario(
        candidates=[{"candidate_id": f"C{i:02d}"} for i in range(40)],
        programs=[{"program_id": "P1", "capacity": 40, "cost_per_person": 3_100_000,
                   "fixed_cost": 8 * M, "budget_cap": 119 * M}],
        pairs=[{"candidate_id": f"C{i:02d}", "program_id": "P1", "score": 10}
               for i in range(40)],
        budget={"total": 1000 * M},
    ))

    def run_coefficient(model):  # the y column's coefficient in P1's capacity row
        row = model.row_family.index("capacity")
        lo, hi = model.start[row], model.start[row + 1]
        return model.value[lo:hi][model.index[lo:hi] == model.n_x].tolist()

    assert run_coefficient(build_model(problem)) == [-40.0]
    assert run_coefficient(build_model(problem, tight=True)) == [-35.0]
    result = solve(problem, SolveParams(engine="fast", time_limit=30))
    assert (result.status, result.objective, result.bound) == (Status.OPTIMAL, 350, 350)
