"""manifest.json: the hashes, the resolved scenario, versions and parameters, checked again.

The hashes are recomputed here with hashlib, independently of allocator.manifest.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import yaml
from test_export import tiny_plan, write_tiny_scenario  # noqa: F401  (the shared fixture)

from allocator.export import write_outputs
from allocator.manifest import changed_files, manifest_data
from allocator.problem import load_problem
from allocator.solve import SolveParams, solve


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_every_input_file_is_listed_with_its_true_sha256(tiny_plan):  # noqa: F811
    m = manifest_of(tiny_plan.out)
    folder = tiny_plan.path.parent
    expected = {folder / "scenario.yaml": ["scenario"],
                folder / "candidates.csv": ["candidates"],
                folder / "programs.csv": ["programs"]}
    assert {Path(i["path"]): i["roles"] for i in m["inputs"]} == {
        p.resolve(): roles for p, roles in expected.items()}
    for entry in m["inputs"]:
        path = Path(entry["path"])
        assert entry["sha256"] == sha(path)
        assert entry["bytes"] == path.stat().st_size
        assert entry["relative"] == path.name


def test_the_outputs_are_hashed_but_the_summary_with_its_runtime(tiny_plan):  # noqa: F811
    m = manifest_of(tiny_plan.out)
    assert [o["file"] for o in m["outputs"]] == ["assignments.csv", "assignments.xlsx",
                                                 "report.html", "reserve.csv"]
    for entry in m["outputs"]:
        assert entry["sha256"] == sha(tiny_plan.out / entry["file"])


def test_the_scenario_is_recorded_as_resolved(tiny_plan):  # noqa: F811
    m = manifest_of(tiny_plan.out)
    assert m["scenario"] == tiny_plan.problem.scenario.model_dump(mode="json")
    assert m["scenario"]["quotas"][0]["name"] == "domestic-floor"
    assert m["scenario"]["rules"]["max_programs_per_candidate"] == 1  # a default, made explicit


def test_versions_parameters_and_seed_are_recorded(tiny_plan):  # noqa: F811
    m = manifest_of(tiny_plan.out)
    env = m["environment"]
    assert env["python"] == ".".join(map(str, sys.version_info[:3]))
    for package in ("allocator", "ortools", "highspy", "numpy", "pandas"):
        assert env["packages"][package], package
    assert m["parameters"] == {"engine": "auto", "time_limit": 30.0, "workers": 2, "seed": 0,
                               "tie_break": True, "engine_used": tiny_plan.result.engine}
    assert m["seed"] == 0
    assert m["result"] == {"status": "optimal", "objective": 980, "bound": 980.0, "gap": 0.0,
                           "cost": 52_000_000}
    assert m["reproduce"] == f"allocator solve {tiny_plan.path.resolve()}"


def test_a_scenario_that_extends_another_lists_the_whole_chain(tmp_path):
    base = write_tiny_scenario(tmp_path / "base")
    variant = tmp_path / "base" / "variant.yaml"
    variant.write_text(yaml.safe_dump({"name": "tiny-variant", "extends": "scenario.yaml",
                                       "budget": {"total": 55_000_000}}), encoding="utf-8")
    problem = load_problem(variant)
    data = manifest_data(problem, solve(problem), SolveParams(seed=7, time_limit=5))
    roles = {Path(i["path"]): (i["roles"], i["sha256"]) for i in data["inputs"]}
    assert roles[variant.resolve()] == (["scenario"], sha(variant))
    assert roles[base.resolve()] == (["scenario (extended)"], sha(base))
    assert data["scenario"]["budget"]["total"] == 55_000_000
    assert data["scenario"]["name"] == "tiny-variant"
    assert data["seed"] == 7
    assert "--time-limit 5" in data["reproduce"]


def test_a_changed_input_or_output_is_detected(tmp_path, monkeypatch):
    from allocator import export

    monkeypatch.setattr(export, "WRITERS", [export.write_core, export.write_manifest])
    path = write_tiny_scenario(tmp_path / "s")
    problem = load_problem(path)
    out = write_outputs(tmp_path / "out", problem, solve(problem))
    assert changed_files(out) == []
    programs = tmp_path / "s" / "programs.csv"
    programs.write_text(programs.read_text(encoding="utf-8").replace("50000000", "50000001"),
                        encoding="utf-8")
    (out / "assignments.csv").write_text("tampered", encoding="utf-8")
    assert changed_files(out) == [f"input {programs.resolve().as_posix()} changed",
                                  "output assignments.csv changed"]
