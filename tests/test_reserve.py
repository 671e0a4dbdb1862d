"""Reserve lists: who takes a place when a placed person withdraws, checked by re-solving."""

from allocator.problem import load_problem
from allocator.reserve import reserve_lists, withdraw
from allocator.solve import SolveParams, solve

HIGHS = SolveParams(engine="highs", time_limit=10)


def placed_in(result, program_id: str) -> set[str]:
    a = result.solution.assignments()
    return set(a.loc[a["program_id"] == program_id, "candidate_id"])


def two_places_half_women(make_scenario):
    # One overseas programme with 2 places; at least half of the places abroad go to women.
    # Scores: W1 300, M1 300, M2 200, M3 150, W2 100 (priority × 100).
    # Optimum: W1 + M1 (600). If M1 withdraws anyone may replace him: M2 (200) first.
    # If W1 withdraws only a woman keeps the share at 50%: W2.
    return make_scenario(
        candidates=[{"candidate_id": "W1", "gender": "F", "priority": 3},
                    {"candidate_id": "M1", "priority": 3},
                    {"candidate_id": "M2", "priority": 2},
                    {"candidate_id": "M3", "priority": 1.5},
                    {"candidate_id": "W2", "gender": "F", "priority": 1}],
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 2}],
        quotas=[{"name": "women-abroad", "select": {"mode": "overseas"},
                 "min_share": {"share": 0.5, "of": {"gender": "F"}}}],
    )


def test_the_reserve_list_ranks_by_the_model_and_says_whom_each_can_replace(make_scenario):
    problem = load_problem(two_places_half_women(make_scenario))
    result = solve(problem, HIGHS)
    assert placed_in(result, "OS1") == {"W1", "M1"}

    reserve = reserve_lists(problem, result, depth=5)

    assert reserve["candidate_id"].tolist() == ["M2", "M3", "W2"]
    assert reserve["rank"].tolist() == [1, 2, 3]
    assert reserve["score"].tolist() == [200, 150, 100]
    assert reserve["note"].tolist() == [
        "replaces 1 of 2 placed (not the others: women-abroad)",
        "replaces 1 of 2 placed (not the others: women-abroad)",
        "replaces anyone",
    ]


def test_re_solving_with_a_withdrawal_picks_the_first_reserve_who_can_replace_them(
        make_scenario):
    problem = load_problem(two_places_half_women(make_scenario))
    result = solve(problem, HIGHS)
    reserve = reserve_lists(problem, result)

    # M1 withdraws: everyone else keeps their place; the first reserve, M2, comes in.
    after = solve(withdraw(problem, result, "M1"), HIGHS)
    assert placed_in(after, "OS1") == {"W1", reserve["candidate_id"].iat[0]} == {"W1", "M2"}

    # W1 withdraws: only a woman can replace her; the first such reserve is W2.
    after = solve(withdraw(problem, result, "W1"), HIGHS)
    first_for_a_woman = reserve.loc[reserve["note"] == "replaces anyone", "candidate_id"].iat[0]
    assert placed_in(after, "OS1") == {"M1", first_for_a_woman} == {"M1", "W2"}


def test_a_reserve_the_budget_cannot_pay_for_is_left_off_whatever_their_score(make_scenario):
    # One course with 2 places and a total budget of 25 million. Places cost 10 million,
    # except C's (20 million, from the pairs table). Scores: A 300, C 250, B 200, D 100.
    # Optimum: A + B (500, 20 million); A + C would cost 30 million. If anyone withdraws, C
    # still cannot come (10 + 20 > 25): D is the only reserve, although C scores more.
    problem = load_problem(make_scenario(
        candidates=[{"candidate_id": "A", "priority": 3}, {"candidate_id": "B", "priority": 2},
                    {"candidate_id": "C", "priority": 2.5}, {"candidate_id": "D"}],
        programs=[{"program_id": "P1", "capacity": 2, "cost_per_person": 10_000_000}],
        pairs=[{"candidate_id": "C", "program_id": "P1", "cost": 20_000_000}],
        budget={"total": 25_000_000},
    ))
    result = solve(problem, HIGHS)
    assert placed_in(result, "P1") == {"A", "B"}

    reserve = reserve_lists(problem, result)

    assert reserve[["program_id", "rank", "candidate_id", "score", "note"]].values.tolist() == [
        ["P1", 1, "D", 100, "replaces anyone"]]
    after = solve(withdraw(problem, result, "B"), HIGHS)
    assert placed_in(after, "P1") == {"A", "D"}


def test_a_reserve_who_mends_a_broken_soft_quota_gains_its_penalty(make_scenario):
    # Two places abroad; women at least half of them, soft at 50 a place. M1 300, M2 290,
    # F1 200, F2 100. Optimum: M1 + M2, one woman short (590 − 50 = 540 > M1 + F1, 500).
    # Whoever withdraws, a woman coming in mends the quota: F1 gains 200 + 50, F2 100 + 50.
    problem = load_problem(make_scenario(
        candidates=[{"candidate_id": "M1", "priority": 3}, {"candidate_id": "M2", "priority": 2.9},
                    {"candidate_id": "F1", "gender": "F", "priority": 2},
                    {"candidate_id": "F2", "gender": "F", "priority": 1}],
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 2}],
        quotas=[{"name": "women-abroad", "select": {"mode": "overseas"},
                 "min_share": {"share": 0.5, "of": {"gender": "F"}}, "soft": True,
                 "penalty": 50}],
    ))
    result = solve(problem, HIGHS)
    assert placed_in(result, "OS1") == {"M1", "M2"}

    reserve = reserve_lists(problem, result)

    assert reserve[["candidate_id", "score", "note"]].values.tolist() == [
        ["F1", 200, "replaces anyone; soft quotas change the objective by +50"],
        ["F2", 100, "replaces anyone; soft quotas change the objective by +50"]]
    after = solve(withdraw(problem, result, "M2"), HIGHS)
    assert placed_in(after, "OS1") == {"M1", "F1"}
