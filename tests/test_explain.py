"""Explanations: the "not placed" reasons, why (not) one person, the feasibility report and the
`allocator explain` command."""

import json

import pytest

from allocator.cli import main
from allocator.explain import explain_candidate, feasibility_report, not_placed_reasons
from allocator.problem import load_problem
from allocator.solve import SolveParams, solve

HIGHS = SolveParams(engine="highs", time_limit=10)


@pytest.fixture
def agency_cap(make_scenario):
    """One overseas programme with 3 places and at most 1 place per agency.

    Scores: A1 300 and A2 200 (both Sở Y tế), B1 100 (Sở A), C1 100 (Sở B). Optimum: A1, B1, C1
    (500); A2 is left out by the agency cap. Placing A2 instead of B1 or C1 gives 400.
    Excluded by the rules: R1 (rated 'complete', 'good' needed abroad), R2 (retires 2024-10-01,
    one month after the start: 24 months needed for a 90-day programme), F1 (field finance: no
    programme), X1 (forbidden in the pairs table).
    """
    return make_scenario(
        candidates=[{"candidate_id": "A1", "agency": "Sở Y tế", "priority": 3},
                    {"candidate_id": "A2", "agency": "Sở Y tế", "priority": 2,
                     "full_name": "Trần Thị Bích"},
                    {"candidate_id": "B1", "agency": "Sở A"},
                    {"candidate_id": "C1", "agency": "Sở B"},
                    {"candidate_id": "R1", "agency": "Sở B", "rating_prev_year": "complete"},
                    {"candidate_id": "R2", "agency": "Sở B", "birth_date": "1963-09-10"},
                    {"candidate_id": "F1", "agency": "Sở B", "field": "finance"},
                    {"candidate_id": "X1", "agency": "Sở B"}],
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 3,
                   "start_date": "2024-09-01", "duration_days": 90}],
        pairs=[{"candidate_id": "X1", "program_id": "OS1", "status": "forbidden"}],
        quotas=[{"name": "agency-cap", "select": {"mode": "overseas"}, "per": "agency",
                 "max": 1}],
    )


def solved(path):
    problem = load_problem(path)
    return problem, solve(problem, HIGHS)


# ---- the "not placed" sheet -----------------------------------------------------------------


def test_everyone_not_placed_has_a_reason_with_its_values(agency_cap):
    problem, result = solved(agency_cap)
    reasons = not_placed_reasons(problem, result).set_index("candidate_id")

    assert list(reasons.columns) == ["full_name", "agency", "reason_kind", "reason"]
    assert sorted(reasons.index) == ["A2", "F1", "R1", "R2", "X1"]
    assert reasons.loc["A2", "reason_kind"] == "not chosen"
    assert reasons.loc["A2", "full_name"] == "Trần Thị Bích"
    assert reasons.loc["A2", "reason"] == (
        "eligible for 1 programme (OS1); OS1 full, some placed score lower (quotas, budget or "
        "their other options decided)")
    assert (reasons.loc[["R1", "R2", "F1", "X1"], "reason_kind"] == "rules").all()
    assert reasons.loc["R1", "reason"] == (
        "min_rating: rated 'complete' last year, 'good' or better needed (OS1)")
    assert reasons.loc["R2", "reason"] == (
        "months_before_retirement: retires 2024-10-01: 1 months after the start 2024-09-01, "
        "24 needed for a 90-day programme (OS1)")
    assert reasons.loc["F1", "reason"] == (
        "field_match: field 'finance' fits no programme of the plan (match: planned)")
    assert reasons.loc["X1", "reason"] == "pairs.csv: forbidden in the pairs table (OS1)"


def test_a_rule_excluding_from_several_programmes_is_counted_with_one_example(make_scenario):
    # Three overseas programmes; R is rated 'complete': min_rating excludes them from all three.
    path = make_scenario(
        candidates=[{"candidate_id": "R", "rating_prev_year": "complete"}],
        programs=[{"program_id": f"OS{i}", "mode": "overseas"} for i in (1, 2, 3)],
    )
    problem, result = solved(path)
    reason = not_placed_reasons(problem, result)["reason"].iat[0]
    assert reason == ("min_rating: rated 'complete' last year, 'good' or better needed "
                      "(all 3 programmes, e.g. OS1)")


def test_places_taken_by_people_scoring_at_least_as_much(make_scenario):
    # One place, A (200) takes it; B (100) is eligible but not chosen.
    path = make_scenario(candidates=[{"candidate_id": "A", "priority": 2},
                                     {"candidate_id": "B"}],
                         programs=[{"program_id": "P1", "capacity": 1}])
    problem, result = solved(path)
    reasons = not_placed_reasons(problem, result)
    assert reasons[["candidate_id", "reason_kind", "reason"]].values.tolist() == [
        ["B", "not chosen", "eligible for 1 programme (P1); places went to candidates scoring "
         "at least as much (their score 100; lowest placed 200)"]]


