"""Property tests: on random small problems, every exact engine agrees with exhaustive search.

Each example is a whole scenario written to a temporary folder (candidates, programmes, pairs,
history, scenario.yaml) and read through the real pipeline. It is solved by each exact engine
that exists (``highs``, ``fast``, ``cpsat``; the default engine is one of them) and by
``tests/reference.py``, a brute-force search that reads every constraint again from the
scenario and the tables. They must agree on the status, the optimal objective, the least cost
at that objective and the least tie-break value; every engine plan must pass
``Solution.check()`` and report the objective its own ``Solution`` recomputes.

Each problem is built and searched once and shared by the engines (the examples are
derandomised, so every engine sees the same ones).
"""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, event, example, given, settings
from hypothesis import strategies as st
from reference import Reference, TooBig, default_scores, solve_by_enumeration

from allocator.problem import ProblemData, load_problem
from allocator.result import Result, Status
from allocator.solve import SolveParams, choose_engine, solve

# The exact engines (a heuristic such as ``greedy`` is not expected to find the optimum).
ENGINES = ["highs", "fast", "cpsat"]
PRESENT = [e for e in ENGINES if importlib.util.find_spec(f"allocator.engines.{e}") is not None]
MAX_PAIRS = 16

# No shrinking: the examples are small already, and shrinking a failure takes minutes.
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

AGENCIES = ["Sở Y tế", "Sở Tài chính", "Sở Nội vụ"]
FIELDS = ["health", "finance"]
MILLION = 1_000_000


