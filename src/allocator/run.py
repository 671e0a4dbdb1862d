"""One solve as a planner runs it: scenario file -> problem -> Result -> output folder.

:func:`solve_scenario` reads, builds and solves (no files written; ``compare`` uses it too);
:func:`run_solve` adds the output folder. Both report their phase to the live progress display
(:mod:`allocator.progress`), which shows only on a terminal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allocator.explain import FeasibilityReport, feasibility_report
from allocator.export import OutputExists, summary_data, write_outputs
from allocator.problem import ProblemData, build_problem
from allocator.progress import Progress, null_progress
from allocator.result import Result, Status, cost_note, objective_note
from allocator.scenario import load_scenario
from allocator.solve import SolveParams, choose_engine, solve
from allocator.tables import read_tables

if TYPE_CHECKING:
    from allocator.diagnose import Diagnosis

LABEL_WIDTH = 11


@dataclass(frozen=True)
class Solved:
    """A scenario read, built and solved (nothing written)."""

    problem: ProblemData
    result: Result
    params: SolveParams
    timings: dict[str, float] = field(default_factory=dict)
    feasibility: FeasibilityReport | None = None
    diagnosis: Diagnosis | None = None

    def summary(self) -> dict[str, Any]:
        """``summary.json``: the solve's figures, the feasibility report and any diagnosis."""
        data = summary_data(self.problem, self.result)
        if self.feasibility is not None:
            data["feasibility"] = self.feasibility.as_dict()
        if self.diagnosis is not None:
            data["diagnosis"] = self.diagnosis.as_dict()
        return data


@dataclass(frozen=True)
class Outcome:
    """What ``allocator solve`` produced."""

    problem: ProblemData
    result: Result
    out: Path | None
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    feasibility: FeasibilityReport | None = None
    diagnosis: Diagnosis | None = None

    def summary_lines(self) -> list[str]:
        """The short, aligned summary printed after a solve (plain text, no markup)."""
        r, s = self.result, self.summary

        def line(label: str, text: str) -> str:
            return f"{label:<{LABEL_WIDTH}}{text}"

        lines = [line("scenario", self.problem.scenario.name),
                 line("status", f"{r.status.value}  (engine {r.engine}, {r.runtime_s:.2f} s)")]
        if r.objective is not None:
            gap = f"{r.gap:.4%}" if r.gap is not None else "—"
            bound = f"{r.bound:,.0f}" if r.bound is not None else "—"
            lines.append(line("objective", f"{r.objective:,}  (bound {bound}, gap {gap})"))
            note = objective_note(r.status, r.objective, r.bound)
            if note:
                lines.append(line("", note))
        if r.solution is not None:
            k = s["kpis"]
            modes = ", ".join(f"{m} {n:,}" for m, n in k["places"]["by_mode"].items())
            lines.append(line("placed", f"{k['places']['total']:,} places ({modes}); "
                                        f"{k['persons_placed']:,} people of "
                                        f"{self.problem.n_candidates:,}"))
            women = k.get("women_share_overseas")
            if s.get("women_share") is not None:
                abroad = f", abroad {women:.1%}" if women is not None else ""
                lines.append(line("women", f"{s['women_share']:.1%} of places{abroad}"))
            proven = cost_note(r.cost, r.cost_floor)
            lines.append(line("cost", f"{k['cost']:,} VND" + (f"  ({proven})" if proven else "")))
            label = "budget"
            envelopes = [b for b in s.get("budget", []) if b["cap"]]
            for b in envelopes:
                if not b["envelope"].startswith("budget_cap:"):
                    lines.append(line(label, f"{b['envelope']}: {b['spent']:,} of "
                                             f"{b['cap']:,} ({b['spent'] / b['cap']:.1%})"))
                    label = ""
            caps = [b for b in envelopes if b["envelope"].startswith("budget_cap:")]
            if caps:
                full = max(caps, key=lambda b: (b["spent"] / b["cap"], b["envelope"]))
                lines.append(line(label, f"{len(caps)} programme cap(s); fullest "
                                         f"{full['envelope'].removeprefix('budget_cap:')} "
                                         f"{full['spent'] / full['cap']:.1%}"))
            binding = [q for q in s["quotas"] if q.get("binding")]
            if binding:
                names = sorted({q["name"] for q in binding})
                lines.append(line("binding", f"{len(binding)} quota cell(s): "
                                             + ", ".join(names)))
            broken = [q for q in s["quotas"] if q["soft"] and q["broken_by"] > 1e-9]
            if broken:
                lines.append(line("broken", "; ".join(
                    f"{q['name']}{' [' + q['group'] + ']' if q['group'] else ''} by "
                    f"{q['broken_by']:g} (penalty {q['penalty']:g})" for q in broken)))
        elif r.message:
            lines.append(line("reason", r.message))
        if self.out is not None:
            lines.append(line("written", str(self.out)))
        return lines