# ---- why (not) one person ---------------------------------------------------------------------


def test_a_person_left_out_by_an_agency_cap_is_told_who_took_the_place_and_what_would_help(
        agency_cap):
    problem, result = solved(agency_cap)
    why = explain_candidate(problem, result, "A2")

    assert why.status == "not chosen"
    assert why.eligible == ["OS1"]
    assert [(t["candidate_id"], t["score"], t["own_score"]) for t in why.took_places] == [
        ("B1", 100, 200), ("C1", 100, 200)]
    assert why.forced_in["feasible"] is True
    assert why.forced_in["loss"] == 100
    assert why.forced_in["objective_after"] == 400
    assert why.stands_in_way == [
        "would be placed if `agency-cap [agency=Sở Y tế]` max were 2 instead of 1"]


def test_a_placed_person_sees_the_constraints_binding_on_their_place(agency_cap):
    problem, result = solved(agency_cap)
    why = explain_candidate(problem, result, "A1")
    assert why.status == "placed"
    assert [(pl["program_id"], pl["score"]) for pl in why.places] == [("OS1", 300)]
    assert why.binding == ["programme OS1 is full (3 of 3 places)",
                           "quota `agency-cap [agency=Sở Y tế]` at its max 1 (1 place)"]


@pytest.mark.parametrize(("cid", "rule", "text"), [
    ("R1", "min_rating", "rated 'complete' last year, 'good' or better needed"),
    ("R2", "months_before_retirement", "retires 2024-10-01: 1 months after the start "
     "2024-09-01, 24 needed for a 90-day programme"),
    ("F1", "field_match", "field 'finance' fits no programme of the plan (match: planned)"),
    ("X1", "pairs.csv", "forbidden in the pairs table"),
])
def test_each_kind_of_exclusion_is_explained_with_its_values(agency_cap, cid, rule, text):
    problem, result = solved(agency_cap)
    why = explain_candidate(problem, result, cid)
    assert why.status == "excluded"
    assert [(x["rule"], x["text"]) for x in why.exclusions] == [(rule, text)]


def test_a_spent_budget_binds_and_stands_in_the_way(make_scenario):
    # One course with 5 places at 10 million; a total budget of 20 million. A (300) and B (200)
    # are placed and the budget is spent; C (100) would be placed with 30 million.
    path = make_scenario(
        candidates=[{"candidate_id": "A", "priority": 3}, {"candidate_id": "B", "priority": 2},
                    {"candidate_id": "C"}],
        programs=[{"program_id": "P1", "capacity": 5, "cost_per_person": 10_000_000}],
        budget={"total": 20_000_000},
    )
    problem, result = solved(path)
    placed = explain_candidate(problem, result, "A")
    assert placed.binding == ["budget `total` exhausted: 0 VND left of 20,000,000 (the "
                              "cheapest other place costs 10,000,000)"]
    left_out = explain_candidate(problem, result, "C")
    assert left_out.took_places == []
    assert left_out.forced_in["loss"] == 100  # C replaces B: 500 → 400
    assert left_out.stands_in_way == [
        "would be placed if `total` were 30,000,000 VND instead of 20,000,000"]


def test_a_person_no_plan_can_place_names_the_conflict(make_scenario):
    # One place, forced to A (pairs table): B can never be placed.
    path = make_scenario(
        candidates=[{"candidate_id": "A"}, {"candidate_id": "B", "priority": 5}],
        programs=[{"program_id": "P1", "capacity": 1}],
        pairs=[{"candidate_id": "A", "program_id": "P1", "status": "forced"}],
    )
    problem, result = solved(path)
    why = explain_candidate(problem, result, "B")
    assert why.forced_in["feasible"] is False
    assert set(why.forced_in["conflict"]) == {"capacity of P1", "forced pair (A, P1)"}


def test_an_unknown_candidate_is_a_key_error_naming_close_ids(agency_cap):
    problem, result = solved(agency_cap)
    with pytest.raises(KeyError, match="unknown candidate 'A3'.*did you mean"):
        explain_candidate(problem, result, "A3")


# ---- the feasibility report ---------------------------------------------------------------------


def test_the_report_names_a_minimum_the_caps_cannot_reach_and_a_short_budget(make_scenario):
    # 12 people in two agencies; overseas-min 10 but agency-cap 4 per agency (8 in all);
    # 10 places at 100 million cost 1 billion against a budget of 950 million.
    path = make_scenario(
        candidates=[{"candidate_id": f"{a}{i}", "agency": f"Sở {a}"} for a in "AB"
                    for i in range(6)],
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 20,
                   "cost_per_person": 100_000_000}],
        quotas=[{"name": "overseas-min", "select": {"mode": "overseas"}, "min": 10},
                {"name": "agency-cap", "select": {"mode": "overseas"}, "per": "agency",
                 "max": 4}],
        budget={"total": 950_000_000},
    )
    report = feasibility_report(load_problem(path))
    problems = [c.text for c in report.problems]
    assert problems == [
        "quota `overseas-min` needs 10 places but `agency-cap` allows at most 8 there over its "
        "2 groups (4 per group): no plan",
        "budget `total` 950,000,000 VND: meeting each minimum alone costs at least "
        "1,000,000,000 VND there: 50,000,000 VND short",
    ]
    assert report.as_dict()["problems"] == 2


