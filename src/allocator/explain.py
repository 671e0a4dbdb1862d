"""Explanations in the scenario's own words: who is not placed and why, the feasibility report
before solving, why (not) one person, and the ``allocator explain`` command.

The infeasibility diagnosis lives in :mod:`allocator.diagnose` and the reserve lists in
:mod:`allocator.reserve`; both are re-exported here.

Nothing here re-applies a rule by hand: exclusions come from :mod:`allocator.rules` (the same
tests that built the problem), and every claim about the plan ("would be placed if …") is found
by solving a variant of the problem with :func:`allocator.solve.solve`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from allocator.problem import ProblemData
from allocator.result import Result
from allocator.rules import PairView, _field_join, evaluate, why_not
from allocator.solution import Solution

NOT_PLACED_COLUMNS = ["candidate_id", "full_name", "agency", "reason_kind", "reason"]
MAX_LISTED = 3  # programmes named in a one-line reason before "…"


# --------------------------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------------------------


def _solution_of(plan: Solution | Result | None) -> Solution | None:
    if isinstance(plan, Result):
        return plan.solution
    return plan


def _listing(ids: list[str], limit: int = MAX_LISTED) -> str:
    """``A, B, C`` or ``A, B, C, … (+4)``."""
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f", … (+{len(ids) - limit})"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


# --------------------------------------------------------------------------------------------
# Rule exclusions, vectorised over many candidates.
# --------------------------------------------------------------------------------------------


def rule_exclusions(problem: ProblemData, cands: np.ndarray) -> dict[int, list[dict[str, Any]]]:
    """For each candidate in ``cands``, the rules (and ``pairs.csv``) that keep them out of
    programmes they could otherwise attend.

    Returns ``{ci: [{"rule", "programs" (ids excluded by it), "example" (sentence for one of
    them)}, …]}``; a candidate whose field fits no programme gets one ``field_match`` entry.
    Only the candidates' field-fitting pairs are tested (one vectorised pass), and one
    :func:`allocator.rules.why_not` call is made per candidate and rule at most.
    """
    out: dict[int, list[dict[str, Any]]] = {int(c): [] for c in cands}
    if len(cands) == 0:
        return out
    cand, prog, rules = problem.candidates, problem.programs, problem.scenario.rules
    prog_ids = prog["program_id"].to_numpy().astype(str)
    cands = np.asarray(cands, dtype=np.int64)
    sub = cand.iloc[cands].reset_index(drop=True)
    if len(prog):
        ci_local, pi = _field_join(sub, prog, rules)
        ci = cands[ci_local]
    else:
        ci = pi = np.zeros(0, dtype=np.int64)
    order = np.lexsort((pi, ci))
    ci, pi = ci[order], pi[order]
    results = evaluate(PairView(ci, pi, cand, prog, problem.derived), rules)
    failing = {k: ~ok for k, ok in results.items() if (~ok).any()}
    passes_all = np.ones(len(ci), dtype=bool)
    for bad in failing.values():
        passes_all &= ~bad
    # A pair the rules allow but that is not in the problem: pairs.csv forbids it.
    key = ci * max(len(prog), 1) + pi
    in_problem = np.isin(key, problem.pair_c * max(len(prog), 1) + problem.pair_p)
    forbidden = passes_all & ~in_problem

    cands_sorted = np.sort(cands)
    lo = np.searchsorted(ci, cands_sorted)
    hi = np.searchsorted(ci, cands_sorted, side="right")
    for pos, c in enumerate(cands_sorted):
        a, b = lo[pos], hi[pos]
        if a == b:
            out[int(c)].append(_field_entry(problem, int(c)))
            continue
        sentences: dict[int, list[tuple[str, str]]] = {}
        entries = []
        for rule, bad in failing.items():
            hit = np.flatnonzero(bad[a:b]) + a
            if not len(hit):
                continue
            example = int(pi[hit[0]])
            if example not in sentences:
                sentences[example] = why_not(int(c), example, cand, prog, rules,
                                             problem.derived)
            text = next((s for k, s in sentences[example] if k == rule), rule)
            entries.append({"rule": rule, "programs": prog_ids[pi[hit]].tolist(),
                            "example": text, "example_program": prog_ids[example]})
        hit = np.flatnonzero(forbidden[a:b]) + a
        if len(hit):
            entries.append({"rule": "pairs.csv", "programs": prog_ids[pi[hit]].tolist(),
                            "example": "forbidden in the pairs table",
                            "example_program": prog_ids[pi[hit[0]]]})
        entries.sort(key=lambda e: -len(e["programs"]))
        out[int(c)].extend(entries)
    return out


def _field_entry(problem: ProblemData, ci: int) -> dict[str, Any]:
    c = problem.candidates.iloc[ci]
    fm = problem.scenario.rules.field_match
    fields = [c["field"], *c["secondary_fields"]] if fm.match != "exact" else [c["field"]]
    if fm.match == "planned" and c["planned_position"]:
        fields.append(c["planned_field"])
    text = (f"field {'/'.join(dict.fromkeys(str(f) for f in fields))!r} fits no programme of "
            f"the plan (match: {fm.match})")
    if problem.n_programs == 0:
        text = "the plan has no programmes"
    return {"rule": "field_match", "programs": problem.programs["program_id"].astype(str).tolist(),
            "example": text, "example_program": ""}


def exclusion_lines(entries: list[dict[str, Any]], n_programs: int | None = None) -> list[str]:
    """One line per rule: ``min_rating: rated 'complete' last year, … (3 programmes, e.g. X)``."""
    lines = []
    for e in entries:
        progs = e["programs"]
        if e["rule"] == "field_match" and not e["example_program"]:
            lines.append(f"{e['rule']}: {e['example']}")
            continue
        where = (f"all {_plural(len(progs), 'programme')}" if n_programs is not None
                 and len(progs) == n_programs else _plural(len(progs), "programme"))
        lines.append(f"{e['rule']}: {e['example']} ({where}"
                     + (f", e.g. {e['example_program']}" if len(progs) > 1 else
                        f": {e['example_program']}") + ")")
    return lines


# --------------------------------------------------------------------------------------------
# The "not placed" sheet.
# --------------------------------------------------------------------------------------------


def not_placed_reasons(problem: ProblemData,
                       solution: Solution | Result | None) -> pd.DataFrame:
    """Every candidate without a place, with the reason in words.

    Columns: ``candidate_id``, ``full_name``, ``agency``, ``reason_kind``, ``reason``.
    ``reason_kind`` is ``rules`` (the rules or ``pairs.csv`` exclude the person from every
    programme of the plan; ``reason`` has one line per rule with its values, how many
    programmes it excludes and one example) or ``not chosen`` (eligible, but the plan is better
    with others; ``reason`` names the programmes and what filled them). When there is no plan,
    everyone eligible is ``not chosen`` with the reason "no plan".

    Cheap: no re-solving; one vectorised rule pass over the field-fitting pairs of the people
    eligible for nothing (``allocator explain --candidate ID`` goes further for one person).
    """
    sol = _solution_of(solution)
    cand = problem.candidates
    n_c = problem.n_candidates
    placed = np.zeros(n_c, dtype=bool)
    if sol is not None:
        placed[problem.pair_c[sol.chosen]] = True
    n_pairs = np.bincount(problem.pair_c, minlength=n_c)
    no_pair = np.flatnonzero(n_pairs == 0)
    eligible_unplaced = np.flatnonzero((n_pairs > 0) & ~placed)
    reasons: dict[int, tuple[str, str]] = {}

    exclusions = rule_exclusions(problem, no_pair)
    for c, entries in exclusions.items():
        reasons[c] = ("rules", "\n".join(exclusion_lines(entries, problem.n_programs)))

    reasons.update(_not_chosen(problem, sol, eligible_unplaced))
    order = sorted(reasons)
    frame = pd.DataFrame({
        "candidate_id": cand["candidate_id"].to_numpy()[order] if order else [],
        "full_name": cand["full_name"].to_numpy()[order] if order else [],
        "agency": cand["agency"].to_numpy()[order] if order else [],
        "reason_kind": [reasons[c][0] for c in order],
        "reason": [reasons[c][1] for c in order],
    }, columns=NOT_PLACED_COLUMNS)
    return frame.reset_index(drop=True)


def _not_chosen(problem: ProblemData, sol: Solution | None,
                cands: np.ndarray) -> dict[int, tuple[str, str]]:
    """Reasons for eligible people without a place, from the plan's figures (vectorised)."""
    out: dict[int, tuple[str, str]] = {}
    if len(cands) == 0:
        return out
    prog_ids = problem.programs["program_id"].to_numpy().astype(str)
    mask = np.isin(problem.pair_c, cands)
    k = np.flatnonzero(mask)
    pc, pp, ps = problem.pair_c[k], problem.pair_p[k], problem.score[k]
    if sol is None:
        lo = np.searchsorted(pc, cands)
        hi = np.searchsorted(pc, cands, side="right")
        for c, a, b in zip(cands, lo, hi, strict=True):
            ids = prog_ids[pp[a:b]].tolist()
            out[int(c)] = ("not chosen", f"eligible for {_plural(len(ids), 'programme')} "
                           f"({_listing(ids)}); no plan was found")
        return out
    count = sol.program_count
    # The lowest score placed in each programme (inf where nobody is placed).
    low = np.full(problem.n_programs, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(low, problem.pair_p[sol.chosen], problem.score[sol.chosen])
    full = count[pp] >= problem.capacity[pp]
    empty = count[pp] == 0
    beaten = full & (low[pp] >= ps)  # every place went to someone scoring at least as much
    lo = np.searchsorted(pc, cands)
    hi = np.searchsorted(pc, cands, side="right")
    for c, a, b in zip(cands, lo, hi, strict=True):
        ids = prog_ids[pp[a:b]]
        head = f"eligible for {_plural(b - a, 'programme')} ({_listing(ids.tolist())})"
        parts = []
        if beaten[a:b].all():
            theirs = ps[a:b]
            mine = (f"{int(theirs.min())}" if theirs.min() == theirs.max() else
                    f"{int(theirs.min())}–{int(theirs.max())}")
            parts.append("places went to candidates scoring at least as much (their score "
                         f"{mine}; lowest placed {int(low[pp[a:b]].min())})")
        else:
            if beaten[a:b].any():
                parts.append(f"{_listing(ids[beaten[a:b]].tolist())} full with candidates "
                             "scoring at least as much")
            lower = full[a:b] & ~beaten[a:b]
            if lower.any():
                parts.append(f"{_listing(ids[lower].tolist())} full, some placed score lower "
                             "(quotas, budget or their other options decided)")
            free = ~full[a:b] & ~empty[a:b]
            if free.any():
                parts.append(f"places left in {_listing(ids[free].tolist())}: a quota, budget "
                             "or per-person limit stands in the way")
            idle = empty[a:b]
            if idle.any():
                parts.append(f"{_listing(ids[idle].tolist())} not running")
        out[int(c)] = ("not chosen", head + "; " + "; ".join(parts))
    return out


__all__ = ["not_placed_reasons", "rule_exclusions", "exclusion_lines", "NOT_PLACED_COLUMNS"]
