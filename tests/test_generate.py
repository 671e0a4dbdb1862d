"""The synthetic data generator: deterministic, realistic, and true to the contract's columns.

Only the small size is generated here (well under a second), plus the city data set, whose
sums are the HCMC 2023 figures and whose eligible pairs are the size of the performance model.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from allocator.generate import (
    CANDIDATE_COLUMNS,
    HCMC_DOMESTIC_FIELDS,
    HISTORY_COLUMNS,
    LEVELS,
    PAIR_COLUMNS,
    PROGRAM_COLUMNS,
    QUOTA_PRESETS,
    SIZES,
    TABLES,
    Dataset,
    _class_counts,
    generate,
    generate_tables,
)
from allocator.problem import load_problem

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
MILLION = 1_000_000


def read(path: Path) -> pd.DataFrame:
    """A table as the planner's tools read it: every cell as text, nothing reformatted."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small data set written once for the module (seed 7)."""
    out = tmp_path_factory.mktemp("small")
    generate("small", out, seed=7)
    return out


@pytest.fixture(scope="module")
def city() -> Dataset:
    """The city data set in memory (about a second)."""
    return generate_tables("city", seed=2023)


@pytest.fixture(scope="module")
def city_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The city data set written once for the module (seed 2023: the shipped hcmc-2023)."""
    out = tmp_path_factory.mktemp("city")
    generate("city", out, seed=2023)
    return out


# --------------------------------------------------------------------------------------------
# Files, determinism, overwriting.
# --------------------------------------------------------------------------------------------


def test_generate_writes_the_four_tables_and_a_scenario(small: Path) -> None:
    assert sorted(p.name for p in (small / "data").iterdir()) == sorted(
        f"{t}.csv" for t in TABLES)
    scenario = yaml.safe_load((small / "scenario.yaml").read_text(encoding="utf-8"))
    assert scenario["data"] == {t: f"data/{t}.csv" for t in TABLES}


def test_the_same_seed_writes_byte_identical_files(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate("small", again, seed=7)
    for name in [*(f"data/{t}.csv" for t in TABLES), "scenario.yaml"]:
        assert (again / name).read_bytes() == (small / name).read_bytes(), name


def test_another_seed_writes_other_data(small: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate("small", other, seed=8)
    for table in ("candidates", "programs"):
        name = f"data/{table}.csv"
        assert (other / name).read_bytes() != (small / name).read_bytes()


def test_a_seed_where_nobody_abroad_last_year_qualifies_again_still_generates(
        tmp_path: Path) -> None:
    # Seed 5: no one who went abroad last year fits this year's short-term programmes, so the
    # "allowed" exceptions are empty (an empty list once selected no columns: KeyError).
    path = generate("small", tmp_path / "s5", seed=5)
    assert load_problem(path).n_pairs > 0


def test_files_are_utf8_with_lf_line_ends_and_no_bom(small: Path) -> None:
    for table in TABLES:
        raw = (small / "data" / f"{table}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        raw.decode("utf-8")  # raises if not UTF-8


def test_a_non_empty_folder_is_not_overwritten_without_force(small: Path) -> None:
    before = (small / "data" / "candidates.csv").read_bytes()
    with pytest.raises(FileExistsError):
        generate("small", small, seed=99)
    assert (small / "data" / "candidates.csv").read_bytes() == before


def test_force_overwrites_and_keeps_one_copy_of_each_table(tmp_path: Path) -> None:
    out = tmp_path / "s"
    generate("small", out, seed=1)
    (out / "notes.txt").write_text("the planner's own file")
    path = generate("small", out, seed=1, force=True, compress=True)
    names = sorted(p.name for p in (out / "data").iterdir())
    assert names == sorted(f"{t}.csv.gz" for t in TABLES)
    assert (out / "notes.txt").exists()  # force replaces our files, nothing else
    scenario = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert scenario["data"]["candidates"] == "data/candidates.csv.gz"


def test_compressed_output_is_deterministic_and_reads_back(tmp_path: Path) -> None:
    generate("small", tmp_path / "a", seed=3, compress=True)
    generate("small", tmp_path / "b", seed=3, compress=True)
    generate("small", tmp_path / "plain", seed=3)
    for table in TABLES:
        a = (tmp_path / "a" / "data" / f"{table}.csv.gz").read_bytes()
        assert a == (tmp_path / "b" / "data" / f"{table}.csv.gz").read_bytes()
        unzipped = read(tmp_path / "a" / "data" / f"{table}.csv.gz")
        assert unzipped.equals(read(tmp_path / "plain" / "data" / f"{table}.csv"))


def test_unknown_size_or_mismatched_quotas_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="size"):
        generate("huge", tmp_path / "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kl39-2023"):
        generate("small", tmp_path / "y", quotas="kl39-2023")
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------------------------
# Contract columns, counts, formats.
# --------------------------------------------------------------------------------------------


def test_every_contract_column_is_present_with_extra_contact_columns(small: Path) -> None:
    expected = {"candidates": CANDIDATE_COLUMNS, "programs": PROGRAM_COLUMNS,
                "pairs": PAIR_COLUMNS, "history": HISTORY_COLUMNS}
    for table, columns in expected.items():
        assert tuple(read(small / "data" / f"{table}.csv").columns) == columns
    candidates = read(small / "data" / "candidates.csv")
    assert {"email", "phone"} <= set(candidates.columns)
    # A phone number keeps its leading zero: the column is text.
    assert candidates["phone"].str.fullmatch(r"0\d{9}").all()


def test_small_has_500_candidates_and_20_programmes(small: Path) -> None:
    candidates = read(small / "data" / "candidates.csv")
    programs = read(small / "data" / "programs.csv")
    assert len(candidates) == SIZES["small"].n_candidates == 500
    assert len(programs) == SIZES["small"].n_programs == 20
    overseas = programs[programs["mode"] == "overseas"]
    assert len(overseas) == 4
    # Small delegations: 10 places, running from 5.
    assert set(overseas["capacity"]) == {"10"} and set(overseas["min_size"]) == {"5"}
    domestic = programs[programs["mode"] == "domestic"]
    assert domestic["capacity"].astype(int).sum() == SIZES["small"].domestic_places


def test_ids_have_the_documented_format_and_are_unique(small: Path) -> None:
    candidates = read(small / "data" / "candidates.csv")
    programs = read(small / "data" / "programs.csv")
    assert candidates["candidate_id"].str.fullmatch(r"HCM\d{6}").all()
    assert candidates["candidate_id"].is_unique
    assert programs["program_id"].str.fullmatch(r"(DN|NN)-2023-\d{3}").all()
    assert programs["program_id"].is_unique
    assert candidates["candidate_id"].iloc[0] == "HCM000001"


def test_names_and_agencies_keep_their_vietnamese_diacritics(small: Path) -> None:
    candidates = read(small / "data" / "candidates.csv")
    names = candidates["full_name"]
    assert names.str.contains("ễ|ầ|ị|ạ|ư|ơ|Đ|đ").mean() > 0.5
    assert names.str.split().str.len().between(3, 4).all()
    assert names.str.split().str[0].isin(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh",
                                         "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
                                         "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai",
                                         "Đoàn", "Cao"]).all()
    assert "Sở Y tế" in set(candidates["agency"])
    # Text is precomposed (NFC), as Vietnamese keyboards produce it.
    assert all(unicodedata.is_normalized("NFC", s) for s in names)
    titles = read(small / "data" / "programs.csv")["title"]
    assert titles.str.startswith("Bồi dưỡng").all()


def test_candidate_values_use_the_contract_codes(small: Path) -> None:
    c = read(small / "data" / "candidates.csv")
    assert set(c["gender"]) == {"F", "M"}
    assert 0.4 <= (c["gender"] == "F").mean() <= 0.55
    assert set(c["position_level"]) <= set(LEVELS)
    assert set(c["rating_prev_year"]) <= {"excellent", "good", "complete", "incomplete"}
    assert set(c["discipline"]) <= {"none", "under_review", "reprimand", "warning"}
    for column in ("exit_restricted", "health_ok", "must_train"):
        assert set(c[column]) <= {"true", "false"}
    assert set(c["language"]) <= {"", "en", "fr", "ja", "ko", "zh", "ru", "de"}
    assert set(c["language_level"]) <= {"", "A1", "A2", "B1", "B2", "C1", "C2"}
    assert ((c["language"] == "") == (c["language_level"] == "")).all()
    assert set(c["priority"]) <= {"1", "2", "3"}
    birth = pd.to_datetime(c["birth_date"], format="%Y-%m-%d")
    assert birth.dt.year.between(1962, 1998).all()
    # Leaders hold a post with a term; specialists do not.
    leader = c["position_level"] != "specialist"
    assert (c.loc[leader, "leader_term_end"] != "").all()
    assert (c.loc[~leader, "leader_term_end"] == "").all()
    assert c["must_train"].eq("true").sum() == 3


def test_preferences_name_programmes_of_the_candidates_own_field(small: Path) -> None:
    c = read(small / "data" / "candidates.csv")
    p = read(small / "data" / "programs.csv").set_index("program_id")
    prefs = c.assign(pref=c["preferences"].str.split(";")).explode("pref")
    prefs = prefs[prefs["pref"] != ""]
    assert len(prefs) > 100
    assert prefs.groupby("candidate_id").size().max() <= 3
    fields = p.loc[prefs["pref"], "field"].to_numpy()
    # Own field, or the open course that a must-train candidate is steered to.
    assert ((fields == prefs["field"].to_numpy()) | (fields == "*")).all()


def test_money_is_integer_vnd_in_the_magnitudes_of_the_domain(city: Dataset) -> None:
    p = city.programs
    for column in ("capacity", "cost_per_person", "min_size", "fixed_cost", "year",
                   "duration_days"):
        assert p[column].dtype.kind == "i", column
    domestic, overseas = p[p["mode"] == "domestic"], p[p["mode"] == "overseas"]
    assert domestic["cost_per_person"].between(2 * MILLION, 20 * MILLION).all()
    assert overseas["cost_per_person"].between(80 * MILLION, 250 * MILLION).all()
    assert overseas["fixed_cost"].between(100 * MILLION, 500 * MILLION).all()
    assert (domestic["fixed_cost"] <= 30 * MILLION).all()
    budget = city.scenario["budget"]
    assert all(isinstance(v, int) for v in [budget["total"], *budget["by_source"].values()])


def test_national_medium_term_and_language_costs_follow_the_domain() -> None:
    preset = QUOTA_PRESETS["kl39-2023"]
    from allocator.generate import _overseas_programs  # the national overseas part only

    rng = np.random.default_rng(0)
    p = _overseas_programs(SIZES["national"], preset, 2023, ("administrative_reform",),
                           "kl39_fund", rng)
    medium, language = p[p["type"] == "medium_term"], p[p["type"] == "language"]
    assert medium["cost_per_person"].between(400 * MILLION, 900 * MILLION).all()
    assert (language["cost_per_person"] <= 65 * MILLION).all()
    assert set(medium["min_language_level"]) == {"B2"}
    assert set(language["min_language_level"]) == {"B1"}
    assert medium["duration_days"].between(85, 95).all()
    assert language["duration_days"].between(230, 250).all()
    assert set(medium["target_levels"]) == {"deputy_director;director"}


# --------------------------------------------------------------------------------------------
# The city: HCMC 2023's figures.
# --------------------------------------------------------------------------------------------


def test_city_domestic_capacity_sums_to_19963(city: Dataset) -> None:
    p = city.programs
    assert p.loc[p["mode"] == "domestic", "capacity"].sum() == 19_963
    assert 280 <= len(p) <= 320
    assert len(city.candidates) == 20_000


def test_city_overseas_delegations_hold_15_to_20(city: Dataset) -> None:
    overseas = city.programs[city.programs["mode"] == "overseas"]
    assert 10 <= len(overseas) <= 15
    assert (overseas["capacity"] == 20).all() and (overseas["min_size"] == 15).all()
    assert (overseas["type"] == "short_term").all()
    assert overseas["duration_days"].between(7, 16).all()
    assert set(overseas["field"]) == {
        "food_testing", "hightech_agriculture", "administrative_reform",
        "industrial_infrastructure", "urban_railway_safety", "smart_tourism",
        "urban_government", "gender_equality"}
    # The 175 places fit in whole delegations.
    assert 15 * len(overseas) >= 175 and 20 * len(overseas) >= 175
    # Domestic courses: the plan's fields and the specialisms of the city's officials.
    domestic = city.programs[city.programs["mode"] == "domestic"]
    assert set(HCMC_DOMESTIC_FIELDS) < set(domestic["field"])
    assert set(domestic["field"]) <= set(city.candidates["field"]) | {"*"}


def test_city_scenario_states_the_hcmc_quotas(city: Dataset) -> None:
    quotas = {q["name"]: q for q in city.scenario["quotas"]}
    assert quotas["overseas-total"] == {"name": "overseas-total",
                                        "select": {"mode": "overseas"}, "max": 175}
    assert quotas["women-abroad"]["min_share"] == {"share": 0.3, "of": {"gender": "F"}}
    assert quotas["food-testing-floor"]["soft"] is True
    assert city.scenario["years"] == [2023]


def test_city_rules_bite_for_a_few_per_cent(city: Dataset) -> None:
    c = city.candidates
    assert 0.03 <= c["rating_prev_year"].isin(["complete", "incomplete"]).mean() <= 0.08
    assert 0.005 <= (c["discipline"] != "none").mean() <= 0.03
    assert 0.002 <= c["exit_restricted"].mean() <= 0.01
    assert 0.005 <= (~c["health_ok"]).mean() <= 0.02
    assert 0.07 <= (c["planned_position"] != "").mean() <= 0.13
    h = city.history
    last_year = h[(h["mode"] == "overseas") & (h["year"] == 2022)]
    assert len(last_year) > 50  # the no-consecutive-years rule has people to stop
    assert (h.loc[h["mode"] == "overseas", "type"] == "short_term").sum() > 100


def test_most_officials_work_in_one_field_and_a_few_in_a_second(city: Dataset) -> None:
    c = city.candidates
    secondary = c["secondary_fields"]
    assert not secondary.str.contains(";").any()  # at most one secondary field
    assert 0.08 <= (secondary != "").mean() <= 0.18
    assert (secondary != c["field"]).all()
    planned = c["planned_position"] != ""
    assert (c.loc[~planned, "planned_field"] == "").all()
    assert 0.15 <= (c.loc[planned, "planned_field"] != "").mean() <= 0.45


def test_classes_go_to_course_groups_evenly_or_in_proportion_to_places() -> None:
    places = np.array([120, 30, 10])  # room for 12, 3 and 1 classes of at least 10
    # Exponent 0: as evenly as room allows. 2, 2, 1 and the one left to the first group whose
    # share was rounded down (the third has no room for a second class).
    assert _class_counts(places, 6, 0.0).tolist() == [3, 2, 1]
    # Exponent 1: in proportion to places, at least one each: 4.5, 1.1, 0.4 -> 4, 1, 1.
    assert _class_counts(places, 6, 1.0).tolist() == [4, 1, 1]
    assert _class_counts(places, 3, 0.7).tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="too few"):
        _class_counts(places, 2, 0.0)


def test_city_officials_are_eligible_for_about_six_programmes(city_dir: Path) -> None:
    # The model behind the performance targets (docs/product.md): 20,000 candidates, about 300
    # programmes, about 116,000 eligible pairs once the rules have been applied.
    load_problem = pytest.importorskip("allocator.problem").load_problem
    problem = load_problem(city_dir / "scenario.yaml")
    assert len(problem.candidates) == 20_000 and len(problem.programs) == 300
    assert 105_000 <= problem.n_pairs <= 127_000
    per_candidate = np.bincount(problem.pair_c, minlength=20_000)
    assert 4 <= np.median(per_candidate) <= 8
    assert (per_candidate == 0).mean() < 0.005  # retiring, mostly
    # Every place has people who may take it.
    eligible = np.bincount(problem.pair_p, minlength=300)
    assert (eligible >= problem.programs["capacity"].to_numpy()).all()


def test_city_budget_is_below_the_cost_of_filling_everything(city: Dataset) -> None:
    p = city.programs
    domestic = p[p["mode"] == "domestic"]
    overseas = p[p["mode"] == "overseas"]
    fill = (domestic["capacity"] * domestic["cost_per_person"] + domestic["fixed_cost"]).sum()
    # The 175 places abroad in the cheapest delegations: a lower bound of their cost.
    per_place = (overseas["cost_per_person"] + overseas["fixed_cost"] / 20).sort_values()
    fill += per_place.iloc[: 175 // 20].sum() * 20
    assert city.scenario["budget"]["total"] < fill
    assert city.scenario["budget"]["total"] > 0.85 * fill


# --------------------------------------------------------------------------------------------
# The shipped scenarios.
# --------------------------------------------------------------------------------------------


def test_the_shipped_sample_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    generate("small", tmp_path / "sample", seed=2023)
    shipped = SCENARIOS / "sample"
    for name in [*(f"data/{t}.csv" for t in TABLES), "scenario.yaml"]:
        assert (tmp_path / "sample" / name).read_bytes() == (shipped / name).read_bytes(), name


def test_the_shipped_city_programmes_are_reproduced_byte_for_byte(city_dir: Path) -> None:
    shipped = (SCENARIOS / "hcmc-2023" / "data" / "programs.csv").read_bytes()
    assert (city_dir / "data" / "programs.csv").read_bytes() == shipped


@pytest.mark.parametrize("name", ["sample", "hcmc-2023", "hcmc-2023-budget-90",
                                  "hcmc-2023-overseas-200", "hcmc-2023-women-40",
                                  "kl39-2023", "kl39-2026"])
def test_every_shipped_scenario_loads(name: str) -> None:
    scenario_module = pytest.importorskip("allocator.scenario")
    scenario = scenario_module.load_scenario(SCENARIOS / f"{name}.yaml")
    assert scenario.name == name
    for table in ("candidates", "programs", "pairs", "history"):
        assert getattr(scenario.data, table).path.exists()


def test_the_variants_change_only_what_their_names_say() -> None:
    load = pytest.importorskip("allocator.scenario").load_scenario
    base = load(SCENARIOS / "hcmc-2023.yaml")
    budget = load(SCENARIOS / "hcmc-2023-budget-90.yaml").budget
    assert budget.total == round(0.9 * base.budget.total)
    assert budget.by_source == {k: round(0.9 * v) for k, v in base.budget.by_source.items()}
    more = {q.name: q for q in load(SCENARIOS / "hcmc-2023-overseas-200.yaml").quotas}
    women = {q.name: q for q in load(SCENARIOS / "hcmc-2023-women-40.yaml").quotas}
    assert more["overseas-total"].max == 200
    assert women["women-abroad"].min_share is not None
    assert women["women-abroad"].min_share.share == 0.4
    for variant in (more, women):
        assert set(variant) == {q.name for q in base.quotas}
        for q in base.quotas:
            if q.name not in ("overseas-total", "women-abroad"):
                assert variant[q.name] == q


def test_shipped_data_stays_small() -> None:
    total = sum(p.stat().st_size for p in SCENARIOS.rglob("*") if p.is_file())
    assert total < 40 * 1024 * 1024


def test_the_scenario_readme_lists_every_shipped_scenario() -> None:
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    for path in SCENARIOS.glob("*.yaml"):
        assert path.name in readme
    assert re.search(r"allocator generate --size city\s+--seed 2023", readme)
