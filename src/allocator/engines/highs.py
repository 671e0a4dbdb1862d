"""HiGHS MIP engine (through ``highspy``): the model's arrays passed in one call, solved in
three lexicographic levels — best score, then least cost at that score, then the tie-break.

Only this module imports ``highspy``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from typing import TYPE_CHECKING

import highspy
import numpy as np

from allocator.engines.aggregate import aggregate
from allocator.engines.forkserver import Child, ForkServer
from allocator.engines.model import INF, LinearModel, build_model
from allocator.engines.sparse import Csr

if TYPE_CHECKING:  # imported in solve(): the child process (highs_child) needs none of them
    from allocator.problem import ProblemData
    from allocator.result import Result

NAME = "highs"


def _tol(value: float) -> float:
    """How close two scores must be to count as equal (HiGHS's values carry rounding errors)."""
    return 1e-9 * (1 + abs(value))

_MS = highspy.HighsModelStatus


@dataclass(frozen=True)
class LevelOutcome:
    status: str  # optimal | feasible | infeasible | none
    values: np.ndarray | None
    objective: float | None
    bound: float | None


@dataclass(frozen=True)
class StopWhen:
    """When a maximising MIP may stop before proving its optimum: once its bound is below
    ``bound_below`` (no plan reaches that score), or once a plan reaches ``plan_reaches`` (a
    plan that good is all the caller needs)."""

    bound_below: float | None = None
    plan_reaches: float | None = None


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner from C++ when created; keep it out of the planner's terminal."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


_threads_in_use: list[int] = []


def _use_threads(threads: int) -> None:
    """HiGHS has one global thread pool, sized by the first run: a later run asking for another
    size fails at once. Reset the pool when the number of threads changes."""
    if _threads_in_use and _threads_in_use[0] != threads:
        highspy.Highs.resetGlobalScheduler(True)
    _threads_in_use[:] = [threads]


#: HiGHS options a caller may set on top of these defaults (``solve_levels(options=…)``).
Options = Mapping[str, bool | int | float]


def _new_highs(model: LinearModel, threads: int, seed: int,
               options: Options | None = None) -> highspy.Highs:
    _use_threads(int(threads))
    with quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("threads", int(threads))
    for name, value in (options or {}).items():
        h.setOptionValue(name, value)
    inf = h.getInfinity()
    lower = np.where(np.isinf(model.col_lower), -inf, model.col_lower)
    upper = np.where(np.isinf(model.col_upper), inf, model.col_upper)
    h.addVars(model.n_cols, lower, upper)
    integer = np.flatnonzero(model.integer).astype(np.int32)
    if len(integer):
        h.changeColsIntegrality(len(integer), integer,
                                np.full(len(integer), highspy.HighsVarType.kInteger))
    n_rows = len(model.row_lower)
    if n_rows:
        rlo = np.where(np.isinf(model.row_lower), -inf, model.row_lower)
        rhi = np.where(np.isinf(model.row_upper), inf, model.row_upper)
        h.addRows(n_rows, rlo, rhi, len(model.index), model.start[:-1].astype(np.int32),
                  model.index.astype(np.int32), model.value)
    return h


# How often a child process reports its progress: the live display, and the work a race
# (:func:`race`) waits on.
_PROGRESS_S = 0.1


class _Sink:
    """Where a running MIP sends what it finds: the live display of this process, or — when
    the MIP runs in a child process (:func:`side_by_side`) — the parent, through a pipe."""

    def __init__(self, conn: Connection | None = None) -> None:
        self.conn = conn
        self.level = 0
        self.work = 0  # the score level's MIP interrupt callbacks so far (see Levels.work)
        self._sent = 0.0
        # From the solved model's columns to the caller's (people merged, see _levels).
        self.expand: Callable[[np.ndarray], np.ndarray] | None = None

    def interrupt(self, best: float, bound: float) -> None:
        """HiGHS's MIP interrupt callback: one unit of work, and the progress so far."""
        if self.level == 0:
            self.work += 1
        self.progress(best, bound)

    def progress(self, best: float, bound: float) -> None:
        """Best plan and bound of the score level (the other levels are other units)."""
        if self.level != 0:
            return
        best_v = float(best) if np.isfinite(best) else None
        bound_v = float(bound) if np.isfinite(bound) else None
        if self.conn is None:
            from allocator.progress import active, report

            if active() is not None:
                report(best=best_v, bound=bound_v)
        elif time.perf_counter() - self._sent > _PROGRESS_S:
            self._sent = time.perf_counter()
            self.conn.send(("progress", best_v, bound_v, self.work))

    def improving(self, values: np.ndarray, objective: float) -> None:
        """A better plan of the current level (only a parent process needs it)."""
        if self.conn is not None:
            if self.expand is not None:
                values = self.expand(values)
            self.conn.send(("improving", self.level, values, objective))


def _watch(h: highspy.Highs, sink: _Sink) -> None:
    """Subscribe ``sink`` to ``h``'s MIP callbacks (once per HiGHS object)."""
    if getattr(h, "_allocator_sink", None) is not None:
        return
    h._allocator_sink = sink  # type: ignore[attr-defined]

    def on_interrupt(event: object) -> None:
        data = event.data_out  # type: ignore[attr-defined]
        sink.interrupt(data.mip_primal_bound, data.mip_dual_bound)

    def on_improving(event: object) -> None:
        data = event.data_out  # type: ignore[attr-defined]
        sink.progress(data.mip_primal_bound, data.mip_dual_bound)
        if sink.conn is not None:
            sink.improving(np.array(data.mip_solution, dtype=float),
                           float(data.objective_function_value))

    h.cbMipInterrupt.subscribe(on_interrupt)
    h.cbMipImprovingSolution.subscribe(on_improving)


def run_until(h: highspy.Highs, deadline: float, stop: StopWhen | None = None) -> None:
    """``h.run()``, asked to stop at ``deadline`` (``time.perf_counter()``) or, for a MIP that
    maximises, as soon as ``stop`` says it may.

    Besides HiGHS's ``time_limit``, every interrupt callback (simplex iterations, IPM, MIP)
    checks the wall clock. Some of HiGHS's root-node heuristics check neither (a city-size root
    node has run 726 s past a 200 s limit, inside ``linesearchRounding``): large MIPs therefore
    run in a child process that is stopped at the deadline (:func:`solve_levels`).
    """
    # HiGHS's time limit counts the object's run time since it was created, over every run.
    h.setOptionValue("time_limit", h.getRunTime() + max(0.01, deadline - time.perf_counter()))
    state = getattr(h, "_allocator_deadline", None)
    if state is None:
        state = {"deadline": deadline, "stop": None}

        def check(event: object) -> None:
            if time.perf_counter() > state["deadline"]:
                event.interrupt()  # type: ignore[attr-defined]

        def check_stop(event: object) -> None:
            when = state["stop"]
            if when is None:
                return
            data = event.data_out  # type: ignore[attr-defined]
            below, reaches = when.bound_below, when.plan_reaches
            # Values a rounding error apart count as equal: a plan that close below the value
            # reaches it, and a bound that close below it has not fallen below it.
            if reaches is not None and data.mip_primal_bound >= reaches - _tol(reaches) or \
                    below is not None and data.mip_dual_bound < below - _tol(below):
                event.interrupt()  # type: ignore[attr-defined]

        for callback in (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt):
            callback.subscribe(check)
        h.cbMipInterrupt.subscribe(check_stop)
        h._allocator_deadline = state  # type: ignore[attr-defined]
    state["deadline"] = deadline
    state["stop"] = stop
    h.run()


def _run_level(h: highspy.Highs, objective: np.ndarray, maximise: bool, deadline: float,
               step: float, start: np.ndarray | None,
               stop: StopWhen | None = None) -> LevelOutcome:
    """One level; ``step``: every plan's objective is a multiple of it (0: not integral);
    ``stop``: see :func:`run_until` (stopped early, the outcome is ``feasible`` or ``none``,
    with the bound at that point)."""
    n = len(objective)
    h.changeColsCost(n, np.arange(n, dtype=np.int32), objective.astype(float))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
    # Integral objectives: a gap below one step proves the bound's floor is reached.
    h.setOptionValue("mip_abs_gap", step * (1.0 - 1e-6) if step else 1e-9)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start)
        sol.value_valid = True
        h.setSolution(sol)
    run_until(h, deadline, stop)
    status = h.getModelStatus()
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value) if has_sol else None
    obj = float(info.objective_function_value) if has_sol else None
    bound = float(info.mip_dual_bound)
    if status == _MS.kOptimal:
        return LevelOutcome("optimal", values, obj, bound if np.isfinite(bound) else obj)
    if status in (_MS.kInfeasible, _MS.kUnboundedOrInfeasible):
        return LevelOutcome("infeasible", None, None, None)
    return LevelOutcome("feasible" if has_sol else "none", values, obj,
                        bound if np.isfinite(bound) else None)


