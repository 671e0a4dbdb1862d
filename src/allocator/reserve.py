"""Reserve lists: for every programme, who takes a place when a placed person withdraws.

Computed from the model, not from the score alone. When a placed person ``w`` withdraws from
programme ``p``, the plan changes as little as possible: everyone else keeps their place and one
eligible person ``r`` takes the free place. ``r`` qualifies for that withdrawal when the swap
``plan − (w, p) + (r, p)`` keeps every hard constraint: each quota cell and budget envelope
(its value moves by ``a(r) − a(w)``), ``r``'s per-person limits (programmes per person, per mode,
per year abroad, short-term once, no consecutive years abroad). Among those who qualify, the
model's own order decides: the objective gained (score, less any change in soft-quota
penalties), then the lower cost, then the tie-break order of the pairs — exactly what a
re-solve with every other place fixed picks (see :func:`withdraw` and the tests).

The list of a programme ranks each reserve by the best they achieve over the withdrawals they
can fill; ``note`` says for which withdrawals they cannot (and which constraint stops them).

This is a swap check over arrays — no solving — so it runs on city-sized plans: people are
examined in score order and the search stops once ``depth`` reserves are found, except where a
soft quota makes the gain differ from the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from allocator.problem import ProblemData, Row
from allocator.result import Result
from allocator.solution import TOL, Solution

RESERVE_COLUMNS = ["program_id", "rank", "candidate_id", "full_name", "agency", "score", "note"]
CHUNK = 256  # reserves examined at a time, in score order


@dataclass
class _RowIndex:
    """Each row's coefficient per pair, looked up by binary search."""

    pairs: list[np.ndarray]
    coef: list[np.ndarray]
    rows_of: list[list[int]]  # per programme, the rows that touch it

    def coefficient(self, r: int, k: np.ndarray) -> np.ndarray:
        pairs, coef = self.pairs[r], self.coef[r]
        if len(pairs) == 0:
            return np.zeros(len(k))
        pos = np.clip(np.searchsorted(pairs, k), 0, len(pairs) - 1)
        return np.where(pairs[pos] == k, coef[pos], 0.0)


def _row_index(problem: ProblemData) -> _RowIndex:
    pairs, coefs = [], []
    rows_of: list[list[int]] = [[] for _ in range(problem.n_programs)]
    for r, row in enumerate(problem.rows):
        order = np.argsort(row.pairs, kind="stable")
        pairs.append(np.asarray(row.pairs)[order])
        coefs.append(np.asarray(row.coef, dtype=float)[order])
        for prog in np.unique(problem.pair_p[row.pairs]):
            rows_of[prog].append(r)
    return _RowIndex(pairs, coefs, rows_of)


def _solution_of(plan: Solution | Result | None) -> Solution | None:
    return plan.solution if isinstance(plan, Result) else plan


@dataclass
class _Context:
    """What every programme's swaps share, computed once per plan."""

    index: _RowIndex
    per_c: np.ndarray  # places held per candidate
    limits: list[tuple[str, np.ndarray, np.ndarray]]  # rule, group of each pair (-1), full?
    blocked_abroad: np.ndarray | None  # per pair: a consecutive overseas year is taken


def _context(problem: ProblemData, chosen: np.ndarray) -> _Context:
    p = problem
    limits = []
    for lim in p.limits:
        used = np.bincount(lim.group, weights=chosen[lim.pairs], minlength=len(lim.limit))
        group_of = np.full(p.n_pairs, -1, dtype=np.int64)
        group_of[lim.pairs] = lim.group
        limits.append((lim.rule, group_of, used + 1 > lim.limit))
    blocked_pairs = None
    ex = p.exclusive
    if ex is not None and len(ex.conflicts):
        abroad = np.bincount(ex.group, weights=chosen[ex.pairs], minlength=len(ex.year)) > 0
        blocked = np.zeros(len(ex.year), dtype=bool)
        a, b = ex.conflicts[:, 0], ex.conflicts[:, 1]
        blocked[a[abroad[b]]] = True
        blocked[b[abroad[a]]] = True
        blocked_pairs = np.zeros(p.n_pairs, dtype=bool)
        blocked_pairs[ex.pairs] = blocked[ex.group]
    return _Context(_row_index(p), np.bincount(p.pair_c[chosen], minlength=p.n_candidates),
                    limits, blocked_pairs)


