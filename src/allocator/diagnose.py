"""Why no plan exists: a small set of the scenario's own constraints that cannot hold together,
and how far each must move for a plan to exist — both found by solving.

The constraints are taken as the planner wrote them (:class:`Unit`): a quota (or one ``per``
group of it), a budget envelope, a per-person rule, the forced pairs of ``pairs.csv``, a
``must_train`` person, a programme's capacity or minimum size.

:func:`diagnose` runs a *deletion filter*: starting from every unit, it drops one unit (or a
chunk of them) at a time and keeps it dropped when the rest is still infeasible. What remains is
minimal — dropping any one member makes the rest feasible — and each member is then verified by
solving once more without it. Coarse units (a whole quota, all capacities, all forced pairs) are
filtered first and then refined into their parts (the quota's groups, the programmes, the
pairs), so a scenario with thousands of forced pairs takes a few dozen solves, not thousands.

Repairs move one member at a time in the whole scenario: a count or a budget row is made
elastic (soft, penalty 1, every other objective zero) and the least violation is read from the
plan; a share is lowered or raised by bisection; integer settings (capacity, min_size, per-person
limits, ``max_programs_per_candidate``) by binary search. Every repair is verified by solving the
scenario with the moved value.

All solves use the HiGHS engine on variants built with :meth:`ProblemData.replace`, with every
objective zero (a pure feasibility question) and short time limits: meant for the small and
medium scenarios where a planner asks "why"; a solve that runs out of time counts as "unknown"
and makes the diagnosis say it is unverified.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from allocator.problem import ProblemData, Row
from allocator.result import Result, Status

MAX_LISTED_MEMBERS = 8  # a refined group with more members is shown as one (e.g. 23 capacities)
SHARE_STEP = 0.001  # shares are repaired to this precision


# --------------------------------------------------------------------------------------------
# Constraint units, as the planner wrote them.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One of the scenario's constraints (or a group of them) that the filter may drop.

    ``kind``: ``quota``, ``budget``, ``rule``, ``forced``, ``must_train``, ``capacity``,
    ``min_size``. ``name``: the quota or envelope name, the rule key, or the kind. ``group``:
    the ``per`` group, a candidate, a programme or a pair; empty for the whole of ``name``.
    """

    kind: str
    name: str
    group: str = ""
    rows: tuple[int, ...] = ()  # problem.rows indices
    pairs: tuple[int, ...] = ()  # forced pairs
    cands: tuple[int, ...] = ()  # must_train persons
    progs: tuple[int, ...] = ()  # capacity / min_size programmes

    @property
    def label(self) -> str:
        """``agency-cap [agency=Sở Y tế]``, ``capacity of OS-07``, ``must_train HCM000123``."""
        if self.group.startswith("("):  # a merged group: ``capacity (23 programmes)``
            return f"{self.name} {self.group}"
        if self.kind in ("quota", "budget", "rule"):
            return self.name + (f" [{self.group}]" if self.group else "")
        return f"{self.name} {self.group}".strip()

    def size(self) -> int:
        return max(len(self.rows), len(self.pairs), len(self.cands), len(self.progs), 1)


def _coarse_units(problem: ProblemData) -> list[Unit]:
    """Every droppable constraint, coarse, in the order the filter tries to drop them.

    Physical and per-person settings come first, the planner's quotas and envelopes last: the
    filter drops what it can in order, so the set it keeps leans on what a planner controls.
    """
    units: list[Unit] = []
    p = problem
    n_p = p.n_programs
    per_prog = np.bincount(p.pair_p, minlength=n_p)
    cap_binds = np.flatnonzero(per_prog > p.capacity)
    if len(cap_binds):
        units.append(Unit("capacity", "capacity", "", progs=tuple(int(i) for i in cap_binds)))
    sized = np.flatnonzero(p.min_size > 0)
    if len(sized):
        units.append(Unit("min_size", "min_size", "", progs=tuple(int(i) for i in sized)))
    per_cand = np.bincount(p.pair_c, minlength=p.n_candidates)
    if (per_cand > p.max_per_candidate).any():
        units.append(Unit("rule", "max_programs_per_candidate"))
    for rule in dict.fromkeys(lim.rule for lim in p.limits):
        units.append(Unit("rule", rule))
    if p.exclusive is not None and len(p.exclusive.conflicts):
        units.append(Unit("rule", "no_consecutive_overseas_years"))
    forced = np.flatnonzero(p.forced)
    if len(forced):
        units.append(Unit("forced", "forced pairs", "", pairs=tuple(int(k) for k in forced)))
    must = np.flatnonzero(p.must_train)
    if len(must):
        units.append(Unit("must_train", "must_train", "", cands=tuple(int(c) for c in must)))
    for r, row in enumerate(p.rows):
        if row.family == "budget" and not row.soft:
            units.append(Unit("budget", row.name, "", rows=(r,)))
    by_quota: dict[str, list[int]] = {}
    for r, row in enumerate(p.rows):
        if row.family == "quota" and not row.soft:
            by_quota.setdefault(row.name, []).append(r)
    for name, rows in by_quota.items():
        groups = {p.rows[r].group for r in rows}
        group = next(iter(groups)) if len(groups) == 1 else ""
        units.append(Unit("quota", name, group, rows=tuple(rows)))
    return units


