"""Engines side by side on generated plans: the default engine against the baselines.

One command generates the instances (seeded, with ``allocator.generate``) and runs every engine
on every size in the same run, each solve in its own process, so that peak memory and the whole
command's time are those of one planner's ``allocator solve``::

    python benchmarks/bench.py --sizes small city national --engines fast highs cpsat greedy \\
        --repeat 3 --time-limit 120 --out benchmarks/results.md
    python benchmarks/bench.py --sizes city --seeds 1 2 3 --engines fast greedy

Each run is ``allocator solve`` as the command runs it, with its bytecode compiled once, as an
installed package has it (these machines set ``PYTHONDONTWRITEBYTECODE``, so an editable install
would compile every module on every run: ~0.15 s). For each run it records: the time to read the
tables (``load``), to apply the rules, build the problem and check supply against the quotas
(``rules``), the engine's model building (``build``) and solving (``solve``), writing the outputs
(``write``), the whole process's wall time from start to exit (``whole``: interpreter, imports,
load, rules, solve, write), its CPU time, the CPU time of ``solve()`` alone (``engine CPU``: all
threads, and the HiGHS child process that large MIPs run in; the fairest comparison on a shared
machine), the objective, the proven bound, the gap, and the peak resident memory (``ru_maxrss``
from ``os.wait4``: the largest of the run's process and the child processes it waited for, the
HiGHS one and the one that writes the workbook — not their sum). Tables report medians over the
``--repeat`` runs and the ratios of each baseline's times to the default engine's. The markdown
goes to stdout and to ``--out``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = Path(tempfile.gettempdir()) / "allocator-bench"
ENGINE_NOTES = {
    "fast": "default: LP + reduced-cost fixing + small MIPs",
    "highs": "plain HiGHS MIP",
    "cpsat": "plain CP-SAT",
    "greedy": "greedy by score",
}


# --------------------------------------------------------------------------------------------
# The worker: one whole solve, in its own process.
# --------------------------------------------------------------------------------------------



def _cpu() -> float:
    """This process's CPU time plus that of its finished children (the HiGHS child process
    that large MIPs run in)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime

def worker(scenario: Path, engine: str, time_limit: float, workers: int, out: Path) -> None:
    """One ``allocator solve``, as the command runs it (:func:`allocator.run.run_solve`: load,
    rules, the feasibility check, solve, write); print the figures as one JSON line and end the
    way the command does (``os._exit`` once the streams are flushed: no interpreter teardown)."""
    t_start = time.perf_counter()
    import allocator.run as pipeline

    t0 = time.perf_counter()
    cpu: dict[str, float] = {}
    solve = pipeline.solve

    def timed_solve(problem: Any, params: Any) -> Any:  # the CPU time of solve() alone
        c = _cpu()
        result = solve(problem, params)
        cpu["engine"] = _cpu() - c
        return result

    pipeline.solve = timed_solve  # type: ignore[assignment]
    outcome = pipeline.run_solve(scenario, out, engine=engine, time_limit=time_limit,
                                 workers=workers, force=True)
    result, problem, timings = outcome.result, outcome.problem, outcome.timings
    build_s = float(result.stats.get("build_s", 0.0))
    print(json.dumps({
        "import_s": t0 - t_start, "load_s": timings["read_s"],
        "rules_s": timings["build_s"] + timings["check_s"],
        "build_s": build_s, "solve_s": max(0.0, timings["solve_s"] - build_s),
        "write_s": timings["write_s"], "engine_cpu_s": cpu.get("engine"),
        "status": result.status.value, "engine": result.engine, "objective": result.objective,
        "bound": result.bound, "gap": result.gap, "cost": result.cost,
        "pairs": problem.n_pairs, "candidates": problem.n_candidates,
        "programs": problem.n_programs,
        "stats": {k: v for k, v in result.stats.items() if isinstance(v, int | float | str)},
    }))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def run_one(scenario: Path, engine: str, time_limit: float, workers: int) -> dict[str, Any]:
    """One solve in a child process: its JSON figures plus wall, CPU time and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(scenario),
               "--engines", engine, "--time-limit", str(time_limit), "--workers", str(workers),
               "--out", str(Path(tmp) / "out")]
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out_path.open("w") as out_f, err_path.open("w") as err_f:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, text=True)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        stdout = out_path.read_text(encoding="utf-8", errors="replace")
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
    row: dict[str, Any] = {"whole_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                           "peak_mb": usage.ru_maxrss / 1024}
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        row["status"] = "error"
        row["error"] = (stderr.strip().splitlines() or ["?"])[-1][:200]
        return row
    row.update(json.loads(lines[-1]))
    return row


# --------------------------------------------------------------------------------------------
# Instances and tables.
# --------------------------------------------------------------------------------------------


def instance(size: str, seed: int, work: Path) -> Path:
    """The generated instance (made once per size and seed)."""
    folder = work / f"{size}-seed{seed}"
    scenario = folder / "scenario.yaml"
    if not scenario.exists():
        from allocator.generate import generate

        generate(size, folder, seed=seed, force=True)  # type: ignore[arg-type]
    return scenario


def _median(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if isinstance(r.get(key), int | float)]
    return statistics.median(values) if values else None


def _fmt(v: float | None, digits: int = 2) -> str:
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


def _gap(v: float | None) -> str:
    return "—" if v is None else f"{v:.4%}"


def table(title: str, runs: dict[str, list[dict[str, Any]]], default: str,
          time_limit: float) -> str:
    first = next((r for rows in runs.values() for r in rows if "pairs" in r), {})
    lines = [f"### {title}: {first.get('candidates', '?'):,} candidates, "
             f"{first.get('programs', '?'):,} programmes, {first.get('pairs', '?'):,} eligible "
             f"pairs" if first else f"### {title}", "",
             "| engine | status | load s | rules s | build s | solve s | write s | whole s | "
             "CPU s | engine CPU s | objective | bound | gap | peak MB | whole ÷ default | "
             "solve ÷ default | engine CPU ÷ default |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    base = runs.get(default, [])
    base_whole = _median(base, "whole_s")
    base_solve = _median(base, "solve_s")
    base_cpu = _median(base, "engine_cpu_s")
    for engine, rows in runs.items():
        statuses = sorted({r.get("status", "?") for r in rows})
        whole, solve = _median(rows, "whole_s"), _median(rows, "solve_s")
        ratio_w = whole / base_whole if whole and base_whole else None
        ratio_s = solve / base_solve if solve and base_solve else None
        cpu = _median(rows, "engine_cpu_s")
        ratio_c = cpu / base_cpu if cpu and base_cpu else None
        err = next((r["error"] for r in rows if "error" in r), "")
        status = "/".join(statuses) + (f" ({err})" if err else "")
        if any(r.get("status") in ("feasible", "no_solution") for r in rows) and \
                any(r.get("solve_s", 0) >= 0.95 * time_limit for r in rows):
            status += f" (limit {time_limit:g} s)"
        lines.append(
            f"| {engine} | {status} | {_fmt(_median(rows, 'load_s'))} | "
            f"{_fmt(_median(rows, 'rules_s'))} | {_fmt(_median(rows, 'build_s'))} | "
            f"{_fmt(solve)} | {_fmt(_median(rows, 'write_s'))} | {_fmt(whole)} | "
            f"{_fmt(_median(rows, 'cpu_s'))} | {_fmt(cpu)} | "
            f"{_fmt(_median(rows, 'objective'), 0)} | "
            f"{_fmt(_median(rows, 'bound'), 0)} | {_gap(_median(rows, 'gap'))} | "
            f"{_fmt(_median(rows, 'peak_mb'), 0)} | {_fmt(ratio_w)}× | {_fmt(ratio_s)}× | "
            f"{_fmt(ratio_c)}× |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["small", "city"],
                        choices=["small", "city", "national"])
    parser.add_argument("--engines", nargs="+", default=["fast", "highs", "cpsat", "greedy"])
    parser.add_argument("--repeat", type=int, default=3, metavar="K", help="runs per engine")
    parser.add_argument("--time-limit", type=float, default=120.0, metavar="S")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1], metavar="N",
                        help="seeds of the generated instances (one table per size and seed: "
                             "a result on one seed may be luck)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help="folder for the generated instances (reused between runs)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        worker(args.worker, args.engines[0], args.time_limit, args.workers, args.out)
        return 0

    # Bytecode for the package, as pip writes it when it installs one (see the module doc).
    compileall.compile_dir(str(HERE.parent / "src"), quiet=1)
    default = args.engines[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = "python benchmarks/bench.py " + " ".join(
        ["--sizes", *args.sizes, "--engines", *args.engines, "--repeat", str(args.repeat),
         "--time-limit", f"{args.time_limit:g}", "--workers", str(args.workers),
         "--seeds", *map(str, args.seeds)])
    header = [f"# Engine benchmark ({started})", "",
              f"`{command}`", "",
              f"Machine: {os.cpu_count()} CPUs, load average at start "
              f"{os.getloadavg()[0]:.1f}. Medians of {args.repeat} runs; each run is a separate "
              "process (whole = interpreter start to exit). Ratios: the engine's median time "
              f"÷ the default engine's (`{default}`).", "",
              "Engines: " + "; ".join(f"`{e}` {ENGINE_NOTES.get(e, '')}".strip()
                                      for e in args.engines) + ".", ""]
    sections = []
    for size, seed in [(size, seed) for size in args.sizes for seed in args.seeds]:
        scenario = instance(size, seed, args.work)
        title = size if len(args.seeds) == 1 else f"{size}, seed {seed}"
        runs: dict[str, list[dict[str, Any]]] = {}
        for _ in range(args.repeat):
            for engine in args.engines:  # interleaved: load changes hit every engine alike
                row = run_one(scenario, engine, args.time_limit, args.workers)
                runs.setdefault(engine, []).append(row)
                print(f"[{title}] {engine}: {row.get('status')} whole {row['whole_s']:.2f} s "
                      f"objective {row.get('objective')} gap {row.get('gap')}",
                      file=sys.stderr, flush=True)
        sections.append(table(title, runs, default, args.time_limit))
        text = "\n".join(header) + "\n" + "\n\n".join(sections) + "\n"
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