def _person_ok(problem: ProblemData, ctx: _Context, k: np.ndarray) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    """Whether each pair ``k`` can be added for its person (limits), and why not."""
    p = problem
    c = p.pair_c[k]
    ok = ctx.per_c[c] < p.max_per_candidate[c]
    why = np.where(ok, "", "max_programs_per_candidate").astype(object)
    for rule, group_of, full in ctx.limits:
        g = group_of[k]
        bad = (g >= 0) & full[np.maximum(g, 0)]
        why = np.where(bad & ok, rule, why)
        ok &= ~bad
    if ctx.blocked_abroad is not None:
        bad = ctx.blocked_abroad[k]
        why = np.where(bad & ok, "no_consecutive_overseas_years", why)
        ok &= ~bad
    return ok, why


def swap_table(problem: ProblemData, solution: Solution | Result, program: int,
               candidates: np.ndarray | None = None,
               context: _Context | None = None) -> dict[str, np.ndarray]:
    """Every (withdrawal, reserve) swap in one programme, as matrices.

    Returns ``withdrawn`` (chosen pair ids, W), ``reserve`` (pair ids, K), ``feasible`` (W×K),
    ``gain`` (W×K: the reserve's score less the change in soft penalties), ``blocked_by``
    (W×K: the index in ``problem.rows`` of the first hard row that fails, or −1),
    ``person_ok`` and ``person_why`` (K).
    """
    sol = _solution_of(solution)
    assert sol is not None, "a reserve list needs a plan"
    p = problem
    chosen = sol.chosen
    ctx = context or _context(p, chosen)
    placed = sol.placed
    w = placed[p.pair_p[placed] == program]
    k = (np.flatnonzero((p.pair_p == program) & ~chosen) if candidates is None
         else np.asarray(candidates, dtype=np.int64))
    person_ok, person_why = _person_ok(p, ctx, k)
    feasible = np.ones((len(w), len(k)), dtype=bool) & person_ok[None, :]
    gain = np.tile(p.score[k].astype(float), (len(w), 1))
    # Row indices, not labels in an object array (with the skip below, national reserve
    # lists 7.05 s -> 2.96 s).
    blocked = np.full((len(w), len(k)), -1, dtype=np.int32)
    index = ctx.index
    uses = sol.row_use
    for r in index.rows_of[program]:
        row = p.rows[r]
        aw = index.coefficient(r, w)
        ak = index.coefficient(r, k)
        if not len(aw) or not len(ak):
            continue
        use = uses[r].value
        if not (row.soft and uses[r].violation) and \
                (row.hi is None or use - aw.min() + ak.max() <= row.hi) and \
                (row.lo is None or use - aw.max() + ak.min() >= row.lo):
            continue  # no swap takes this row outside its bounds: it changes nothing here
        value = use - aw[:, None] + ak[None, :]
        if row.soft:
            gain -= row.penalty * (_violation(row, value) - uses[r].violation)
            continue
        scale = TOL * np.maximum(1.0, np.abs(value))
        bad = np.zeros_like(value, dtype=bool)
        if row.hi is not None:
            bad |= value > row.hi + scale
        if row.lo is not None:
            bad |= value < row.lo - scale
        blocked[bad & feasible] = r
        feasible &= ~bad
    return {"withdrawn": w, "reserve": k, "feasible": feasible, "gain": gain,
            "blocked_by": blocked, "person_ok": person_ok, "person_why": person_why}


def _violation(row: Row, value: np.ndarray) -> np.ndarray:
    out = np.zeros_like(value)
    if row.hi is not None:
        out += np.maximum(0.0, value - row.hi)
    if row.lo is not None:
        out += np.maximum(0.0, row.lo - value)
    return out


def _soft_touches(problem: ProblemData, index: _RowIndex, program: int) -> bool:
    return any(problem.rows[r].soft for r in index.rows_of[program])


def reserve_lists(problem: ProblemData, result: Solution | Result, depth: int = 5) -> pd.DataFrame:
    """For every programme with placed people, the first ``depth`` reserves in the model's order.

    Columns: ``program_id``, ``rank`` (1 = first called), ``candidate_id``, ``full_name``,
    ``agency``, ``score`` (the pair's score), ``note`` (whom they can replace and, when not
    everyone, which constraint stops them; a second place for someone already placed).
    """
    sol = _solution_of(result)
    if sol is None:
        return pd.DataFrame(columns=RESERVE_COLUMNS)
    return sol.memo(("reserve_lists", depth), lambda: _reserve_lists(problem, sol, depth)).copy()