@dataclass(frozen=True)
class Levels:
    """The outcome of the lexicographic levels on one model."""

    first: LevelOutcome  # level 1 (its bound is the proven bound on score − penalties)
    values: np.ndarray | None  # the last level's plan (all columns)
    statuses: list[str]
    seconds: list[float]
    # HiGHS's MIP interrupt callbacks during the score level, once it has ended (None: stopped
    # from outside, or not a MIP): with one thread, the same on every run of the same job.
    work: int | None = None


# Models with at least this many columns are solved in a child process (see run_until).
CHILD_COLUMNS = 20_000
_GRACE_S = 1.0  # how long past the deadline a child may take to stop by itself


def solve_levels(model: LinearModel, time_limit: float, workers: int, seed: int,
                 tie_break: bool = True, start: np.ndarray | None = None,
                 deadline: float | None = None, levels: int = 3,
                 options: Options | None = None, stop: StopWhen | None = None,
                 child: bool | None = None, merged: bool = False) -> Levels:
    """Best score, then least cost at that score, then the tie-break (the first ``levels`` of
    them), on ``model``'s arrays; back by ``deadline`` at the latest. ``options``: HiGHS
    options on top of this module's. ``stop``: when the score's level may stop early (the
    question was only whether a plan reaches a score). ``child``: solve in a child
    process (``None``: from :data:`CHILD_COLUMNS` columns on). ``merged``: solve with the
    model's interchangeable people merged (:mod:`allocator.engines.aggregate`, no ``start``;
    the plans come back in ``model``'s columns)."""
    deadline = deadline if deadline is not None else time.perf_counter() + time_limit
    if not tie_break:
        levels = min(levels, 2)
    job = Job(model, workers, seed, levels, start, options, stop, merged=merged)
    if model.n_cols >= CHILD_COLUMNS if child is None else child:
        return side_by_side([job], deadline, lambda results, works: False)[0]
    return _levels(job, deadline, _Sink())


