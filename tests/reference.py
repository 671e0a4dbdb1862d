"""A reference solver for tiny problems: exhaustive search, written apart from the engines.

It takes from :class:`~allocator.problem.ProblemData` only the list of allowed pairs with their
score, cost and ``forced`` flag (the output of the eligibility rules), and the normalised
tables and scenario; the ``pairs.status`` column is read again from the scenario's file. Every
constraint is then read again from the scenario and the tables, as docs/product.md states it —
none of ``problem.rows``, ``problem.limits``, ``problem.exclusive``, ``problem.capacity`` …
nor the engines' model builder nor ``Solution.check()`` is used — so an agreement between this
search and an engine is evidence that two independent readings of the contract give the same
optimum.

The search enumerates every plan: for each candidate, every subset of their pairs that passes
the per-person rules; the product of those, pruned as it grows by the constraints that can only
get worse when a place is added (capacity, hard ``max`` counts, money caps). The remaining plans
are checked against the rest (minimum sizes, minimum counts, shares, proportional shares) with
exact rational arithmetic for the shares, then ranked: highest score − penalties, then least
cost, then the least tie-break value ``Σ (k+1)·x_k`` (``k`` = the pair's position).

Readings of the contract where it leaves a choice (the same as the model's):

- a soft share is short by ``share × selected − matching`` places (fractional);
- ``proportional``: a group's headcount is its candidates eligible for at least one selected
  place; its share of the selected places must lie within ``headcount share ± tolerance``;
- ``by_agency`` budgets pay their own people's places; fixed costs belong to no agency;
- an ``allowed``/``forced`` pair is an exception granted to that person: it is outside the
  multi-year rules altogether (not counted, not checked against the history or the plan).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from allocator.problem import ProblemData
from allocator.tables import read_tables

TOL = 1e-7
MAX_PLANS = 400_000


class TooBig(RuntimeError):
    """The problem has too many plans for exhaustive search."""


@dataclass(frozen=True)
class Bound:
    """One linear test over a plan, exact in integers: ``coef · x + offset ≥ 0``.

    ``coef`` has one integer per pair. ``den`` turns the value back into places
    (``value / den``): a soft bound broken by ``v < 0`` costs ``penalty × (−v / den)``.
    """

    label: str
    coef: np.ndarray  # int64 per pair
    offset: int
    den: int
    soft: bool
    penalty: float
    monotone: bool  # True when adding a place can only lower the value (safe to prune on)


@dataclass(frozen=True)
class Reference:
    """What the exhaustive search found."""

    feasible: bool
    objective: float | None = None
    cost: int | None = None
    tie: int | None = None
    chosen: np.ndarray | None = None  # one best plan (bool per pair)
    n_plans: int = 0  # plans that satisfy every hard constraint
    n_best: int = 0  # plans that reach the best (objective, cost, tie)

    def placed(self, problem: ProblemData) -> list[tuple[str, str]]:
        """``(candidate_id, program_id)`` of the best plan."""
        assert self.chosen is not None
        return placements(problem, self.chosen)


def placements(problem: ProblemData, chosen: np.ndarray) -> list[tuple[str, str]]:
    cid = problem.candidates["candidate_id"].to_numpy()
    pid = problem.programs["program_id"].to_numpy()
    idx = np.flatnonzero(chosen)
    return [(str(cid[problem.pair_c[k]]), str(pid[problem.pair_p[k]])) for k in idx]


# --------------------------------------------------------------------------------------------
# Reading the tables.
# --------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as a selector compares it: booleans ``true``/``false``, lists ``a;b``."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ";".join(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    return str(value)


def _column(frame: pd.DataFrame, name: str) -> list[str]:
    return [_text(v) for v in frame[name].tolist()]


class _Attributes:
    """Per-pair attribute values, a selector key resolved programme-first (product.md)."""

    def __init__(self, problem: ProblemData) -> None:
        self.cand = problem.candidates
        self.prog = problem.programs
        self.pc = problem.pair_c
        self.pp = problem.pair_p

    def side(self, key: str) -> tuple[str, str]:
        if key.startswith("candidate."):
            return "c", key.removeprefix("candidate.")
        if key.startswith("program."):
            return "p", key.removeprefix("program.")
        if key in self.prog.columns:
            return "p", key
        if key in self.cand.columns:
            return "c", key
        raise KeyError(key)

    def table(self, key: str) -> list[str]:
        side, col = self.side(key)
        return _column(self.prog if side == "p" else self.cand, col)

    def per_pair(self, key: str) -> np.ndarray:
        side, _ = self.side(key)
        values = np.array(self.table(key), dtype=object)
        return values[self.pp if side == "p" else self.pc]

    def select(self, selector: dict[str, Any]) -> np.ndarray:
        ok = np.ones(len(self.pc), dtype=bool)
        for key, value in selector.items():
            wanted = {_text(v) for v in (value if isinstance(value, list) else [value])}
            ok &= np.array([v in wanted for v in self.per_pair(key)], dtype=bool)
        return ok

    def groups(self, keys: list[str]) -> list[tuple[str, np.ndarray]]:
        """One group per combination present (one table) or every combination (two tables)."""
        if not keys:
            return [("", np.ones(len(self.pc), dtype=bool))]
        sides = {self.side(k)[0] for k in keys}
        if len(sides) == 1:
            columns = [self.table(k) for k in keys]
            combos = sorted(set(zip(*columns, strict=True)))
        else:
            combos = list(itertools.product(*[sorted(set(self.table(k))) for k in keys]))
        values = [self.per_pair(k) for k in keys]
        out = []
        for combo in combos:
            mask = np.ones(len(self.pc), dtype=bool)
            for vals, v in zip(values, combo, strict=True):
                mask &= vals == v
            out.append((", ".join(f"{k}={v}" for k, v in zip(keys, combo, strict=True)), mask))
        return out


# --------------------------------------------------------------------------------------------
# Quotas and budget as exact integer tests.
# --------------------------------------------------------------------------------------------


def _share_test(label: str, selected: np.ndarray, part: np.ndarray, share: Fraction,
                at_least: bool, soft: bool, penalty: float) -> Bound:
    """``part ≥ share·selected`` (or ≤) as ``den·part − num·selected ≥ 0``."""
    num, den = share.numerator, share.denominator
    coef = den * part.astype(np.int64) - num * selected.astype(np.int64)
    if not at_least:
        coef = -coef
    # Adding a place raises or lowers the value depending on whether it is in the part: never
    # safe to prune on.
    return Bound(label, coef, 0, den, soft, penalty, monotone=False)


def quota_tests(problem: ProblemData) -> list[Bound]:
    attrs = _Attributes(problem)
    out: list[Bound] = []
    for q in problem.scenario.quotas:
        penalty = float(q.penalty or 0.0)
        base = attrs.select(q.select)
        keys = q.per_keys
        if q.proportional is not None:
            # Headcount: the candidates eligible for at least one selected place, per group.
            head = np.zeros(len(problem.candidates), dtype=bool)
            head[problem.pair_c[base]] = True
            _, col = attrs.side(keys[0])
            values = _column(problem.candidates, col)
            total = int(head.sum())
            tol = Fraction(str(q.proportional.tolerance))
            for label, mask in attrs.groups(keys):
                value = label.split("=", 1)[1]
                count = sum(1 for c in np.flatnonzero(head) if values[c] == value)
                h = Fraction(count, total) if total else Fraction(0)
                part = base & mask
                out.append(_share_test(f"{q.name} [{label}] ≥", base, part, h - tol, True,
                                       q.soft, penalty))
                out.append(_share_test(f"{q.name} [{label}] ≤", base, part, h + tol, False,
                                       q.soft, penalty))
            continue
        for label, mask in attrs.groups(keys):
            sel = base & mask
            name = f"{q.name} [{label}]" if label else q.name
            if q.min is not None:
                out.append(Bound(f"{name} min", sel.astype(np.int64), -q.min, 1, q.soft,
                                 penalty, monotone=False))
            if q.max is not None:
                out.append(Bound(f"{name} max", -sel.astype(np.int64), q.max, 1, q.soft,
                                 penalty, monotone=not q.soft))
            for spec, at_least in ((q.min_share, True), (q.max_share, False)):
                if spec is None:
                    continue
                part = sel & attrs.select(spec.of)
                out.append(_share_test(f"{name} {'min' if at_least else 'max'}_share", sel,
                                       part, Fraction(str(spec.share)), at_least, q.soft,
                                       penalty))
    return out


# --------------------------------------------------------------------------------------------
# Per-person rules.
# --------------------------------------------------------------------------------------------


def _history(problem: ProblemData) -> tuple[dict[str, dict[int, int]], set[str]]:
    """Per candidate: overseas places per year in the history; who went on a short-term one."""
    per_year: dict[str, dict[int, int]] = {}
    short: set[str] = set()
    h = problem.history
    if len(h):
        for cid, year, mode, kind in zip(h["candidate_id"], h["year"], h["mode"], h["type"],
                                         strict=True):
            if mode != "overseas":
                continue
            years = per_year.setdefault(str(cid), {})
            years[int(year)] = years.get(int(year), 0) + 1
            if kind == "short_term":
                short.add(str(cid))
    return per_year, short


def excepted_pairs(problem: ProblemData) -> np.ndarray:
    """Pairs the planner allowed or forced in ``pairs.status`` (read again from the file).

    Such a pair is an exception to every rule (product.md: "eligible even if a rule says no"),
    the multi-year rules included.
    """
    out = np.zeros(problem.n_pairs, dtype=bool)
    if problem.scenario.data.pairs is None:
        return out
    pairs = read_tables(problem.scenario).pairs
    marked = {(str(c), str(p)) for c, p, st in zip(pairs["candidate_id"], pairs["program_id"],
                                                  pairs["status"], strict=True)
              if st in ("allowed", "forced")}
    cid = problem.candidates["candidate_id"].to_numpy()
    pid = problem.programs["program_id"].to_numpy()
    for k, (c, p) in enumerate(zip(problem.pair_c, problem.pair_p, strict=True)):
        out[k] = (str(cid[c]), str(pid[p])) in marked
    return out


@dataclass(frozen=True)
class _PersonRules:
    """What the per-person rules need, per programme and per pair."""

    rules: Any
    modes: list[str]
    types: list[str]
    years: list[int]
    excepted: np.ndarray


def person_options(problem: ProblemData) -> list[np.ndarray]:
    """For each candidate, the bitmasks of the subsets of their pairs the person rules allow."""
    prog = problem.programs
    ctx = _PersonRules(problem.scenario.rules, prog["mode"].tolist(), prog["type"].tolist(),
                       [int(y) for y in prog["year"].tolist()], excepted_pairs(problem))
    hist_year, hist_short = _history(problem)
    cand = problem.candidates
    must = cand["must_train"].tolist()
    out = []
    for c, cid in enumerate(cand["candidate_id"].tolist()):
        ks = np.flatnonzero(problem.pair_c == c)
        options = []
        for size in range(len(ks) + 1):
            for subset in itertools.combinations(ks.tolist(), size):
                if _person_ok(problem, subset, ctx, hist_year.get(cid, {}), cid in hist_short,
                              bool(must[c]), ks):
                    options.append(sum(1 << k for k in subset))
        out.append(np.array(options, dtype=np.int64))
    return out


def _person_ok(problem: ProblemData, subset: tuple[int, ...], ctx: _PersonRules,
               hist_years: dict[int, int], hist_short: bool, must: bool,
               ks: np.ndarray) -> bool:
    rules = ctx.rules
    if len(subset) > rules.max_programs_per_candidate:
        return False
    if must and not subset:
        return False
    if any(problem.forced[k] and k not in subset for k in ks):
        return False
    modes = [ctx.modes[int(problem.pair_p[k])] for k in subset]
    for mode, limit in rules.max_programs_per_mode.items():
        if modes.count(mode) > limit:
            return False
    # An allowed/forced pair is an exception granted to that person: it is outside the
    # multi-year rules altogether (neither counted nor checked against the history).
    abroad = [k for k, m in zip(subset, modes, strict=True)
              if m == "overseas" and not ctx.excepted[k]]
    year = [ctx.years[int(problem.pair_p[k])] for k in abroad]
    if rules.max_overseas_per_year.enabled:
        for y in set(year):
            if year.count(y) + hist_years.get(y, 0) > rules.max_overseas_per_year.limit:
                return False
    if rules.no_consecutive_overseas_years.enabled:
        went = set(year)
        if any(y + 1 in went or y + 1 in hist_years or y - 1 in hist_years for y in went):
            return False
    if rules.short_term_once.enabled:
        shorts = sum(ctx.types[int(problem.pair_p[k])] == "short_term" for k in abroad)
        if shorts + int(hist_short) > 1:
            return False
    return True


# --------------------------------------------------------------------------------------------
# The search.
# --------------------------------------------------------------------------------------------


def _bits(masks: np.ndarray, n: int) -> np.ndarray:
    return ((masks[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(np.int64)


@dataclass(frozen=True)
class _Money:
    label: str
    pair_cost: np.ndarray  # per pair (0 outside the envelope)
    fixed: np.ndarray  # per programme (0 outside the envelope)
    cap: int


def money_tests(problem: ProblemData) -> list[_Money]:
    """Budget envelopes: per-person costs (pairs.cost or cost_per_person) + fixed costs."""
    b = problem.scenario.budget
    prog, cand = problem.programs, problem.candidates
    fixed = prog["fixed_cost"].to_numpy(dtype=np.int64)
    cost = problem.cost.astype(np.int64)
    pp, pc = problem.pair_p, problem.pair_c
    zero_fixed = np.zeros(len(prog), dtype=np.int64)
    out = []

    def by_programme(label: str, pmask: np.ndarray, cap: int) -> None:
        out.append(_Money(label, np.where(pmask[pp], cost, 0), np.where(pmask, fixed, 0), cap))

    if b.total is not None:
        by_programme("total", np.ones(len(prog), dtype=bool), b.total)
    sources = prog["funding_source"].to_numpy()
    for src, cap in b.by_source.items():
        by_programme(f"by_source:{src}", sources == src, cap)
    years = prog["year"].to_numpy(dtype=np.int64)
    for year, cap in b.by_year.items():
        by_programme(f"by_year:{year}", years == int(year), cap)
    agencies = cand["agency"].to_numpy()
    for agency, cap in b.by_agency.items():
        # An agency pays its own people's places; a programme's fixed cost is nobody's.
        out.append(_Money(f"by_agency:{agency}", np.where(agencies[pc] == agency, cost, 0),
                          zero_fixed, cap))
    for p, cap in enumerate(prog["budget_cap"].tolist()):
        if not pd.isna(cap):
            mask = np.zeros(len(prog), dtype=bool)
            mask[p] = True
            by_programme(f"budget_cap:{prog['program_id'].iat[p]}", mask, int(cap))
    return out


def solve_by_enumeration(problem: ProblemData, max_plans: int = MAX_PLANS) -> Reference:
    """Every plan, checked constraint by constraint; the best by (objective, −cost, −tie).

    Raises
    ------
    TooBig
        When the partial plans outgrow ``max_plans``.
    """
    n = problem.n_pairs
    if n > 62:
        raise TooBig(f"{n} pairs")
    prog = problem.programs
    n_p = len(prog)
    capacity = prog["capacity"].to_numpy(dtype=np.int64)
    min_size = prog["min_size"].to_numpy(dtype=np.int64)
    fixed = prog["fixed_cost"].to_numpy(dtype=np.int64)
    onehot = np.zeros((n, n_p), dtype=np.int64)
    onehot[np.arange(n), problem.pair_p] = 1
    money = money_tests(problem)
    quotas = quota_tests(problem)
    hard_max = [q for q in quotas if q.monotone]

    def prune(masks: np.ndarray) -> np.ndarray:
        x = _bits(masks, n)
        count = x @ onehot
        ok = (count <= capacity).all(axis=1)
        runs = count > 0
        for m in money:
            ok &= x @ m.pair_cost + runs @ m.fixed <= m.cap
        for q in hard_max:
            ok &= x @ q.coef + q.offset >= 0
        return masks[ok]

    masks = np.zeros(1, dtype=np.int64)
    for options in person_options(problem):
        if len(options) == 0:
            return Reference(False)
        masks = (masks[:, None] | options[None, :]).ravel()
        if len(masks) > 4 * max_plans:
            raise TooBig(f"{len(masks)} partial plans")
        masks = prune(masks)
        if len(masks) > max_plans:
            raise TooBig(f"{len(masks)} partial plans")
    x = _bits(masks, n)
    count = x @ onehot
    runs = count > 0
    ok = (~runs | (count >= min_size)).all(axis=1)
    penalty = np.zeros(len(masks))
    for q in quotas:
        value = x @ q.coef + q.offset
        if q.soft:
            penalty += q.penalty * np.maximum(0, -value) / q.den
        else:
            ok &= value >= 0
    if not ok.any():
        return Reference(False)
    x, runs, penalty = x[ok], runs[ok], penalty[ok]
    score = x @ problem.score.astype(np.int64)
    objective = score - penalty
    cost = x @ problem.cost.astype(np.int64) + runs @ fixed
    tie = x @ np.arange(1, n + 1, dtype=np.int64)
    best = objective >= objective.max() - TOL
    cheapest = best & (cost == cost[best].min())
    first = cheapest & (tie == tie[cheapest].min())
    i = int(np.flatnonzero(first)[0])
    value = float(objective[i])
    return Reference(True, int(round(value)) if abs(value - round(value)) < TOL else value,
                     int(cost[i]), int(tie[i]), x[i].astype(bool), int(ok.sum()),
                     int(first.sum()))


# --------------------------------------------------------------------------------------------
# The default score, computed again (docs/product.md and the scenario's ``objective``).
# --------------------------------------------------------------------------------------------


def default_scores(problem: ProblemData) -> np.ndarray:
    """``round(scale × field_weight × priority × (1+planning_bonus) × level_weight) + bonus``."""
    obj = problem.scenario.objective
    cand, prog = problem.candidates, problem.programs
    out = []
    for c, p in zip(problem.pair_c, problem.pair_p, strict=True):
        row, pr = cand.iloc[c], prog.iloc[p]
        weight = obj.field_weights.get(pr["field"], obj.default_field_weight)
        if obj.use_priority:
            weight *= float(row["priority"])
        if row["planned_position"] != "":
            weight *= 1.0 + obj.planning_bonus
        weight *= obj.level_weights.get(row["position_level"], 1.0)
        score = int(round(obj.scale * weight))
        prefs = list(row["preferences"])
        if pr["program_id"] in prefs:
            rank = prefs.index(pr["program_id"])
            if rank < len(obj.preference_bonus):
                score += obj.preference_bonus[rank]
        out.append(score)
    return np.array(out, dtype=np.int64)
