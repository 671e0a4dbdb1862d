"""Infeasibility diagnosis: the scenario's own constraints that cannot hold together, minimal and
verified, with repairs found by solving."""

from allocator.diagnose import diagnose
from allocator.problem import load_problem
from allocator.result import Status
from allocator.solve import SolveParams, solve

OVERSEAS = {"mode": "overseas"}


def twelve_people_two_agencies() -> list[dict]:
    return ([{"candidate_id": f"A{i}", "agency": "Sở A"} for i in range(6)]
            + [{"candidate_id": f"B{i}", "agency": "Sở B"} for i in range(6)])


def repair_texts(conflict) -> dict[str, str]:
    return {r.member: r.text for r in conflict.repairs}


def test_a_minimum_above_the_sum_of_per_agency_caps_is_named_with_its_repairs(make_scenario):
    # 12 people (6 per agency), one overseas programme with 20 places.
    # overseas-min wants 10 places; agency-cap allows 4 per agency: at most 8. The three
    # constraints conflict and each is needed: without the minimum nothing is forced; without
    # either cap 4 + 6 = 10 places are possible. Repairs: the minimum down to 8, or one cap up
    # to 6 (the other agency still gives 4).
    path = make_scenario(
        candidates=twelve_people_two_agencies(),
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 20}],
        quotas=[{"name": "overseas-min", "select": OVERSEAS, "min": 10},
                {"name": "agency-cap", "select": OVERSEAS, "per": "agency", "max": 4}],
    )
    problem = load_problem(path)
    assert solve(problem, SolveParams(engine="highs", time_limit=10)).status is Status.INFEASIBLE

    d = diagnose(problem)

    assert d.feasible is False and d.complete
    assert len(d.conflicts) == 1
    conflict = d.conflicts[0]
    assert set(d.labels) == {"overseas-min", "agency-cap [agency=Sở A]",
                             "agency-cap [agency=Sở B]"}
    assert conflict.minimal and all(m.verified for m in conflict.members)
    assert repair_texts(conflict) == {
        "overseas-min": "lower `overseas-min` min from 10 to 8",
        "agency-cap [agency=Sở A]": "raise `agency-cap [agency=Sở A]` max from 4 to 6",
        "agency-cap [agency=Sở B]": "raise `agency-cap [agency=Sở B]` max from 4 to 6",
    }
    assert all(r.alone and r.verified for r in conflict.repairs)


def test_each_repair_really_gives_a_plan(make_scenario):
    # The same scenario with the minimum lowered to the repair's 8 solves.
    path = make_scenario(
        candidates=twelve_people_two_agencies(),
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 20}],
        quotas=[{"name": "overseas-min", "select": OVERSEAS, "min": 8},
                {"name": "agency-cap", "select": OVERSEAS, "per": "agency", "max": 4}],
    )
    result = solve(load_problem(path), SolveParams(engine="highs", time_limit=10))
    assert result.status is Status.OPTIMAL
    assert len(result.solution.placed) == 8


def test_a_budget_short_of_a_minimum_is_a_second_conflict_with_the_money_to_add(make_scenario):
    # As above, plus a total budget of 950 million for places of 100 million each: the
    # minimum of 10 also needs 1 billion. Two conflicts share overseas-min; lowering it to 8
    # repairs both. The caps and the budget each need the other conflict repaired as well:
    # the budget then needs 50 million more.
    path = make_scenario(
        candidates=twelve_people_two_agencies(),
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 20,
                   "cost_per_person": 100_000_000}],
        quotas=[{"name": "overseas-min", "select": OVERSEAS, "min": 10},
                {"name": "agency-cap", "select": OVERSEAS, "per": "agency", "max": 4}],
        budget={"total": 950_000_000},
    )
    d = diagnose(load_problem(path))

    sets = [{m.unit.label for m in c.members} for c in d.conflicts]
    assert sets == [{"overseas-min", "agency-cap [agency=Sở A]", "agency-cap [agency=Sở B]"},
                    {"overseas-min", "total"}]
    money = {r.member: r for r in d.conflicts[1].repairs}["total"]
    assert (money.current, money.needed, money.alone) == (950_000_000, 1_000_000_000, False)
    assert money.text.startswith("add 50,000,000 VND (50 million) to `total`")
    assert "together with a repair of conflict 1" in money.text
    lowered = {r.member: r for r in d.conflicts[1].repairs}["overseas-min"]
    assert lowered.alone and lowered.needed == 8