def _levels(job: Job, deadline: float, sink: _Sink) -> Levels:
    """The job's levels, here; with its people merged when it says so."""
    model, merged = job.model, None
    if job.merged:
        assert job.start is None
        merged = aggregate(model, Csr.of_model(model))
        if merged is not None:
            model, sink.expand = merged.model, merged.expand
    out = _solve(model, job.workers, job.seed, job.start, deadline, job.levels, sink,
                 job.options, job.stop)
    if merged is None:
        return out
    first = out.first
    return replace(out, values=None if out.values is None else merged.expand(out.values),
                   first=first if first.values is None else
                   replace(first, values=merged.expand(first.values)))


def _solve(model: LinearModel, workers: int, seed: int, start: np.ndarray | None,
           deadline: float, levels: int, sink: _Sink, options: Options | None = None,
           stop: StopWhen | None = None) -> Levels:
    t0 = time.perf_counter()
    if model.n_cols == 0:
        # Nothing to choose (HiGHS calls an empty model neither optimal nor infeasible): the
        # empty plan is optimal when every row allows 0, and no plan exists otherwise.
        if np.all(model.row_lower <= 0) and np.all(model.row_upper >= 0):
            empty = LevelOutcome("optimal", np.zeros(0), 0.0, 0.0)
            return Levels(empty, np.zeros(0), ["optimal"], [0.0])
        return Levels(LevelOutcome("infeasible", None, None, None), None, ["infeasible"], [0.0])
    h = _new_highs(model, workers, seed, options)
    _watch(h, sink)
    first = _run_level(h, model.score, True, deadline,
                       model.score_step if model.integral_score else 0, start, stop)
    work = sink.work
    statuses = [first.status]
    seconds = [time.perf_counter() - t0]
    values = first.values
    if levels >= 2 and first.status == "optimal" and values is not None:
        # Level 2: at the best score, spend the least. Level 3: the deterministic tie-break.
        target = float(np.dot(model.score, values))
        floor = model.floor_score(target) if model.integral_score else target - 1e-6
        nz = np.flatnonzero(model.score)
        h.addRow(floor, h.getInfinity(), len(nz), nz.astype(np.int32), model.score[nz])
        sink.level = 1
        second = _run_level(h, model.cost, False, deadline, 1, values)
        statuses.append(second.status)
        seconds.append(time.perf_counter() - t0 - sum(seconds))
        if second.values is not None:
            values = second.values
        if levels >= 3 and second.status == "optimal":
            spend = float(np.dot(model.cost, values))
            nz = np.flatnonzero(model.cost)
            h.addRow(-h.getInfinity(), np.floor(spend + 0.5) + 0.5, len(nz),
                     nz.astype(np.int32), model.cost[nz])
            sink.level = 2
            third = _run_level(h, model.tie, False, deadline, 1, values)
            statuses.append(third.status)
            seconds.append(time.perf_counter() - t0 - sum(seconds))
            if third.values is not None:
                values = third.values
    return Levels(first, values, statuses, [round(x, 3) for x in seconds], work)


