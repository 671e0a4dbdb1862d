"""The output folder of ``allocator solve``: what it holds, that it is safe, whole and repeatable.

The tiny plan used here (and by test_workbook, test_report, test_manifest, test_browser) is
solvable by hand. Five candidates, two programmes in health, 2024:

    P1  domestic course        capacity 2   1,000,000 VND a person
    P2  overseas short_term    capacity 1  50,000,000 VND a person (Japan, starts 2024-09-01)

    A  Nguyễn Thị Lan                          Sở Y tế                F  priority 4, prefers P2
    B  =HYPERLINK("http://example.com","x")    Sở Nội vụ              M  priority 3, prefers P1
    C  +1                                      Sở Y tế                M  priority 2, prefers P1
    D  -2                                      Sở Nội vụ              F  priority 1
    E  @SUM(1+1)                               Sở Giao thông Vận tải  M  field transport

Scores are 100 × priority, plus 30 for a first preference: A-P2 430, A-P1 400, B-P1 330,
B-P2 300, C-P1 230, C-P2 200, D 100 either. E's field fits no programme: eligible for nothing.
Three places: the optimum places A in P2, B and C in P1 (score 990); D is eligible but not chosen.
The soft quota ``domestic-floor`` (at least 3 domestic places, penalty 10 a place) cannot be met
with 2 domestic places: broken by 1, penalty 10, so the objective is 990 − 10 = 980. Cost:
2 × 1,000,000 + 50,000,000 = 52,000,000 VND of a 60,000,000 total budget (8,000,000 left).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from conftest import CANDIDATE_DEFAULTS, PROGRAM_DEFAULTS, write_table
from rich.console import Console as RichConsole

from allocator import export
from allocator.cli import main
from allocator.export import OutputExists, neutralise, write_outputs
from allocator.progress import Progress, report
from allocator.result import Result, Status, objective_note
from allocator.run import run_solve

HOSTILE = {"B": '=HYPERLINK("http://example.com","x")', "C": "+1", "D": "-2", "E": "@SUM(1+1)"}
CANDIDATES = [
    {"candidate_id": "A", "full_name": "Nguyễn Thị Lan", "agency": "Sở Y tế", "gender": "F",
     "priority": 4, "preferences": "P2"},
    {"candidate_id": "B", "full_name": HOSTILE["B"], "agency": "Sở Nội vụ", "priority": 3,
     "preferences": "P1"},
    {"candidate_id": "C", "full_name": HOSTILE["C"], "agency": "Sở Y tế", "priority": 2,
     "preferences": "P1"},
    {"candidate_id": "D", "full_name": HOSTILE["D"], "agency": "Sở Nội vụ", "gender": "F",
     "priority": 1},
    {"candidate_id": "E", "full_name": HOSTILE["E"], "agency": "Sở Giao thông Vận tải",
     "field": "transport"},
]
PROGRAMS = [
    {"program_id": "P1", "title": "Khoá quản lý y tế", "capacity": 2,
     "cost_per_person": 1_000_000},
    {"program_id": "P2", "title": "Học tập kinh nghiệm tại Nhật Bản", "mode": "overseas",
     "type": "short_term", "capacity": 1, "cost_per_person": 50_000_000, "country": "Nhật Bản",
     "start_date": "2024-09-01", "duration_days": 14},
]
SCENARIO = {
    "name": "tiny-2024",
    "description": "Kế hoạch thử nghiệm",
    "data": {"candidates": "candidates.csv", "programs": "programs.csv"},
    "years": [2024],
    "quotas": [
        {"name": "domestic-floor", "select": {"mode": "domestic"}, "min": 3, "soft": True,
         "penalty": 10},
        {"name": "women-abroad", "select": {"mode": "overseas"},
         "min_share": {"share": 0.5, "of": {"gender": "F"}}},
    ],
    "budget": {"total": 60_000_000},
    "solver": {"time_limit": 30},
}
FILES = ["assignments.csv", "assignments.xlsx", "manifest.json", "report.html", "reserve.csv",
         "summary.json"]


def write_tiny_scenario(folder: Path, **changes: object) -> Path:
    """The tiny scenario of this module's docstring, in ``folder`` (``changes`` to the YAML)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_table(folder / "candidates.csv", CANDIDATES, CANDIDATE_DEFAULTS, "candidate_id")
    write_table(folder / "programs.csv", PROGRAMS, PROGRAM_DEFAULTS, "program_id")
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump({**SCENARIO, **changes}, allow_unicode=True,
                                   sort_keys=False), encoding="utf-8")
    return path


