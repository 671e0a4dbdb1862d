"""A plan: which pairs are chosen. It recomputes its own score, cost and KPIs, and checks itself.

Nothing here trusts the engine that found the plan: every figure is computed again from the
problem data, and :meth:`Solution.check` lists every constraint the plan breaks.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from allocator.problem import ProblemData, Row

TOL = 1e-6


@dataclass(frozen=True)
class RowUse:
    """How a plan uses one quota cell or envelope."""

    row: Row
    value: float  # Σ a x + Σ b y
    places: int  # places counted by the row (a share row: the places of its selection)
    of_places: int  # for a share row: the places that match ``of``
    violation: float  # how far outside [lo, hi] (0 when within)

    @property
    def slack(self) -> float | None:
        """Room left before the binding side (None when the row has no bound)."""
        gaps = []
        if self.row.hi is not None:
            gaps.append(self.row.hi - self.value)
        if self.row.lo is not None:
            gaps.append(self.value - self.row.lo)
        return min(gaps) if gaps else None


@dataclass(frozen=True, eq=False)
class Solution:
    """The chosen pairs of a problem (a boolean per pair)."""

    problem: ProblemData
    chosen: np.ndarray = field(repr=False)

    @classmethod
    def from_indices(cls, problem: ProblemData, indices: np.ndarray) -> Solution:
        chosen = np.zeros(problem.n_pairs, dtype=bool)
        chosen[np.asarray(indices, dtype=np.int64)] = True
        return cls(problem, chosen)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A figure derived from this plan, computed once (the outputs share reserve lists…)."""
        cache = self._memo
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    @cached_property
    def _memo(self) -> dict[Hashable, Any]:
        return {}

    # ---- the plan's own figures -----------------------------------------------------------

    @cached_property
    def placed(self) -> np.ndarray:
        """Indices of the chosen pairs, in (candidate, programme) order."""
        return np.flatnonzero(self.chosen)

    @cached_property
    def program_count(self) -> np.ndarray:
        """Places taken in each programme."""
        return np.bincount(self.problem.pair_p[self.chosen], minlength=self.problem.n_programs)

    @cached_property
    def runs(self) -> np.ndarray:
        """A programme runs when at least one person is placed in it."""
        return self.program_count > 0

    @property
    def score(self) -> int:
        return int(self.problem.score[self.chosen].sum())

    @property
    def cost(self) -> int:
        """Per-person costs plus the fixed cost of every programme that runs (VND)."""
        per_person = int(self.problem.cost[self.chosen].sum())
        return per_person + int(self.problem.fixed_cost[self.runs].sum())

    @cached_property
    def row_use(self) -> tuple[RowUse, ...]:
        """The use of every quota cell and budget envelope."""
        out = []
        x = self.chosen
        y = self.runs
        for row in self.problem.rows:
            value = float(np.dot(row.coef, x[row.pairs])) if len(row.pairs) else 0.0
            if len(row.programs):
                value += float(np.dot(row.prog_coef, y[row.programs]))
            over = max(0.0, value - row.hi) if row.hi is not None else 0.0
            under = max(0.0, row.lo - value) if row.lo is not None else 0.0
            out.append(RowUse(row, value, int(x[row.places].sum()), int(x[row.of_places].sum()),
                              over + under))
        return tuple(out)

    @property
    def penalty(self) -> float:
        """Σ penalty × (places by which each soft quota is broken)."""
        return float(sum(u.row.penalty * u.violation for u in self.row_use if u.row.soft))

    @property
    def objective(self) -> float:
        """Total score minus the penalties of broken soft quotas (no tie-break terms)."""
        value = self.score - self.penalty
        return int(value) if float(value).is_integer() else value

    # ---- checking ------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Every constraint the plan breaks, in words (empty when the plan is valid)."""
        p = self.problem
        x = self.chosen
        problems: list[str] = []
        cand_ids = p.candidates["candidate_id"].to_numpy()
        prog_ids = p.programs["program_id"].to_numpy()
        count = self.program_count
        for i in np.flatnonzero(count > p.capacity):
            problems.append(f"programme {prog_ids[i]!r}: {count[i]} placed, capacity "
                            f"{p.capacity[i]}")
        short = self.runs & (count < p.min_size)
        for i in np.flatnonzero(short):
            problems.append(f"programme {prog_ids[i]!r} runs with {count[i]} placed, below its "
                            f"min_size {p.min_size[i]}")
        per_c = np.bincount(p.pair_c[x], minlength=p.n_candidates)
        for c in np.flatnonzero(per_c > p.max_per_candidate):
            problems.append(f"candidate {cand_ids[c]!r}: {per_c[c]} programmes, at most "
                            f"{p.max_per_candidate[c]} (max_programs_per_candidate)")
        for c in np.flatnonzero(p.must_train & (per_c == 0)):
            problems.append(f"candidate {cand_ids[c]!r} must train but has no place")
        for k in np.flatnonzero(p.forced & ~x):
            problems.append(f"forced pair ({cand_ids[p.pair_c[k]]!r}, {prog_ids[p.pair_p[k]]!r})"
                            " is not in the plan")
        for lim in p.limits:
            used = np.bincount(lim.group, weights=x[lim.pairs], minlength=len(lim.limit))
            for g in np.flatnonzero(used > lim.limit):
                problems.append(f"candidate {cand_ids[lim.candidate[g]]!r}: {int(used[g])} "
                                f"places ({lim.label[g]}), at most {lim.limit[g]} ({lim.rule})")
        ex = p.exclusive
        if ex is not None:
            used = np.bincount(ex.group, weights=x[ex.pairs], minlength=len(ex.year))
            both = (used[ex.conflicts[:, 0]] > 0) & (used[ex.conflicts[:, 1]] > 0)
            for a, b in ex.conflicts[both]:
                problems.append(f"candidate {cand_ids[ex.candidate[a]]!r} abroad in "
                                f"{ex.year[a]} and {ex.year[b]} "
                                "(no_consecutive_overseas_years)")
        for use in self.row_use:
            # Integral rows (counts, money) are exact; share rows allow float rounding only.
            if use.row.soft or use.violation <= (0.5 if use.row.integral else TOL):
                continue
            fmt = ",.0f" if use.row.integral else ",.6g"
            bound = []
            if use.row.lo is not None:
                bound.append(f"≥ {use.row.lo:{fmt}}")
            if use.row.hi is not None:
                bound.append(f"≤ {use.row.hi:{fmt}}")
            problems.append(f"{use.row.family} {use.row.label} ({use.row.kind}): "
                            f"{use.value:,.2f} not {' and '.join(bound)}")
        return problems

    # ---- reporting -----------------------------------------------------------------------

    def assignments(self) -> pd.DataFrame:
        """One row per placement: candidate_id, program_id, then both tables' columns."""
        p = self.problem
        idx = self.placed
        cand = p.candidates.drop(columns=["_row"]).iloc[p.pair_c[idx]].reset_index(drop=True)
        prog = p.programs.drop(columns=["_row"]).iloc[p.pair_p[idx]].reset_index(drop=True)
        prog = prog.rename(columns={c: f"program_{c}" for c in prog.columns
                                    if c in cand.columns or c in ("title",)} | {
            "program_id": "program_id"})
        out = pd.concat([cand[["candidate_id"]], prog[["program_id"]],
                         cand.drop(columns=["candidate_id"]),
                         prog.drop(columns=["program_id"])], axis=1)
        out.insert(2, "score", p.score[idx])
        out.insert(3, "cost", p.cost[idx])
        return out

    def kpis(self) -> dict[str, Any]:
        """Places by mode, type, field, content group, agency, year, gender, position level."""
        p = self.problem
        idx = self.placed
        prog = p.programs.iloc[p.pair_p[idx]]
        cand = p.candidates.iloc[p.pair_c[idx]]

        def counts(values: pd.Series) -> dict[str, int]:
            s = values.astype(str).value_counts()
            return {str(k): int(v) for k, v in sorted(s.items())}

        places = {
            "total": int(len(idx)),
            "by_mode": counts(prog["mode"]),
            "by_type": counts(prog["type"]),
            "by_field": counts(prog["field"]),
            "by_content_group": counts(prog["content_group"][prog["content_group"] != ""]),
            "by_agency": counts(cand["agency"]),
            "by_year": counts(prog["year"]),
            "by_gender": counts(cand["gender"]),
            "by_position_level": counts(cand["position_level"]),
        }
        persons = int(len(np.unique(p.pair_c[idx])))
        abroad = prog["mode"].to_numpy() == "overseas"
        women_abroad = int((cand["gender"].to_numpy()[abroad] == "F").sum())
        return {
            "places": places,
            "persons_placed": persons,
            "programs_running": int(self.runs.sum()),
            "programs_cancelled": int((~self.runs & (p.min_size > 0)).sum()),
            "women_share_overseas": (women_abroad / int(abroad.sum())) if abroad.any() else None,
            "cost": self.cost,
            "cost_per_person_total": int(p.cost[idx].sum()),
            "cost_fixed_total": int(p.fixed_cost[self.runs].sum()),
        }
