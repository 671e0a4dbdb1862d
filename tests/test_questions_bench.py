"""The questions benchmark (benchmarks/questions.py): level 1's small MIPs captured from a solve
and re-run under several HiGHS seeds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def _load() -> ModuleType:
    # benchmarks/ is a folder of scripts, not a package: load the file by its path, with its
    # folder importable (it uses bench.py's generated instances).
    sys.path.insert(0, str(REPO / "benchmarks"))
    spec = importlib.util.spec_from_file_location("questions_benchmark",
                                                  REPO / "benchmarks" / "questions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


questions = _load()
SAMPLE = REPO / "scenarios" / "sample.yaml"


def test_it_captures_the_engines_questions_in_order() -> None:
    # The sample's questions and, after the descent, the finder at 92,040, as
    # tests/test_fast_targets.py pins them.
    found = questions.captured_questions(SAMPLE, 60.0, 2)
    targets = [q.job.stop.bound_below for q in found]
    assert targets == [92070, 92060, 92050, 92040, 91990]
    assert all(q.role == "alone" and q.seconds > 0 for q in found)


def test_every_seed_gives_the_same_answers(tmp_path: Path) -> None:
    out = tmp_path / "questions.md"
    status = questions.main([str(SAMPLE), "--highs-seeds", "0", "1", "--min-seconds", "0",
                             "--out", str(out)])
    assert status == 0
    rows = [line for line in out.read_text(encoding="utf-8").splitlines()
            if line.startswith("| sample |")]
    assert len(rows) == 5
    # The optimum is 91,980: no plan reaches any of the five targets, under either seed.
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[5].endswith(" no") and cells[6].endswith(" no"), row


def test_options_are_read_as_numbers_or_words() -> None:
    assert questions._option("mip_heuristic_effort=0") == ("mip_heuristic_effort", 0)
    assert questions._option("mip_rel_gap=0.5") == ("mip_rel_gap", 0.5)
    assert questions._option("mip_detect_symmetry=false") == ("mip_detect_symmetry", False)
    assert questions._option("presolve=off") == ("presolve", "off")


def _levels(status: str, objective: float | None, bound: float | None) -> object:
    from allocator.engines import highs

    out = highs.LevelOutcome(status, None, objective, bound)
    return highs.Levels(out, None, [status], [0.0])


def test_answers_read_the_outcome_against_the_target() -> None:
    assert questions.answer(_levels("feasible", 100.0, 104.0), 100.0) == "yes"
    assert questions.answer(_levels("optimal", 90.0, 90.0), 100.0) == "no"  # best is below
    assert questions.answer(_levels("infeasible", None, None), 100.0) == "no"
    assert questions.answer(_levels("none", None, 99.0), 100.0) == "no"  # stopped: bound below
    assert questions.answer(_levels("none", None, 104.0), 100.0) == "?"  # out of time


def test_seeds_that_disagree_fail_the_command(tmp_path: Path, monkeypatch) -> None:
    answers = iter(["no", "yes"] * 5)
    monkeypatch.setattr(questions, "rerun", lambda *args: (0.1, next(answers)))
    out = tmp_path / "questions.md"
    status = questions.main([str(SAMPLE), "--highs-seeds", "0", "1", "--min-seconds", "0",
                             "--out", str(out)])
    assert status == 1
    assert "answered differently" in out.read_text(encoding="utf-8")


def test_a_raced_question_is_captured_once(monkeypatch) -> None:
    # Every MIP in a child process: a question asked alone runs as a race of two HiGHS seeds
    # (two jobs of one model), and is one question, not two.
    from allocator.engines import highs

    monkeypatch.setattr(highs, "CHILD_COLUMNS", 1)
    found = questions.captured_questions(SAMPLE, 60.0, 2)
    keys = [(q.job.stop.bound_below, q.role) for q in found]
    assert found and len(keys) == len(set(keys)), keys
    assert any(q.role == "alone" for q in found)