def _reserve_lists(problem: ProblemData, sol: Solution, depth: int) -> pd.DataFrame:
    p = problem
    chosen = sol.chosen
    cand = p.candidates
    cids = cand["candidate_id"].to_numpy()
    names = cand["full_name"].to_numpy()
    agencies = cand["agency"].to_numpy()
    pids = p.programs["program_id"].to_numpy()
    ctx = _context(p, chosen)
    per_c = ctx.per_c
    index = ctx.index
    # Pairs grouped by programme, each group in the model's order: score, cost, pair index.
    order = np.lexsort((np.arange(p.n_pairs), p.cost, -p.score, p.pair_p))
    starts = np.searchsorted(p.pair_p[order], np.arange(p.n_programs + 1))
    records = []
    for prog in (int(i) for i in np.flatnonzero(sol.program_count > 0)):
        pool = order[starts[prog]:starts[prog + 1]]
        pool = pool[~chosen[pool]]
        # People who cannot take one more place at all are no reserves (checked per pair).
        pool = pool[_person_ok(p, ctx, pool)[0]]
        exact = _soft_touches(p, index, prog)
        # (-gain, cost, k) ranks (k is unique); the note is written for the first ``depth``.
        found: list[tuple[float, int, int, dict[str, Any], int]] = []  # … table, column
        step = len(pool) if exact else CHUNK
        for a in range(0, len(pool), max(step, 1)):
            chunk = pool[a:a + step]
            table = swap_table(p, sol, prog, chunk, ctx)
            feasible, gain = table["feasible"], table["gain"]
            n_w = len(table["withdrawn"])
            can = np.flatnonzero(feasible.any(axis=0))
            best = np.where(feasible, gain, -np.inf).max(axis=0) if n_w else np.zeros(0)
            table["best"] = best
            found.extend((-float(best[j]), int(p.cost[chunk[j]]), int(chunk[j]), table, int(j))
                         for j in can)
            if not exact and len(found) >= depth:
                break
        found.sort(key=lambda f: f[:3])
        for rank, (_gain, _, k, table, j) in enumerate(found[:depth], 1):
            c = p.pair_c[k]
            note = _note(p, table["feasible"][:, j], table["blocked_by"][:, j],
                         len(table["withdrawn"]), int(per_c[c]),
                         float(table["best"][j]) - float(p.score[k]))
            records.append((pids[prog], rank, cids[c], names[c], agencies[c], int(p.score[k]),
                            note))
    return pd.DataFrame.from_records(records, columns=RESERVE_COLUMNS)


def _note(problem: ProblemData, col: np.ndarray, blocked: np.ndarray, n_w: int, places: int,
          penalty: float) -> str:
    parts = []
    if col.all():
        parts.append("replaces anyone" if n_w > 1 else "replaces the one placed")
    else:
        why = sorted({problem.rows[r].label for r in np.unique(blocked[~col]) if r >= 0})
        parts.append(f"replaces {int(col.sum())} of {n_w} placed"
                     + (f" (not the others: {', '.join(why)})" if why else ""))
    if places:
        parts.append(f"would take a place beside {places} already held")
    if abs(penalty) > 1e-9:
        parts.append(f"soft quotas change the objective by {penalty:+g}")
    return "; ".join(parts)


def withdraw(problem: ProblemData, solution: Solution | Result, candidate_id: str,
             ) -> ProblemData:
    """The problem after ``candidate_id`` withdraws: every other placement of the plan fixed
    (forced), the person unable to take any place. Solving it shows who replaces them."""
    sol = _solution_of(solution)
    assert sol is not None
    ids = problem.candidates["candidate_id"].to_numpy()
    hit = np.flatnonzero(ids == candidate_id)
    if not len(hit):
        raise KeyError(candidate_id)
    c = int(hit[0])
    forced = sol.chosen & (problem.pair_c != c)
    max_per = problem.max_per_candidate.copy()
    max_per[c] = 0
    must = problem.must_train.copy()
    must[c] = False
    return problem.replace(forced=forced | (problem.forced & (problem.pair_c != c)),
                           max_per_candidate=max_per, must_train=must)


__all__ = ["reserve_lists", "swap_table", "withdraw", "RESERVE_COLUMNS"]
