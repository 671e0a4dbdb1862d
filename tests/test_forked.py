"""Work in a forked child process: it runs elsewhere, its errors reach the parent, it never
outlives a failed write, and the outputs are the same bytes as when written in line."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from test_export import tiny_plan  # noqa: F401  (the shared, solved-once fixture)

from allocator import export
from allocator.export import write_outputs
from allocator.forked import Forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


class DiskFull(Exception):
    pass


def test_the_work_runs_in_another_process_and_join_waits_for_it(tmp_path):
    mark = tmp_path / "pid"

    def work() -> None:
        time.sleep(0.2)
        mark.write_text(str(os.getpid()))

    with Forked(work, "writing the pid"):
        assert not mark.exists()  # still sleeping in the child
    assert int(mark.read_text()) != os.getpid()


def test_the_childs_error_is_raised_in_the_parent_with_its_traceback_as_a_note():
    def work() -> None:
        raise DiskFull("no space left on /out")

    child = Forked(work, "writing the workbook")
    with pytest.raises(DiskFull, match="no space left on /out") as caught:
        child.join()
    assert "(in the child process that was writing the workbook)" in caught.value.__notes__[0]
    assert "raise DiskFull" in caught.value.__notes__[0]


def test_a_child_that_dies_is_reported_by_its_signal():
    child = Forked(lambda: os.kill(os.getpid(), signal.SIGKILL), "writing the workbook")
    with pytest.raises(RuntimeError, match="writing the workbook ended with signal 9"):
        child.join()


def test_leaving_the_block_by_an_error_kills_the_child(tmp_path):
    mark = tmp_path / "late"

    def work() -> None:
        time.sleep(5)
        mark.write_text("too late")

    t0 = time.perf_counter()
    with pytest.raises(DiskFull), Forked(work, "sleeping"):
        raise DiskFull("the parent's own error")
    assert time.perf_counter() - t0 < 2
    time.sleep(0.1)
    assert not mark.exists()


def test_a_writer_failing_in_the_child_leaves_no_folder(tiny_plan, tmp_path,  # noqa: F811
                                                        monkeypatch):
    def broken(folder, problem, result, params):
        (folder / "half.xlsx").write_text("half")
        raise DiskFull("disk full while writing the workbook")

    plan = tiny_plan
    monkeypatch.setattr(export, "WRITERS", [broken, export.write_report, export.write_manifest])
    monkeypatch.setattr(export, "BESIDE", frozenset({broken}))
    with pytest.raises(DiskFull, match="disk full"):
        write_outputs(tmp_path / "new", plan.problem, plan.result)
    assert list(tmp_path.iterdir()) == []


def test_the_outputs_are_the_same_bytes_written_in_a_child_or_in_line(tiny_plan,  # noqa: F811
                                                                      tmp_path,
                                                                      monkeypatch):
    plan = tiny_plan
    write_outputs(tmp_path / "forked", plan.problem, plan.result)
    monkeypatch.setattr(export, "BESIDE", frozenset())
    write_outputs(tmp_path / "inline", plan.problem, plan.result)
    names = sorted(p.name for p in (tmp_path / "forked").iterdir())
    assert "assignments.xlsx" in names
    assert names == sorted(p.name for p in (tmp_path / "inline").iterdir())
    for name in names:
        assert (tmp_path / "forked" / name).read_bytes() == \
            (tmp_path / "inline" / name).read_bytes(), name


def test_without_fork_the_work_runs_at_once_in_the_caller(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "fork")
    mark = tmp_path / "pid"
    child = Forked(lambda: mark.write_text(str(os.getpid())), "writing the pid")
    assert int(mark.read_text()) == os.getpid()
    child.join()


def test_what_the_child_writes_to_stderr_reaches_it(capfd):
    # The child writes through fresh streams (the inherited ones may hold a thread's lock);
    # they are line-buffered, so its last words are not lost when it ends with os._exit.
    with Forked(lambda: print("a warning from the child", file=sys.stderr), "warning"):
        pass
    assert "a warning from the child" in capfd.readouterr().err