def test_a_minimum_share_of_women_is_lowered_by_bisection(make_scenario):
    # One woman among six; overseas-min wants 4 places abroad and women-abroad 40% of them:
    # 4 places need 1.6 women. Repairs: at most 2 places (1 woman of 2 = 50%), or a share of
    # 1/4 = 0.25 (1 woman of 4 places).
    path = make_scenario(
        candidates=[{"candidate_id": "W1", "gender": "F"}]
        + [{"candidate_id": f"M{i}"} for i in range(5)],
        programs=[{"program_id": "OS1", "mode": "overseas", "capacity": 20}],
        quotas=[{"name": "overseas-min", "select": OVERSEAS, "min": 4},
                {"name": "women-abroad", "select": OVERSEAS,
                 "min_share": {"share": 0.4, "of": {"gender": "F"}}}],
    )
    d = diagnose(load_problem(path))

    assert set(d.labels) == {"overseas-min", "women-abroad"}
    repairs = {r.member: r for r in d.conflicts[0].repairs}
    assert repairs["women-abroad"].text == "lower `women-abroad` min_share from 0.4 to 0.25"
    assert (repairs["women-abroad"].current, repairs["women-abroad"].needed) == (0.4, 0.25)
    assert repairs["overseas-min"].needed == 2


def test_a_forced_pair_and_a_must_train_person_competing_for_one_place(make_scenario):
    # P1 has 1 place; B is forced into it (pairs table) and A must train but is eligible for
    # P1 only (C's field is IT: P2 is not open to A). Capacity, forced pair and must_train.
    path = make_scenario(
        candidates=[{"candidate_id": "A", "must_train": True}, {"candidate_id": "B"},
                    {"candidate_id": "C", "field": "it"}],
        programs=[{"program_id": "P1", "capacity": 1},
                  {"program_id": "P2", "capacity": 1, "field": "it"}],
        pairs=[{"candidate_id": "B", "program_id": "P1", "status": "forced"}],
    )
    d = diagnose(load_problem(path))

    assert set(d.labels) == {"capacity of P1", "forced pair (B, P1)", "must_train A"}
    assert repair_texts(d.conflicts[0]) == {
        "capacity of P1": "raise the capacity of P1 from 1 to 2",
        "forced pair (B, P1)": "release the forced pair (B, P1) (pairs table status `forced`)",
        "must_train A": "release must_train for A",
    }


def test_one_person_forced_into_two_programmes_breaks_the_one_programme_rule(make_scenario):
    path = make_scenario(
        candidates=[{"candidate_id": "A"}, {"candidate_id": "B"}],
        programs=[{"program_id": "P1", "capacity": 1}, {"program_id": "P2", "capacity": 1}],
        pairs=[{"candidate_id": "A", "program_id": "P1", "status": "forced"},
               {"candidate_id": "A", "program_id": "P2", "status": "forced"}],
    )
    d = diagnose(load_problem(path))

    assert set(d.labels) == {"max_programs_per_candidate", "forced pair (A, P1)",
                             "forced pair (A, P2)"}
    assert repair_texts(d.conflicts[0])["max_programs_per_candidate"] == (
        "raise `max_programs_per_candidate` from 1 to 2")


def test_a_minimum_size_above_a_quota_maximum(make_scenario):
    # C0 is forced into P1, so P1 runs; it needs 3 people but the quota p1-max allows 2.
    path = make_scenario(
        candidates=[{"candidate_id": f"C{i}"} for i in range(4)],
        programs=[{"program_id": "P1", "capacity": 10, "min_size": 3}],
        pairs=[{"candidate_id": "C0", "program_id": "P1", "status": "forced"}],
        quotas=[{"name": "p1-max", "select": {"program_id": "P1"}, "max": 2}],
    )
    d = diagnose(load_problem(path))

    assert set(d.labels) == {"min_size of P1", "forced pair (C0, P1)", "p1-max"}
    texts = repair_texts(d.conflicts[0])
    assert texts["min_size of P1"] == "lower the min_size of P1 from 3 to 2"
    assert texts["p1-max"] == "raise `p1-max` max from 2 to 3"


def test_a_feasible_scenario_has_nothing_to_diagnose(make_scenario):
    path = make_scenario(candidates=[{"candidate_id": "A"}], programs=[{"program_id": "P1"}])
    d = diagnose(load_problem(path))
    assert d.feasible is True and d.conflicts == ()
    assert "a plan exists" in d.lines()[0]