def _refine(problem: ProblemData, unit: Unit) -> list[Unit]:
    """The parts of a coarse unit (itself when it has none)."""
    p = problem
    cids = p.candidates["candidate_id"].to_numpy()
    pids = p.programs["program_id"].to_numpy()
    if unit.kind == "quota":
        groups: dict[str, list[int]] = {}
        for r in unit.rows:
            groups.setdefault(p.rows[r].group, []).append(r)
        if len(groups) == 1:
            return [unit]
        return [Unit("quota", unit.name, g, rows=tuple(rs)) for g, rs in groups.items()]
    if unit.kind == "forced" and len(unit.pairs) > 1:
        return [Unit("forced", "forced pair", f"({cids[p.pair_c[k]]}, {pids[p.pair_p[k]]})",
                     pairs=(k,)) for k in unit.pairs]
    if unit.kind == "must_train" and len(unit.cands) > 1:
        return [Unit("must_train", "must_train", str(cids[c]), cands=(c,)) for c in unit.cands]
    if unit.kind in ("capacity", "min_size") and len(unit.progs) > 1:
        return [Unit(unit.kind, f"{unit.kind} of", str(pids[i]), progs=(i,))
                for i in unit.progs]
    if unit.kind in ("capacity", "min_size") and len(unit.progs) == 1 and not unit.group:
        return [Unit(unit.kind, f"{unit.kind} of", str(pids[unit.progs[0]]), progs=unit.progs)]
    if unit.kind == "forced" and len(unit.pairs) == 1 and not unit.group:
        k = unit.pairs[0]
        return [Unit("forced", "forced pair", f"({cids[p.pair_c[k]]}, {pids[p.pair_p[k]]})",
                     pairs=(k,))]
    if unit.kind == "must_train" and len(unit.cands) == 1 and not unit.group:
        return [Unit("must_train", "must_train", str(cids[unit.cands[0]]), cands=unit.cands)]
    return [unit]


def _merge(units: Sequence[Unit], coarse: Unit) -> Unit:
    """Many refined parts of one coarse unit shown as one member (e.g. 23 capacities)."""
    return Unit(coarse.kind, coarse.name, f"({len(units)} {_parts_word(coarse)})",
                rows=tuple(r for u in units for r in u.rows),
                pairs=tuple(k for u in units for k in u.pairs),
                cands=tuple(c for u in units for c in u.cands),
                progs=tuple(i for u in units for i in u.progs))


def _parts_word(unit: Unit) -> str:
    return {"quota": "groups", "forced": "pairs", "must_train": "people",
            "capacity": "programmes", "min_size": "programmes"}.get(unit.kind, "parts")


# --------------------------------------------------------------------------------------------
# Variants: dropping and moving units.
# --------------------------------------------------------------------------------------------


def drop(problem: ProblemData, units: Sequence[Unit]) -> ProblemData:
    """The problem without the given units (the original left untouched)."""
    p = problem
    rows_out: set[int] = set()
    forced = p.forced.copy()
    must = p.must_train.copy()
    capacity = p.capacity.copy()
    min_size = p.min_size.copy()
    max_per = p.max_per_candidate
    limits = p.limits
    exclusive = p.exclusive
    big = np.bincount(p.pair_p, minlength=p.n_programs).astype(np.int64)
    for u in units:
        rows_out.update(u.rows)
        forced[list(u.pairs)] = False
        must[list(u.cands)] = False
        if u.kind == "capacity":
            idx = list(u.progs)
            capacity[idx] = np.maximum(capacity[idx], big[idx])
        elif u.kind == "min_size":
            min_size[list(u.progs)] = 0
        elif u.kind == "rule":
            if u.name == "max_programs_per_candidate":
                max_per = np.full_like(p.max_per_candidate, max(p.n_programs, 1))
            elif u.name == "no_consecutive_overseas_years":
                exclusive = None
            else:
                limits = tuple(lim for lim in limits if lim.rule != u.name)
    # A dropped row stays in place without bounds, so row indices mean the same in every
    # variant.
    rows = tuple(replace(r, lo=None, hi=None, soft=False) if i in rows_out else r
                 for i, r in enumerate(p.rows))
    return p.replace(rows=rows, forced=forced, must_train=must, capacity=capacity,
                     min_size=min_size, max_per_candidate=max_per, limits=limits,
                     exclusive=exclusive)


def _only(problem: ProblemData, keep: Sequence[Unit], universe: Sequence[Unit]) -> ProblemData:
    """The problem with every unit of ``universe`` dropped except ``keep``."""
    kept = set(keep)
    return drop(problem, [u for u in universe if u not in kept])


