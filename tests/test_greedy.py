"""The greedy baseline and starting plan: lower bounds served first, plans that check.

Hand-worked cases: the pass by score alone would miss a ``min`` quota, and a delegation with a
minimum size must be opened with that many people at once.
"""

from __future__ import annotations

from typing import Any

from allocator.engines.greedy import greedy_plan
from allocator.problem import load_problem
from allocator.solution import Solution

M = 1_000_000


def plan(path: Any, prefer: Any = None) -> tuple[Solution, list[tuple[str, str]]]:
    problem = load_problem(path)
    solution = Solution(problem, greedy_plan(problem, prefer))
    placed = solution.assignments()[["candidate_id", "program_id"]].values.tolist()
    return solution, sorted(map(tuple, placed))


def test_a_minimum_quota_is_met_before_higher_scores_take_the_people(make_scenario):
    # A and B score 100 at home (P1) and 50 abroad (D1); one programme each. By score alone
    # both go home and "at least one abroad" fails; served first, the quota takes A abroad.
    path = make_scenario(
        candidates=[{"candidate_id": "A"}, {"candidate_id": "B"}],
        programs=[{"program_id": "P1", "capacity": 2},
                  {"program_id": "D1", "mode": "overseas", "type": "short_term",
                   "capacity": 2}],
        pairs=[{"candidate_id": c, "program_id": p, "score": s}
               for c in "AB" for p, s in (("P1", 100), ("D1", 50))],
        quotas=[{"name": "abroad", "select": {"mode": "overseas"}, "min": 1}],
        rules={"max_programs_per_candidate": 1},
    )
    solution, placed = plan(path)
    assert solution.check() == []
    assert placed == [("A", "D1"), ("B", "P1")]


def test_a_delegation_with_a_minimum_size_opens_with_that_many_at_once(make_scenario):
    # D1 runs only with 2; the quota wants 1 abroad. Opening D1 with A alone would be closed
    # again at the end (and the quota missed): it opens with A and B, C stays at home.
    path = make_scenario(
        candidates=[{"candidate_id": c} for c in "ABC"],
        programs=[{"program_id": "P1", "capacity": 3},
                  {"program_id": "D1", "mode": "overseas", "type": "short_term",
                   "capacity": 3, "min_size": 2}],
        pairs=[{"candidate_id": c, "program_id": p, "score": s}
               for c, d in (("A", 60), ("B", 55), ("C", 40)) for p, s in (("P1", 100), ("D1", d))],
        quotas=[{"name": "abroad", "select": {"mode": "overseas"}, "min": 1}],
        rules={"max_programs_per_candidate": 1},
    )
    solution, placed = plan(path)
    assert solution.check() == []
    assert placed == [("A", "D1"), ("B", "D1"), ("C", "P1")]


def test_the_pass_by_score_opens_a_programme_with_a_minimum_size_with_that_many_at_once(
        make_scenario):
    # D1 runs only with 2; the pairs scored 0 are never taken. By score: A takes P1 (100); B's
    # best left is D1 (85). Opened with B
    # alone, C would then take P2 (84) and D1 be closed again at the end, B placed nowhere:
    # 184. Opened with B and C at once (C's 80 the next best in D1): 265.
    path = make_scenario(
        candidates=[{"candidate_id": c} for c in "ABC"],
        programs=[{"program_id": "P1", "capacity": 1}, {"program_id": "P2", "capacity": 1},
                  {"program_id": "D1", "mode": "overseas", "type": "short_term",
                   "capacity": 3, "min_size": 2}],
        pairs=[{"candidate_id": c, "program_id": p, "score": s}
               for c, p, s in (("A", "P1", 100), ("A", "D1", 90), ("A", "P2", 0),
                               ("B", "P1", 95), ("B", "D1", 85), ("B", "P2", 0),
                               ("C", "P2", 84), ("C", "D1", 80), ("C", "P1", 0))],
        rules={"max_programs_per_candidate": 1},
    )
    solution, placed = plan(path)
    assert solution.check() == []
    assert placed == [("A", "P1"), ("B", "D1"), ("C", "D1")]
    assert solution.objective == 265