def child_main(conn: Connection) -> None:
    """A child process (forked by :mod:`allocator.engines.forkserver`): read the job, solve,
    send improving plans as they come, then the outcome, all on ``conn``."""
    try:
        task, seconds_left = conn.recv()
    except EOFError:  # the parent ended before it sent the job
        return
    result = _levels(task, time.perf_counter() + seconds_left, _Sink(conn))
    try:
        conn.send(("done", result))
    except (BrokenPipeError, ConnectionResetError):  # the parent no longer waits for it
        return
    conn.close()


# The fork server of the MIPs run now (fork_server), innermost last.
_SERVERS: list[ForkServer] = []


@contextmanager
def fork_server() -> Iterator[ForkServer]:
    """The fork server (:mod:`allocator.engines.forkserver`) of the child processes started
    within the block: the enclosing block's, or one started here and closed at the block's
    end. Started before the MIPs are ready (while the caller solves its LP), it has imported
    what they need by then, and each child is a fork of it, ready at once."""
    if _SERVERS:
        yield _SERVERS[-1]
        return
    server = ForkServer.start()
    _SERVERS.append(server)
    try:
        yield server
    finally:
        _SERVERS.remove(server)
        server.close()


@dataclass(frozen=True)
class Job:
    """One MIP: :func:`solve_levels`'s arguments, solved here or sent to a child process."""

    model: LinearModel
    workers: int
    seed: int
    levels: int = 1
    start: np.ndarray | None = None
    options: Options | None = None
    stop: StopWhen | None = None
    merged: bool = False  # solved with its alike people merged (see solve_levels)