def test_the_report_gives_the_exact_least_cost_of_the_minimums(make_scenario):
    # overseas-min 2; places cost 30 and 50 million: the least cost is 60 million (two of the
    # cheap programme), within a budget of 100 million. Nobody may attend OS3 (field finance).
    path = make_scenario(
        candidates=[{"candidate_id": c} for c in "ABC"],
        programs=[{"program_id": "OS1", "mode": "overseas", "cost_per_person": 30_000_000},
                  {"program_id": "OS2", "mode": "overseas", "cost_per_person": 50_000_000},
                  {"program_id": "OS3", "mode": "overseas", "field": "finance"}],
        quotas=[{"name": "overseas-min", "select": {"mode": "overseas"}, "min": 2}],
        budget={"total": 100_000_000},
    )
    report = feasibility_report(load_problem(path))
    assert report.problems == []
    texts = [c.text for c in report.checks]
    assert ("budget `total` 100,000,000 VND: meeting every minimum costs exactly 60,000,000 VND "
            "there") in texts
    assert "1 programme nobody may attend: OS3" in texts
    assert report.min_cost_method == "exact (MIP per envelope, HiGHS)"



def test_an_envelope_a_found_plan_leaves_untouched_costs_exactly_0_without_a_mip(
        make_scenario, monkeypatch):
    # overseas-min 2; OS1 (30 million a place) has room for all, OS2 (50 million) for one.
    # total: two places at OS1, 60 million. OS2's cap: that plan spends nothing there, so 0
    # with no MIP. OS1's cap: the same plan spends 60 million there, which settles nothing;
    # the MIP finds one place at OS2 and one at OS1: 30 million.
    from allocator.engines import highs

    path = make_scenario(
        candidates=[{"candidate_id": c} for c in "ABC"],
        programs=[{"program_id": "OS1", "mode": "overseas", "cost_per_person": 30_000_000,
                   "budget_cap": 90_000_000},
                  {"program_id": "OS2", "mode": "overseas", "cost_per_person": 50_000_000,
                   "capacity": 1, "budget_cap": 50_000_000}],
        quotas=[{"name": "overseas-min", "select": {"mode": "overseas"}, "min": 2}],
        budget={"total": 100_000_000},
    )
    mips = []
    solve_levels = highs.solve_levels
    monkeypatch.setattr(highs, "solve_levels",
                        lambda *a, **k: mips.append(1) or solve_levels(*a, **k))
    texts = [c.text for c in feasibility_report(load_problem(path)).checks]
    assert ("budget `total` 100,000,000 VND: meeting every minimum costs exactly 60,000,000 VND "
            "there") in texts
    assert ("budget `budget_cap:OS2` 50,000,000 VND: meeting every minimum costs exactly 0 VND "
            "there") in texts
    assert ("budget `budget_cap:OS1` 90,000,000 VND: meeting every minimum costs exactly "
            "30,000,000 VND there") in texts
    assert len(mips) == 2

# ---- the command --------------------------------------------------------------------------------


def test_explain_a_candidate_from_the_command_line(agency_cap, capsys):
    assert main(["explain", str(agency_cap), "--candidate", "A2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["candidate"]["status"] == "not chosen"
    assert data["candidate"]["forced_in"]["loss"] == 100


def test_explain_an_unknown_candidate_exits_2(agency_cap, capsys):
    assert main(["explain", str(agency_cap), "--candidate", "NOBODY"]) == 2
    assert "unknown candidate 'NOBODY'" in capsys.readouterr().err


def test_explain_an_infeasible_scenario_exits_1_with_the_diagnosis(make_scenario, capsys):
    path = make_scenario(
        candidates=[{"candidate_id": c} for c in "AB"],
        programs=[{"program_id": "P1", "capacity": 5}],
        quotas=[{"name": "course-min", "select": {"program_id": "P1"}, "min": 3}],
    )
    assert main(["explain", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "infeasible"
    members = data["diagnosis"]["conflicts"][0]["members"]
    assert [m["label"] for m in members] == ["course-min"]
    assert data["diagnosis"]["conflicts"][0]["repairs"][0]["text"] == (
        "lower `course-min` min from 3 to 2")


def test_explain_a_feasible_scenario_counts_who_is_not_placed(agency_cap, capsys):
    assert main(["explain", str(agency_cap)]) == 0
    out = capsys.readouterr().out
    assert "a plan exists" in out
    assert "4 excluded by the rules, 1 eligible but not chosen" in out
