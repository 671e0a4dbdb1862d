"""Greedy baseline: take pairs by score, best first, while every cheap check allows it.

Not exact and not a default: it is the baseline of the benchmark and a source of starting plans.
Order: forced pairs, then each ``must_train`` person's best pair, then every pair with a positive
score by score (descending; ties by pair index). A pair is taken when its programme has room, the
person has room (overall, per group limit, no consecutive overseas years), every row with an
upper bound stays within it (soft upper bounds are treated as hard) and every hard row with a lower
bound that the pair would lower (a share row) stays above it. A programme with a minimum size is
opened only with that many people at once, its best ones that fit (or not at all). Programmes
still left below their minimum size (opened by a forced pair or by someone who must train) are
then closed and their people offered the remaining places once more.

Lower bounds that need places (``min`` quotas) are served first, before the pass by score: the
hard rows with a lower bound, the most specific first (fewest pairs), each take their best pairs
that fit until they are met; a programme with a minimum size is opened only with that many
people at once (or not at all). When the plan still misses a bound, the result is
``no_solution`` with the reason, never a plan that breaks a constraint.
"""

from __future__ import annotations

import time

import numpy as np

from allocator.problem import ProblemData
from allocator.result import Result, Status
from allocator.solution import Solution

NAME = "greedy"


class _State:
    def __init__(self, p: ProblemData) -> None:
        self.p = p
        n_k = p.n_pairs
        self.pair_c = p.pair_c.tolist()
        self.pair_p = p.pair_p.tolist()
        self.cap = p.capacity.astype(np.int64).tolist()
        self.count = [0] * p.n_programs
        self.room = p.max_per_candidate.astype(np.int64).tolist()
        # Per-person group limits: per limit family, the group of each pair (-1: none).
        self.lim_group: list[list[int]] = []
        self.lim_left: list[list[int]] = []
        for lim in p.limits:
            g = np.full(n_k, -1, dtype=np.int64)
            g[lim.pairs] = lim.group
            self.lim_group.append(g.tolist())
            self.lim_left.append(lim.limit.astype(np.int64).tolist())
        ex = p.exclusive
        self.ex_group: list[int] = []
        self.ex_used: list[int] = []
        self.ex_conf: list[list[int]] = []
        if ex is not None:
            g = np.full(n_k, -1, dtype=np.int64)
            g[ex.pairs] = ex.group
            self.ex_group = g.tolist()
            self.ex_used = [0] * len(ex.year)
            self.ex_conf = [[] for _ in range(len(ex.year))]
            for a, b in ex.conflicts.tolist():
                self.ex_conf[a].append(b)
                self.ex_conf[b].append(a)
        # Rows: incidence per pair and per programme (run), activity, bounds.
        rows = p.rows
        self.act = [0.0] * len(rows)
        self.hi = [r.hi if r.hi is not None else np.inf for r in rows]
        self.lo = [r.lo if (r.lo is not None and not r.soft) else -np.inf for r in rows]
        if rows:
            rr = np.concatenate([np.full(len(r.pairs), i) for i, r in enumerate(rows)])
            kk = np.concatenate([r.pairs for r in rows]).astype(np.int64)
            vv = np.concatenate([r.coef for r in rows]).astype(float)
            order = np.argsort(kk, kind="stable")
            rr, kk, vv = rr[order], kk[order], vv[order]
            start = np.searchsorted(kk, np.arange(n_k + 1))
        else:
            rr = vv = np.zeros(0)
            start = np.zeros(n_k + 1, dtype=np.int64)
        self.k_start = start.tolist()
        self.k_row = rr.astype(np.int64).tolist()
        self.k_val = vv.tolist()
        self.p_rows: list[list[tuple[int, float]]] = [[] for _ in range(p.n_programs)]
        for i, r in enumerate(rows):
            for prog, c in zip(r.programs.tolist(), r.prog_coef.tolist(), strict=True):
                self.p_rows[prog].append((i, float(c)))
        self.chosen = [False] * n_k
        self.eps = 1e-9

    def fits(self, k: int, open_new: bool = True) -> bool:
        c, q = self.pair_c[k], self.pair_p[k]
        if self.chosen[k] or self.room[c] <= 0 or self.count[q] >= self.cap[q]:
            return False
        if not open_new and self.count[q] == 0 and self.p.min_size[q] > 0:
            return False
        for g, left in zip(self.lim_group, self.lim_left, strict=True):
            gi = g[k]
            if gi >= 0 and left[gi] <= 0:
                return False
        if self.ex_group:
            gi = self.ex_group[k]
            if gi >= 0 and any(self.ex_used[o] for o in self.ex_conf[gi]):
                return False
        delta: dict[int, float] = {}
        for j in range(self.k_start[k], self.k_start[k + 1]):
            delta[self.k_row[j]] = delta.get(self.k_row[j], 0.0) + self.k_val[j]
        if self.count[q] == 0:
            for r, v in self.p_rows[q]:
                delta[r] = delta.get(r, 0.0) + v
        for r, v in delta.items():
            new = self.act[r] + v
            if v > 0 and new > self.hi[r] + self.eps:
                return False
            if v < 0 and new < self.lo[r] - self.eps:
                return False
        return True

    def take(self, k: int, sign: int = 1) -> None:
        c, q = self.pair_c[k], self.pair_p[k]
        self.chosen[k] = sign > 0
        self.room[c] -= sign
        if (sign > 0 and self.count[q] == 0) or (sign < 0 and self.count[q] == 1):
            for r, v in self.p_rows[q]:
                self.act[r] += sign * v
        self.count[q] += sign
        for g, left in zip(self.lim_group, self.lim_left, strict=True):
            gi = g[k]
            if gi >= 0:
                left[gi] -= sign
        if self.ex_group and self.ex_group[k] >= 0:
            self.ex_used[self.ex_group[k]] += sign
        for j in range(self.k_start[k], self.k_start[k + 1]):
            self.act[self.k_row[j]] += sign * self.k_val[j]