@dataclass
class _Running:
    """A job running in a child process: the child, and what it has reported."""

    child: Child
    t0: float
    result: Levels | None = None
    ended: bool = False  # done, dead or stopped: nothing more to read
    best: dict[int, tuple[np.ndarray, float]] = field(default_factory=dict)
    bound: float | None = None
    work: int = 0  # the score level's work so far, as last reported (see Levels.work)

    @classmethod
    def start(cls, server: ForkServer) -> _Running:
        """A child forked by ``server``, waiting for its job (:meth:`send`)."""
        return cls(server.fork(), time.perf_counter())

    @property
    def messages(self) -> Connection:
        return self.child.conn

    def send(self, job: Job, deadline: float) -> None:
        """Hand the child its job, to be done by ``deadline``."""
        try:
            self.child.conn.send((replace(job, options=dict(job.options or {})),
                                  max(0.01, deadline - time.perf_counter())))
        except (BrokenPipeError, OSError):
            self.ended = True  # the child died at once: nothing reported

    def read(self, sink: _Sink | None) -> None:
        """Take one message (there is one waiting, or the child has ended)."""
        try:
            message = self.messages.recv()
        except (EOFError, OSError):
            self.ended = self.child.gone = True  # the child died: what it reported is kept
            return
        if message[0] == "done":
            self.result, self.ended = message[1], True
        elif message[0] == "progress":
            _, best_v, self.bound, self.work = message
            if sink is not None:
                sink.progress(best_v if best_v is not None else np.nan,
                              self.bound if self.bound is not None else np.nan)
        elif message[0] == "improving":
            _, level, values, objective = message
            self.best[level] = (values, objective)

    def end(self) -> None:
        """Kill the child if it still runs, wait for its end, close the socket."""
        self.child.stop()
        self.ended = True

    def outcome(self) -> Levels:
        """The child's result or, stopped (or dead) before the end, the best plans it
        reported."""
        if self.result is not None:
            return self.result
        elapsed = round(time.perf_counter() - self.t0, 3)
        if not self.best:
            return Levels(LevelOutcome("none", None, None, self.bound), None, ["none"],
                          [elapsed])
        first_values, first_obj = self.best.get(0, (None, None))
        last = max(self.best)
        statuses = ["optimal"] * last + ["feasible"]
        first = LevelOutcome("optimal" if last > 0 else "feasible", first_values, first_obj,
                             first_obj if last > 0 else self.bound)
        return Levels(first, self.best[last][0], statuses, [elapsed])


#: Whether the jobs still running may be stopped, given the results so far (``None``: not
#: finished yet) and each job's work so far (:attr:`Levels.work`, as last reported; infinite
#: for a job that ended without a result).
Settled = Callable[[list["Levels | None"], list[float]], bool]


def side_by_side(jobs: list[Job], deadline: float, settled: Settled) -> list[Levels]:
    """The jobs in child processes at once, each stopped at ``deadline`` (plus a second's
    grace) if HiGHS has not stopped by itself, and all of them as soon as ``settled`` says the
    results so far are enough. A job stopped early gives the best plans it reported. The live
    display follows the first job."""
    running: list[_Running] = []
    sink = _Sink()
    with fork_server() as server:
        try:
            running.extend(_Running.start(server) for _ in jobs)
            for r, job in zip(running, jobs, strict=True):
                r.send(job, deadline)
            while not all(r.ended for r in running):
                works = [_work_so_far(r) for r in running]
                if settled([r.result for r in running], works):
                    break
                wait = deadline + _GRACE_S - time.perf_counter()
                if wait <= 0:
                    break
                live = [r for r in running if not r.ended]
                ready = wait_for([r.messages for r in live], timeout=min(wait, 0.5))
                for r in live:
                    if r.messages in ready:  # a message, or the end of a child that died
                        r.read(sink if r is running[0] else None)
        finally:
            for r in running:
                r.end()
    return [r.outcome() for r in running]


def _work_so_far(r: _Running) -> float:
    if r.result is not None and r.result.work is not None:
        return float(r.result.work)
    return np.inf if r.ended else float(r.work)


# The work (MIP interrupt callbacks) within which a race's first job wins outright (:func:`race`).
# Most of level 1's questions end at or near the root, where the seeds hardly differ and
# callbacks are rare (generated city seed 6's last question: 4 in 5.7 s): waiting there for a
# rival to do more work only cost time (seed 3's first question, 71 callbacks: 1.8 → 2.2 s;
# `hcmc-2023`'s finder, 36: 1.0 → 2.1 s). Past it, searching the tree at some 300-500 a second,
# the seeds part ways (seed 8's first question: 225 callbacks with seed 1, 4,543 with seed 0).
RACE_HEAD_START = 100


def _key(job: int, work: float) -> float:
    """What a race compares: the work, except the first job's within the head start."""
    return -np.inf if job == 0 and work <= RACE_HEAD_START else work