def default_out(scenario_path: Path, name: str) -> Path:
    return Path("out") / name


def _progress(progress: bool | Progress) -> Progress:
    if isinstance(progress, Progress):
        return progress
    if progress:
        return Progress()
    return null_progress()


def solve_scenario(scenario_path: Path, *, engine: str | None = None,
                   time_limit: float | None = None, workers: int | None = None,
                   progress: Progress | None = None, checks: bool = True) -> Solved:
    """Read, build and solve one scenario file; raises InputError for the CLI to report.

    ``progress`` (already entered) receives the phases; without one nothing is shown.
    ``checks``: the feasibility report before solving and, when no plan exists, the diagnosis.
    """
    show = progress or null_progress()
    t0 = time.perf_counter()
    show.phase("reading the scenario and its tables")
    scenario = load_scenario(scenario_path)
    tables = read_tables(scenario)
    t_read = time.perf_counter()
    show.phase(f"building the problem ({len(tables.candidates):,} candidates, "
               f"{len(tables.programs):,} programmes)")
    problem = build_problem(scenario, tables, Path(scenario_path).resolve())
    t_build = time.perf_counter()
    params = SolveParams.from_problem(problem, engine=engine, time_limit=time_limit,
                                      workers=workers)
    engine_name = params.engine if params.engine != "auto" else choose_engine(problem)
    report = None
    if checks:
        show.phase("checking supply against quotas and budget")
        report = feasibility_report(problem)
    t_check = time.perf_counter()
    show.phase(f"solving ({problem.n_pairs:,} eligible pairs, engine {engine_name}, "
               f"limit {params.time_limit:g} s)")
    result = solve(problem, params)
    t_solve = time.perf_counter()
    diagnosis = None
    if checks and result.status is Status.INFEASIBLE:
        from allocator.diagnose import diagnose  # only when no plan exists

        show.phase("diagnosing why no plan exists")
        diagnosis = diagnose(problem, time_limit=min(params.time_limit, 30.0))
    timings = {"read_s": t_read - t0, "build_s": t_build - t_read, "check_s": t_check - t_build,
               "solve_s": t_solve - t_check, "diagnose_s": time.perf_counter() - t_solve}
    return Solved(problem, result, params, timings, report, diagnosis)


def run_solve(scenario_path: Path, out: Path | None = None, *, engine: str | None = None,
              time_limit: float | None = None, workers: int | None = None, force: bool = False,
              progress: bool | Progress = False) -> Outcome:
    """Load, build, solve and write; raises InputError / OutputExists for the CLI to report.

    ``progress``: True shows the live status on a terminal (a :class:`Progress` may be given).
    """
    t0 = time.perf_counter()
    with _progress(progress) as show:
        if out is not None and out.exists() and not force:
            raise OutputExists(f"{out} exists: choose another --out or add --force")
        solved = solve_scenario(scenario_path, engine=engine, time_limit=time_limit,
                                workers=workers, progress=show)
        problem, result = solved.problem, solved.result
        target = out if out is not None else default_out(scenario_path, problem.scenario.name)
        if target.exists() and not force:
            raise OutputExists(f"{target} exists: choose another --out or add --force")
        show.phase(f"writing {target}")
        t_write = time.perf_counter()
        summary = solved.summary()
        write_outputs(target, problem, result, force=force, params=solved.params,
                      summary=summary)
    timings = {**solved.timings, "load_s": solved.timings["read_s"] + solved.timings["build_s"],
               "write_s": time.perf_counter() - t_write, "total_s": time.perf_counter() - t0}
    return Outcome(problem, result, target, summary, timings, solved.feasibility,
                   solved.diagnosis)
