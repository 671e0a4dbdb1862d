"""ProblemData: the validated, indexed, integer-scaled problem — the one thing engines see.

:func:`build_problem` turns a scenario and its tables into arrays, once: candidates and
programmes become indices, the rules become the list of allowed pairs with their scores and
costs (integers: score points and VND), and quotas, budget envelopes and per-person limits become
linear rows over the pair variables ``x`` and the programme-runs variables ``y``.

The model every engine solves (``P`` pairs, ``x_k ∈ {0,1}``; ``y_p ∈ {0,1}`` says programme ``p``
runs)::

    maximise   Σ score_k x_k − Σ penalty_r u_r           (then least cost, then the tie-break)
    capacity   Σ_{k∈p} x_k ≤ capacity_p · y_p             (y_p only where min_size or fixed_cost)
    min_size   Σ_{k∈p} x_k ≥ min_size_p · y_p
    person     Σ_{k∈c} x_k ≤ max_programs_per_candidate;  ≥ 1 if must_train
    groups     Σ_{k∈g} x_k ≤ limit_g          (per mode, per year abroad, short-term once)
    exclusive  a person's overseas places in years y and y+1 are not both non-zero
    forced     x_k = 1
    rows       lo_r − u_r ≤ Σ a_rk x_k + Σ b_rp y_p ≤ hi_r + u_r   (quotas, budget; u_r = 0 if hard)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator.errors import InputError, Issue, Severity, warning
from allocator.rules import derive, eligible_pairs
from allocator.scenario import Quota, Scenario, load_scenario
from allocator.tables import Tables, read_tables

SCORE_SCALE_DOC = "score points: objective.scale × weights, rounded to integers"


@dataclass(frozen=True)
class Row:
    """One linear row over the pairs (and programme-runs): a quota cell or a budget envelope.

    ``places`` are the pairs whose count is reported as the row's use (for a share row, the
    places of the selection; ``of_places`` those that match ``of``).
    """

    family: str  # "quota" or "budget"
    name: str  # the quota's name, or the envelope's (``total``, ``by_source:state_budget``, …)
    group: str  # the ``per`` group as ``agency=Sở Y tế``; empty when the row is the whole quota
    kind: str  # "count", "min_share", "max_share", "proportional_min", "proportional_max", "money"
    pairs: np.ndarray
    coef: np.ndarray
    programs: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    prog_coef: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lo: float | None = None
    hi: float | None = None
    soft: bool = False
    penalty: float = 0.0
    share: float | None = None
    places: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    of_places: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def label(self) -> str:
        """``women-abroad`` or ``agency-cap [agency=Sở Y tế]``."""
        return self.name + (f" [{self.group}]" if self.group else "")

    @property
    def integral(self) -> bool:
        """True when every coefficient is an integer (the row's slack is whole places)."""
        return bool(np.all(self.coef == np.round(self.coef)))


@dataclass(frozen=True)
class GroupLimit:
    """``Σ x_k ≤ limit_g`` over disjoint groups of pairs (a per-person rule)."""

    rule: str
    pairs: np.ndarray
    group: np.ndarray  # group id (0..G-1) of each entry of ``pairs``
    limit: np.ndarray  # per group
    candidate: np.ndarray  # the candidate index of each group
    label: np.ndarray  # what the group is, e.g. "overseas 2024"


@dataclass(frozen=True)
class Exclusive:
    """Overseas places in consecutive years: groups ``a`` and ``b`` are not both non-empty."""

    pairs: np.ndarray
    group: np.ndarray
    conflicts: np.ndarray  # shape (k, 2): group ids that exclude each other
    candidate: np.ndarray  # per group
    year: np.ndarray  # per group


@dataclass(frozen=True)
class ProblemData:
    """Everything an engine needs, immutable; build it with :func:`build_problem`."""

    scenario: Scenario
    candidates: pd.DataFrame
    programs: pd.DataFrame
    history: pd.DataFrame
    sources: dict[str, str]
    # pairs, sorted by (candidate, programme)
    pair_c: np.ndarray
    pair_p: np.ndarray
    score: np.ndarray  # int64 score points
    cost: np.ndarray  # int64 VND
    forced: np.ndarray  # bool
    # per programme
    capacity: np.ndarray
    min_size: np.ndarray
    fixed_cost: np.ndarray
    # per candidate
    max_per_candidate: np.ndarray
    must_train: np.ndarray
    # side constraints
    rows: tuple[Row, ...]
    limits: tuple[GroupLimit, ...]
    exclusive: Exclusive | None
    warnings: tuple[Issue, ...] = ()
    derived: dict[str, Any] = field(default_factory=dict, repr=False)
    removed_by_rule: dict[str, int] = field(default_factory=dict)
    scenario_path: Path | None = None

    @property
    def n_pairs(self) -> int:
        return len(self.pair_c)

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_programs(self) -> int:
        return len(self.programs)

    @property
    def needs_run_var(self) -> np.ndarray:
        """Programmes whose running matters: a minimum size or a fixed cost."""
        return (self.min_size > 0) | (self.fixed_cost > 0)

    @property
    def integral_objective(self) -> bool:
        """True when every plan's objective is an integer (so a gap below 1 proves optimality)."""
        return self.objective_step > 0

    @property
    def hard_rows(self) -> list[Row]:
        """The hard quota and budget rows, in order (the order of ``LinearModel.hard_row`` and
        of the Lagrangian multipliers)."""
        return [r for r in self.rows if not r.soft]

    @property
    def objective_step(self) -> int:
        """Every plan's objective is a multiple of this integer (0 when it need not be an
        integer): the gcd of the scores and the penalties. A plan less than one step below a
        bound is optimal, and a bound can be rounded down to a multiple of the step."""
        soft = [r for r in self.rows if r.soft]
        if not all(float(r.penalty).is_integer() and r.integral for r in soft):
            return 0
        values = np.concatenate([np.abs(self.score).astype(np.int64),
                                 np.array([abs(int(r.penalty)) for r in soft], dtype=np.int64)])
        values = values[values > 0]
        return int(np.gcd.reduce(values)) if len(values) else 1

    def replace(self, **changes: Any) -> ProblemData:
        """A variant of this problem (e.g. a quota moved), the original left untouched."""
        return replace(self, **changes)

    def pairs_of_candidate(self, ci: int) -> np.ndarray:
        """Indices of the pairs of one candidate (pairs are sorted by candidate)."""
        lo, hi = np.searchsorted(self.pair_c, [ci, ci + 1])
        return np.arange(lo, hi)


# --------------------------------------------------------------------------------------------
# Selectors.
# --------------------------------------------------------------------------------------------


def _keys(series: pd.Series) -> np.ndarray:
    """A column's values as comparable text (``2023``, ``true``)."""
    if series.dtype == bool:
        return np.where(series.to_numpy(), "true", "false").astype(object)
    if len(series) and isinstance(series.iloc[0], tuple):
        return series.map(lambda t: ";".join(t)).to_numpy(dtype=object)
    return series.astype(str).to_numpy(dtype=object)


def _value_set(value: Any) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {("true" if v else "false") if isinstance(v, bool) else str(v) for v in values}


class _Selector:
    """Resolves selector keys to programme or candidate columns (programme first)."""

    def __init__(self, cand: pd.DataFrame, prog: pd.DataFrame, pair_c: np.ndarray,
                 pair_p: np.ndarray) -> None:
        self.cand, self.prog, self.pair_c, self.pair_p = cand, prog, pair_c, pair_p
        self._cache: dict[str, np.ndarray] = {}

    def side(self, key: str) -> tuple[str, str] | None:
        if key.startswith("candidate."):
            col = key.removeprefix("candidate.")
            return ("c", col) if col in self.cand.columns and col != "_row" else None
        if key.startswith("program."):
            col = key.removeprefix("program.")
            return ("p", col) if col in self.prog.columns and col != "_row" else None
        if key in self.prog.columns and key != "_row":
            return ("p", key)
        if key in self.cand.columns and key != "_row":
            return ("c", key)
        return None

    def table_values(self, key: str) -> np.ndarray:
        """The key's value per row of its own table."""
        side = self.side(key)
        assert side is not None
        frame = self.prog if side[0] == "p" else self.cand
        return _keys(frame[side[1]])

    def pair_values(self, key: str) -> np.ndarray:
        """The key's value for each pair."""
        if key not in self._cache:
            side = self.side(key)
            assert side is not None
            idx = self.pair_p if side[0] == "p" else self.pair_c
            self._cache[key] = self.table_values(key)[idx]
        return self._cache[key]

    def mask(self, select: dict[str, Any]) -> np.ndarray:
        ok = np.ones(len(self.pair_c), dtype=bool)
        for key, value in select.items():
            # Test each row of the key's own table once, then look the answer up per pair.
            side = self.side(key)
            assert side is not None
            idx = self.pair_p if side[0] == "p" else self.pair_c
            ok &= np.isin(self.table_values(key), list(_value_set(value)))[idx]
        return ok


def _check_selector(sel: _Selector, select: dict[str, Any], file: str, where: str,
                    issues: list[Issue]) -> None:
    for key, value in select.items():
        side = sel.side(key)
        if side is None:
            issues.append(Issue(file, key=f"{where}.{key}",
                                message=f"unknown selector key {key!r}: not a column of the "
                                "programmes or candidates"))
            continue
        present = set(sel.table_values(key))
        missing = sorted(_value_set(value) - present)
        if missing:
            table = "programme" if side[0] == "p" else "candidate"
            issues.append(warning(file, f"no {table} has {key} = {', '.join(missing)}: the "
                                  "quota selects nothing there", code="quota_over_nothing",
                                  key=f"{where}.{key}"))


# --------------------------------------------------------------------------------------------
# Quotas and budget as rows.
# --------------------------------------------------------------------------------------------


def _per_groups(sel: _Selector, quota: Quota, idx: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The ``per`` groups over the selected pairs ``idx``: a label and the group's pairs.

    One group per distinct value present in the key's own table (so a group with no eligible
    pair still exists, and its minimum still applies).
    """
    keys = quota.per_keys
    if not keys:
        return [("", idx)]
    sides = {sel.side(k)[0] for k in keys}  # type: ignore[index]
    if len(sides) == 1:
        combos = pd.DataFrame({k: sel.table_values(k) for k in keys}).drop_duplicates()
    else:
        combos = pd.DataFrame({"_": [0]})
        for k in keys:
            combos = combos.merge(pd.DataFrame({k: pd.unique(sel.table_values(k)), "_": 0}))
        combos = combos.drop(columns="_")
    combos = combos.sort_values(keys, kind="stable").reset_index(drop=True)
    # Code each selected pair by its combination, then split the pairs by code in one sort.
    pair_keys = pd.DataFrame({k: sel.pair_values(k)[idx] for k in keys})
    code = pair_keys.merge(combos.reset_index(), on=keys, how="left")["index"].to_numpy()
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(len(combos) + 1))
    groups = []
    for i, combo in enumerate(combos.itertuples(index=False)):
        label = ", ".join(f"{k}={v}" for k, v in zip(keys, combo, strict=True))
        groups.append((label, idx[order[bounds[i]:bounds[i + 1]]]))
    return groups


def _share_coef(of_mask: np.ndarray, share: float) -> np.ndarray:
    s = float(Fraction(str(share)))
    return of_mask.astype(float) - s


def quota_rows(sel: _Selector, quota: Quota) -> list[Row]:
    """The rows of one quota: one per ``per`` group and bound."""
    base = np.flatnonzero(sel.mask(quota.select))
    penalty = float(quota.penalty or 0.0)
    rows: list[Row] = []
    common: dict[str, Any] = {"family": "quota", "name": quota.name, "soft": quota.soft,
                              "penalty": penalty}
    groups = _per_groups(sel, quota, base)
    if quota.proportional is not None:
        head_key = quota.per_keys[0]
        # Headcount: candidates eligible for at least one selected place, per group.
        eligible_c = np.unique(sel.pair_c[base])
        counts = pd.Series(sel.table_values(head_key)[eligible_c]).value_counts()
        total = int(counts.sum())
        tol = quota.proportional.tolerance
        for label, members in groups:
            value = label.split("=", 1)[1]
            h = counts.get(value, 0) / total if total else 0.0
            in_group = np.isin(base, members).astype(float)
            if h - tol > 0:
                rows.append(Row(kind="proportional_min", group=label, pairs=base,
                                coef=in_group - (h - tol), lo=0.0, share=h - tol,
                                places=base, of_places=members, **common))
            if h + tol < 1:
                rows.append(Row(kind="proportional_max", group=label, pairs=base,
                                coef=in_group - (h + tol), hi=0.0, share=h + tol,
                                places=base, of_places=members, **common))
        return rows
    of_masks = {kind: sel.mask(spec.of) for kind, spec in
                (("min_share", quota.min_share), ("max_share", quota.max_share)) if spec}
    for label, members in groups:
        if quota.min is not None or quota.max is not None:
            rows.append(Row(kind="count", group=label, pairs=members,
                            coef=np.ones(len(members)), lo=quota.min, hi=quota.max,
                            places=members, **common))
        for kind, spec in (("min_share", quota.min_share), ("max_share", quota.max_share)):
            if spec is None:
                continue
            of = of_masks[kind][members]
            rows.append(Row(kind=kind, group=label, pairs=members,
                            coef=_share_coef(of, spec.share),
                            lo=0.0 if kind == "min_share" else None,
                            hi=0.0 if kind == "max_share" else None, share=spec.share,
                            places=members, of_places=members[of], **common))
    return rows


def budget_rows(scenario: Scenario, cand: pd.DataFrame, prog: pd.DataFrame, pair_c: np.ndarray,
                pair_p: np.ndarray, cost: np.ndarray, file: str,
                issues: list[Issue]) -> list[Row]:
    """Budget envelopes and programme caps as money rows (per-person costs + fixed costs)."""
    fixed = prog["fixed_cost"].to_numpy(dtype=np.int64)
    rows: list[Row] = []

    def envelope(name: str, pmask: np.ndarray, cap: int, cmask: np.ndarray | None = None,
                 with_fixed: bool = True) -> Row:
        pair_mask = pmask[pair_p] if cmask is None else cmask[pair_c]
        idx = np.flatnonzero(pair_mask)
        progs = np.flatnonzero(pmask & (fixed > 0)) if with_fixed else np.zeros(0, np.int64)
        return Row(family="budget", name=name, group="", kind="money", pairs=idx,
                   coef=cost[idx].astype(float), programs=progs, prog_coef=fixed[progs],
                   hi=float(cap), places=idx)

    b = scenario.budget
    everything = np.ones(len(prog), dtype=bool)
    if b.total is not None:
        rows.append(envelope("total", everything, b.total))
    sources = prog["funding_source"].to_numpy()
    for src, cap in sorted(b.by_source.items()):
        if src not in set(sources):
            issues.append(warning(file, f"no programme is funded from {src!r}", code="budget",
                                  key=f"budget.by_source.{src}"))
        rows.append(envelope(f"by_source:{src}", sources == src, cap))
    agencies = cand["agency"].to_numpy()
    for agency, cap in sorted(b.by_agency.items()):
        if agency not in set(agencies):
            issues.append(warning(file, f"no candidate belongs to agency {agency!r}",
                                  code="budget", key=f"budget.by_agency.{agency}"))
        # An agency's envelope pays its own people's places; fixed costs are not per agency.
        rows.append(envelope(f"by_agency:{agency}", everything, cap, cmask=agencies == agency,
                             with_fixed=False))
    years = prog["year"].to_numpy(dtype=np.int64)
    for year, cap in sorted(b.by_year.items()):
        rows.append(envelope(f"by_year:{year}", years == int(year), cap))
    caps = prog["budget_cap"]
    for p in np.flatnonzero(caps.notna().to_numpy()):
        mask = np.zeros(len(prog), dtype=bool)
        mask[p] = True
        rows.append(envelope(f"budget_cap:{prog['program_id'].iat[p]}", mask, int(caps.iat[p])))
    return rows


# --------------------------------------------------------------------------------------------
# Scores.
# --------------------------------------------------------------------------------------------


def compute_scores(scenario: Scenario, cand: pd.DataFrame, prog: pd.DataFrame,
                   pair_c: np.ndarray, pair_p: np.ndarray) -> np.ndarray:
    """The score of each pair from the ``objective`` settings (integers; see README).

    ``round(scale × field_weight(programme) × candidate_weight) + preference_bonus[rank]``
    """
    obj = scenario.objective
    fw = prog["field"].map(lambda f: obj.field_weights.get(f, obj.default_field_weight))
    weight = np.ones(len(cand))
    if obj.use_priority:
        weight *= cand["priority"].to_numpy(dtype=float)
    weight *= np.where(cand["planned_position"].to_numpy() != "", 1.0 + obj.planning_bonus, 1.0)
    weight *= cand["position_level"].map(obj.level_weights).fillna(1.0).to_numpy(dtype=float)
    base = np.rint(obj.scale * fw.to_numpy(dtype=float)[pair_p] * weight[pair_c]).astype(np.int64)
    # Preference bonus: rank r (0-based) of the programme in the candidate's preferences.
    prefs = cand["preferences"].explode().dropna()
    if len(prefs) and obj.preference_bonus:
        rank = prefs.groupby(level=0).cumcount().to_numpy()
        ppos = pd.Series(np.arange(len(prog)), index=prog["program_id"].to_numpy())
        pidx = ppos.reindex(prefs.to_numpy()).to_numpy()
        keep = ~np.isnan(pidx) & (rank < len(obj.preference_bonus))
        key = prefs.index.to_numpy()[keep].astype(np.int64) * len(prog) + pidx[keep].astype(
            np.int64)
        bonus = np.array(obj.preference_bonus, dtype=np.int64)[rank[keep]]
        pair_key = pair_c.astype(np.int64) * len(prog) + pair_p
        order = np.argsort(key, kind="stable")
        key, bonus = key[order], bonus[order]
        pos = np.clip(np.searchsorted(key, pair_key), 0, max(len(key) - 1, 0))
        if len(key):
            hit = key[pos] == pair_key
            base = base + np.where(hit, bonus[pos], 0)
    return base


# --------------------------------------------------------------------------------------------
# Per-person limits.
# --------------------------------------------------------------------------------------------


def _group_limit(rule: str, pairs: np.ndarray, keys: np.ndarray, limit: np.ndarray | int,
                 pair_c: np.ndarray, labels: np.ndarray) -> GroupLimit | None:
    """Groups of ``pairs`` by ``keys``; drops groups that cannot exceed their limit."""
    if len(pairs) == 0:
        return None
    uniq, group, counts = np.unique(keys, return_inverse=True, return_counts=True)
    lim = np.broadcast_to(np.asarray(limit), (len(uniq),)).astype(np.int64) if np.ndim(
        limit) == 0 else np.asarray(limit)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[group[::-1]] = np.arange(len(group))[::-1]
    binding = counts > lim
    if not binding.any():
        return None
    keep = binding[group]
    remap = np.cumsum(binding) - 1
    return GroupLimit(rule, pairs[keep], remap[group[keep]], lim[binding],
                      pair_c[pairs[first[binding]]], labels[first[binding]])


def status_pairs(pairs: pd.DataFrame, cand: pd.DataFrame, prog: pd.DataFrame,
                 pair_c: np.ndarray, pair_p: np.ndarray, statuses: set[str]) -> np.ndarray:
    """Which pairs have one of ``statuses`` in ``pairs.csv`` (a boolean per pair)."""
    out = np.zeros(len(pair_c), dtype=bool)
    if not len(pairs):
        return out
    rows = pairs[pairs["status"].isin(statuses) & pairs["program_id"].isin(set(prog["program_id"]))]
    if not len(rows):
        return out
    n_p = len(prog)
    cpos = pd.Series(np.arange(len(cand)), index=cand["candidate_id"].to_numpy())
    ppos = pd.Series(np.arange(n_p), index=prog["program_id"].to_numpy())
    keys = (cpos.reindex(rows["candidate_id"]).to_numpy().astype(np.int64) * n_p
            + ppos.reindex(rows["program_id"]).to_numpy().astype(np.int64))
    return np.isin(pair_c * n_p + pair_p, keys)


def person_limits(scenario: Scenario, prog: pd.DataFrame, history: pd.DataFrame,
                  cand_ids: pd.Series, pair_c: np.ndarray, pair_p: np.ndarray,
                  exempt: np.ndarray | None = None) -> tuple[list[GroupLimit], Exclusive | None]:
    """The per-person rules that span several places: per mode, per year abroad, short once.

    ``exempt`` pairs (``pairs.status`` allowed or forced: an exception granted for that person)
    are outside the multi-year rules (per year abroad, consecutive years, short-term once).
    """
    rules = scenario.rules
    if exempt is None:
        exempt = np.zeros(len(pair_c), dtype=bool)
    modes = prog["mode"].to_numpy()[pair_p]
    types = prog["type"].to_numpy()[pair_p]
    years = prog["year"].to_numpy(dtype=np.int64)[pair_p]
    limits: list[GroupLimit] = []
    for mode, lim in sorted(rules.max_programs_per_mode.items()):
        idx = np.flatnonzero(modes == mode)
        g = _group_limit("max_programs_per_mode", idx, pair_c[idx], lim, pair_c,
                         np.full(len(idx), mode, dtype=object))
        if g is not None:
            limits.append(g)
    abroad = np.flatnonzero((modes == "overseas") & ~exempt)
    if rules.max_overseas_per_year.enabled and len(abroad):
        keys = pair_c[abroad].astype(np.int64) * 10_000 + years[abroad]
        hist = history[history["mode"] == "overseas"]
        cpos = pd.Series(np.arange(len(cand_ids)), index=cand_ids.to_numpy())
        hk = cpos.reindex(hist["candidate_id"]).to_numpy().astype(np.int64) * 10_000 + hist[
            "year"].to_numpy(dtype=np.int64)
        used = pd.Series(hk).value_counts()
        uniq = np.unique(keys)
        lim = rules.max_overseas_per_year.limit - used.reindex(uniq).fillna(0).to_numpy(np.int64)
        g = _group_limit("max_overseas_per_year", abroad, keys, np.maximum(lim, 0), pair_c,
                         np.array([f"overseas {y}" for y in years[abroad]], dtype=object))
        if g is not None:
            limits.append(g)
    short = np.flatnonzero((modes == "overseas") & (types == "short_term") & ~exempt)
    if rules.short_term_once.enabled and len(short):
        g = _group_limit("short_term_once", short, pair_c[short], 1, pair_c,
                         np.full(len(short), "overseas short_term", dtype=object))
        if g is not None:
            limits.append(g)
    exclusive = None
    if rules.no_consecutive_overseas_years.enabled and len(abroad):
        keys = pair_c[abroad].astype(np.int64) * 10_000 + years[abroad]
        uniq, group = np.unique(keys, return_inverse=True)
        nxt = np.searchsorted(uniq, uniq + 1)
        has = (nxt < len(uniq)) & (uniq[np.minimum(nxt, len(uniq) - 1)] == uniq + 1)
        if has.any():
            conflicts = np.stack([np.flatnonzero(has), nxt[has]], axis=1)
            exclusive = Exclusive(abroad, group, conflicts, uniq // 10_000, uniq % 10_000)
    return limits, exclusive


# --------------------------------------------------------------------------------------------
# Building.
# --------------------------------------------------------------------------------------------


def _plan_programs(scenario: Scenario, prog: pd.DataFrame) -> pd.DataFrame:
    if scenario.years:
        prog = prog[prog["year"].isin(scenario.years)]
    return prog.reset_index(drop=True)


def build_problem(scenario: Scenario, tables: Tables | None = None,
                  scenario_path: Path | None = None) -> ProblemData:
    """Build the problem once: indices, integer money and scores, allowed pairs, rows.

    Raises
    ------
    InputError
        For a scenario that does not fit its data (an unknown selector key, …).
    """
    if tables is None:
        tables = read_tables(scenario)
    file = str(scenario_path) if scenario_path else scenario.name
    issues: list[Issue] = list(tables.warnings)
    cand = tables.candidates.reset_index(drop=True)
    prog = _plan_programs(scenario, tables.programs)
    history = tables.history
    derived = derive(cand, prog, history, scenario.rules)
    elig = eligible_pairs(cand, prog, history, tables.pairs, scenario.rules, derived)
    pair_c, pair_p = elig.ci.astype(np.int64), elig.pi.astype(np.int64)

    score = compute_scores(scenario, cand, prog, pair_c, pair_p)
    cost = prog["cost_per_person"].to_numpy(dtype=np.int64)[pair_p]
    if len(tables.pairs):
        n_p = len(prog)
        cpos = pd.Series(np.arange(len(cand)), index=cand["candidate_id"].to_numpy())
        ppos = pd.Series(np.arange(n_p), index=prog["program_id"].to_numpy())
        given = tables.pairs[tables.pairs["program_id"].isin(ppos.index)]
        gkey = (cpos.reindex(given["candidate_id"]).to_numpy().astype(np.int64) * n_p
                + ppos.reindex(given["program_id"]).to_numpy().astype(np.int64))
        pair_key = pair_c * n_p + pair_p
        order = np.argsort(gkey)
        gkey = gkey[order]
        if len(gkey):
            pos = np.clip(np.searchsorted(gkey, pair_key), 0, len(gkey) - 1)
            hit = gkey[pos] == pair_key
            for column, target in (("score", score), ("cost", cost)):
                values = given[column].to_numpy()[order][pos]
                use = hit & ~pd.isna(values)
                target[use] = values[use].astype(np.int64)

    sel = _Selector(cand, prog, pair_c, pair_p)
    rows: list[Row] = []
    for i, quota in enumerate(scenario.quotas):
        where = f"quotas[{i}] ({quota.name})"
        before = len([x for x in issues if x.severity is Severity.ERROR])
        _check_selector(sel, quota.select, file, f"{where}.select", issues)
        for spec_name in ("min_share", "max_share"):
            spec = getattr(quota, spec_name)
            if spec is not None:
                _check_selector(sel, spec.of, file, f"{where}.{spec_name}.of", issues)
        for key in quota.per_keys:
            if sel.side(key) is None:
                issues.append(Issue(file, key=f"{where}.per",
                                    message=f"unknown per key {key!r}: not a column of the "
                                    "programmes or candidates"))
        if quota.proportional is not None and len(quota.per_keys) > 1:
            issues.append(Issue(file, key=f"{where}.per", message="proportional takes one per "
                                "key (the groups that share the places)"))
        elif quota.proportional is not None and quota.per_keys and (
                side := sel.side(quota.per_keys[0])) is not None and side[0] != "c":
            issues.append(Issue(file, key=f"{where}.per", message="proportional shares by "
                                "headcount need a candidate attribute (e.g. agency)"))
        if len([x for x in issues if x.severity is Severity.ERROR]) == before:
            rows.extend(quota_rows(sel, quota))
    rows.extend(budget_rows(scenario, cand, prog, pair_c, pair_p, cost, file, issues))
    if [x for x in issues if x.severity is Severity.ERROR]:
        raise InputError(issues)

    exempt = status_pairs(tables.pairs, cand, prog, pair_c, pair_p, {"allowed", "forced"})
    limits, exclusive = person_limits(scenario, prog, history, cand["candidate_id"], pair_c,
                                      pair_p, exempt)
    max_per = np.full(len(cand), scenario.rules.max_programs_per_candidate, dtype=np.int64)
    problem = ProblemData(
        scenario=scenario, candidates=cand, programs=prog, history=history,
        sources=dict(tables.sources), pair_c=pair_c, pair_p=pair_p, score=score, cost=cost,
        forced=elig.forced, capacity=prog["capacity"].to_numpy(dtype=np.int64),
        min_size=prog["min_size"].to_numpy(dtype=np.int64),
        fixed_cost=prog["fixed_cost"].to_numpy(dtype=np.int64),
        max_per_candidate=max_per, must_train=cand["must_train"].to_numpy(dtype=bool),
        rows=tuple(rows), limits=tuple(limits), exclusive=exclusive,
        derived=derived, removed_by_rule=elig.failed_by_rule, scenario_path=scenario_path,
    )
    issues.extend(suspicious(problem, file))
    return problem.replace(warnings=tuple(i for i in issues if i.severity is Severity.WARNING))


def suspicious(problem: ProblemData, file: str) -> list[Issue]:
    """Legal but suspicious input: people eligible for nothing, empty programmes, idle quotas."""
    out: list[Issue] = []
    cand, prog = problem.candidates, problem.programs
    has_pair = np.bincount(problem.pair_c, minlength=len(cand)) > 0
    nobody = ~has_pair
    if nobody.any():
        ids = cand["candidate_id"].to_numpy()[nobody]
        sample = ", ".join(ids[:10]) + (" …" if len(ids) > 10 else "")
        out.append(warning(problem.sources.get("candidates", "candidates"),
                           f"{len(ids)} candidates are eligible for no programme ({sample}); "
                           "`allocator explain --candidate ID` says why",
                           code="eligible_for_nothing"))
    attended = np.bincount(problem.pair_p, minlength=len(prog)) > 0
    for p in np.flatnonzero(~attended):
        out.append(warning(problem.sources.get("programs", "programs"),
                           f"programme {prog['program_id'].iat[p]!r}: nobody may attend it",
                           row=int(prog["_row"].iat[p]), column="program_id",
                           code="programme_nobody"))
    idle: dict[str, list[tuple[str, int]]] = {}
    for row in problem.rows:
        if row.family != "quota" or row.kind != "count":
            continue
        supply = len(row.pairs)
        if row.lo is not None and row.lo > 0 and supply < row.lo:
            out.append(warning(file, f"quota {row.label}: min {int(row.lo)} but only {supply} "
                               "eligible pairs", code="quota_short"))
        elif row.hi is not None and row.lo in (None, 0):
            # A max that the places it selects can never reach never binds.
            places = int(problem.capacity[np.unique(problem.pair_p[row.pairs])].sum()) if supply \
                else 0
            persons = len(np.unique(problem.pair_c[row.pairs]))
            reach = min(places, persons * int(problem.scenario.rules.max_programs_per_candidate))
            if reach <= row.hi:
                idle.setdefault(row.name, []).append((row.group, reach))
    groups_of: dict[str, int] = {}
    for row in problem.rows:
        if row.family == "quota" and row.kind == "count":
            groups_of[row.name] = groups_of.get(row.name, 0) + 1
    for name, cells in idle.items():
        hi = next(r.hi for r in problem.rows if r.name == name and r.hi is not None)
        if groups_of[name] == 1:
            text = (f"quota {name}: max {int(hi)} can never bind (at most {cells[0][1]} places "
                    "can be selected)")
        else:
            shown = "; ".join(f"{g} ({n})" for g, n in cells[:6]) + (" …" if len(cells) > 6
                                                                      else "")
            text = (f"quota {name}: max {int(hi)} can never bind in {len(cells)} of "
                    f"{groups_of[name]} groups (most places each can reach: {shown})")
        out.append(warning(file, text, code="quota_never_binds"))
    return out


def load_problem(path: str | Path) -> ProblemData:
    """Scenario file -> tables -> problem, in one call."""
    scenario = load_scenario(path)
    return build_problem(scenario, read_tables(scenario), Path(path).resolve())
