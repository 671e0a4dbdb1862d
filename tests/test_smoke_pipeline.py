"""The whole pipeline on a scenario small enough to solve by hand."""

from allocator.problem import load_problem
from allocator.solve import solve


def test_two_people_one_place_the_higher_priority_wins(make_scenario):
    # One course with one place; A has priority 2 (score 200), B priority 1 (score 100).
    # Optimum: A placed, objective 200, cost 1,000,000 VND.
    path = make_scenario(
        candidates=[{"candidate_id": "A", "priority": 2}, {"candidate_id": "B"}],
        programs=[{"program_id": "P1", "capacity": 1}],
    )
    result = solve(load_problem(path))
    assert result.status.value == "optimal"
    assert result.objective == 200
    assert result.cost == 1_000_000
    placed = result.solution.assignments()
    assert placed["candidate_id"].tolist() == ["A"]
