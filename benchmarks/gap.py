"""Benchmark on OR-Library generalised assignment instances with published optima.

The generalised assignment problem (GAP) is our plan in miniature: every job (a candidate who
``must_train``) goes to exactly one agent (a programme), each agent has a resource budget
(``budget_cap``), and the plan maximises the total profit (``score``). So solving the converted
scenario through the package must reproduce the optimum published for the instance, exactly.

Instances: gap1-0 … gap12-4 (Cattrysse et al. 1994; Osman 1995), one per file, in the OR-Library
``gap`` format, all whitespace-separated integers::

    m n                 agents, jobs
    profit[i][j]        m rows of n values (agent i, job j)
    resource[i][j]      m rows of n values
    capacity[i]         m values

Rows may wrap over several lines, so the reader works on the token stream. ``optima.csv`` holds
the published optima: ``instance, optimum, sense, or_library_name, min_optimum, source``; the
instances are maximisation problems (``sense`` = ``max``; ``optimum`` is the maximum, and
``min_optimum`` is the minimum of the same instance, which this benchmark does not use).

Usage::

    python benchmarks/gap.py [--instances gap1-0 gap12-4 ...] [--engine NAME] [--repeat K]
                             [--time-limit S] [--data DIR] [--out benchmarks/gap-results.md]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

#: Environment variable that overrides where the instances are looked for.
GAP_DIR_ENV = "ALLOCATOR_GAP_DIR"

#: The single plan year every converted scenario uses.
YEAR = 2023

#: Default output of the CLI: next to this script, wherever it is run from.
DEFAULT_OUT = Path(__file__).resolve().parent / "gap-results.md"


def default_gap_dir() -> Path:
    """Return the directory holding the GAP instances and ``optima.csv``.

    ``$ALLOCATOR_GAP_DIR`` wins when set; otherwise ``shared/data/gap`` next to the repository
    checkout (the repository and ``shared/`` are siblings on the project's machines).
    """
    env = os.environ.get(GAP_DIR_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gap"


@dataclass(frozen=True, eq=False)
class GapInstance:
    """One generalised assignment instance (maximisation).

    Parameters
    ----------
    name
        Instance name, the file name (e.g. ``gap1-0``).
    m
        Number of agents.
    n
        Number of jobs.
    profit
        ``m × n`` integer matrix: profit of giving job ``j`` to agent ``i``.
    resource
        ``m × n`` integer matrix: capacity of agent ``i`` that job ``j`` uses.
    capacity
        ``m`` integers: capacity of each agent.
    """

    name: str
    m: int
    n: int
    profit: npt.NDArray[np.int64]
    resource: npt.NDArray[np.int64]
    capacity: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        problems = []
        if self.m < 1 or self.n < 1:
            problems.append(f"m={self.m} and n={self.n} must both be at least 1")
        for label, array, shape in (
            ("profit", self.profit, (self.m, self.n)),
            ("resource", self.resource, (self.m, self.n)),
            ("capacity", self.capacity, (self.m,)),
        ):
            if array.shape != shape:
                problems.append(f"{label} has shape {array.shape}, expected {shape}")
            elif (array < 0).any():
                # Negative resource use or capacity has no meaning as a budget in our contract.
                problems.append(f"{label} has negative entries")
        if problems:
            raise ValueError(f"GAP instance '{self.name}': " + "; ".join(problems))


def read_gap(path: str | Path) -> GapInstance:
    """Read one instance in the OR-Library ``gap`` format (one instance per file).

    Parameters
    ----------
    path
        The instance file; its name becomes the instance name.

    Raises
    ------
    ValueError
        If the file is not whitespace-separated integers, or has the wrong number of them for
        its ``m n`` header.
    """
    path = Path(path)
    try:
        tokens = np.array(path.read_text(encoding="ascii").split(), dtype=np.int64)
    except ValueError as exc:
        raise ValueError(f"GAP file '{path}': not a list of integers ({exc})") from exc
    if tokens.size < 2:
        raise ValueError(f"GAP file '{path}': no 'm n' header")
    m, n = int(tokens[0]), int(tokens[1])
    expected = 2 + 2 * m * n + m
    if tokens.size != expected:
        # A count mismatch means a different layout (e.g. OR-Library's multi-instance gapN.txt,
        # which starts with the number of instances): refuse rather than misread the matrices.
        raise ValueError(
            f"GAP file '{path}': {tokens.size} integers, expected {expected} for m={m}, n={n} "
            "(2 + 2·m·n + m)"
        )
    body = tokens[2:]
    return GapInstance(
        name=path.name,
        m=m,
        n=n,
        profit=body[: m * n].reshape(m, n),
        resource=body[m * n : 2 * m * n].reshape(m, n),
        capacity=body[2 * m * n :].copy(),
    )


def read_optima(path: str | Path) -> dict[str, int]:
    """Return the published maximum of each instance from ``optima.csv``.

    Only the ``optimum`` column is used; a row whose ``sense`` is not ``max`` is an error, since
    the conversion maximises.
    """
    optima: dict[str, int] = {}
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("sense", "max") != "max":
                raise ValueError(f"{path}: instance '{row['instance']}' is not a max instance")
            optima[row["instance"]] = int(row["optimum"])
    return optima


def candidate_ids(n: int) -> list[str]:
    """Candidate IDs ``J01``, ``J02``, … zero-padded so that they sort in job order."""
    width = max(2, len(str(n)))
    return [f"J{j + 1:0{width}d}" for j in range(n)]


def program_ids(m: int) -> list[str]:
    """Programme IDs ``A1``, ``A2``, … one per agent."""
    return [f"A{i + 1}" for i in range(m)]


def to_scenario(inst: GapInstance, out_dir: str | Path) -> Path:
    """Write ``inst`` as a plan in the product contract and return the scenario file's path.

    Jobs become candidates who must train, agents become programmes whose ``budget_cap`` is the
    agent's capacity, and every (job, agent) pair gets ``score`` = profit and ``cost`` = resource
    use. Everything else is neutral so that no eligibility rule, quota or capacity interferes:
    the plan's optimal objective is then the instance's optimum.

    Parameters
    ----------
    inst
        The instance.
    out_dir
        Directory to write ``candidates.csv``, ``programs.csv``, ``pairs.csv`` and
        ``scenario.yaml`` into (created if needed; existing files are replaced).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    jobs = candidate_ids(inst.n)
    agents = program_ids(inst.m)

    candidates = pd.DataFrame(
        {
            "candidate_id": jobs,
            "full_name": [f"GAP job {j + 1}" for j in range(inst.n)],
            "agency": "GAP",
            "gender": ["F" if j % 2 == 0 else "M" for j in range(inst.n)],
            # Young enough that no retirement rule can bite in the plan year.
            "birth_date": "1990-01-01",
            "position_level": "specialist",
            "field": "gap",
            # Every job must be assigned: with one programme per person, exactly one agent.
            "must_train": "true",
        }
    )
    programs = pd.DataFrame(
        {
            "program_id": agents,
            "title": [f"GAP agent {i + 1}" for i in range(inst.m)],
            "mode": "domestic",
            "type": "course",
            # Open to every field, so every job–agent pair is eligible.
            "field": "*",
            "year": YEAR,
            # n places: the head count never binds; only the agent's resource budget does.
            "capacity": inst.n,
            "cost_per_person": 0,
            "budget_cap": inst.capacity,
        }
    )
    # Agent-major order (A1 with every job, then A2, …) follows the file's matrix layout.
    pairs = pd.DataFrame(
        {
            "candidate_id": np.tile(jobs, inst.m),
            "program_id": np.repeat(agents, inst.n),
            "score": inst.profit.ravel(),
            "cost": inst.resource.ravel(),
        }
    )
    candidates.to_csv(out / "candidates.csv", index=False)
    programs.to_csv(out / "programs.csv", index=False)
    pairs.to_csv(out / "pairs.csv", index=False)

    scenario = {
        "name": inst.name,
        "description": f"OR-Library generalised assignment instance {inst.name} "
        f"({inst.m} agents, {inst.n} jobs), maximisation",
        "data": {"candidates": "candidates.csv", "programs": "programs.csv", "pairs": "pairs.csv"},
        "years": [YEAR],
        "rules": {"max_programs_per_candidate": 1},
        "solver": {"time_limit": 60},
    }
    scenario_path = out / "scenario.yaml"
    scenario_path.write_text(
        yaml.safe_dump(scenario, sort_keys=False, default_flow_style=None), encoding="utf-8"
    )
    return scenario_path


@dataclass(frozen=True)
class BenchmarkRow:
    """One line of the results table: an instance solved ``len(runtimes)`` times."""

    instance: str
    m: int
    n: int
    published: int
    objectives: tuple[float | None, ...]
    statuses: tuple[str, ...]
    runtimes: tuple[float, ...]

    @property
    def match(self) -> bool:
        """True when every run found the published optimum (exact: scores are integers)."""
        return bool(self.objectives) and all(o == self.published for o in self.objectives)

    @property
    def median_runtime(self) -> float | None:
        """Median solve time over the runs, or None when no run finished."""
        return statistics.median(self.runtimes) if self.runtimes else None


def _fmt_objective(value: float | None) -> str:
    if value is None:
        return "—"
    # Show 336.0 as 336 but keep a fractional value visible: that would itself be a bug.
    return str(int(value)) if float(value).is_integer() else repr(value)


def _distinct(values: Sequence[str]) -> str:
    """Join the distinct values in first-seen order: runs that disagree show as ``a/b``."""
    return "/".join(dict.fromkeys(values)) or "—"


def format_markdown(rows: Sequence[BenchmarkRow], settings: str = "") -> str:
    """Render the results as a markdown document: a settings line, the table, a tally."""
    lines = ["# GAP benchmark (OR-Library, maximisation)", ""]
    if settings:
        lines += [settings, ""]
    lines += [
        "| instance | m | n | published optimum | our objective | status | match "
        "| median solve time (s) |",
        "|---|---:|---:|---:|---:|---|---|---:|",
    ]
    for row in rows:
        median = row.median_runtime
        lines.append(
            f"| {row.instance} | {row.m} | {row.n} | {row.published} "
            f"| {_distinct([_fmt_objective(o) for o in row.objectives])} "
            f"| {_distinct(row.statuses)} | {'yes' if row.match else 'no'} "
            f"| {'—' if median is None else f'{median:.3f}'} |"
        )
    matched = sum(row.match for row in rows)
    lines += ["", f"{matched} of {len(rows)} instances match the published optimum."]
    return "\n".join(lines) + "\n"


def run_instance(
    inst: GapInstance,
    published: int,
    work_dir: Path,
    *,
    engine: str | None = None,
    repeat: int = 1,
    time_limit: float = 60.0,
) -> BenchmarkRow:
    """Convert ``inst`` under ``work_dir``, solve it ``repeat`` times and collect the results.

    The scenario is loaded and built once; only the solve is repeated, since the time reported
    is the solver's own ``runtime_s``.
    """
    # Imported here so that the reader and converter work (and are tested) without the engine.
    from allocator.problem import build_problem
    from allocator.scenario import load_scenario
    from allocator.solve import SolveParams, solve

    problem = build_problem(load_scenario(to_scenario(inst, work_dir / inst.name)))
    # Leave the engine to the package default unless one is named.
    kwargs: dict[str, object] = {"time_limit": time_limit}
    if engine is not None:
        kwargs["engine"] = engine
    params = SolveParams(**kwargs)

    objectives: list[float | None] = []
    statuses: list[str] = []
    runtimes: list[float] = []
    for _ in range(repeat):
        result = solve(problem, params)
        objectives.append(result.objective)
        statuses.append(result.status.value)
        runtimes.append(result.runtime_s)
    return BenchmarkRow(
        inst.name, inst.m, inst.n, published, tuple(objectives), tuple(statuses), tuple(runtimes)
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 0 when every instance matches its published optimum, else 1."""
    parser = argparse.ArgumentParser(
        description="Solve OR-Library GAP instances through allocator and compare with the "
        "published optima."
    )
    parser.add_argument(
        "--instances", nargs="+", metavar="NAME", help="instances (default: all in optima.csv)"
    )
    parser.add_argument("--engine", help="engine name (default: the package's default engine)")
    parser.add_argument("--repeat", type=int, default=1, metavar="K", help="solves per instance")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="per solve")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"instance directory (default: ${GAP_DIR_ENV} "
        "or ../shared/data/gap next to the repository)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown file to write")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    data_dir: Path = args.data or default_gap_dir()
    optima_path = data_dir / "optima.csv"
    if not optima_path.is_file():
        parser.error(f"no optima.csv in {data_dir} (set --data or ${GAP_DIR_ENV})")
    optima = read_optima(optima_path)
    names: list[str] = args.instances or list(optima)
    unknown = [name for name in names if name not in optima or not (data_dir / name).is_file()]
    if unknown:
        parser.error(f"unknown instance(s) in {data_dir}: {', '.join(unknown)}")

    rows: list[BenchmarkRow] = []
    with tempfile.TemporaryDirectory(prefix="gap-bench-") as tmp:
        for name in names:
            inst = read_gap(data_dir / name)
            try:
                row = run_instance(
                    inst,
                    optima[name],
                    Path(tmp),
                    engine=args.engine,
                    repeat=args.repeat,
                    time_limit=args.time_limit,
                )
            except Exception as exc:  # one failing instance must not lose the whole table
                traceback.print_exc()
                row = BenchmarkRow(
                    name, inst.m, inst.n, optima[name], (), (f"error: {type(exc).__name__}",), ()
                )
            rows.append(row)
            # Progress on stderr so that stdout carries only the table.
            print(
                f"{name}: {_distinct(row.statuses)}, "
                f"{_distinct([_fmt_objective(o) for o in row.objectives])} "
                f"(published {row.published})",
                file=sys.stderr,
            )

    settings = (
        f"engine: {args.engine or 'default'} · time limit: {args.time_limit:g} s · "
        f"runs per instance: {args.repeat}"
    )
    report = format_markdown(rows, settings)
    print(report, end="")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0 if all(row.match for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