@cache
def _tiny_plan(root: Path) -> SimpleNamespace:
    path = write_tiny_scenario(root / "scenario")
    outcome = run_solve(path, root / "out")
    return SimpleNamespace(path=path, problem=outcome.problem, result=outcome.result,
                           out=outcome.out)


@pytest.fixture
def tiny_plan(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The tiny plan solved once and written once for the whole test session (read only)."""
    return _tiny_plan(tmp_path_factory.getbasetemp() / "tiny-plan")


@pytest.fixture
def core_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Only assignments.csv and summary.json (for tests about the folder, not the files)."""
    monkeypatch.setattr(export, "WRITERS", [export.write_core])
    return ["assignments.csv", "summary.json"]


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------------------------
# The plan itself (the hand-worked optimum above).
# --------------------------------------------------------------------------------------------


def test_the_tiny_plan_is_the_hand_worked_optimum(tiny_plan):
    r = tiny_plan.result
    assert r.status is Status.OPTIMAL
    assert r.objective == 980
    assert r.cost == 52_000_000
    placed = r.solution.assignments()[["candidate_id", "program_id"]].values.tolist()
    assert placed == [["A", "P2"], ["B", "P1"], ["C", "P1"]]


def test_a_plan_folder_holds_the_six_outputs_and_nothing_else(tiny_plan):
    assert sorted(p.name for p in tiny_plan.out.iterdir()) == FILES
    assert not [p for p in tiny_plan.out.parent.iterdir() if p.name.startswith(".")]


# --------------------------------------------------------------------------------------------
# assignments.csv
# --------------------------------------------------------------------------------------------


def test_the_csv_has_a_bom_and_vietnamese_diacritics_intact(tiny_plan):
    raw = (tiny_plan.out / "assignments.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Nguyễn Thị Lan" in raw.decode("utf-8-sig")
    assert b"\r\n" not in raw


def test_the_csv_has_one_row_per_placement_ids_first(tiny_plan):
    rows = read_csv_rows(tiny_plan.out / "assignments.csv")
    assert list(rows[0])[:2] == ["candidate_id", "program_id"]
    assert [(r["candidate_id"], r["program_id"], r["cost"]) for r in rows] == [
        ("A", "P2", "50000000"), ("B", "P1", "1000000"), ("C", "P1", "1000000")]
    assert rows[0]["start_date"] == "2024-09-01"
    assert rows[0]["program_title"] == "Học tập kinh nghiệm tại Nhật Bản"


def test_hostile_names_are_written_as_text_in_the_csv(tiny_plan):
    rows = {r["candidate_id"]: r for r in read_csv_rows(tiny_plan.out / "assignments.csv")}
    assert rows["B"]["full_name"] == "'" + HOSTILE["B"]
    assert rows["C"]["full_name"] == "'+1"
    assert rows["A"]["full_name"] == "Nguyễn Thị Lan"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Sở Y tế", "a=b", "", 5, None, "1-2"])
def test_ordinary_cells_are_left_alone(value):
    assert neutralise(value) == value


def test_text_columns_of_pandas_string_dtype_are_neutralised_too():
    import pandas as pd

    frame = pd.DataFrame({"name": pd.array(["=1+1", "Lan"], dtype="string")})
    assert export.csv_ready(frame)["name"].tolist() == ["'=1+1", "Lan"]


# --------------------------------------------------------------------------------------------
# summary.json
# --------------------------------------------------------------------------------------------


def test_summary_has_the_solve_figures_and_every_kpi(tiny_plan):
    s = json.loads((tiny_plan.out / "summary.json").read_text(encoding="utf-8"))
    assert (s["status"], s["objective"], s["cost"], s["bound"], s["gap"]) == (
        "optimal", 980, 52_000_000, 980.0, 0.0)
    assert s["engine"] and s["runtime_s"] >= 0
    places = s["kpis"]["places"]
    assert places["total"] == 3
    assert places["by_mode"] == {"domestic": 2, "overseas": 1}
    assert places["by_type"] == {"course": 2, "short_term": 1}
    assert places["by_agency"] == {"Sở Nội vụ": 1, "Sở Y tế": 2}
    assert places["by_gender"] == {"F": 1, "M": 2}
    assert places["by_year"] == {"2024": 3}
    assert places["by_position_level"] == {"specialist": 3}
    assert s["women_share"] == pytest.approx(1 / 3)
    assert s["not_placed"] == {"total": 2, "eligible_for_nothing": 1, "eligible_not_chosen": 1}
    assert s["breakdown"]["by_mode"]["overseas"] == {
        "places": 1, "persons": 1, "women": 1, "cost_per_person": 50_000_000, "fixed_cost": 0,
        "cost": 50_000_000}
    assert s["breakdown"]["by_agency"]["Sở Y tế"]["cost"] == 51_000_000


def test_summary_has_quota_use_and_cost_by_envelope(tiny_plan):
    s = json.loads((tiny_plan.out / "summary.json").read_text(encoding="utf-8"))
    floor = next(q for q in s["quotas"] if q["name"] == "domestic-floor")
    assert (floor["places"], floor["min"], floor["broken_by"], floor["penalty"]) == (
        2, 3, 1.0, 10.0)
    women = next(q for q in s["quotas"] if q["name"] == "women-abroad")
    assert (women["places"], women["of_places"], women["achieved_share"]) == (1, 1, 1.0)
    assert s["budget"] == [{"envelope": "total", "cap": 60_000_000, "spent": 52_000_000,
                            "left": 8_000_000}]


# --------------------------------------------------------------------------------------------
# A folder whole or not at all; --force.
# --------------------------------------------------------------------------------------------


def test_an_existing_folder_is_refused_without_force_and_replaced_with_it(tiny_plan, tmp_path,
                                                                          core_only):
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(OutputExists, match="--force"):
        write_outputs(target, tiny_plan.problem, tiny_plan.result)
    assert (target / "old.txt").exists()
    write_outputs(target, tiny_plan.problem, tiny_plan.result, force=True)
    assert sorted(p.name for p in target.iterdir()) == core_only


def test_a_writer_that_fails_leaves_no_folder_and_the_old_one_untouched(tiny_plan, tmp_path,
                                                                         monkeypatch):
    def broken(folder, problem, result, params):
        (folder / "half.txt").write_text("half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "WRITERS", [export.write_core, broken])
    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs(tmp_path / "new", tiny_plan.problem, tiny_plan.result)
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old"
    old.mkdir()
    (old / "keep.txt").write_text("keep")
    with pytest.raises(RuntimeError):
        write_outputs(old, tiny_plan.problem, tiny_plan.result, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["old"]
    assert (old / "keep.txt").read_text() == "keep"


def test_without_a_plan_only_summary_json_is_written(tiny_plan, tmp_path):
    none = Result(Status.INFEASIBLE, "highs", 0.1, message="no plan satisfies every constraint")
    write_outputs(tmp_path / "out", tiny_plan.problem, none)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["summary.json"]
    s = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert s["status"] == "infeasible"
    assert s["message"] == "no plan satisfies every constraint"


# --------------------------------------------------------------------------------------------
# Deterministic outputs.
# --------------------------------------------------------------------------------------------


@cache
def _solved_by_the_cli(root: Path, scenario: Path) -> SimpleNamespace:
    out = root / "plan"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["solve", str(scenario), "--out", str(out)])
    return SimpleNamespace(code=code, out=out, stdout=stdout.getvalue())


@pytest.fixture
def cli_solved(tiny_plan, tmp_path_factory) -> SimpleNamespace:
    """The tiny scenario solved again, from the command line, once for the session."""
    return _solved_by_the_cli(tmp_path_factory.getbasetemp() / "tiny-cli", tiny_plan.path)


def test_solving_again_gives_the_same_files_but_the_runtime(tiny_plan, cli_solved):
    assert cli_solved.code == 0
    for name in ("assignments.csv", "assignments.xlsx", "report.html", "manifest.json"):
        assert (cli_solved.out / name).read_bytes() == (tiny_plan.out / name).read_bytes(), name
    first, second = (json.loads((d / "summary.json").read_text(encoding="utf-8"))
                     for d in (tiny_plan.out, cli_solved.out))
    first.pop("runtime_s")
    second.pop("runtime_s")
    assert first == second


# --------------------------------------------------------------------------------------------
# The command line and the terminal.
# --------------------------------------------------------------------------------------------


def test_solve_writes_the_folder_and_prints_an_aligned_summary(cli_solved):
    assert sorted(p.name for p in cli_solved.out.iterdir()) == FILES
    printed = cli_solved.stdout.splitlines()
    labels = {line[:11].strip(): line[11:] for line in printed if line.strip()}
    assert labels["status"].startswith("optimal")
    assert labels["objective"].startswith("980")
    assert labels["cost"] == "52,000,000 VND  (proven the least of any plan with this objective)"
    assert labels["budget"] == "total: 52,000,000 of 60,000,000 (86.7%)"
    assert labels["broken"] == "domestic-floor by 1 (penalty 10)"
    assert labels["written"] == str(cli_solved.out)


def test_a_plan_not_proven_best_says_how_much_better_one_may_be():
    # City seed 2 at its 60 s limit: 3,711,840 with the proven bound 3,711,930.
    assert objective_note(Status.FEASIBLE, 3_711_840, 3_711_930.0) == (
        "not proven the best: a plan may score up to 90 more; a longer time limit "
        "(--time-limit) may find it or prove this one the best")
    assert objective_note(Status.FEASIBLE, 100, None) == \
        "no bound: how far this plan is from the best one is not known"
    assert objective_note(Status.FEASIBLE, 100, 100.0).startswith("the objective is the best")
    assert objective_note(Status.OPTIMAL, 100, 100.0) == ""


def test_a_greedy_plan_says_its_distance_to_the_best_is_unknown(tiny_plan, tmp_path, capsys):
    out = tmp_path / "plan"
    assert main(["solve", str(tiny_plan.path), "--out", str(out), "--engine", "greedy"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "status feasible" in printed
    assert "no bound: how far this plan is from the best one is not known" in printed


def test_solve_refuses_an_existing_folder_with_exit_2_and_keeps_it(tiny_plan, tmp_path,
                                                                    capsys):
    out = tmp_path / "plan"
    out.mkdir()
    assert main(["solve", str(tiny_plan.path), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_solve_json_prints_the_summary_only(tiny_plan, tmp_path, capsys, core_only):
    out = tmp_path / "plan"
    assert main(["solve", str(tiny_plan.path), "--out", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert (data["status"], data["objective"], data["out"]) == ("optimal", 980, str(out))
    assert captured.err == ""


def test_the_command_flushes_its_output_and_exit_code_before_it_ends_at_once(tiny_plan,
                                                                             tmp_path):
    # ``allocator`` (cli.run) skips the interpreter's teardown: what it printed and wrote must
    # be whole, and its exit code the one main() returned.
    out = tmp_path / "plan"
    command = [sys.executable, "-m", "allocator.cli", "solve", str(tiny_plan.path), "--out",
               str(out), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["objective"] == 980
    assert sorted(f.name for f in out.iterdir()) == FILES
    again = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2  # the folder exists and --force is missing
    assert "exists" in json.loads(again.stdout)["error"]


def test_solve_quiet_prints_nothing(tiny_plan, tmp_path, capsys, core_only):
    assert main(["solve", str(tiny_plan.path), "--out", str(tmp_path / "q"), "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_help_shows_examples_for_solve_and_compare(capsys):
    for command in ("solve", "compare"):
        assert main([command, "--help"]) == 0
        text = capsys.readouterr().out
        assert "examples:" in text and f"allocator {command} " in text


def test_progress_shows_the_phase_and_figures_on_a_terminal():
    buffer = io.StringIO()
    console = RichConsole(file=buffer, force_terminal=True, width=100)
    with Progress(console) as progress:
        progress.phase("solving level 1/3")
        report(best=84_030, bound=84_112)
        assert progress.line().startswith("solving level 1/3 · ")
        assert "best 84,030 · bound 84,112 · gap 0.10%" in progress.line()
        progress._live.refresh()  # type: ignore[union-attr]
    assert "solving level 1/3" in buffer.getvalue()


def test_progress_writes_nothing_in_a_pipe():
    buffer = io.StringIO()
    with Progress(RichConsole(file=buffer, force_terminal=False)) as progress:
        progress.phase("solving")
        report(best=1, bound=2)
    assert buffer.getvalue() == ""
    report(best=3)  # no active display: nothing happens

