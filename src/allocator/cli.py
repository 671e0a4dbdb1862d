"""The command line: parse -> load -> solve -> write. ``main(argv) -> exit code``.

Exit codes: 0 a plan was written (or, for ``validate``, the input is valid); 1 no feasible plan
(with the diagnosis); 2 invalid input or usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from allocator import __version__
from allocator.errors import InputError, Issue, Severity

EXIT_OK, EXIT_NO_PLAN, EXIT_INVALID = 0, 1, 2

EXAMPLES = {
    "solve": "examples:\n  allocator solve scenarios/sample.yaml --out out/sample\n"
             "  allocator solve scenarios/hcmc-2023.yaml --out out/hcmc --force --json",
    "validate": "examples:\n  allocator validate scenarios/hcmc-2023.yaml\n"
                "  allocator validate my-plan.yaml --json",
    "compare": "examples:\n  allocator compare scenarios/hcmc-2023.yaml "
               "scenarios/hcmc-2023-budget-90.yaml --out out/cmp\n"
               "  allocator compare out/hcmc out/hcmc-200 --out out/cmp  # previous solve folders",
    "explain": "examples:\n  allocator explain scenarios/hcmc-2023.yaml\n"
               "  allocator explain scenarios/hcmc-2023.yaml --candidate HCM000123",
    "generate": "examples:\n  allocator generate --size small --out data/demo\n"
                "  allocator generate --size city --seed 2023 --out data/city",
}


class Console:
    """Prints for people (rich, on stderr/stdout) unless ``--json`` or ``--quiet``.

    With ``--json`` only :meth:`json` writes (to stdout); with ``--quiet`` only errors. The live
    progress (:meth:`progress`) shows on a terminal only, never in a pipe.
    """

    def __init__(self, as_json: bool = False, quiet: bool = False) -> None:
        self.as_json = as_json
        self.quiet = quiet
        from rich.console import Console as RichConsole

        self.out = RichConsole(highlight=False, soft_wrap=True)
        self.err = RichConsole(stderr=True, highlight=False, soft_wrap=True)

    @property
    def for_people(self) -> bool:
        return not self.as_json and not self.quiet

    def say(self, text: str = "") -> None:
        """A line of rich markup on stdout (escape input text with :func:`_escape`)."""
        if self.for_people:
            self.out.print(text)

    def show(self, renderable: Any) -> None:
        """A rich renderable (a table) on stdout."""
        if self.for_people:
            self.out.print(renderable)

    def progress(self) -> Any:
        """A live status on stderr, shown only on a terminal and only for people."""
        from allocator.progress import Progress

        return Progress(self.err, enabled=self.for_people and self.err.is_terminal)

    def issue(self, issue: Issue) -> None:
        if self.as_json:
            return
        colour = "red" if issue.severity is Severity.ERROR else "yellow"
        self.err.print(f"[{colour}]{_escape(str(issue))}[/{colour}]")

    def error(self, text: str) -> None:
        if not self.as_json:
            self.err.print(f"[red]error:[/red] {_escape(text)}")

    def json(self, data: Any) -> None:
        if self.as_json:
            from allocator.export import json_default

            sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2,
                                        default=json_default) + "\n")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _issues_json(issues: Sequence[Issue]) -> list[dict[str, Any]]:
    return [{"severity": i.severity.value, "file": i.file, "row": i.row, "column": i.column,
             "key": i.key, "message": i.message, "code": i.code} for i in issues]


# --------------------------------------------------------------------------------------------
# Commands.
# --------------------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace, con: Console) -> int:
    from allocator.problem import load_problem

    try:
        problem = load_problem(args.scenario)
    except InputError as exc:
        for issue in exc.issues:
            con.issue(issue)
        errors = exc.errors
        con.say(f"[red]{len(errors)} error(s)[/red], {len(exc.issues) - len(errors)} warning(s)")
        con.json({"valid": False, "issues": _issues_json(exc.issues)})
        return EXIT_INVALID
    for issue in problem.warnings:
        con.issue(issue)
    report = None
    try:
        from allocator.explain import feasibility_report
    except ImportError:
        feasibility_report = None  # type: ignore[assignment]
    if feasibility_report is not None:
        report = feasibility_report(problem)
        for line in report.lines():
            con.say(line)
    con.say(f"[green]valid[/green]: {problem.n_candidates:,} candidates, "
            f"{problem.n_programs:,} programmes, {problem.n_pairs:,} eligible pairs, "
            f"{len(problem.rows)} quota/budget rows; {len(problem.warnings)} warning(s)")
    con.json({"valid": True, "candidates": problem.n_candidates,
              "programs": problem.n_programs, "eligible_pairs": problem.n_pairs,
              "removed_by_rule": problem.removed_by_rule,
              "issues": _issues_json(problem.warnings),
              "feasibility": report.as_dict() if report is not None else None})
    return EXIT_OK


def cmd_solve(args: argparse.Namespace, con: Console) -> int:
    from allocator.export import OutputExists
    from allocator.run import run_solve

    try:
        outcome = run_solve(Path(args.scenario), Path(args.out) if args.out else None,
                            engine=args.engine, time_limit=args.time_limit, force=args.force,
                            progress=con.progress())
    except InputError as exc:
        for issue in exc.issues:
            con.issue(issue)
        con.json({"status": "invalid", "issues": _issues_json(exc.issues)})
        return EXIT_INVALID
    except OutputExists as exc:
        con.error(str(exc))
        con.json({"status": "invalid", "error": str(exc)})
        return EXIT_INVALID
    for issue in outcome.problem.warnings:
        if not args.quiet:
            con.issue(issue)
    has_plan = outcome.result.status.has_plan
    if outcome.feasibility is not None and not args.quiet:
        for text in outcome.feasibility.lines():
            con.say(text)
    for line in outcome.summary_lines():
        label, _, rest = line.partition(" ")
        colour = "green" if has_plan else "red"
        if label == "status":
            con.say(f"[bold]{_escape(label)}[/bold] [{colour}]{_escape(rest)}[/{colour}]")
        else:
            con.say(f"[bold]{_escape(label)}[/bold] {_escape(rest)}")
    if outcome.diagnosis is not None:
        for text in outcome.diagnosis.lines():
            con.say(text)
    con.json({**outcome.summary, "out": str(outcome.out) if outcome.out else None})
    return EXIT_OK if has_plan else EXIT_NO_PLAN


def cmd_generate(args: argparse.Namespace, con: Console) -> int:
    from allocator.generate import generate

    try:
        path = generate(args.size, Path(args.out), seed=args.seed, year=args.year,
                        quotas=args.quotas, force=args.force, compress=args.compress)
    except FileExistsError as exc:
        con.error(f"{exc}: choose another --out or add --force")
        return EXIT_INVALID
    con.say(f"wrote {path}")
    con.json({"scenario": str(path)})
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, con: Console) -> int:
    from allocator.compare import run_compare

    return run_compare(args, con)


def cmd_explain(args: argparse.Namespace, con: Console) -> int:
    from allocator.explain import run_explain

    return run_explain(args, con)


# --------------------------------------------------------------------------------------------
# Parser.
# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="allocator",
        description="Optimal yearly training plans for public officials: who goes on which "
                    "domestic course and which overseas programme, within rules, quotas and "
                    "budgets.",
        epilog="Exit codes: 0 plan written / input valid, 1 no feasible plan, 2 invalid input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"allocator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=EXAMPLES[name],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        out = p.add_argument_group("output")
        out.add_argument("--json", action="store_true", help="machine-readable output on stdout")
        out.add_argument("--quiet", "-q", action="store_true", help="print only errors")
        return p

    p = command("solve", "solve a scenario and write the plan's outputs")
    p.add_argument("scenario", help="the scenario YAML file")
    p.add_argument("--out", "-o", help="output folder (default: out/<scenario name>)")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    g = p.add_argument_group("solver")
    g.add_argument("--engine", choices=["auto", "fast", "highs", "cpsat", "greedy"],
                   help="force an engine (default: the scenario's, else chosen by shape)")
    g.add_argument("--time-limit", type=float, help="seconds (default: the scenario's)")
    p.set_defaults(func=cmd_solve)

    p = command("validate", "read and check everything; solve nothing; list every problem")
    p.add_argument("scenario", help="the scenario YAML file")
    p.set_defaults(func=cmd_validate)

    p = command("compare", "solve (or reuse) several scenarios and compare them side by side")
    p.add_argument("scenarios", nargs="+", help="scenario files or previous solve folders")
    p.add_argument("--out", "-o", help="output folder for compare.xlsx and compare.html "
                   "(default: out/compare)")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    p.set_defaults(func=cmd_compare)

    p = command("explain", "why no plan exists, or why a person is (not) placed")
    p.add_argument("scenario", help="the scenario YAML file")
    p.add_argument("--candidate", "-c", help="a candidate_id")
    p.set_defaults(func=cmd_explain)

    p = command("generate", "write a realistic synthetic data set and scenario")
    p.add_argument("--size", choices=["small", "city", "national"], required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--year", type=int, help="the plan's year (default: 2023)")
    p.add_argument("--quotas", choices=["hcmc", "hcmc-small", "kl39-2023", "kl39-2026"],
                   help="quota preset (default: by size and year)")
    p.add_argument("--compress", action="store_true", help="write .csv.gz tables")
    p.add_argument("--out", "-o", required=True, help="output folder")
    p.add_argument("--force", action="store_true", help="replace an existing output folder")
    p.set_defaults(func=cmd_generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (never raises for a user's mistake)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    con = Console(as_json=getattr(args, "json", False), quiet=getattr(args, "quiet", False))
    try:
        return int(args.func(args, con))
    except InputError as exc:
        for issue in exc.issues:
            con.issue(issue)
        con.json({"status": "invalid", "issues": _issues_json(exc.issues)})
        return EXIT_INVALID
    except KeyboardInterrupt:
        con.error("interrupted")
        return 130


def run() -> NoReturn:
    """The ``allocator`` command: :func:`main`, then the process ends at once.

    Tearing the interpreter down (the modules of pandas, OR-Tools, HiGHS, …) takes 0.15–0.2 s,
    as long as writing a small plan's outputs. By then every output file is closed and every
    solver child process has been waited for, so only the standard streams need flushing.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe or stream: end the ordinary way
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