# --------------------------------------------------------------------------------------------
# Random scenarios.
# --------------------------------------------------------------------------------------------


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A random tiny scenario as tables (lists of dicts) and YAML keys."""
    years = draw(st.sampled_from([[2024], [2024, 2025]]))
    n_p = draw(st.sampled_from([1, 2, 3, 3]))
    n_c = draw(st.sampled_from([2, 3, 4, 5, 6, 6]))
    programs = []
    for i in range(n_p):
        mode = draw(st.sampled_from(["domestic", "overseas"]))
        capacity = draw(st.integers(1, 3))
        programs.append({
            "program_id": f"P{i + 1}",
            "title": f"Chương trình {i + 1}",
            "mode": mode,
            "type": draw(st.sampled_from(["short_term", "medium_term"])) if mode == "overseas"
            else "course",
            "field": draw(st.sampled_from([*FIELDS, "*"])),
            "year": draw(st.sampled_from(years)),
            "capacity": capacity,
            "cost_per_person": draw(st.sampled_from([1, 2, 3, 5])) * MILLION,
            "min_size": draw(st.sampled_from([0, 0, 0, *range(2, capacity + 1)])),
            "fixed_cost": draw(st.sampled_from([0, 0, 1, 4])) * MILLION,
            "funding_source": draw(st.sampled_from(["state_budget", "agency_funds"])),
            "budget_cap": draw(st.sampled_from(["", "", "", 3 * MILLION, 6 * MILLION])),
        })
    candidates = []
    history = []
    for i in range(n_c):
        cid = f"C{i + 1}"
        candidates.append({
            "candidate_id": cid,
            "full_name": f"Nguyễn Văn {i + 1}",
            "agency": draw(st.sampled_from(AGENCIES)),
            "gender": draw(st.sampled_from(["F", "M"])),
            "birth_date": "1985-06-15",
            "position_level": draw(st.sampled_from(["specialist", "leader"])),
            "field": draw(st.sampled_from(FIELDS)),
            "priority": draw(st.integers(1, 3)),
            "planned_position": draw(st.sampled_from(["", "", "", "Phó giám đốc"])),
            "must_train": draw(st.sampled_from([False] * 15 + [True])),
            "preferences": ";".join(draw(st.lists(
                st.sampled_from([p["program_id"] for p in programs]), unique=True,
                max_size=2))),
        })
        for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
            history.append({
                "candidate_id": cid,
                "year": draw(st.sampled_from([2022, 2023, 2024])),
                "mode": "overseas",
                "type": draw(st.sampled_from(["short_term", "medium_term"])),
            })
    pairs = []
    for c in candidates:
        for p in programs:
            row: dict[str, Any] = {}
            if draw(st.sampled_from([False, False, True])):
                row["score"] = draw(st.integers(0, 400))
            if draw(st.sampled_from([False, False, False, True])):
                row["cost"] = draw(st.sampled_from([0, 1, 2, 4])) * MILLION
            # `allowed`/`forced` make an exception to every rule of their pair, the history's
            # included (see reference.excepted_pairs).
            status = draw(st.sampled_from([""] * 12 + ["forbidden", "allowed", "forced"]))
            if status:
                row["status"] = status
            if row:
                pairs.append({"candidate_id": c["candidate_id"], "program_id": p["program_id"],
                              **row})
    rules: dict[str, Any] = {"max_programs_per_candidate": draw(st.integers(1, 2))}
    if draw(st.booleans()):
        rules["max_programs_per_mode"] = draw(st.sampled_from([{"overseas": 1},
                                                               {"domestic": 1}]))
    rules["max_overseas_per_year"] = draw(st.sampled_from(
        [{"limit": 2}, {"limit": 1}, False]))
    rules["no_consecutive_overseas_years"] = draw(st.booleans())
    rules["short_term_once"] = draw(st.booleans())
    quotas = [draw(quota(i, years)) for i in range(draw(st.integers(0, 3)))]
    budget: dict[str, Any] = {}
    if draw(st.booleans()):
        budget["total"] = draw(st.integers(2, 12)) * MILLION
    if draw(st.sampled_from([False, False, True])):
        budget["by_source"] = {"state_budget": draw(st.integers(1, 8)) * MILLION}
    if draw(st.sampled_from([False, False, True])):
        budget["by_agency"] = {AGENCIES[0]: draw(st.integers(1, 5)) * MILLION}
    if len(years) > 1 and draw(st.sampled_from([False, False, True])):
        budget["by_year"] = {2025: draw(st.integers(1, 6)) * MILLION}
    objective: dict[str, Any] = {}
    if draw(st.booleans()):
        objective = {"field_weights": {"health": draw(st.sampled_from([0.5, 1.5, 2.0]))},
                     "level_weights": {"leader": draw(st.sampled_from([1.2, 0.8]))}}
    return {"candidates": candidates, "programs": programs, "pairs": pairs,
            "history": history, "years": years, "rules": rules, "quotas": quotas,
            "budget": budget, "objective": objective}


@st.composite
def quota(draw: st.DrawFn, i: int, years: list[int]) -> dict[str, Any]:
    """A random quota of every form: count (per group), share, proportional; some soft."""
    q: dict[str, Any] = {"name": f"q{i}"}
    selects: list[dict[str, Any]] = [
        {}, {"mode": "overseas"}, {"mode": "domestic"}, {"gender": "F"}, {"field": "health"},
        {"candidate.field": "finance"}, {"must_train": False},
        {"type": ["short_term", "medium_term"]}]
    select = draw(st.sampled_from(selects))
    if len(years) > 1 and draw(st.booleans()):
        select = {**select, "year": 2025}
    if select:
        q["select"] = select
    form = draw(st.sampled_from(["count", "count", "share", "proportional"]))
    if form == "proportional":
        q["per"] = "agency"
        q["proportional"] = {"tolerance": draw(st.sampled_from([0.1, 0.2, 0.3]))}
    elif form == "share":
        if draw(st.booleans()):
            q["per"] = draw(st.sampled_from(["agency", "year"]))
        spec = {"share": draw(st.sampled_from([0.25, 0.4, 0.5, 0.6])),
                "of": draw(st.sampled_from([{"gender": "F"}, {"agency": AGENCIES[0]},
                                            {"mode": "overseas"}]))}
        q[draw(st.sampled_from(["min_share", "max_share"]))] = spec
    else:
        if draw(st.booleans()):
            q["per"] = draw(st.sampled_from(["agency", "year", "program_id", "gender",
                                             ["agency", "year"], ["gender", "agency"]]))
        lo = draw(st.sampled_from([None, None, 0, 1, 2]))
        hi = draw(st.sampled_from([None, 0, 1, 2, 3]))
        if lo is None and hi is None:
            hi = 1
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        if lo is not None:
            q["min"] = lo
        if hi is not None:
            q["max"] = hi
    if draw(st.sampled_from([False, False, True])):
        q["soft"] = True
        q["penalty"] = draw(st.sampled_from([30, 75, 150, 12.5]))
    return q


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("true" if v is True else "false" if v is False else v)
                             for k, v in row.items()})


def build(spec: dict[str, Any], folder: Path) -> ProblemData:
    """Write the scenario's tables and YAML, then read them through the real pipeline."""
    data = {"candidates": "candidates.csv", "programs": "programs.csv"}
    _write(folder / "candidates.csv", spec["candidates"])
    _write(folder / "programs.csv", spec["programs"])
    if spec["pairs"]:
        _write(folder / "pairs.csv", spec["pairs"])
        data["pairs"] = "pairs.csv"
    if spec["history"]:
        _write(folder / "history.csv", spec["history"])
        data["history"] = "history.csv"
    doc = {"name": "random", "data": data, "years": spec["years"], "rules": spec["rules"],
           "quotas": spec["quotas"], "budget": spec["budget"], "objective": spec["objective"]}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                          encoding="utf-8")
    return load_problem(folder / "scenario.yaml")