# --------------------------------------------------------------------------------------------
# Solving: feasibility questions with every objective zero.
# --------------------------------------------------------------------------------------------


@dataclass
class _Budget:
    """Time and solve counting for one diagnosis."""

    time_limit: float  # per solve
    deadline: float
    solves: int = 0
    unknown: int = 0

    def left(self) -> float:
        return self.deadline - time.perf_counter()


def solve_zero(problem: ProblemData, time_limit: float, keep_penalties: bool = True) -> Result:
    """Solve a feasibility variant with the HiGHS engine: score, cost and tie-break all zero
    (only the penalties of soft rows remain when ``keep_penalties``). The plan is checked like
    :func:`allocator.solve.solve` checks it.
    """
    from allocator.engines import highs
    from allocator.engines.model import build_model
    from allocator.solve import EngineBug

    variant = problem.replace(score=np.zeros(problem.n_pairs, dtype=np.int64))
    if not keep_penalties:
        variant = variant.replace(rows=tuple(replace(r, penalty=0.0) if r.soft else r
                                             for r in variant.rows))
    model = build_model(variant)
    zeros = np.zeros(model.n_cols)
    model = replace(model, cost=zeros, tie=zeros)
    # The scenario's worker count: HiGHS keeps one thread pool per process, and a solve asking
    # for another count than the pool's fails without a plan.
    workers = problem.scenario.solver.workers
    result = highs.solve(variant, max(0.05, time_limit), workers, 0, tie_break=False,
                         model=model)
    if result.solution is not None:
        broken = result.solution.check()
        if broken:
            raise EngineBug("engine highs returned a plan that breaks: " + "; ".join(broken[:5]))
    return result


def _feasible(problem: ProblemData, budget: _Budget) -> bool | None:
    """True / False, or None when the solve ran out of time."""
    limit = min(budget.time_limit, max(0.05, budget.left()))
    budget.solves += 1
    result = solve_zero(problem, limit, keep_penalties=False)
    if result.status.has_plan:
        return True
    if result.status is Status.INFEASIBLE:
        return False
    budget.unknown += 1
    return None


# --------------------------------------------------------------------------------------------
# The deletion filter.
# --------------------------------------------------------------------------------------------


