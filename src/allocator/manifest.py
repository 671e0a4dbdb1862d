"""``manifest.json``: enough for an auditor to reproduce a plan and to detect a changed input.

It records the SHA-256 of every input file (the scenario file, every file it ``extends``, and
every table), the scenario as resolved after ``extends`` (what the solver actually used), the
versions of the package, Python and the solvers, the solver parameters and seed, the result's
proven figures, and the SHA-256 of the other output files of the folder — all but
``summary.json``, which holds the solve's runtime and so differs from one run to the next.

Nothing in it depends on the clock or on how long the solve took, so solving the same inputs
with the same seed writes the same manifest, byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from allocator import __version__
from allocator.problem import ProblemData
from allocator.result import Result
from allocator.solve import SolveParams

MANIFEST_VERSION = 1
#: Packages whose versions can change a plan or its outputs.
PACKAGES = ("ortools", "highspy", "numpy", "pandas", "pydantic", "pyyaml", "openpyxl",
            "rich")
CHUNK = 1 << 20
#: Outputs whose bytes change from run to run (the runtime), so not hashed.
UNHASHED = ("summary.json",)


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def scenario_chain(path: Path) -> list[Path]:
    """The scenario file, then every file it ``extends``, nearest first (absolute paths)."""
    chain: list[Path] = []
    current: Path | None = Path(path).resolve()
    while current is not None and current not in chain and current.is_file():
        chain.append(current)
        try:
            raw = yaml.safe_load(current.read_text(encoding="utf-8-sig")) or {}
        except (OSError, yaml.YAMLError):
            break
        parent = raw.get("extends") if isinstance(raw, dict) else None
        current = (current.parent / parent).resolve() if isinstance(parent, str) else None
    return chain


def _relative(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def input_files(problem: ProblemData) -> list[dict[str, Any]]:
    """Every input file: its role(s), path (absolute and relative to the scenario's folder),
    size and SHA-256. A workbook that holds several tables is listed once with every role."""
    scenario_path = problem.scenario_path
    base = Path(scenario_path).resolve().parent if scenario_path else Path.cwd()
    entries: dict[Path, dict[str, Any]] = {}

    def add(path: Path, role: str, sheet: str | None = None) -> None:
        path = Path(path).resolve()
        entry = entries.get(path)
        if entry is None:
            entry = {"roles": [], "path": path.as_posix(), "relative": _relative(path, base),
                     "bytes": None, "sha256": None}
            if path.is_file():
                entry["bytes"] = path.stat().st_size
                entry["sha256"] = sha256(path)
            entries[path] = entry
        entry["roles"].append(role if sheet is None else f"{role} (sheet {sheet})")

    if scenario_path is not None:
        for i, path in enumerate(scenario_chain(Path(scenario_path))):
            add(path, "scenario" if i == 0 else "scenario (extended)")
    data = problem.scenario.data
    for table in ("candidates", "programs", "pairs", "history"):
        ref = getattr(data, table)
        if ref is not None:
            add(Path(ref.path), table, ref.sheet)
    return list(entries.values())


def versions() -> dict[str, Any]:
    """Python, the platform, this package and the packages that shape a plan."""
    packages: dict[str, str | None] = {"allocator": __version__}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {"python": platform.python_version(),
            "implementation": sys.implementation.name,
            "platform": platform.platform(),
            "packages": packages}


def manifest_data(problem: ProblemData, result: Result, params: SolveParams | None = None,
                  outputs: dict[str, str] | None = None) -> dict[str, Any]:
    """The manifest of one solve (``outputs``: file name -> SHA-256 of the other outputs)."""
    params = params or SolveParams.from_problem(problem)
    scenario_path = problem.scenario_path
    command = ["allocator", "solve", str(scenario_path) if scenario_path else "SCENARIO"]
    if params.engine != problem.scenario.solver.engine:
        command += ["--engine", params.engine]
    if params.time_limit != problem.scenario.solver.time_limit:
        command += ["--time-limit", f"{params.time_limit:g}"]
    return {
        "manifest_version": MANIFEST_VERSION,
        "scenario_name": problem.scenario.name,
        "inputs": input_files(problem),
        "scenario": problem.scenario.model_dump(mode="json"),
        "parameters": {**asdict(params), "engine_used": result.engine},
        "seed": params.seed,
        "environment": versions(),
        "result": {"status": result.status.value, "objective": result.objective,
                   "bound": result.bound, "gap": result.gap, "cost": result.cost},
        "counts": {"candidates": problem.n_candidates, "programs": problem.n_programs,
                   "eligible_pairs": problem.n_pairs},
        "outputs": [{"file": name, "sha256": digest}
                    for name, digest in sorted((outputs or {}).items())],
        "reproduce": " ".join(command),
    }


def write_manifest_json(path: Path, problem: ProblemData, result: Result,
                        params: SolveParams | None = None) -> Path:
    """Write ``manifest.json`` beside the other outputs, listing their hashes."""
    from allocator.export import write_json

    path = Path(path)
    outputs = {f.name: sha256(f) for f in sorted(path.parent.iterdir())
               if f.is_file() and f.name not in (path.name, *UNHASHED)}
    write_json(path, manifest_data(problem, result, params, outputs))
    return path


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a solve's output folder (None when it has none)."""
    path = Path(folder) / "manifest.json"
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def changed_files(folder: Path) -> list[str]:
    """What changed since a folder was written: each input or output whose bytes differ.

    Returns sentences such as ``input data/candidates.csv changed`` (empty when all match).
    """
    folder = Path(folder)
    data = read_manifest(folder)
    if data is None:
        return [f"{folder}: no manifest.json"]
    problems = []
    for entry in data.get("inputs", []):
        path = Path(entry["path"])
        if entry.get("sha256") is None:
            continue
        if not path.is_file():
            problems.append(f"input {entry['path']} is missing")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"input {entry['path']} changed")
    for entry in data.get("outputs", []):
        path = folder / entry["file"]
        if not path.is_file():
            problems.append(f"output {entry['file']} is missing")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"output {entry['file']} changed")
    return problems
