"""Level 1's small MIPs, each re-run under several HiGHS seeds: how much their time is luck.

The default engine asks HiGHS a few questions per solve ("is there a plan scoring at least
T?", see ``allocator.engines.fast``). On the generated city their time swings many times over
with HiGHS's seed, or with any change upstream that moves the LP's dual vertex, so one solve's
time says little about a change to the engine. This command solves each instance once with the
default engine, keeps every question that took at least ``--min-seconds``, and runs each again,
in a child process as the engine does, once per ``--highs-seeds`` (with ``--option``s on top of
the engine's)::

    python benchmarks/questions.py --sizes city --seeds 0 2 6 8 9 --highs-seeds 0 1 2 3
    python benchmarks/questions.py --seeds 0 --highs-seeds 0 1 --option mip_heuristic_effort=0
    python benchmarks/questions.py scenarios/hcmc-2023.yaml

For each question: its target, columns (before people are merged), its time in the solve, and
per HiGHS seed the time and the answer (``yes``: a plan reaches the target; ``no``; ``?``: not
answered in the time limit). Every seed must give the same answer: a difference is a bug, and
the command exits with status 1. The markdown goes to stdout and to ``--out``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench import DEFAULT_WORK, instance

from allocator.engines import fast, highs
from allocator.problem import build_problem
from allocator.scenario import load_scenario
from allocator.tables import read_tables

HERE = Path(__file__).resolve().parent


@dataclass
class Question:
    job: highs.Job
    seconds: float  # in the solve (with whatever ran beside it)
    role: str  # "alone" (or raced), or "question" / "finder" when the two ran side by side


def captured_questions(scenario: Path, time_limit: float, workers: int) -> list[Question]:
    """Solve ``scenario`` with the default engine and return every HiGHS job it ran with a
    question (a target to reach), with its time in that solve."""
    scen = load_scenario(scenario)
    problem = build_problem(scen, read_tables(scen), scenario.resolve())
    found: list[Question] = []
    side_by_side, levels = highs.side_by_side, highs._levels

    def record(jobs: list[highs.Job], seconds: float) -> None:
        if all(job.model is jobs[0].model for job in jobs):
            jobs = jobs[:1]  # one MIP alone, or raced under several seeds (highs.race)
        roles = ["alone"] if len(jobs) == 1 else \
            ["question", "finder", *(f"job {k + 1}" for k in range(2, len(jobs)))]
        for job, role in zip(jobs, roles, strict=True):
            if job.stop is not None:
                found.append(Question(job, seconds, role))

    def spy_side_by_side(jobs: list[highs.Job], deadline: float, settled: highs.Settled
                         ) -> list[highs.Levels]:
        t = time.perf_counter()
        out = side_by_side(jobs, deadline, settled)
        record(jobs, time.perf_counter() - t)
        return out

    def spy_levels(job: highs.Job, deadline: float, sink: highs._Sink) -> highs.Levels:
        t = time.perf_counter()
        out = levels(job, deadline, sink)
        record([job], time.perf_counter() - t)
        return out

    highs.side_by_side, highs._levels = spy_side_by_side, spy_levels  # type: ignore[assignment]
    try:
        fast.solve(problem, time_limit, workers, scen.solver.seed)
    finally:
        highs.side_by_side, highs._levels = side_by_side, levels  # type: ignore[assignment]
    return found


def answer(out: highs.Levels, target: float) -> str:
    first = out.first
    if first.objective is not None and first.objective >= target - 1e-6 * (1 + abs(target)):
        return "yes"
    if first.status in ("optimal", "infeasible") or \
            (first.bound is not None and first.bound < target - 1e-6 * (1 + abs(target))):
        return "no"
    return "?"


def rerun(q: Question, seed: int, threads: int | None, options: dict[str, Any],
          time_limit: float) -> tuple[float, str]:
    """The question once more, in a child process, with HiGHS's ``seed`` (and ``threads``,
    or as many as the engine gave it): seconds, answer."""
    job = replace(q.job, seed=seed, workers=threads or q.job.workers,
                  options={**(q.job.options or {}), **options})
    t = time.perf_counter()
    out = highs.side_by_side([job], t + time_limit, lambda results, works: False)[0]
    assert job.stop is not None and job.stop.bound_below is not None
    return time.perf_counter() - t, answer(out, job.stop.bound_below)


def _option(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` as HiGHS takes it: a number, a boolean or a word (``presolve=off``)."""
    name, _, value = text.partition("=")
    for kind in (int, float):
        try:
            return name, kind(value)
        except ValueError:
            pass
    return name, {"true": True, "false": False}.get(value.lower(), value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", type=Path,
                        help="scenario files (default: the generated instances below)")
    parser.add_argument("--sizes", nargs="+", default=["city"], choices=["small", "city"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 2, 6, 8, 9], metavar="N",
                        help="seeds of the generated instances")
    parser.add_argument("--highs-seeds", nargs="+", type=int, default=[0, 1, 2, 3], metavar="S")
    parser.add_argument("--threads", type=int, default=None,
                        help="HiGHS threads per re-run (default: the engine's: one, as each "
                             "of a race's seeds and a MIP beside another run)")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a HiGHS option for the re-runs (repeatable)")
    parser.add_argument("--min-seconds", type=float, default=0.5, metavar="S",
                        help="keep the questions that took at least this long in the solve")
    parser.add_argument("--time-limit", type=float, default=60.0, metavar="S",
                        help="for the solve and for each re-run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help="folder for the generated instances (reused between runs)")
    parser.add_argument("--out", type=Path, default=HERE / "questions.md")
    args = parser.parse_args(argv)
    options = dict(_option(o) for o in args.option)

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    where = [str(p) for p in args.scenarios] or ["--sizes", *args.sizes,
                                                  "--seeds", *map(str, args.seeds)]
    command = " ".join(["python benchmarks/questions.py", *where,
                        "--highs-seeds", *map(str, args.highs_seeds),
                        *(["--threads", str(args.threads)] if args.threads else []),
                        *[f"--option {o}" for o in args.option],
                        "--min-seconds", f"{args.min_seconds:g}"])
    seeds = args.highs_seeds
    lines = [f"# Level 1's questions under several HiGHS seeds ({started})", "",
             f"`{command}`", "",
             f"Machine: {os.cpu_count()} CPUs, load average at start "
             f"{os.getloadavg()[0]:.1f}. Each re-run is one child process with "
             f"{args.threads or 'the engine’s'} HiGHS thread(s) (one: a question asked alone "
             "races two seeds, one thread each, and a MIP beside another has one), as the engine "
             "runs its MIPs, so a row's seeds are what a race chooses from; seconds include "
             "starting it (~0.2 s). An answer `no` of a finder is about its columns only.", "",
             "| instance | role | target | columns | in the solve (s) | "
             + " | ".join(f"seed {s} (s)" for s in seeds) + " | median | max ÷ min |",
             "|---|---|---:|---:|---:|" + "---:|" * (len(seeds) + 2)]
    disagreements = 0
    named = [(p.stem, p) for p in args.scenarios] or [
        (f"{size} seed {seed}", instance(size, seed, args.work))
        for size in args.sizes for seed in args.seeds]
    for name, scenario in named:
        questions = [q for q in captured_questions(scenario, args.time_limit, args.workers)
                     if q.seconds >= args.min_seconds]
        for q in questions:
            runs = [rerun(q, s, args.threads, options, args.time_limit) for s in seeds]
            answers = {a for _, a in runs} - {"?"}
            if len(answers) > 1:
                disagreements += 1
            times = [t for t, _ in runs]
            cells = [f"{t:.2f} {a}" for t, a in runs]
            assert q.job.stop is not None and q.job.stop.bound_below is not None
            row = (f"| {name} | {q.role} | {q.job.stop.bound_below:,.0f} | "
                   f"{q.job.model.n_cols:,} | {q.seconds:.2f} | " + " | ".join(cells)
                   + f" | {statistics.median(times):.2f} | {max(times) / min(times):.1f} |")
            lines.append(row)
            print(row, file=sys.stderr, flush=True)
    if disagreements:
        lines += ["", f"**{disagreements} question(s) answered differently by two seeds.**"]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
