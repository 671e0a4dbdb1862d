"""The scenario file: defaults, shorthands, ``extends`` and the messages for a wrong file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from allocator.errors import InputError
from allocator.scenario import load_scenario, resolve_raw


def write(path: Path, doc: dict[str, Any] | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True,
                                                           sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


DATA = {"candidates": "data/candidates.csv", "programs": "data/programs.csv"}


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    return [str(i) for i in exc.value.issues]


# --------------------------------------------------------------------------------------------
# Defaults and shorthands.
# --------------------------------------------------------------------------------------------


def test_every_rule_is_on_by_default_with_the_legal_value(tmp_path):
    s = load_scenario(write(tmp_path / "s.yaml", {"name": "s", "data": DATA}))
    r = s.rules
    assert (r.months_before_retirement.short_months, r.months_before_retirement.long_months,
            r.months_before_retirement.long_from_days) == (18, 24, 30)
    assert (r.months_in_post.short_months, r.months_in_post.long_months) == (18, 24)
    assert r.min_rating.level == "good"
    assert r.discipline.blocked == ["under_review", "reprimand", "warning", "demotion",
                                    "dismissal"]
    assert r.field_match.match == "planned"
    assert r.max_programs_per_candidate == 1
    assert r.max_overseas_per_year.limit == 2
    assert (r.retirement.men_start_months, r.retirement.women_start_months) == (723, 664)
    assert all(getattr(r, k).enabled for k in (
        "retirement", "months_before_retirement", "months_in_post", "min_rating", "discipline",
        "exit_ban", "health", "field_match", "target_levels", "language",
        "max_overseas_per_year", "no_consecutive_overseas_years", "short_term_once"))
    assert (s.solver.engine, s.solver.time_limit, s.solver.workers, s.solver.seed) == (
        "auto", 120.0, 2, 0)
    assert s.objective.preference_bonus == [30, 20, 10]
    assert s.quotas == [] and s.budget.total is None and s.years == []


def test_rule_shorthands(tmp_path):
    s = load_scenario(write(tmp_path / "s.yaml", {
        "name": "s", "data": DATA, "years": 2024,
        "rules": {"health": False, "months_before_retirement": {"short_months": 12},
                  "max_overseas_per_year": 3}}))
    assert s.rules.health.enabled is False
    assert s.rules.exit_ban.enabled is True
    # Overriding one value keeps the others.
    assert (s.rules.months_before_retirement.short_months,
            s.rules.months_before_retirement.long_months) == (12, 24)
    assert s.rules.max_overseas_per_year.limit == 3
    assert s.years == [2024]


def test_data_paths_are_relative_to_the_scenario_file(tmp_path):
    s = load_scenario(write(tmp_path / "plans" / "s.yaml", {
        "name": "s", "data": {"candidates": "../data/c.csv",
                              "programs": {"path": "book.xlsx", "sheet": "Chương trình"}}}))
    assert s.data.candidates.path == tmp_path / "data" / "c.csv"
    assert s.data.programs.path == tmp_path / "plans" / "book.xlsx"
    assert s.data.programs.sheet == "Chương trình"
    assert s.data.pairs is None and s.data.history is None


def test_a_file_without_a_name_is_named_after_itself(tmp_path):
    assert load_scenario(write(tmp_path / "hcmc-2024.yaml", {"data": DATA})).name == "hcmc-2024"


# --------------------------------------------------------------------------------------------
# extends.
# --------------------------------------------------------------------------------------------


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path / "base" / "base.yaml", {
        "name": "base",
        "data": DATA,
        "years": [2023, 2024],
        "rules": {"health": False, "months_before_retirement": {"short_months": 12}},
        "quotas": [{"name": "overseas", "select": {"mode": "overseas"}, "max": 175},
                   {"name": "women", "select": {"mode": "overseas"},
                    "min_share": {"share": 0.4, "of": {"gender": "F"}}}],
        "budget": {"total": 40_000_000_000, "by_source": {"state_budget": 35_000_000_000}},
        "solver": {"time_limit": 60},
    })


def test_extends_merges_mappings_deeply_and_replaces_lists(tmp_path, base):
    variant = write(tmp_path / "variants" / "budget-90.yaml", {
        "extends": "../base/base.yaml",
        "name": "budget-90",
        "years": [2024],
        "rules": {"months_before_retirement": {"long_months": 30}},
        "quotas": [{"name": "overseas", "select": {"mode": "overseas"}, "max": 200}],
        "budget": {"total": 36_000_000_000, "by_source": {"agency_funds": 1_000_000}},
    })
    s = load_scenario(variant)
    assert s.name == "budget-90"
    assert s.years == [2024]  # a list is replaced
    # Mappings merge: the parent's settings stay unless the variant states them.
    assert s.rules.health.enabled is False
    assert (s.rules.months_before_retirement.short_months,
            s.rules.months_before_retirement.long_months) == (12, 30)
    assert s.budget.total == 36_000_000_000
    assert s.budget.by_source == {"state_budget": 35_000_000_000, "agency_funds": 1_000_000}
    assert s.solver.time_limit == 60
    # The quota list is the variant's own: the parent's women quota is gone.
    assert [(q.name, q.max) for q in s.quotas] == [("overseas", 200)]
    # Data paths stay relative to the parent's folder.
    assert s.data.candidates.path == tmp_path / "base" / "data" / "candidates.csv"


def test_each_file_resolves_its_own_paths(tmp_path, base):
    variant = write(tmp_path / "variants" / "v.yaml", {
        "extends": "../base/base.yaml", "data": {"programs": "programs-2025.csv",
                                                 "candidates": {"sheet": "Danh sách"}}})
    s = load_scenario(variant)
    assert s.data.programs.path == tmp_path / "variants" / "programs-2025.csv"
    # Overriding only the sheet keeps the parent's (resolved) path.
    assert s.data.candidates.path == tmp_path / "base" / "data" / "candidates.csv"
    assert s.data.candidates.sheet == "Danh sách"
    assert s.name == "v"  # a name is never inherited


def test_extends_chains_through_several_files(tmp_path, base):
    write(tmp_path / "variants" / "mid.yaml", {"extends": "../base/base.yaml",
                                               "solver": {"seed": 7}})
    leaf = write(tmp_path / "variants" / "deep" / "leaf.yaml", {"extends": "../mid.yaml",
                                                                "solver": {"workers": 4}})
    s = load_scenario(leaf)
    assert (s.solver.time_limit, s.solver.seed, s.solver.workers) == (60, 7, 4)
    assert resolve_raw(leaf)["rules"]["health"] is False


def test_an_extends_cycle_is_an_error_naming_the_chain(tmp_path):
    a = write(tmp_path / "a.yaml", {"extends": "b.yaml", "data": DATA})
    write(tmp_path / "b.yaml", {"extends": "c.yaml"})
    write(tmp_path / "c.yaml", {"extends": "a.yaml"})
    assert problems(a) == [f"error: {tmp_path / 'c.yaml'}, key extends: extends cycle: "
                           "a.yaml -> b.yaml -> c.yaml -> a.yaml"]
    me = write(tmp_path / "me.yaml", {"extends": "me.yaml"})
    assert problems(me) == [f"error: {me}, key extends: extends cycle: me.yaml -> me.yaml"]


def test_a_missing_parent_names_the_file_that_extends_it(tmp_path):
    v = write(tmp_path / "v.yaml", {"extends": "nowhere.yaml"})
    assert problems(v) == [f"error: {v}, key extends: file not found: "
                           f"{tmp_path / 'nowhere.yaml'}"]


def test_unknown_keys_are_reported_with_their_path_and_file(tmp_path, base):
    write(base, {"name": "base", "data": DATA, "solver": {"enigne": "highs"}})
    v = write(tmp_path / "v.yaml", {
        "extends": "base/base.yaml",
        "rules": {"helth": False, "months_in_post": {"short": 12}},
        "quotas": [{"name": "cap", "select": {"mode": "overseas"}, "maxx": 3}],
        "colour": "blue"})
    assert problems(v) == [
        # An unknown key inherited from the parent is the parent's to fix.
        f"error: {base}, key solver.enigne: unknown key (did you mean 'engine'?)",
        f"error: {v}, key rules.helth: unknown key (did you mean 'health'?)",
        f"error: {v}, key rules.months_in_post.short: unknown key (did you mean "
        "'short_months'?)",
        f"error: {v}, key quotas[0] (cap).maxx: unknown key (did you mean 'max'?)",
        f"error: {v}, key colour: unknown key; known here: name, description, extends, data, "
        "years, rules, quotas, budget, objective, solver",
    ]


# --------------------------------------------------------------------------------------------
# Wrong values, all at once.
# --------------------------------------------------------------------------------------------


def test_wrong_types_are_listed_at_once_with_the_value(tmp_path):
    s = write(tmp_path / "s.yaml", {
        "name": "s", "data": DATA,
        "quotas": [{"name": "cap", "select": {"mode": ["overseas", {"x": 1}]}, "max": "many"}],
        "budget": {"total": "lots", "by_year": {"năm": 5}},
        "solver": {"engine": "gurobi"},
        "rules": {"health": "maybe"}})
    # Listed in the order of the file.
    assert problems(s) == [
        f"error: {s}, key quotas[0] (cap).select.mode[1]: expected a single value (text, "
        "number or true/false), got {'x': 1}",
        f"error: {s}, key quotas[0] (cap).max: expected a whole number, got 'many'",
        f"error: {s}, key budget.total: expected a whole number, got 'lots'",
        f"error: {s}, key budget.by_year.năm: the key 'năm' should be a whole number",
        f"error: {s}, key solver.engine: Input should be 'auto', 'fast', 'highs', 'cpsat' or "
        "'greedy' (got 'gurobi')",
        f"error: {s}, key rules.health: expected a mapping of settings (or true/false), got "
        "'maybe'",
    ]


def test_a_quota_that_contradicts_itself(tmp_path):
    s = write(tmp_path / "s.yaml", {"name": "s", "data": DATA, "quotas": [
        {"name": "q", "select": {}, "min": 5, "max": 3},
        {"name": "r", "max": 3, "soft": True}]})
    assert problems(s) == [f"error: {s}, key quotas[0] (q): min 5 exceeds max 3",
                           f"error: {s}, key quotas[1] (r): a soft quota needs a penalty "
                           "(score points per place)"]


def test_invalid_yaml_names_the_line(tmp_path):
    s = write(tmp_path / "s.yaml", "name: s\ndata: {candidates: a.csv\nyears: [2024]\n")
    (line,) = problems(s)
    # Row and column as the editor shows them.
    assert line == f"error: {s}, row 3, column 6: not valid YAML: expected ',' or '}}', but got ':'"


def test_a_missing_data_key_and_a_file_that_is_no_mapping(tmp_path):
    assert problems(write(tmp_path / "s.yaml", {"name": "s"})) == [
        f"error: {tmp_path / 's.yaml'}, key data: required key is missing"]
    assert problems(write(tmp_path / "l.yaml", "- a\n- b\n")) == [
        f"error: {tmp_path / 'l.yaml'}: a scenario file must be a mapping of keys (name:, "
        "data:, …), not a list"]
    assert problems(tmp_path / "none.yaml") == [
        f"error: {tmp_path / 'none.yaml'}: scenario file not found"]