def _winner(results: list[Levels | None], works: list[float]) -> int | None:
    """The race's winner once it is sure: of the jobs that have ended, the one of least
    :func:`_key` (ties: the first), when no job still running can end with less (a running
    job's key can only grow from its key so far). None while it may still change."""
    keys = [_key(i, w) for i, w in enumerate(works)]
    done = [(keys[i], i) for i, r in enumerate(results) if r is not None and r.work is not None]
    if not done:
        return None
    best = min(done)
    if all(results[j] is not None or (keys[j], j) > best for j in range(len(results))):
        return best[1]
    return None


def race(jobs: list[Job], deadline: float) -> Levels:
    """The same MIP under different HiGHS seeds, one child process each (one thread each):
    the first job's outcome when it ends within :data:`RACE_HEAD_START` units of work, else
    the outcome of the job that needs the least work to end (ties: the first). Work is
    counted in HiGHS's MIP interrupt callbacks (:attr:`Levels.work`).

    Neither the work nor the rule depends on the machine or on which job ends first in time,
    so neither does the outcome: after a job ends, the race waits until every other job has
    ended or done more work. HiGHS's time on one of level 1's questions swings many times over
    with its seed (generated city seed 8's first question: 0.55-12.8 s over seeds 0-3, one
    thread; ``benchmarks/questions.py``), so past the head start the race takes about the
    fastest of them. At the deadline, undecided, it keeps the ended job of least work, else the
    best plan found with the least bound of them all.
    """
    decided: list[int] = []

    def settled(results: list[Levels | None], works: list[float]) -> bool:
        winner = _winner(results, works)
        if winner is not None:
            decided.append(winner)
        return winner is not None

    outs = side_by_side(jobs, deadline, settled)
    if decided:
        return outs[decided[-1]]
    ended = [(_key(i, o.work), i) for i, o in enumerate(outs) if o.work is not None]
    if ended:
        return outs[min(ended)[1]]  # every job has ended, or the deadline came
    return _pooled(outs)


def _pooled(outs: list[Levels]) -> Levels:
    """Unfinished runs of one MIP: the best plan of them (ties: the first), with the least of
    their bounds (each bounds every plan of the MIP)."""
    found = [-np.inf if o.first.objective is None else o.first.objective for o in outs]
    best = min(range(len(outs)), key=lambda i: (-found[i], i))
    bounds = [o.first.bound for o in outs if o.first.bound is not None]
    first = outs[best].first
    return replace(outs[best], first=replace(first, bound=min(bounds) if bounds else first.bound))


def solve(problem: ProblemData, time_limit: float, workers: int, seed: int,
          tie_break: bool = True, model: LinearModel | None = None) -> Result:
    """Solve ``problem`` with HiGHS; the plan's figures are recomputed by the Solution."""
    from allocator.result import Result, Status, relative_gap
    from allocator.solution import Solution

    t0 = time.perf_counter()
    model = model or build_model(problem)
    build_s = time.perf_counter() - t0
    out = solve_levels(model, time_limit, workers, seed, tie_break, deadline=t0 + time_limit)
    first = out.first
    stats: dict[str, object] = {"build_s": round(build_s, 3), "levels": out.statuses,
                                 "level_s": out.seconds}
    if first.status == "infeasible":
        return Result(Status.INFEASIBLE, NAME, time.perf_counter() - t0,
                      message="no plan satisfies every constraint", stats=stats)
    if out.values is None:
        return Result(Status.NO_SOLUTION, NAME, time.perf_counter() - t0, bound=first.bound,
                      message="no plan found within the time limit", stats=stats)
    solution = Solution(problem, model.x_of(out.values))
    objective = solution.objective
    bound = first.bound
    if bound is not None:
        bound = model.floor_score(bound)  # every plan's objective is a multiple of a step
    status = Status.OPTIMAL if first.status == "optimal" else Status.FEASIBLE
    cheapest = status is Status.OPTIMAL and out.statuses[1:2] == ["optimal"]
    return Result(status, NAME, time.perf_counter() - t0, objective=objective, bound=bound,
                  gap=relative_gap(objective, bound), cost=solution.cost,
                  cost_floor=solution.cost if cheapest else None, solution=solution,
                  stats=stats)


__all__ = ["solve", "solve_levels", "side_by_side", "race", "run_until", "Job", "Levels",
           "LevelOutcome", "StopWhen", "NAME", "INF"]
