"""Eligibility rules: the retirement schedule on dated examples, then every rule with a pass and
a fail case, its sentence with the values, and its switch and override in the scenario.

Unless a test says otherwise: candidates are men born 1985-06-15 in the field ``health`` at
level ``specialist`` (conftest), and programmes start on 1 January of 2024.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from allocator.problem import ProblemData, load_problem
from allocator.rules import RULE_CHECKS, months_between, retirement_dates, rule_sentence, why_not
from allocator.scenario import RetirementRule

# --------------------------------------------------------------------------------------------
# The retirement schedule of Decree 135/2020/ND-CP.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("gender", "birth", "retires"), [
    # Men: 60y3m in 2021, +3 months a year, 62 from 2028 (Appendix I of the decree).
    ("M", "1961-01-15", "2021-05-01"),  # 60y3m reached 2021-04: the first row of the appendix
    ("M", "1961-09-30", "2022-01-01"),  # 60y3m reached 2021-12: the last one of 2021
    ("M", "1961-10-10", "2022-05-01"),  # 60y3m would be 2022-01, but 2022 asks 60y6m: 2022-04
    ("M", "1962-07-01", "2023-05-01"),  # 60y9m reached 2023-04
    ("M", "1963-04-05", "2024-05-01"),  # 61y reached 2024-04
    ("M", "1966-03-20", "2028-01-01"),  # 61y9m reached 2027-12: the last one before 62
    ("M", "1966-04-02", "2028-05-01"),  # 62 reached 2028-04: the final age
    ("M", "1970-08-08", "2032-09-01"),  # 62 reached 2032-08 (after 2028 the age stays 62)
    ("M", "1960-12-31", "2021-01-01"),  # old law: 60 reached 2020-12
    ("M", "1950-06-10", "2010-07-01"),  # old law: 60 reached 2010-06
    # Women: 55y4m in 2021, +4 months a year, 60 from 2035.
    ("F", "1966-01-15", "2021-06-01"),  # 55y4m reached 2021-05
    ("F", "1966-05-01", "2021-10-01"),  # 55y4m reached 2021-09
    ("F", "1966-08-31", "2022-01-01"),  # 55y4m reached 2021-12: the last one of 2021
    ("F", "1966-09-01", "2022-06-01"),  # 2022 asks 55y8m: reached 2022-05
    ("F", "1967-05-01", "2023-06-01"),  # 56y reached 2023-05
    ("F", "1970-09-10", "2028-06-01"),  # 57y8m reached 2028-05 (women still rising in 2028)
    ("F", "1975-04-30", "2035-01-01"),  # 59y8m reached 2034-12: the last one before 60
    ("F", "1975-05-01", "2035-06-01"),  # 60 reached 2035-05: the final age
    ("F", "1980-02-02", "2040-03-01"),  # 60 reached 2040-02 (after 2035 the age stays 60)
    ("F", "1965-12-31", "2021-01-01"),  # old law: 55 reached 2020-12
    ("F", "1950-06-10", "2005-07-01"),  # old law: 55 reached 2005-06
])
def test_retirement_dates_follow_the_decree_schedule(gender, birth, retires):
    dates = retirement_dates(pd.Series(pd.to_datetime([birth])), pd.Series([gender]),
                             RetirementRule())
    assert dates.dt.strftime("%Y-%m-%d").tolist() == [retires]


def test_the_decree_appendix_month_by_month():
    # Every birth month from 1961 to 1976 (men) / 1966 to 1976 (women): the retirement month is
    # the month after birth + the age in force in the year that age is reached.
    def age_for(gender: str, year: int) -> int:
        if gender == "M":
            return min(62 * 12, 60 * 12 + 3 + 3 * (year - 2021))
        return min(60 * 12, 55 * 12 + 4 + 4 * (year - 2021))

    for gender, first in (("M", 1961), ("F", 1966)):
        months = pd.period_range(f"{first}-01", "1976-12", freq="M")
        births = pd.Series(pd.to_datetime([f"{m.year}-{m.month:02d}-10" for m in months]))
        got = retirement_dates(births, pd.Series([gender] * len(births)), RetirementRule())
        for month, date in zip(months, got, strict=True):
            born = month.year * 12 + month.month - 1
            year = next(y for y in range(2021, 2060)
                        if (born + age_for(gender, y)) // 12 <= y)
            reached = born + age_for(gender, year)
            assert (date.year, date.month, date.day) == ((reached + 1) // 12,
                                                         (reached + 1) % 12 + 1, 1), month


def test_the_schedule_is_a_setting():
    # A scenario may state another schedule, e.g. men 62 from the start.
    rule = RetirementRule(men_start_months=62 * 12, men_final_months=62 * 12)
    dates = retirement_dates(pd.Series(pd.to_datetime(["1961-01-15"])), pd.Series(["M"]), rule)
    assert dates.dt.strftime("%Y-%m-%d").tolist() == ["2023-02-01"]


def test_whole_months_between_dates():
    start = np.array(["2024-03-01", "2024-03-15", "2024-03-15"], dtype="datetime64[s]")
    end = np.array(["2025-09-01", "2025-09-14", "2024-02-01"], dtype="datetime64[s]")
    assert months_between(start, end).tolist() == [18, 17, -2]


# --------------------------------------------------------------------------------------------
# Helpers: a problem and the rules' verdict on one pair.
# --------------------------------------------------------------------------------------------


def overseas(**columns: Any) -> dict[str, Any]:
    """An overseas short-term programme O1 (14 days from 2024-03-01) open to every field."""
    return {"program_id": "O1", "mode": "overseas", "type": "short_term", "field": "*",
            "start_date": "2024-03-01", "duration_days": 14, **columns}


def problem_of(make_scenario, candidate: dict[str, Any], program: dict[str, Any],
               **keys: Any) -> ProblemData:
    return load_problem(make_scenario(candidates=[{"candidate_id": "A", **candidate}],
                                      programs=[program], **keys))


def verdict(problem: ProblemData, cid: str = "A", pid: str | None = None) -> tuple[bool, dict]:
    """(whether the pair is allowed, {rule: sentence} of the rules that exclude it)."""
    ci = int(np.flatnonzero(problem.candidates["candidate_id"] == cid)[0])
    pid = pid or problem.programs["program_id"].iat[0]
    pi = int(np.flatnonzero(problem.programs["program_id"] == pid)[0])
    allowed = bool(np.any((problem.pair_c == ci) & (problem.pair_p == pi)))
    reasons = dict(why_not(ci, pi, problem.candidates, problem.programs,
                           problem.scenario.rules, problem.derived))
    return allowed, reasons


def allowed(problem: ProblemData) -> tuple[bool, dict]:
    return verdict(problem)


# --------------------------------------------------------------------------------------------
# Each rule: pass, fail with its sentence, switch, override.
# --------------------------------------------------------------------------------------------


def test_retirement_excludes_someone_retired_before_the_start(make_scenario):
    # Born 1960-03-10: 60 in 2020-03, retires 2020-04-01; the course starts 2024-01-01.
    p = problem_of(make_scenario, {"birth_date": "1960-03-10"}, {"program_id": "D1"})
    assert verdict(p) == (False, {"retirement": "retires 2020-04-01, before the programme "
                                                "starts 2024-01-01"})
    assert verdict(problem_of(make_scenario, {}, {"program_id": "D1"})) == (True, {})


def test_months_before_retirement_for_a_programme_shorter_than_a_month(make_scenario):
    # Born 1964-04-10: 61y3m in 2025-07, retires 2025-08-01: 17 months after 2024-03-01.
    p = problem_of(make_scenario, {"birth_date": "1964-04-10"}, overseas())
    assert verdict(p) == (False, {"months_before_retirement": "retires 2025-08-01: 17 months "
                                  "after the start 2024-03-01, 18 needed for a 14-day "
                                  "programme"})
    # Born a month later: retires 2025-09-01, exactly 18 months: allowed.
    assert allowed(problem_of(make_scenario, {"birth_date": "1964-05-10"}, overseas())) == (
        True, {})


def test_months_before_retirement_for_a_programme_of_a_month_or_more(make_scenario):
    # Retires 2025-09-01: 18 months after the start; a 90-day programme needs 24.
    p = problem_of(make_scenario, {"birth_date": "1964-05-10"},
                   overseas(type="medium_term", duration_days=90))
    assert verdict(p) == (False, {"months_before_retirement": "retires 2025-09-01: 18 months "
                                  "after the start 2024-03-01, 24 needed for a 90-day "
                                  "programme"})
    # Born 1964-11-10: 61y6m in 2026-05, retires 2026-06-01: 27 months: allowed.
    assert allowed(problem_of(make_scenario, {"birth_date": "1964-11-10"},
                              overseas(type="medium_term", duration_days=90))) == (True, {})


def test_months_before_retirement_can_be_overridden_and_switched_off(make_scenario):
    born = {"birth_date": "1964-04-10"}  # 17 months left at the start
    twelve = {"months_before_retirement": {"short_months": 12}}
    assert allowed(problem_of(make_scenario, born, overseas(), rules=twelve)) == (True, {})
    # Born 1963-12-10: 61y in 2024-12, retires 2025-01-01: 10 months, 12 needed.
    p = problem_of(make_scenario, {"birth_date": "1963-12-10"}, overseas(), rules=twelve)
    assert verdict(p)[1] == {"months_before_retirement": "retires 2025-01-01: 10 months after "
                             "the start 2024-03-01, 12 needed for a 14-day programme"}
    off = {"months_before_retirement": False}
    assert allowed(problem_of(make_scenario, born, overseas(), rules=off)) == (True, {})
    # The rule applies abroad by default: a domestic course is not concerned.
    assert allowed(problem_of(make_scenario, born, {"program_id": "D1",
                                                    "start_date": "2024-03-01"})) == (True, {})


def test_months_left_in_a_leadership_post(make_scenario):
    # Term ends 2025-06-30: 15 whole months after 2024-03-01; 18 needed for 14 days.
    p = problem_of(make_scenario, {"leader_term_end": "2025-06-30"}, overseas())
    assert verdict(p) == (False, {"months_in_post": "leadership term ends 2025-06-30: 15 months "
                                  "after the start 2024-03-01, 18 needed for a 14-day "
                                  "programme"})
    assert allowed(problem_of(make_scenario, {"leader_term_end": "2025-09-01"},
                              overseas())) == (True, {})
    # 18 months are not enough for a 90-day programme.
    p = problem_of(make_scenario, {"leader_term_end": "2025-09-01"},
                   overseas(type="medium_term", duration_days=90))
    assert verdict(p)[1] == {"months_in_post": "leadership term ends 2025-09-01: 18 months "
                             "after the start 2024-03-01, 24 needed for a 90-day programme"}
    # Someone without a leadership post is not concerned.
    assert allowed(problem_of(make_scenario, {}, overseas())) == (True, {})
    rules = {"months_in_post": {"short_months": 12}}
    assert allowed(problem_of(make_scenario, {"leader_term_end": "2025-06-30"}, overseas(),
                              rules=rules)) == (True, {})


@pytest.mark.parametrize(("rating", "ok"), [("excellent", True), ("good", True),
                                            ("complete", False), ("incomplete", False)])
def test_previous_year_rating_good_or_better(make_scenario, rating, ok):
    p = problem_of(make_scenario, {"rating_prev_year": rating}, overseas())
    expected = {} if ok else {"min_rating": f"rated {rating!r} last year, 'good' or better "
                                            "needed"}
    assert verdict(p) == (ok, expected)


def test_the_minimum_rating_can_be_lowered(make_scenario):
    rules = {"min_rating": {"level": "complete"}}
    assert allowed(problem_of(make_scenario, {"rating_prev_year": "complete"}, overseas(),
                              rules=rules)) == (True, {})
    p = problem_of(make_scenario, {"rating_prev_year": "incomplete"}, overseas(), rules=rules)
    assert verdict(p)[1] == {"min_rating": "rated 'incomplete' last year, 'complete' or better "
                                           "needed"}


@pytest.mark.parametrize(("discipline", "ok"), [
    ("none", True), ("under_review", False), ("reprimand", False), ("warning", False),
    ("demotion", False), ("dismissal", False)])
def test_nobody_under_review_or_serving_a_sanction(make_scenario, discipline, ok):
    p = problem_of(make_scenario, {"discipline": discipline}, overseas())
    expected = {} if ok else {"discipline": f"discipline {discipline!r}: nobody under review or "
                              "serving a sanction (under_review, reprimand, warning, demotion, "
                              "dismissal) is sent"}
    assert verdict(p) == (ok, expected)


def test_which_sanctions_block_is_a_setting(make_scenario):
    rules = {"discipline": {"blocked": ["demotion", "dismissal"]}}
    assert allowed(problem_of(make_scenario, {"discipline": "reprimand"}, overseas(),
                              rules=rules)) == (True, {})


def test_exit_ban(make_scenario):
    p = problem_of(make_scenario, {"exit_restricted": "true"}, overseas())
    assert verdict(p) == (False, {"exit_ban": "barred from leaving the country "
                                              "(exit_restricted)"})
    assert allowed(problem_of(make_scenario, {"exit_restricted": "false"}, overseas())) == (
        True, {})
    # A course at home is not leaving the country.
    assert allowed(problem_of(make_scenario, {"exit_restricted": "true"},
                              {"program_id": "D1"})) == (True, {})


def test_health(make_scenario):
    p = problem_of(make_scenario, {"health_ok": "không"}, overseas())
    assert verdict(p) == (False, {"health": "health not adequate for the programme "
                                            "(health_ok is false)"})
    assert allowed(problem_of(make_scenario, {"health_ok": "có"}, overseas())) == (True, {})


# ---- field match ------------------------------------------------------------------------------

FINANCE = {"program_id": "F1", "field": "finance"}


def test_the_programme_field_must_fit_the_candidate(make_scenario):
    p = problem_of(make_scenario, {}, FINANCE)
    assert verdict(p) == (False, {"field_match": "field 'health' does not fit the programme's "
                                                 "field 'finance' (match: planned)"})
    assert allowed(problem_of(make_scenario, {"field": "finance"}, FINANCE)) == (True, {})


def test_a_programme_for_every_field(make_scenario):
    assert allowed(problem_of(make_scenario, {}, {"program_id": "X", "field": "*"})) == (
        True, {})


@pytest.mark.parametrize(("match", "ok"), [("primary", False), ("secondary", True),
                                           ("planned", True)])
def test_a_secondary_field_fits_unless_the_match_is_primary(make_scenario, match, ok):
    p = problem_of(make_scenario, {"secondary_fields": "it;finance"}, FINANCE,
                   rules={"field_match": {"match": match}})
    expected = {} if ok else {"field_match": "field 'health' does not fit the programme's "
                                             "field 'finance' (match: primary)"}
    assert verdict(p) == (ok, expected)


@pytest.mark.parametrize(("match", "ok"), [("primary", False), ("secondary", False),
                                           ("planned", True)])
def test_the_planned_field_fits_when_the_match_is_planned(make_scenario, match, ok):
    person = {"planned_position": "deputy_director", "planned_field": "finance"}
    p = problem_of(make_scenario, person, FINANCE, rules={"field_match": {"match": match}})
    expected = {} if ok else {"field_match": "field 'health' does not fit the programme's "
                                             f"field 'finance' (match: {match})"}
    assert verdict(p) == (ok, expected)


def test_a_planned_field_without_a_planned_post_does_not_count(make_scenario):
    p = problem_of(make_scenario, {"planned_field": "finance"}, FINANCE)
    assert verdict(p)[0] is False


def test_the_field_rule_can_be_off_or_limited_to_a_mode(make_scenario):
    assert allowed(problem_of(make_scenario, {}, FINANCE, rules={"field_match": False})) == (
        True, {})
    # Field match only abroad: a domestic course of another field is open.
    rules = {"field_match": {"modes": ["overseas"]}}
    assert allowed(problem_of(make_scenario, {}, FINANCE, rules=rules)) == (True, {})
    p = problem_of(make_scenario, {}, overseas(field="finance"), rules=rules)
    assert verdict(p)[0] is False


# ---- target levels ----------------------------------------------------------------------------


def test_the_position_level_must_be_among_the_target_levels(make_scenario):
    program = {"program_id": "L1", "target_levels": "deputy_director;director"}
    p = problem_of(make_scenario, {}, program)
    assert verdict(p) == (False, {"target_levels": "position level 'specialist' is not among "
                                  "the programme's target levels deputy_director;director"})
    assert allowed(problem_of(make_scenario, {"position_level": "director"}, program)) == (
        True, {})
    # An empty target_levels admits every level; the rule can be switched off.
    assert allowed(problem_of(make_scenario, {}, {"program_id": "L1"})) == (True, {})
    assert allowed(problem_of(make_scenario, {}, program,
                              rules={"target_levels": False})) == (True, {})


def test_many_distinct_levels_are_told_apart(make_scenario):
    # More levels than bits in a machine word: each is still its own level.
    levels = [f"level_{i:02d}" for i in range(70)]
    path = make_scenario(
        candidates=[{"candidate_id": f"C{i}", "position_level": lv}
                    for i, lv in enumerate(levels)],
        programs=[{"program_id": "P1", "target_levels": ";".join(levels[:1])},
                  {"program_id": "P2", "target_levels": ";".join(levels[62:64])}])
    p = load_problem(path)
    pairs = sorted(zip(p.candidates["candidate_id"].to_numpy()[p.pair_c],
                       p.programs["program_id"].to_numpy()[p.pair_p], strict=True))
    assert pairs == [("C0", "P1"), ("C62", "P2"), ("C63", "P2")]


# ---- language ---------------------------------------------------------------------------------

ENGLISH_B2 = overseas(type="medium_term", duration_days=90, language="en",
                      min_language_level="B2", start_date="2024-03-01")


@pytest.mark.parametrize(("language", "level", "ok", "why"), [
    ("en", "C1", True, None),
    ("en", "B2", True, None),
    ("EN", "b2", True, None),  # codes are not case-sensitive
    ("en", "B1", False, "language level B1, the programme needs B2 in 'en'"),
    ("en", "", False, "language level none (below A1), the programme needs B2 in 'en'"),
    ("fr", "C2", False, "language 'fr', but the programme is in 'en'"),
    ("", "B2", True, None),  # the languages must match only when both are given
])
def test_the_language_and_its_cefr_level(make_scenario, language, level, ok, why):
    p = problem_of(make_scenario, {"language": language, "language_level": level}, ENGLISH_B2)
    assert verdict(p) == (ok, {} if ok else {"language": why})


def test_an_empty_level_is_below_a1(make_scenario):
    p = problem_of(make_scenario, {"language": "en"}, overseas(min_language_level="A1"))
    assert verdict(p) == (False, {"language": "language level none (below A1), the programme "
                                              "needs A1"})
    assert allowed(problem_of(make_scenario, {"language_level": "A1"},
                              overseas(min_language_level="A1"))) == (True, {})


def test_the_language_rule_can_be_off(make_scenario):
    p = problem_of(make_scenario, {"language": "en", "language_level": "A2"}, ENGLISH_B2,
                   rules={"language": False})
    assert allowed(p) == (True, {})


# ---- rules spanning years (history) -----------------------------------------------------------


def trips(*rows: tuple[int, str, str]) -> list[dict[str, Any]]:
    """History rows of candidate A: (year, mode, type)."""
    return [{"candidate_id": "A", "year": y, "mode": m, "type": t} for y, m, t in rows]


def test_a_short_term_programme_only_once(make_scenario):
    p = problem_of(make_scenario, {}, overseas(), history=trips((2019, "overseas", "short_term")))
    assert verdict(p) == (False, {"short_term_once": "already went on an overseas short-term "
                                  "programme in 2019: a short-term programme only once"})
    # A medium-term programme is still possible; a domestic short course does not count.
    assert allowed(problem_of(make_scenario, {}, overseas(type="medium_term"),
                              history=trips((2019, "overseas", "short_term")))) == (True, {})
    assert allowed(problem_of(make_scenario, {}, overseas(),
                              history=trips((2019, "domestic", "short_term")))) == (True, {})
    assert allowed(problem_of(make_scenario, {}, overseas(), rules={"short_term_once": False},
                              history=trips((2019, "overseas", "short_term")))) == (True, {})


@pytest.mark.parametrize(("year", "ok"), [(2022, True), (2023, False), (2024, True),
                                          (2025, False)])
def test_no_overseas_programmes_in_consecutive_years(make_scenario, year, ok):
    p = problem_of(make_scenario, {}, overseas(type="medium_term"),
                   history=trips((year, "overseas", "language")))
    expected = {} if ok else {"no_consecutive_overseas_years": f"went abroad in {year}: no "
                              "overseas programme in consecutive years (programme year 2024)"}
    assert verdict(p) == (ok, expected)


def test_the_reasons_name_only_this_persons_history(make_scenario):
    # Three people with trips in different years: each sentence names that person's own.
    history = [{"candidate_id": c, "year": y, "mode": "overseas", "type": t}
               for c, y, t in [("A", 2019, "short_term"), ("B", 2023, "language"),
                               ("B", 2020, "short_term"), ("C", 2025, "language"),
                               ("C", 2025, "medium_term")]]
    p = load_problem(make_scenario(
        candidates=[{"candidate_id": c} for c in "ABC"], programs=[overseas()], history=history))
    assert verdict(p, "A") == (False, {"short_term_once": "already went on an overseas "
                                       "short-term programme in 2019: a short-term programme "
                                       "only once"})
    assert verdict(p, "B") == (False, {
        "short_term_once": "already went on an overseas short-term programme in 2020: a "
                           "short-term programme only once",
        "no_consecutive_overseas_years": "went abroad in 2023: no overseas programme in "
                                         "consecutive years (programme year 2024)"})
    assert verdict(p, "C") == (False, {
        "no_consecutive_overseas_years": "went abroad in 2025: no overseas programme in "
                                         "consecutive years (programme year 2024)"})
    # One rule's sentence alone (what the not-placed sheet asks for) is why_not's.
    for ci in range(3):
        reasons = why_not(ci, 0, p.candidates, p.programs, p.scenario.rules, p.derived)
        assert reasons and all(
            text == rule_sentence(key, ci, 0, p.candidates, p.programs, p.scenario.rules,
                                  p.derived) for key, text in reasons)


def test_consecutive_years_can_be_allowed(make_scenario):
    p = problem_of(make_scenario, {}, overseas(type="medium_term"),
                   history=trips((2023, "overseas", "language")),
                   rules={"no_consecutive_overseas_years": False})
    assert allowed(p) == (True, {})


def test_at_most_two_overseas_programmes_a_year(make_scenario):
    two = trips((2024, "overseas", "medium_term"), (2024, "overseas", "language"))
    p = problem_of(make_scenario, {}, overseas(type="medium_term"), history=two)
    assert verdict(p) == (False, {"max_overseas_per_year": "already 2 overseas programmes in "
                                  "2024 (history): at most 2 a year"})
    one = trips((2024, "overseas", "language"))
    assert allowed(problem_of(make_scenario, {}, overseas(type="medium_term"),
                              history=one)) == (True, {})
    # The limit is a setting (``max_overseas_per_year: 3`` is short for ``{limit: 3}``).
    for setting in (3, {"limit": 3}):
        assert allowed(problem_of(make_scenario, {}, overseas(type="medium_term"), history=two,
                                  rules={"max_overseas_per_year": setting})) == (True, {})


# ---- pairs.status -----------------------------------------------------------------------------


def test_pairs_status_allowed_forbidden_forced(make_scenario):
    # R fails the rating rule; E is eligible.
    path = make_scenario(
        candidates=[{"candidate_id": "R", "rating_prev_year": "complete"},
                    {"candidate_id": "E"}, {"candidate_id": "F", "rating_prev_year": "complete"}],
        programs=[overseas()],
        pairs=[{"candidate_id": "R", "program_id": "O1", "status": "allowed"},
               {"candidate_id": "E", "program_id": "O1", "status": "forbidden"},
               {"candidate_id": "F", "program_id": "O1", "status": "forced"}])
    p = load_problem(path)
    ids = p.candidates["candidate_id"].to_numpy()
    assert ids[p.pair_c].tolist() == ["R", "F"]
    assert np.all(np.diff(p.pair_c * p.n_programs + p.pair_p) > 0)  # still sorted
    assert p.forced.tolist() == [False, True]
    # why_not speaks of the rules only: R still fails the rating rule, E passes every rule.
    assert verdict(p, "R")[1] == {"min_rating": "rated 'complete' last year, 'good' or better "
                                                "needed"}
    assert verdict(p, "E") == (False, {})


def test_a_pairs_row_without_status_makes_nothing_eligible(make_scenario):
    p = load_problem(make_scenario(
        candidates=[{"candidate_id": "R", "rating_prev_year": "complete"}],
        programs=[overseas()],
        pairs=[{"candidate_id": "R", "program_id": "O1", "score": 500}]))
    assert p.n_pairs == 0


# ---- every rule: a switch in the scenario ------------------------------------------------------

FAILING: dict[str, tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]] | None]] = {
    # rule: (candidate, programme, history) that this rule alone excludes
    "field_match": ({}, overseas(field="finance"), None),
    "target_levels": ({}, overseas(target_levels="director"), None),
    "language": ({}, overseas(min_language_level="B1"), None),
    "retirement": ({"birth_date": "1960-01-10"}, {"program_id": "D1"}, None),  # at home
    "months_before_retirement": ({"birth_date": "1964-04-10"}, overseas(), None),
    "months_in_post": ({"leader_term_end": "2024-12-31"}, overseas(), None),
    "min_rating": ({"rating_prev_year": "complete"}, overseas(), None),
    "discipline": ({"discipline": "warning"}, overseas(), None),
    "exit_ban": ({"exit_restricted": "yes"}, overseas(), None),
    "health": ({"health_ok": "no"}, overseas(), None),
    "short_term_once": ({}, overseas(), trips((2019, "overseas", "short_term"))),
    "no_consecutive_overseas_years": ({}, overseas(type="medium_term"),
                                      trips((2023, "overseas", "medium_term"))),
    "max_overseas_per_year": ({}, overseas(type="medium_term"),
                              trips((2024, "overseas", "language"), (2024, "overseas",
                                                                     "language"))),
}


def test_every_rule_has_a_failing_example_here():
    assert set(FAILING) == {c.key for c in RULE_CHECKS}


@pytest.mark.parametrize("rule", sorted(FAILING))
def test_each_rule_excludes_its_example_and_can_be_switched_off(make_scenario, rule):
    candidate, program, history = FAILING[rule]
    on = problem_of(make_scenario, candidate, program, history=history)
    ok, reasons = verdict(on)
    assert (ok, list(reasons)) == (False, [rule])
    assert allowed(problem_of(make_scenario, candidate, program, history=history,
                              rules={rule: False})) == (True, {})
    if rule != "field_match":
        assert on.removed_by_rule[rule] == 1


def test_pairs_are_the_same_whatever_the_size_of_the_blocks(make_scenario, monkeypatch):
    # The join and the rules run on blocks of candidates; blocks of ~5 pairs must give what one
    # block gives (same pairs, same order, same counts of removed pairs).
    import allocator.rules as rules_module

    people = [{"candidate_id": f"C{i}", "field": ["health", "finance"][i % 2],
               "secondary_fields": "finance" if i % 3 == 0 else "",
               "rating_prev_year": "complete" if i % 4 == 0 else "good",
               "birth_date": "1964-04-10" if i % 5 == 0 else "1985-06-15"} for i in range(12)]
    programs = [{"program_id": "D1"}, {"program_id": "D2", "field": "finance"},
                overseas(), overseas(program_id="O2", field="finance", type="medium_term"),
                {"program_id": "X", "field": "*", "target_levels": "specialist"}]
    path = make_scenario(candidates=people, programs=programs)
    whole = load_problem(path)
    monkeypatch.setattr(rules_module, "BLOCK_PAIRS", 5)
    blocks = load_problem(path)
    assert blocks.pair_c.tolist() == whole.pair_c.tolist()
    assert blocks.pair_p.tolist() == whole.pair_p.tolist()
    assert blocks.removed_by_rule == whole.removed_by_rule
    # Sorted by (candidate, programme), as ProblemData says and the explanations rely on.
    keys = whole.pair_c * whole.n_programs + whole.pair_p
    assert np.all(np.diff(keys) > 0)
    assert whole.removed_by_rule["min_rating"] > 0
    assert whole.removed_by_rule["months_before_retirement"] > 0