def _take_or_open(s: _State, k: int, by_programme: dict[int, list[int]]) -> None:
    """Take pair ``k`` if it fits; when it would open a programme with a minimum size, open
    that programme with that many people at once (``k`` first, then its others in
    ``by_programme``, best first) or not at all."""
    q = s.pair_p[k]
    need = int(s.p.min_size[q])
    if s.count[q] > 0 or need <= 1:
        if s.fits(k):
            s.take(k)
        return
    taken: list[int] = []
    for j in [k, *(j for j in by_programme[q] if j != k)]:
        if len(taken) >= need:
            break
        if s.fits(j):
            s.take(j)
            taken.append(j)
    if len(taken) < need:
        for j in reversed(taken):
            s.take(j, -1)


def _by_programme(s: _State, pairs: list[int]) -> dict[int, list[int]]:
    """``pairs`` (in their order) grouped by programme."""
    out: dict[int, list[int]] = {}
    for k in pairs:
        out.setdefault(s.pair_p[k], []).append(k)
    return out


def _meet_lower_bounds(s: _State, order: np.ndarray) -> None:
    """Take the best pairs that raise each hard row still below its lower bound (most specific
    rows first), opening programmes with a minimum size only at that size."""
    p = s.p
    rank = np.full(p.n_pairs, -1, dtype=np.int64)  # -1: not to be taken (a settled pair)
    rank[order] = np.arange(len(order))
    rows = [i for i, r in enumerate(p.rows) if not r.soft and r.lo is not None and r.lo > 0]
    by_programme = _by_programme(s, order.tolist()) if rows else {}
    for i in sorted(rows, key=lambda i: (len(p.rows[i].pairs), i)):
        row = p.rows[i]
        up = row.pairs[(row.coef > 0) & (rank[row.pairs] >= 0)]
        for k in up[np.argsort(rank[up])].tolist():
            if s.act[i] >= s.lo[i] - s.eps:
                break
            _take_or_open(s, k, by_programme)  # this pair first: it raises the row


def greedy_plan(p: ProblemData, prefer: np.ndarray | None = None,
                rank: np.ndarray | None = None, settled: np.ndarray | None = None) -> np.ndarray:
    """The greedy plan as a bool per pair (it may break lower bounds; see the module doc).

    ``prefer`` (a bool per pair, e.g. the best plan of the transportation core alone): those
    pairs come first in every pass. ``rank``: the values pairs are taken by, best first, within
    each group (default: the score; e.g. the score less the budget's price of the pair).
    ``settled`` (a bool per pair): pairs already decided elsewhere (e.g. by an exact MIP of a
    block of programmes): those in ``prefer`` are taken first, like forced pairs, and the rest
    are never taken."""
    s = _State(p)
    forced = p.forced if settled is None or prefer is None else p.forced | (settled & prefer)
    for k in np.flatnonzero(forced).tolist():
        if not s.chosen[k]:
            s.take(k)  # forced: taken even if a check fails; check() will say so
    first = np.zeros(p.n_pairs, dtype=bool) if prefer is None else ~prefer
    order = np.lexsort((np.arange(p.n_pairs), -(p.score if rank is None else rank), first))
    if settled is not None:
        order = order[~settled[order]]
    must = p.must_train[p.pair_c]
    for k in order[must[order]].tolist():
        if s.room[s.pair_c[k]] == p.max_per_candidate[s.pair_c[k]] and s.fits(k):
            s.take(k)
    _meet_lower_bounds(s, order)
    positive = order[p.score[order] > 0].tolist()
    by_programme = _by_programme(s, positive)
    for k in positive:
        if s.room[s.pair_c[k]] > 0:
            _take_or_open(s, k, by_programme)
    # Close programmes below their minimum size, then refill from the people freed.
    small = [q for q in range(p.n_programs) if 0 < s.count[q] < p.min_size[q]]
    if small:
        closing = set(small)
        for k in [k for k in range(p.n_pairs) if s.chosen[k] and s.pair_p[k] in closing]:
            s.take(k, -1)
        for k in positive:
            if s.room[s.pair_c[k]] > 0 and s.pair_p[k] not in closing and s.fits(k, False):
                s.take(k)
    return np.asarray(s.chosen, dtype=bool)


def solve(problem: ProblemData, time_limit: float, workers: int, seed: int,
          tie_break: bool = True) -> Result:
    """The greedy plan, checked; ``no_solution`` when it breaks a constraint."""
    del time_limit, workers, seed, tie_break  # deterministic and single-pass
    t0 = time.perf_counter()
    chosen = greedy_plan(problem)
    solution = Solution(problem, chosen)
    broken = solution.check()
    runtime = time.perf_counter() - t0
    if broken:
        return Result(Status.NO_SOLUTION, NAME, runtime,
                      message=f"the greedy plan breaks {len(broken)} constraints, e.g. "
                      f"{broken[0]}", stats={"broken": broken[:20]})
    return Result(Status.FEASIBLE, NAME, runtime, objective=solution.objective,
                  cost=solution.cost, solution=solution)


__all__ = ["solve", "greedy_plan", "NAME"]