def _filter(problem: ProblemData, candidates: list[Unit], fixed: list[Unit],
            universe: list[Unit], budget: _Budget) -> list[Unit]:
    """The smallest subset of ``candidates`` that, with ``fixed``, is still infeasible.

    Chunked deletion filter: try to drop halves, then quarters, … then single units; a chunk
    stays dropped when the rest is still infeasible. A solve that runs out of time keeps the
    chunk (so the result stays infeasible, maybe not minimal).
    """
    core = list(candidates)
    chunk = max(1, len(core) // 2)
    while True:
        i = 0
        while i < len(core):
            if budget.left() <= 0:
                return core
            trial = core[:i] + core[i + chunk:]
            if _feasible(_only(problem, trial + fixed, universe), budget) is False:
                core = trial
            else:
                i += chunk
        if chunk == 1:
            return core
        chunk = max(1, chunk // 2)


# --------------------------------------------------------------------------------------------
# Repairs.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """How far one member must move, alone, for a plan to exist (found and verified by solving).

    ``current`` and ``needed`` are in the member's own unit (places, a share, VND, people);
    ``needed`` is None when the only repair is to drop it (a forced pair, a must_train person,
    a rule without a number) or when no move of it alone is enough (``alone`` False).
    """

    member: str
    text: str
    current: float | None = None
    needed: float | None = None
    alone: bool = True
    verified: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"member": self.member, "text": self.text, "current": self.current,
                "needed": self.needed, "alone": self.alone, "verified": self.verified}


def _least_int(lo: int, hi: int, ok: Callable[[int], bool | None]) -> int | None:
    """The least t in [lo, hi] with ok(t) (ok monotone, ok(hi) assumed); None when ok(hi) fails."""
    if lo > hi:
        return None
    if not ok(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _money(v: float) -> str:
    """``50,000,000 VND (50 million)``."""
    v = float(v)
    return f"{v:,.0f} VND" + (f" ({_short_money(v)})" if abs(v) >= 1e6 else "")


def _short_money(v: float) -> str:
    """``950 million``, ``1.2 billion``."""
    if abs(v) >= 1e9:
        return f"{v / 1e9:.4g} billion"
    if abs(v) >= 1e6:
        return f"{v / 1e6:.4g} million"
    return f"{v:,.0f}"


def _with_rows(problem: ProblemData, changes: dict[int, Row]) -> ProblemData:
    return problem.replace(rows=tuple(changes.get(i, r) for i, r in enumerate(problem.rows)))


def _set_share(row: Row, share: float) -> Row:
    """A share row with another share: coef = indicator − share."""
    assert row.share is not None
    return replace(row, coef=row.coef + float(row.share) - share, share=share)


def _elastic(problem: ProblemData, rows: Sequence[int], budget: _Budget) -> Result:
    """Rows made soft with penalty 1 (every other soft row free): the least violation."""
    changes = {r: replace(problem.rows[r], soft=True, penalty=1.0) for r in rows}
    variant = _with_rows(problem, {i: replace(r, penalty=0.0) for i, r in
                                   enumerate(problem.rows) if r.soft} | changes)
    budget.solves += 1
    return solve_zero(variant, min(budget.time_limit, max(0.05, budget.left())))


def _repair(problem: ProblemData, unit: Unit, budget: _Budget,
            cores: Sequence[Sequence[Unit]] = (), own: Sequence[Unit] = ()) -> Repair:
    """The least move of ``unit`` alone that lets ``problem`` have a plan."""
    label = unit.label
    if _feasible(drop(problem, [unit]), budget) is not True:
        # Not enough alone: how far it must move once the other conflicts are repaired.
        others = list(dict.fromkeys(u for c in cores if unit not in c for u in c
                                    if u not in own and not _overlaps(u, unit)))
        which = [i + 1 for i, c in enumerate(cores) if unit not in c]
        note = (f" — together with a repair of conflict {', '.join(map(str, which))}"
                if which else "")
        if others and _feasible(drop(problem, [unit, *others]), budget) is True:
            inner = _repair(drop(problem, others), unit, budget)
            return replace(inner, text=inner.text + note, alone=False)
        which_text = f" even with conflict {', '.join(map(str, which))} repaired" if which \
            else ""
        return Repair(label, f"moving `{label}` alone is not enough{which_text}: more "
                      "conflicts remain", alone=False)
    p = problem
    pids = p.programs["program_id"].to_numpy()
    if unit.kind in ("quota", "budget"):
        return _repair_rows(p, unit, budget)
    if unit.kind == "capacity":
        cap = p.capacity[list(unit.progs)]
        room = np.bincount(p.pair_p, minlength=p.n_programs)[list(unit.progs)] - cap
        delta_max = int(max(room.max(), 1))

        def ok_cap(d: int) -> bool | None:
            c = p.capacity.copy()
            c[list(unit.progs)] += d
            return _feasible(p.replace(capacity=c), budget)

        d = _least_int(1, delta_max, ok_cap)
        if d is None:
            return Repair(label, f"raising `{label}` is not enough", alone=False)
        if len(unit.progs) == 1:
            return Repair(label, f"raise the capacity of {pids[unit.progs[0]]} from "
                          f"{int(cap[0])} to {int(cap[0]) + d}", float(cap[0]),
                          float(cap[0] + d))
        return Repair(label, f"raise the capacity of each of {len(unit.progs)} programmes "
                      f"({_short_list(pids[list(unit.progs)].tolist())}) by {d}", 0.0, float(d))
    if unit.kind == "min_size":
        size = p.min_size[list(unit.progs)]

        def ok_min(d: int) -> bool | None:
            m = p.min_size.copy()
            m[list(unit.progs)] = np.maximum(m[list(unit.progs)] - d, 0)
            return _feasible(p.replace(min_size=m), budget)

        d = _least_int(1, int(size.max()), ok_min)
        if d is None:
            return Repair(label, f"lowering `{label}` is not enough", alone=False)
        if len(unit.progs) == 1:
            new = max(int(size[0]) - d, 0)
            return Repair(label, f"lower the min_size of {pids[unit.progs[0]]} from "
                          f"{int(size[0])} to {new}", float(size[0]), float(new))
        return Repair(label, f"lower the min_size of each of {len(unit.progs)} programmes by "
                      f"{d}", 0.0, float(d))
    if unit.kind == "rule":
        return _repair_rule(p, unit, budget)
    if unit.kind == "forced":
        what = (f"the forced pair {unit.group}" if len(unit.pairs) == 1 else
                f"{len(unit.pairs)} forced pairs")
        return Repair(label, f"release {what} (pairs table status `forced`)")
    if unit.kind == "must_train":
        cids = p.candidates["candidate_id"].to_numpy()
        who = (str(cids[unit.cands[0]]) if len(unit.cands) == 1 else
               f"{len(unit.cands)} people ({_short_list(cids[list(unit.cands)].tolist())})")
        return Repair(label, f"release must_train for {who}")
    return Repair(label, f"drop `{label}`")


def _short_list(ids: list[str], limit: int = 5) -> str:
    return ", ".join(map(str, ids[:limit])) + (f", … (+{len(ids) - limit})"
                                               if len(ids) > limit else "")


def _repair_rule(p: ProblemData, unit: Unit, budget: _Budget) -> Repair:
    label = unit.label
    if unit.name == "max_programs_per_candidate":
        now = int(p.max_per_candidate.max())

        def ok(t: int) -> bool | None:
            return _feasible(p.replace(max_per_candidate=np.full_like(p.max_per_candidate, t)),
                             budget)

        t = _least_int(now + 1, max(p.n_programs, now + 1), ok)
        if t is None:
            return Repair(label, f"raising `{label}` is not enough", alone=False)
        return Repair(label, f"raise `max_programs_per_candidate` from {now} to {t}",
                      float(now), float(t))
    if unit.name == "no_consecutive_overseas_years":
        return Repair(label, "switch off `no_consecutive_overseas_years`")
    mine = [lim for lim in p.limits if lim.rule == unit.name]
    top = max((int(np.bincount(lim.group).max()) for lim in mine), default=1)

    def ok_lim(d: int) -> bool | None:
        limits = tuple(replace(lim, limit=lim.limit + d) if lim.rule == unit.name else lim
                       for lim in p.limits)
        return _feasible(p.replace(limits=limits), budget)

    d = _least_int(1, max(top, 1), ok_lim)
    if d is None:
        return Repair(label, f"switch off `{unit.name}`")
    return Repair(label, f"raise `{unit.name}` by {d} (for every person)", 0.0, float(d))


def _repair_rows(p: ProblemData, unit: Unit, budget: _Budget) -> Repair:
    """Quota cells and envelopes: elastic for counts and money, bisection for shares."""
    label = unit.label
    rows = list(unit.rows)
    share_rows = [r for r in rows if p.rows[r].share is not None]
    count_rows = [r for r in rows if p.rows[r].share is None]
    if share_rows and not count_rows:
        return _repair_share(p, unit, share_rows, budget)
    elastic = _elastic(p, rows, budget)
    if elastic.solution is None:
        return Repair(label, f"no repair of `{label}` found in the time limit", alone=True,
                      verified=False)
    uses = elastic.solution.row_use
    moves: list[tuple[int, str, float, float]] = []  # row, side, current, needed
    for r in rows:
        row, use = p.rows[r], uses[r]
        if use.violation <= 1e-9:
            continue
        if row.hi is not None and use.value > row.hi:
            moves.append((r, "hi", float(row.hi), float(row.hi) + use.violation))
        elif row.lo is not None:
            moves.append((r, "lo", float(row.lo), float(row.lo) - use.violation))
    if not moves:
        return Repair(label, f"no repair of `{label}` found", verified=False)
    if share_rows:
        # Mixed counts and shares in one unit: the elastic plan's figures are the repair.
        pass
    whole_groups = len({p.rows[r].group for r in rows}) > 1
    if whole_groups and all(p.rows[r].kind == "count" for r, *_ in moves):
        return _repair_uniform(p, unit, moves, budget)
    changes: dict[int, Row] = {}
    parts = []
    for r, side, now, need in moves:
        row = p.rows[r]
        if row.kind == "money":
            need = float(np.ceil(need - 1e-6))
            changes[r] = replace(row, hi=need)
            parts.append(f"add {_money(need - now)} to `{row.label}` "
                         f"({_short_money(now)} → {_short_money(need)} VND)")
        elif side == "hi":
            need = float(np.ceil(need - 1e-6))
            changes[r] = replace(row, hi=need)
            parts.append(f"raise `{row.label}` max from {now:g} to {need:g}")
        else:
            need = float(np.floor(need + 1e-6))
            changes[r] = replace(row, lo=need)
            parts.append(f"lower `{row.label}` min from {now:g} to {need:g}")
    ok = _feasible(_with_rows(p, changes), budget)
    single = len(moves) == 1
    return Repair(label, " and ".join(parts), moves[0][2] if single else None,
                  (changes[moves[0][0]].hi if moves[0][1] == "hi" else changes[moves[0][0]].lo)
                  if single else None, verified=ok is True)


def _repair_uniform(p: ProblemData, unit: Unit, moves: list[tuple[int, str, float, float]],
                    budget: _Budget) -> Repair:
    """Every group of a quota moved by the same number of places (binary search)."""
    side = moves[0][1]
    top = int(np.ceil(max(abs(now - need) for _, _, now, need in moves) - 1e-6))

    def moved(d: int) -> ProblemData:
        changes = {}
        for r in unit.rows:
            row = p.rows[r]
            if side == "hi" and row.hi is not None:
                changes[r] = replace(row, hi=row.hi + d)
            elif side == "lo" and row.lo is not None:
                changes[r] = replace(row, lo=max(row.lo - d, 0.0))
        return _with_rows(p, changes)

    d = _least_int(1, max(top, 1), lambda d: _feasible(moved(d), budget))
    if d is None:
        return Repair(unit.label, f"no uniform move of `{unit.label}` found", alone=True,
                      verified=False)
    bounds = sorted(b for b in {(p.rows[r].hi if side == "hi" else p.rows[r].lo)
                                for r in unit.rows} if b is not None)
    now = bounds[0] if len(bounds) == 1 else None
    name = unit.name
    if now is not None:
        new = now + d if side == "hi" else max(now - d, 0)
        verb = "raise" if side == "hi" else "lower"
        word = "max" if side == "hi" else "min"
        return Repair(unit.label, f"{verb} `{name}` {word} from {now:g} to {new:g} (every group)",
                      float(now), float(new))
    verb = "raise" if side == "hi" else "lower"
    return Repair(unit.label, f"{verb} every group of `{name}` by {d}", 0.0, float(d))


def _repair_share(p: ProblemData, unit: Unit, rows: list[int], budget: _Budget) -> Repair:
    """Lower a minimum share (or raise a maximum) by bisection, to SHARE_STEP."""
    label = unit.label
    first = p.rows[rows[0]]
    lower = first.kind in ("min_share", "proportional_min")
    now = float(first.share or 0.0)

    def moved(s: float) -> ProblemData:
        return _with_rows(p, {r: _set_share(p.rows[r], s) for r in rows})

    # Shares live in [0, 1]; the end of the range (0 for a minimum, 1 for a maximum) is the
    # same as dropping the row, which is known to work.
    steps = int(round(now / SHARE_STEP)) if lower else int(round((1 - now) / SHARE_STEP))

    def ok(k: int) -> bool | None:
        s = now - k * SHARE_STEP if lower else now + k * SHARE_STEP
        return _feasible(moved(min(max(s, 0.0), 1.0)), budget)

    k = _least_int(1, max(steps, 1), ok)
    if k is None:
        return Repair(label, f"no share of `{label}` works", alone=False)
    new = round(now - k * SHARE_STEP if lower else now + k * SHARE_STEP, 6)
    what = {"min_share": "min_share", "max_share": "max_share",
            "proportional_min": "proportional lower share", "proportional_max":
            "proportional upper share"}[first.kind]
    verb = "lower" if lower else "raise"
    target = f"`{unit.name}`" + (f" [{first.group}]" if len({p.rows[r].group for r in rows}) == 1
                                 and first.group else "")
    return Repair(label, f"{verb} {target} {what} from {now:g} to {new:g}", now, new)


# --------------------------------------------------------------------------------------------
# The diagnosis.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One constraint of a conflicting set, in the scenario's words."""

    unit: Unit
    text: str
    verified: bool  # dropping it made the rest of its set feasible (solved)

    def as_dict(self) -> dict[str, Any]:
        u = self.unit
        return {"kind": u.kind, "name": u.name, "group": u.group, "label": u.label,
                "text": self.text, "verified": self.verified}


@dataclass(frozen=True)
class Conflict:
    """A minimal set of constraints that cannot hold together, and the repairs of each."""

    members: tuple[Member, ...]
    repairs: tuple[Repair, ...]
    minimal: bool  # every member verified

    def as_dict(self) -> dict[str, Any]:
        return {"members": [m.as_dict() for m in self.members],
                "repairs": [r.as_dict() for r in self.repairs], "minimal": self.minimal}


@dataclass(frozen=True)
class Diagnosis:
    """Why a scenario has no plan (or that it has one)."""

    scenario: str
    feasible: bool | None  # None: the full problem could not be decided in the time limit
    conflicts: tuple[Conflict, ...] = ()
    message: str = ""
    solves: int = 0
    runtime_s: float = 0.0
    complete: bool = True  # False when time ran out or a solve was undecided

    @property
    def members(self) -> tuple[Member, ...]:
        return tuple(m for c in self.conflicts for m in c.members)

    @property
    def labels(self) -> list[str]:
        """The member labels of every conflicting set, e.g. ``['agency-cap', 'women-abroad']``."""
        return [m.unit.label for m in self.members]

    def lines(self) -> list[str]:
        """The diagnosis for a terminal (rich markup)."""
        from rich.markup import escape

        if self.feasible:
            return [f"[green]a plan exists[/green] for {escape(self.scenario)}: nothing to "
                    "diagnose"]
        if not self.conflicts:
            return [f"[red]no plan[/red] for {escape(self.scenario)}: {escape(self.message)}"]
        out: list[str] = []
        for i, c in enumerate(self.conflicts, 1):
            n = len(c.members)
            head = ("These constraints cannot hold together" if len(self.conflicts) == 1 else
                    f"Conflict {i} of {len(self.conflicts)}: these constraints cannot hold "
                    "together")
            proof = ("dropping any one of them makes the rest feasible — verified by solving"
                     if c.minimal else "not all verified in the time limit")
            out.append(f"[red]{head}[/red] ({n} constraint{'s' if n != 1 else ''}; {proof}):")
            for m in c.members:
                out.append(f"  • {escape(m.text)}")
            if c.repairs:
                out.append("  Repairs, any one of them (found by solving):")
                ordered = sorted(c.repairs, key=lambda r: not r.alone)
                for j, r in enumerate(ordered):
                    lead = "    " + ("" if j == 0 else "or ")
                    flag = "" if r.verified else " [yellow](unverified)[/yellow]"
                    out.append(lead + escape(r.text) + flag)
        if not self.complete:
            why = self.message or "time ran out: the diagnosis may be incomplete"
            out.append(f"[yellow]{escape(why)}[/yellow]")
        out.append(f"[dim]{self.solves} solves, {self.runtime_s:.1f} s[/dim]")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "feasible": self.feasible,
                "conflicts": [c.as_dict() for c in self.conflicts], "message": self.message,
                "solves": self.solves, "runtime_s": round(self.runtime_s, 3),
                "complete": self.complete}


def describe(problem: ProblemData, unit: Unit) -> str:
    """A member in the planner's words, with its values."""
    p = problem
    pids = p.programs["program_id"].to_numpy()
    if unit.kind == "quota":
        quota = next((q for q in p.scenario.quotas if q.name == unit.name), None)
        parts = []
        if quota is not None:
            sel = ", ".join(f"{k}={v}" for k, v in quota.select.items()) or "every place"
            parts.append(f"select {sel}")
            if quota.per is not None:
                parts.append(f"per {quota.per}")
            if quota.min is not None:
                parts.append(f"min {quota.min}")
            if quota.max is not None:
                parts.append(f"max {quota.max}")
            for name in ("min_share", "max_share"):
                spec = getattr(quota, name)
                if spec is not None:
                    of = ", ".join(f"{k}={v}" for k, v in spec.of.items())
                    parts.append(f"{name} {spec.share:g} of {of}")
            if quota.proportional is not None:
                parts.append(f"proportional ± {quota.proportional.tolerance:g}")
        where = f" [{unit.group}]" if unit.group else ""
        return f"quota `{unit.name}`{where}: " + "; ".join(parts)
    if unit.kind == "budget":
        row = p.rows[unit.rows[0]]
        return f"budget `{unit.name}`: at most {_money(row.hi or 0)}"
    if unit.kind == "rule":
        r = p.scenario.rules
        if unit.name == "max_programs_per_candidate":
            return f"rule `max_programs_per_candidate`: {r.max_programs_per_candidate}"
        if unit.name == "max_programs_per_mode":
            return f"rule `max_programs_per_mode`: {dict(r.max_programs_per_mode)}"
        if unit.name == "max_overseas_per_year":
            return f"rule `max_overseas_per_year`: {r.max_overseas_per_year.limit} (with history)"
        return f"rule `{unit.name}`"
    if unit.kind == "forced":
        if len(unit.pairs) == 1:
            return f"forced pair {unit.group} (pairs table)"
        return f"{len(unit.pairs)} forced pairs (pairs table)"
    if unit.kind == "must_train":
        if len(unit.cands) == 1:
            c = unit.cands[0]
            n = int(np.count_nonzero(p.pair_c == c))
            return (f"must_train {unit.group} (candidates row {int(p.candidates['_row'].iat[c])}"
                    f"; eligible for {n} programme{'s' if n != 1 else ''})")
        return f"must_train for {len(unit.cands)} people"
    if unit.kind == "capacity":
        if len(unit.progs) == 1:
            i = unit.progs[0]
            return f"capacity of {pids[i]}: {int(p.capacity[i])}"
        total = int(p.capacity[list(unit.progs)].sum())
        return (f"capacity of {len(unit.progs)} programmes "
                f"({_short_list(pids[list(unit.progs)].tolist())}): {total} places")
    if unit.kind == "min_size":
        if len(unit.progs) == 1:
            i = unit.progs[0]
            return f"min_size of {pids[i]}: {int(p.min_size[i])}"
        return f"min_size of {len(unit.progs)} programmes"
    return unit.label


def diagnose(problem: ProblemData, *, time_limit: float = 10.0, total_time: float = 120.0,
             max_conflicts: int = 3, repairs: bool = True) -> Diagnosis:
    """Why ``problem`` has no plan: minimal conflicting sets of its constraints, with repairs.

    Parameters
    ----------
    time_limit
        Seconds per solve.
    total_time
        Seconds for the whole diagnosis; when it runs out the result says it is incomplete.
    max_conflicts
        Independent conflicting sets to look for (after the first, the members of the sets
        found are dropped and the filter runs again on what is left).
    repairs
        Compute the repairs (a few solves per member).
    """
    t0 = time.perf_counter()
    budget = _Budget(time_limit, t0 + total_time)
    name = problem.scenario.name
    whole = _feasible(problem, budget)
    if whole is True:
        return Diagnosis(name, True, message="a plan exists", solves=budget.solves,
                         runtime_s=time.perf_counter() - t0)
    if whole is None:
        return Diagnosis(name, None, message="the scenario could not be decided within "
                         f"{time_limit:g} s; give diagnose more time", solves=budget.solves,
                         runtime_s=time.perf_counter() - t0, complete=False)
    universe = _coarse_units(problem)
    if _feasible(drop(problem, universe), budget) is not True:
        return Diagnosis(name, False, message="no plan even without any quota, budget, "
                         "forced pair, must_train, capacity or per-person rule",
                         solves=budget.solves, runtime_s=time.perf_counter() - t0,
                         complete=False)
    cores = [_find_core(problem, universe, budget)]
    # Other conflicts: where dropping a member alone is not enough, what remains.
    i = 0
    while i < len(cores) and len(cores) < max_conflicts and budget.left() > 0:
        for m in cores[i]:
            if len(cores) >= max_conflicts or budget.left() <= 0:
                break
            rest = drop(problem, [m])
            if _feasible(rest, budget) is not False:
                continue
            core = _find_core(rest, [u for u in universe if u != m], budget)
            if core and not any(_same(core, c) for c in cores):
                cores.append(core)
        i += 1
    conflicts: list[Conflict] = []
    cache: dict[tuple[Unit, frozenset[Unit]], Repair] = {}
    for core in cores:
        everything = _all_parts(problem, universe, core)
        members = []
        for u in core:
            others = [v for v in core if v != u]
            ok = _feasible(_only(problem, others, everything), budget)
            members.append(Member(u, describe(problem, u), ok is True))
        fixes = tuple(_cached_repair(problem, u, budget, cores, core, cache)
                      for u in core) if repairs else ()
        conflicts.append(Conflict(tuple(members), fixes, all(m.verified for m in members)))
    complete = budget.unknown == 0 and budget.left() > 0
    message = "" if complete else (
        f"{budget.unknown} solve(s) ran out of time" if budget.unknown else
        f"the diagnosis used its {total_time:g} s: it may be incomplete")
    return Diagnosis(name, False, tuple(conflicts), message, budget.solves,
                     time.perf_counter() - t0, complete)


def _cached_repair(problem: ProblemData, unit: Unit, budget: _Budget,
                   cores: Sequence[Sequence[Unit]], own: Sequence[Unit],
                   cache: dict[tuple[Unit, frozenset[Unit]], Repair]) -> Repair:
    """A member shared by several conflicts is repaired once per context."""
    others = frozenset(u for c in cores if unit not in c for u in c if u not in own)
    key = (unit, others)
    if key not in cache:
        cache[key] = _repair(problem, unit, budget, cores, own)
    return cache[key]


def _same(a: list[Unit], b: list[Unit]) -> bool:
    return {u.label for u in a} == {u.label for u in b}


def _find_core(problem: ProblemData, universe: list[Unit], budget: _Budget) -> list[Unit]:
    """One minimal conflicting set: a coarse deletion filter, then each member refined."""
    coarse = _filter(problem, universe, [], universe, budget)
    # Refine each coarse member into its parts, the other coarse members kept and every unit
    # outside the coarse set dropped.
    base = drop(problem, [u for u in universe if u not in coarse])
    parts_of = {u: _refine(problem, u) for u in coarse}
    fine_universe = [w for u in coarse for w in parts_of[u]]
    fine: list[Unit] = []
    for u in coarse:
        parts = parts_of[u]
        if len(parts) > 1:
            others = [w for w in fine_universe if w not in parts]
            kept = _filter(base, parts, others, fine_universe, budget)
        else:
            kept = parts
        base = drop(base, [w for w in parts if w not in kept])
        if len(kept) > MAX_LISTED_MEMBERS:
            kept = [_merge(kept, u)]
        fine.extend(kept)
        fine_universe = [w for w in fine_universe if w not in parts] + kept
    return fine


def _covers(coarse: Unit, part: Unit) -> bool:
    """Whether ``part`` is (a part of) ``coarse``."""
    if coarse == part:
        return True
    if coarse.kind != part.kind:
        return False
    if coarse.kind == "rule":
        return coarse.name == part.name
    if coarse.kind in ("quota", "budget") and coarse.name != part.name:
        return False
    return bool(set(part.rows) & set(coarse.rows) or set(part.pairs) & set(coarse.pairs)
                or set(part.cands) & set(coarse.cands) or set(part.progs) & set(coarse.progs))


def _all_parts(problem: ProblemData, universe: list[Unit], core: list[Unit]) -> list[Unit]:
    """Every part of every unit (so a verification drops everything outside the core)."""
    parts: list[Unit] = list(core)
    for u in universe:
        if not any(_covers(u, m) for m in core):
            parts.append(u)
        else:
            # The parts of a refined unit that are not in the core.
            covered = [m for m in core if _covers(u, m)]
            for piece in _refine(problem, u):
                if not any(_overlaps(piece, m) for m in covered):
                    parts.append(piece)
    return parts


def _overlaps(a: Unit, b: Unit) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "rule":
        return a.name == b.name
    if a == b:
        return True
    return bool(set(a.rows) & set(b.rows) or set(a.pairs) & set(b.pairs)
                or set(a.cands) & set(b.cands) or set(a.progs) & set(b.progs))


__all__ = ["diagnose", "Diagnosis", "Conflict", "Member", "Repair", "Unit", "drop",
           "solve_zero", "describe"]