_SOLVED: dict[str, tuple[ProblemData, Reference | None]] = {}


def problem_and_reference(spec: dict[str, Any]) -> tuple[ProblemData, Reference]:
    """The problem and its exhaustive optimum, built once for all the engines compared."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _SOLVED:
        reference = None
        with tempfile.TemporaryDirectory() as tmp:
            problem = build(spec, Path(tmp))
            if problem.n_pairs <= MAX_PAIRS:
                with contextlib.suppress(TooBig):
                    # The search reads pairs.csv again for its statuses.
                    reference = solve_by_enumeration(problem)
        _SOLVED[key] = (problem, reference)
    problem, reference = _SOLVED[key]
    assume(reference is not None)
    assert reference is not None
    return problem, reference


# --------------------------------------------------------------------------------------------
# What must hold.
# --------------------------------------------------------------------------------------------


def assert_agrees(problem: ProblemData, result: Result, reference: Reference) -> None:
    """The engine's result is the reference's optimum, and its plan checks out."""
    if not reference.feasible:
        assert result.status is Status.INFEASIBLE, (
            f"{result.engine}: {result.status.value} ({result.message}), but no plan satisfies "
            "every constraint")
        assert result.solution is None
        return
    assert result.status is Status.OPTIMAL, (
        f"{result.engine}: {result.status.value} ({result.message}), but the plan "
        f"{reference.placed(problem)} (objective {reference.objective}) satisfies everything")
    solution = result.solution
    assert solution is not None
    assert solution.check() == []
    assert result.objective == pytest.approx(solution.objective, abs=1e-6)
    assert result.cost == solution.cost
    engine_plan = solution.assignments()[["candidate_id", "program_id"]].values.tolist()
    assert solution.objective == pytest.approx(reference.objective, abs=1e-6), (
        f"{result.engine}: objective {solution.objective} with {engine_plan}; the best plan "
        f"is {reference.placed(problem)} with objective {reference.objective}")
    assert solution.cost == reference.cost, (
        f"{result.engine}: cost {solution.cost:,} with {engine_plan}; at objective "
        f"{reference.objective} the cheapest plan {reference.placed(problem)} costs "
        f"{reference.cost:,}")
    # Every engine minimises the same documented tie-break at the third level.
    tie = int(np.flatnonzero(solution.chosen).sum() + len(solution.placed))
    assert tie == reference.tie, (
        f"{result.engine}: tie-break Σ(k+1)·x_k = {tie} with {engine_plan}; the least is "
        f"{reference.tie} with {reference.placed(problem)}")
    if reference.n_best == 1 and reference.chosen is not None:
        assert solution.chosen.tolist() == reference.chosen.tolist()


def assert_scores_follow_the_formula(problem: ProblemData, spec: dict[str, Any]) -> None:
    """Pairs without a ``pairs.score`` get the documented score (reference.default_scores)."""
    given_score = {(r["candidate_id"], r["program_id"]) for r in spec["pairs"] if "score" in r}
    cid = problem.candidates["candidate_id"].to_numpy()[problem.pair_c]
    pid = problem.programs["program_id"].to_numpy()[problem.pair_p]
    computed = [(c, p) not in given_score for c, p in zip(cid, pid, strict=True)]
    assert problem.score[computed].tolist() == default_scores(problem)[computed].tolist()


def tiny(programs: list[dict[str, Any]], n_candidates: int = 2, **keys: Any) -> dict[str, Any]:
    """A small spec for an explicit example: health candidates, domestic 1 M courses."""
    candidates = [{"candidate_id": f"C{i + 1}", "full_name": f"Nguyễn Văn {i + 1}",
                   "agency": AGENCIES[0], "gender": "F", "birth_date": "1985-06-15",
                   "position_level": "specialist", "field": "health"}
                  for i in range(n_candidates)]
    defaults = {"title": "Khoá", "mode": "domestic", "type": "course", "field": "health",
                "year": 2024, "capacity": 1, "cost_per_person": MILLION}
    return {"candidates": candidates,
            "programs": [{**defaults, "program_id": f"P{i + 1}", **p}
                         for i, p in enumerate(programs)],
            "pairs": keys.get("pairs", []), "history": [], "years": [2024],
            "rules": keys.get("rules", {}), "quotas": keys.get("quotas", []), "budget": {},
            "objective": {}}


@pytest.mark.parametrize("engine", [
    pytest.param(e, marks=pytest.mark.skipif(e not in PRESENT, reason=f"no engines/{e}.py yet"))
    for e in ENGINES])
@SETTINGS
@given(spec=scenarios())
# Three places for two people; "at most one place in all" is soft at 30: both placed, 170.
@example(spec=tiny([{}, {}, {}], quotas=[{"name": "q0", "max": 1, "soft": True,
                                          "penalty": 30}]))
# P1 abroad costs 2 M, P2 and P3 at home 1 M: both at home, 200 for 2 M (not 3 M).
@example(spec=tiny([{"mode": "overseas", "type": "short_term", "cost_per_person": 2 * MILLION},
                    {}, {}]))
# C2 scores 0 in P2: C1 and C2 placed, 200; the least tie-break value is 6 (C1-P2, C2-P1).
@example(spec=tiny([{}, {}, {}], pairs=[{"candidate_id": "C2", "program_id": "P2",
                                         "score": 0}]))
# Five people of one agency, three places, a soft proportional share (tolerance 0.1): 300.
@example(spec=tiny([{}, {}, {}], n_candidates=5, quotas=[
    {"name": "q0", "per": "agency", "proportional": {"tolerance": 0.1}, "soft": True,
     "penalty": 30}]))
# P2 runs with 3 or not at all: C4 (101) and two others in P2, the fourth in P3 (1 M), not
# in P1 (2 M): 401 for 4 M.
@example(spec=tiny([{"capacity": 2, "cost_per_person": 2 * MILLION},
                    {"capacity": 3, "min_size": 3}, {}], n_candidates=4,
                   pairs=[{"candidate_id": "C4", "program_id": "P2", "score": 101}]))
# Nobody fits the one course (no pair at all), and a quota asks for one place: infeasible.
@example(spec=tiny([{"field": "finance"}], quotas=[{"name": "q0", "min": 1}]))
def test_each_exact_engine_finds_the_exhaustive_optimum_and_checks_its_plan(
        engine: str, spec: dict[str, Any]) -> None:
    problem, reference = problem_and_reference(spec)
    event("feasible" if reference.feasible else "infeasible")
    event(f"{problem.n_pairs // 4 * 4}-{problem.n_pairs // 4 * 4 + 3} pairs")
    assert_scores_follow_the_formula(problem, spec)
    result = solve(problem, SolveParams(engine=engine, time_limit=30))
    assert result.engine == engine
    assert_agrees(problem, result, reference)


def test_the_default_engine_is_one_of_the_engines_compared_here(make_scenario) -> None:
    path = make_scenario(candidates=[{"candidate_id": "A"}], programs=[{"program_id": "P1"}])
    assert choose_engine(load_problem(path)) in PRESENT


@SETTINGS
@given(spec=scenarios())
def test_the_transportation_core_bounds_every_plan_and_greedy_plans_do_not_beat_it(
        spec: dict[str, Any]) -> None:
    # The core (capacities and persons only, by min-cost flow) is a relaxation: its score
    # bounds the optimum, and is what ``fast`` reports when it has no LP in time. Greedy plans
    # (by score, and with the core's plan first) that check are plans: never above the optimum.
    from allocator.engines.greedy import greedy_plan
    from allocator.engines.lagrangian import core_plan
    from allocator.solution import Solution

    problem, reference = problem_and_reference(spec)
    core, bound = core_plan(problem)
    assert bound is not None  # integer scores here
    if not reference.feasible:
        return
    assert bound >= reference.objective - 1e-9
    for prefer in (None, core):
        plan = Solution(problem, greedy_plan(problem, prefer))
        if not plan.check():
            assert plan.objective <= reference.objective + 1e-9


@SETTINGS
@given(spec=scenarios())
def test_lagrangian_iterations_on_the_core_bound_every_plan_and_find_plans_that_check(
        spec: dict[str, Any]) -> None:
    # Each L(π) (multipliers on the quota and budget rows, the core by min-cost flow) bounds
    # the optimum, whatever π the subgradient steps reach; the plans it keeps break nothing.
    import time

    from allocator.engines.lagrangian import improve, sample_prices
    from allocator.solution import Solution

    problem, reference = problem_and_reference(spec)
    start = Solution(problem, np.zeros(problem.n_pairs, dtype=bool))
    known = None if start.check() else float(start.objective)
    # From no prices, and from those of a sample economy of half the people.
    prices = sample_prices(problem, 0, time.perf_counter() + 30,
                           people=max(1, problem.n_candidates // 2))
    for pi0 in (None, prices):
        out = improve(problem, time.perf_counter() + 30, None, known, max_iterations=6,
                      pi0=pi0)
        if out.plan is not None:
            assert Solution(problem, out.plan).check() == []
            assert out.objective == pytest.approx(Solution(problem, out.plan).objective)
        if reference.feasible:
            assert out.bound is not None and out.bound >= reference.objective - 1e-9
            if out.objective is not None:
                assert out.objective <= reference.objective + 1e-9


@SETTINGS
@given(spec=scenarios())
def test_the_block_mip_with_the_whole_problem_as_its_block_finds_the_optimum(
        spec: dict[str, Any]) -> None:
    # With every programme in the block nothing is shared, so nothing is priced and nobody has a
    # place elsewhere: the block's MIP is the whole level-1 model and must reach its optimum.
    import time

    from allocator.engines import block
    from allocator.solution import Solution

    problem, reference = problem_and_reference(spec)
    whole = block.Block(np.ones(problem.n_programs, dtype=bool),
                        np.ones(problem.n_pairs, dtype=bool))
    assert not whole.shared(problem).any()
    chosen = block.solve(problem, whole, problem.score.astype(float),
                         np.zeros(problem.n_programs), None, time.perf_counter() + 30)
    if not reference.feasible:
        assert chosen is None
        return
    assert chosen is not None
    solution = Solution(problem, chosen)
    assert solution.check() == []
    assert solution.objective == pytest.approx(reference.objective)
