"""The GAP benchmark: reading OR-Library instances, converting them, and solving them exactly."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def _load_benchmark() -> ModuleType:
    # benchmarks/ is a folder of scripts, not a package: load the file by its path.
    spec = importlib.util.spec_from_file_location("gap_benchmark", REPO / "benchmarks" / "gap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before running it, because dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gap = _load_benchmark()
# The module is loaded by path, so its classes are not types mypy can see: instances are Any.
GapInstance = Any

# The contract's required columns (docs/product.md, "Inputs").
CANDIDATE_COLUMNS = {
    "candidate_id",
    "full_name",
    "agency",
    "gender",
    "birth_date",
    "position_level",
    "field",
}
PROGRAM_COLUMNS = {
    "program_id",
    "title",
    "mode",
    "type",
    "field",
    "year",
    "capacity",
    "cost_per_person",
}

# Small instances (5 agents, 15–20 jobs) that every engine should prove optimal in seconds.
SMALL_INSTANCES = ["gap1-0", "gap1-1", "gap2-0"]


@pytest.fixture(scope="module")
def gap_dir() -> Path:
    """The instance directory: $ALLOCATOR_GAP_DIR, else shared/data/gap beside the checkout."""
    # Same rule as the benchmark: Path(__file__).resolve().parents[1].parent / "shared" / ...
    directory = gap.default_gap_dir()
    if not (directory / "optima.csv").is_file():
        pytest.skip(
            f"GAP instances not found in {directory}: set {gap.GAP_DIR_ENV} to the folder "
            "holding gap1-0 … gap12-4 and optima.csv"
        )
    return directory


@pytest.fixture(scope="module")
def gap1_0(gap_dir: Path) -> GapInstance:
    return gap.read_gap(gap_dir / "gap1-0")


@pytest.fixture(scope="module")
def solve_api() -> ModuleType:
    """allocator.solve, or a skip when the package (or that module) does not exist yet."""
    try:
        import allocator.solve
    except ModuleNotFoundError as exc:
        # Skip only when the module is absent; a module that exists but fails to import is a bug
        # that this test must show, so anything else propagates.
        if exc.name not in ("allocator", "allocator.solve"):
            raise
        pytest.skip(f"allocator.solve cannot be imported ({exc}): the solve API is not there yet")
    return allocator.solve


# --- reading ----------------------------------------------------------------------------------


def test_reader_gives_sizes_matrices_and_capacities_of_gap1_0(gap1_0: GapInstance) -> None:
    # Checked by hand against the file: header "5 15"; profit row 2 (agent 2) reads
    # "23 16 21 16 17 16 19 25 …"; resource row 1 reads "8 15 14 23 …"; the last resource row
    # ends in 23; the capacities are "36 34 38 27 33".
    assert (gap1_0.name, gap1_0.m, gap1_0.n) == ("gap1-0", 5, 15)
    assert gap1_0.profit.shape == gap1_0.resource.shape == (5, 15)
    assert gap1_0.profit[0, 0] == 17
    assert gap1_0.profit[1, 7] == 25
    assert gap1_0.resource[0, 3] == 23
    assert gap1_0.resource[4, 14] == 23
    assert gap1_0.capacity.tolist() == [36, 34, 38, 27, 33]


def test_every_instance_in_optima_csv_reads_with_its_size(gap_dir: Path) -> None:
    optima = gap.read_optima(gap_dir / "optima.csv")
    assert len(optima) == 60
    assert optima["gap1-0"] == 336 and optima["gap12-4"] == 1446
    # Families 1–4 have 5 agents, 5–8 have 8, 9–12 have 10 (Osman 1995).
    assert gap.read_gap(gap_dir / "gap12-4").m == 10
    assert gap.read_gap(gap_dir / "gap12-4").n == 60
    for name in optima:
        inst = gap.read_gap(gap_dir / name)
        assert inst.capacity.shape == (inst.m,)


def test_reader_refuses_a_file_with_the_wrong_number_of_integers(tmp_path: Path) -> None:
    # "2 3" promises 2 + 2·6 + 2 = 16 integers; the file stops after the profit matrix.
    bad = tmp_path / "short"
    bad.write_text("2 3\n1 2 3\n4 5 6\n")
    with pytest.raises(ValueError, match=r"8 integers, expected 16 for m=2, n=3"):
        gap.read_gap(bad)


# --- conversion -------------------------------------------------------------------------------


def test_conversion_writes_the_contract_tables_and_scenario(
    gap1_0: GapInstance, tmp_path: Path
) -> None:
    scenario_path = gap.to_scenario(gap1_0, tmp_path / "gap1-0")
    out = scenario_path.parent
    assert scenario_path == out / "scenario.yaml"

    # IDs are strings in the contract: read everything as text, as the package will.
    candidates = pd.read_csv(out / "candidates.csv", dtype=str)
    programs = pd.read_csv(out / "programs.csv", dtype=str)
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)

    assert set(candidates.columns) >= CANDIDATE_COLUMNS
    assert candidates["candidate_id"].tolist() == [f"J{j:02d}" for j in range(1, 16)]
    assert (candidates["must_train"] == "true").all()
    assert (candidates["agency"] == "GAP").all()
    assert candidates["gender"].tolist()[:4] == ["F", "M", "F", "M"]

    assert set(programs.columns) >= PROGRAM_COLUMNS | {"budget_cap"}
    assert programs["program_id"].tolist() == ["A1", "A2", "A3", "A4", "A5"]
    assert programs["budget_cap"].astype(int).tolist() == [36, 34, 38, 27, 33]
    # n places per programme, free per person: only the budget cap (the agent capacity) binds.
    assert (programs["capacity"].astype(int) == 15).all()
    assert (programs["cost_per_person"].astype(int) == 0).all()
    assert (programs["field"] == "*").all()

    assert set(pairs.columns) >= {"candidate_id", "program_id", "score", "cost"}
    assert len(pairs) == 5 * 15
    assert not pairs.duplicated(["candidate_id", "program_id"]).any()
    by_pair = pairs.set_index(["program_id", "candidate_id"])
    assert by_pair.loc[("A2", "J08"), "score"] == "25"  # profit[1, 7]
    assert by_pair.loc[("A1", "J04"), "cost"] == "23"  # resource[0, 3]
    # Every entry of both matrices made it across, in place.
    scores = pairs.pivot(index="program_id", columns="candidate_id", values="score").astype(int)
    costs = pairs.pivot(index="program_id", columns="candidate_id", values="cost").astype(int)
    np.testing.assert_array_equal(scores.to_numpy(), gap1_0.profit)
    np.testing.assert_array_equal(costs.to_numpy(), gap1_0.resource)

    assert yaml.safe_load(scenario_path.read_text()) == {
        "name": "gap1-0",
        "description": "OR-Library generalised assignment instance gap1-0 "
        "(5 agents, 15 jobs), maximisation",
        "data": {"candidates": "candidates.csv", "programs": "programs.csv", "pairs": "pairs.csv"},
        "years": [2023],
        "rules": {"max_programs_per_candidate": 1},
        "solver": {"time_limit": 60},
    }


def test_candidate_ids_stay_in_job_order_past_99_jobs() -> None:
    assert gap.candidate_ids(3) == ["J01", "J02", "J03"]
    assert gap.candidate_ids(120)[:2] == ["J001", "J002"]


def test_results_table_says_no_when_any_run_misses_the_optimum() -> None:
    rows = [
        gap.BenchmarkRow(
            "gap1-0", 5, 15, 336, (336.0, 336.0, 336.0), ("optimal",) * 3, (0.3, 0.1, 0.2)
        ),
        gap.BenchmarkRow("gap1-1", 5, 15, 327, (327.0, 325.0), ("optimal", "feasible"), (1.0, 2.0)),
    ]
    text = gap.format_markdown(rows, "engine: default")
    assert "| gap1-0 | 5 | 15 | 336 | 336 | optimal | yes | 0.200 |" in text
    assert "| gap1-1 | 5 | 15 | 327 | 327/325 | optimal/feasible | no | 1.500 |" in text
    assert "1 of 2 instances match the published optimum." in text


# --- solving through the package --------------------------------------------------------------


@pytest.mark.parametrize("name", SMALL_INSTANCES)
def test_small_instance_is_solved_to_its_published_optimum(
    name: str, gap_dir: Path, solve_api: ModuleType, tmp_path: Path
) -> None:
    from allocator.problem import build_problem
    from allocator.scenario import load_scenario

    published = gap.read_optima(gap_dir / "optima.csv")[name]
    scenario = load_scenario(gap.to_scenario(gap.read_gap(gap_dir / name), tmp_path / name))
    result = solve_api.solve(build_problem(scenario), solve_api.SolveParams(time_limit=60))

    assert result.status.value == "optimal"
    # Exact: scores are integers, so an optimal plan's objective is the published integer.
    assert result.objective == published


def test_cli_writes_a_matching_row_for_gap1_0(
    gap_dir: Path, solve_api: ModuleType, tmp_path: Path
) -> None:
    out = tmp_path / "results.md"
    code = gap.main(
        ["--instances", "gap1-0", "--repeat", "2", "--data", str(gap_dir), "--out", str(out)]
    )
    assert code == 0
    assert "| gap1-0 | 5 | 15 | 336 | 336 | optimal | yes |" in out.read_text()
