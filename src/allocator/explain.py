"""Explanations in the scenario's own words: who is not placed and why, the feasibility report
before solving, why (not) one person, and the ``allocator explain`` command.

The infeasibility diagnosis lives in :mod:`allocator.diagnose` and the reserve lists in
:mod:`allocator.reserve`; both are re-exported here.

Nothing here re-applies a rule by hand: exclusions come from :mod:`allocator.rules` (the same
tests that built the problem), and every claim about the plan ("would be placed if …") is found
by solving a variant of the problem with :func:`allocator.solve.solve`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from allocator.problem import ProblemData, Row
from allocator.result import Result, Status
from allocator.rules import PairView, _field_join, _in_sorted, evaluate, rule_sentence, why_not
from allocator.solution import Solution

if TYPE_CHECKING:
    from allocator.diagnose import Diagnosis, diagnose  # re-exported (see __getattr__)
    from allocator.engines.model import LinearModel
    from allocator.reserve import reserve_lists  # re-exported (see __getattr__)

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


def rule_exclusions(problem: ProblemData, cands: np.ndarray,
                    sentences: bool = True) -> dict[int, list[dict[str, Any]]]:
    """For each candidate in ``cands``, the rules (and ``pairs.csv``) that keep them out of
    programmes they could otherwise attend.

    Returns ``{ci: [{"rule", "programs" (ids excluded by it), "example" (sentence for one of
    them)}, …]}``; a candidate whose field fits no programme gets one ``field_match`` entry.
    Only the candidates' field-fitting pairs are tested (one vectorised pass), and one
    :func:`allocator.rules.rule_sentence` call is made per candidate and rule at most.
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
    # The problem's pairs are sorted by (candidate, programme): binary search, not np.isin's
    # sort of both (national: ~1 s of the feasibility check).
    in_problem = _in_sorted(key, problem.pair_c * max(len(prog), 1) + problem.pair_p)
    forbidden = passes_all & ~in_problem

    cands_sorted = np.sort(cands)
    lo = np.searchsorted(ci, cands_sorted)
    hi = np.searchsorted(ci, cands_sorted, side="right")
    for pos, c in enumerate(cands_sorted):
        a, b = lo[pos], hi[pos]
        if a == b:
            out[int(c)].append(_field_entry(problem, int(c)))
            continue
        entries = []
        for rule, bad in failing.items():
            hit = np.flatnonzero(bad[a:b]) + a
            if not len(hit):
                continue
            example = int(pi[hit[0]])
            text = rule if not sentences else \
                rule_sentence(rule, int(c), example, cand, prog, rules, problem.derived)
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
        if len(progs) == 1:
            lines.append(f"{e['rule']}: {e['example']} ({progs[0]})")
            continue
        where = (f"all {len(progs)} programmes" if n_programs is not None
                 and len(progs) == n_programs else f"{len(progs)} programmes")
        lines.append(f"{e['rule']}: {e['example']} ({where}, e.g. {e['example_program']})")
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
    if sol is not None:
        return sol.memo("not_placed_reasons", lambda: _not_placed(problem, sol)).copy()
    return _not_placed(problem, None)


def _not_placed(problem: ProblemData, sol: Solution | None) -> pd.DataFrame:
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


# --------------------------------------------------------------------------------------------
# Why (not) one person.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateExplanation:
    """Why one person is placed or not, with the values and the plans that prove it.

    ``status``: ``placed``; ``excluded`` (the rules keep them out of every programme);
    ``not chosen`` (eligible, another plan choice was better); ``no plan``.
    """

    candidate_id: str
    full_name: str
    agency: str
    status: str
    places: list[dict[str, Any]] = field(default_factory=list)
    binding: list[str] = field(default_factory=list)
    exclusions: list[dict[str, Any]] = field(default_factory=list)  # program_id, rule, text
    other_fields: int = 0  # programmes whose field does not fit (not listed one by one)
    eligible: list[str] = field(default_factory=list)
    took_places: list[dict[str, Any]] = field(default_factory=list)
    forced_in: dict[str, Any] | None = None
    stands_in_way: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """For a terminal (rich markup)."""
        from rich.markup import escape as e

        who = f"[bold]{e(self.candidate_id)}[/bold] {e(self.full_name)} ({e(self.agency)})"
        out: list[str] = []
        if self.status == "placed":
            out.append(f"{who}: [green]placed[/green]")
            for pl in self.places:
                out.append(f"  • {e(pl['program_id'])} {e(pl['title'])} ({pl['mode']}): score "
                           f"{pl['score']}, cost {pl['cost']:,} VND")
            if self.binding:
                out.append("  Binding constraints on these places:")
                out.extend(f"    {e(b)}" for b in self.binding)
        elif self.status == "excluded":
            out.append(f"{who}: [red]not placed[/red] — the rules exclude them from every "
                       "programme of the plan")
        elif self.status == "no plan":
            out.append(f"{who}: no plan exists for this scenario (see `allocator explain "
                       "SCENARIO`)")
        else:
            out.append(f"{who}: [yellow]not placed[/yellow] — eligible for "
                       f"{_plural(len(self.eligible), 'programme')} "
                       f"({e(_listing(self.eligible, 8))})")
            if self.took_places:
                out.append("  Placed in their programmes with a lower score:")
                for t in self.took_places:
                    out.append(f"    {e(t['program_id'])}: {e(t['candidate_id'])} "
                               f"{e(t['full_name'])} ({e(t['agency'])}) score {t['score']} "
                               f"vs {t['own_score']}")
            elif self.eligible:
                out.append("  Everyone placed in their programmes scores at least as much.")
            f = self.forced_in
            if f is not None:
                out.append("  " + e(f["text"]))
            if self.stands_in_way:
                out.append("  What stands in the way (each tested by solving):")
                out.extend(f"    {e(s)}" for s in self.stands_in_way)
        if self.exclusions:
            heading = ("  Excluded by the rules:" if self.status == "excluded" else
                       "  Other programmes, excluded by the rules:")
            out.append(heading)
            for x in self.exclusions:
                out.append(f"    {e(x['program_id'])}: {e(x['rule'])} — {e(x['text'])}")
        if self.other_fields:
            out.append(f"  field_match: {_plural(self.other_fields, 'other programme')} of "
                       "other fields")
        out.extend(f"  {e(n)}" for n in self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "candidate_id", "full_name", "agency", "status", "places", "binding", "exclusions",
            "other_fields", "eligible", "took_places", "forced_in", "stands_in_way", "notes")}


def candidate_index(problem: ProblemData, candidate_id: str) -> int:
    """The position of a candidate; KeyError (with close matches) for an unknown ID."""
    ids = problem.candidates["candidate_id"].astype(str).to_numpy()
    hit = np.flatnonzero(ids == str(candidate_id))
    if not len(hit):
        import difflib

        close = difflib.get_close_matches(str(candidate_id), ids.tolist(), n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise KeyError(f"unknown candidate {candidate_id!r} in "
                       f"{problem.sources.get('candidates', 'candidates')}{hint}")
    return int(hit[0])


def _exclusions_of(problem: ProblemData, ci: int) -> tuple[list[dict[str, Any]], int]:
    """Each field-fitting programme the person may not attend, with every rule and its values;
    and how many programmes are of other fields."""
    cand, prog, rules = problem.candidates, problem.programs, problem.scenario.rules
    sub = cand.iloc[[ci]].reset_index(drop=True)
    _, pis = _field_join(sub, prog, rules) if len(prog) else (None, np.zeros(0, np.int64))
    eligible = set(problem.pair_p[problem.pair_c == ci].tolist())
    pids = prog["program_id"].astype(str).to_numpy()
    out = []
    for pi in pis:
        if int(pi) in eligible:
            continue
        reasons = why_not(ci, int(pi), cand, prog, rules, problem.derived)
        if not reasons:
            reasons = [("pairs.csv", "forbidden in the pairs table")]
        for rule, text in reasons:
            out.append({"program_id": pids[pi], "rule": rule, "text": text})
    return out, problem.n_programs - len(pis)


def _binding_for(problem: ProblemData, sol: Solution, pairs: np.ndarray) -> list[str]:
    """The constraints at their bound that involve these pairs."""
    p = problem
    pids = p.programs["program_id"].astype(str).to_numpy()
    out = []
    count = sol.program_count
    for k in pairs:
        pi = p.pair_p[k]
        if count[pi] >= p.capacity[pi]:
            out.append(f"programme {pids[pi]} is full ({count[pi]} of {p.capacity[pi]} places)")
        if p.forced[k]:
            out.append(f"the pair ({p.candidates['candidate_id'].iat[p.pair_c[k]]}, {pids[pi]}) "
                       "is forced (pairs table)")
    unplaced = np.flatnonzero(~sol.chosen)
    for use in sol.row_use:
        row = use.row
        if not np.isin(pairs, row.pairs).any():
            continue
        slack = use.slack
        if slack is None:
            continue
        if row.family == "budget":
            inside = unplaced[np.isin(unplaced, row.pairs)]
            cheapest = int(p.cost[inside].min()) if len(inside) else None
            if slack <= 1e-6 or (cheapest is not None and slack < cheapest):
                out.append(f"budget `{row.label}` exhausted: {slack:,.0f} VND left of "
                           f"{row.hi:,.0f}" + (f" (the cheapest other place costs {cheapest:,})"
                                              if cheapest is not None else ""))
        elif slack <= 1e-6:
            bound = "min" if row.lo is not None and abs(use.value - row.lo) <= 1e-6 else "max"
            if row.share is not None:
                out.append(f"quota `{row.label}` at its {row.kind} {row.share:g} "
                           f"({use.of_places} of {_plural(use.places, 'place')})")
            else:
                limit = row.lo if bound == "min" else row.hi
                out.append(f"quota `{row.label}` at its {bound} {limit:g} "
                           f"({_plural(use.places, 'place')})")
    return list(dict.fromkeys(out))


def explain_candidate(problem: ProblemData, result: Result | Solution | None, candidate_id: str,
                      *, resolve: bool = True, time_limit: float | None = None,
                      max_tests: int = 6) -> CandidateExplanation:
    """Why ``candidate_id`` is placed or not.

    Placed: what they got and which constraints bind on those places. Excluded: each rule that
    keeps them out of each programme, with its values. Eligible but not placed: who took the
    places they could have had (placed people scoring less), what placing them costs the plan
    (re-solved with the person as ``must_train``; when no plan can place them, the constraints
    that forbid it, from :func:`allocator.diagnose.diagnose`), and what stands in the way: each
    constraint at its bound around their places, relaxed by one step at a time and re-solved
    (``resolve=False`` skips every solve).

    Raises
    ------
    KeyError
        For an unknown candidate ID (the message names close matches).
    """
    from allocator.solve import SolveParams

    ci = candidate_index(problem, candidate_id)
    p = problem
    row = p.candidates.iloc[ci]
    sol = _solution_of(result)
    mine = p.pairs_of_candidate(ci)
    pids = p.programs["program_id"].astype(str).to_numpy()
    exclusions, other_fields = _exclusions_of(p, ci)
    base = {"candidate_id": str(row["candidate_id"]), "full_name": str(row["full_name"]),
            "agency": str(row["agency"]), "exclusions": exclusions,
            "other_fields": other_fields, "eligible": pids[p.pair_p[mine]].tolist()}
    if len(mine) == 0:
        if not exclusions:
            base["exclusions"] = [{"program_id": "—", "rule": "field_match",
                                   "text": _field_entry(p, ci)["example"]}]
            base["other_fields"] = 0
        return CandidateExplanation(status="excluded", **base)
    if sol is None:
        return CandidateExplanation(status="no plan", **base)
    chosen = mine[sol.chosen[mine]]
    if len(chosen):
        places = [{"program_id": pids[p.pair_p[k]], "title": str(p.programs["title"].iat[
            p.pair_p[k]]), "mode": str(p.programs["mode"].iat[p.pair_p[k]]),
            "score": int(p.score[k]), "cost": int(p.cost[k])} for k in chosen]
        notes = ["must_train: the scenario requires a place"] if p.must_train[ci] else []
        return CandidateExplanation(status="placed", places=places,
                                    binding=_binding_for(p, sol, chosen), notes=notes, **base)

    # Eligible, not chosen: who is placed in their programmes with a lower score.
    cids = p.candidates["candidate_id"].astype(str).to_numpy()
    took = []
    for k in mine:
        pi = p.pair_p[k]
        there = np.flatnonzero(sol.chosen & (p.pair_p == pi))
        lower = there[p.score[there] < p.score[k]]
        for j in lower[np.argsort(p.score[lower], kind="stable")]:
            c = p.pair_c[j]
            took.append({"program_id": pids[pi], "candidate_id": cids[c],
                         "full_name": str(p.candidates["full_name"].iat[c]),
                         "agency": str(p.candidates["agency"].iat[c]),
                         "score": int(p.score[j]), "own_score": int(p.score[k])})
    expl = CandidateExplanation(status="not chosen", took_places=took, **base)
    if not resolve:
        return expl
    params = SolveParams.from_problem(p, engine="highs", time_limit=time_limit)
    forced_in = _forced_in(p, sol, ci, params)
    stands = _stands_in_way(p, sol, ci, mine, params, max_tests) if forced_in.get(
        "feasible") else []
    return replace(expl, forced_in=forced_in, stands_in_way=stands)


def _placed(result: Result, ci: int) -> list[int]:
    if result.solution is None:
        return []
    p = result.solution.problem
    return [int(k) for k in p.pairs_of_candidate(ci) if result.solution.chosen[k]]


def _forced_in(p: ProblemData, sol: Solution, ci: int, params: Any) -> dict[str, Any]:
    """Re-solve with the person as must_train: the plan's loss, or why no plan can place them."""
    from allocator.solve import solve

    must = p.must_train.copy()
    must[ci] = True
    variant = p.replace(must_train=must)
    res = solve(variant, params)
    pids = p.programs["program_id"].astype(str).to_numpy()
    before = sol.objective
    if res.status.has_plan and res.solution is not None:
        got = [pids[p.pair_p[k]] for k in _placed(res, ci)]
        loss = before - res.solution.objective
        exact = "" if res.status.value == "optimal" else " (not proven optimal in the time limit)"
        return {"feasible": True, "objective_before": before,
                "objective_after": res.solution.objective, "loss": loss, "program_id": got,
                "text": f"Placing them (re-solved with must_train) gives {', '.join(got)} and "
                        f"costs the plan {loss:,g} score points ({before:,g} → "
                        f"{res.solution.objective:,g}){exact}"}
    if res.status.value == "infeasible":
        from allocator.diagnose import diagnose

        d = diagnose(variant, time_limit=params.time_limit, total_time=4 * params.time_limit,
                     max_conflicts=1, repairs=False)
        labels = [m.unit.label for m in d.members if not (
            m.unit.kind == "must_train" and m.unit.group == p.candidates["candidate_id"].iat[ci])]
        return {"feasible": False, "conflict": labels,
                "text": "No plan can place them: with them placed, these cannot hold together: "
                        + (", ".join(f"`{x}`" for x in labels) or "(not found in time)")}
    return {"feasible": None, "text": f"re-solving with them placed: {res.status.value}"}


def _stands_in_way(p: ProblemData, sol: Solution, ci: int, mine: np.ndarray, params: Any,
                   max_tests: int) -> list[str]:
    """Constraints at their bound around the person's pairs, each relaxed alone and re-solved."""
    from allocator.solve import solve

    pids = p.programs["program_id"].astype(str).to_numpy()
    tests: list[tuple[str, ProblemData]] = []
    count = sol.program_count
    for k in mine:
        pi = p.pair_p[k]
        if count[pi] >= p.capacity[pi]:
            cap = p.capacity.copy()
            cap[pi] += 1
            tests.append((f"would be placed if {pids[pi]} had {cap[pi]} places instead of "
                          f"{p.capacity[pi]}", p.replace(capacity=cap)))
    cheapest = int(p.cost[mine].min())
    for r, use in enumerate(sol.row_use):
        row = use.row
        if row.soft or not np.isin(mine, row.pairs).any():
            continue
        rows = list(p.rows)
        if row.kind == "money" and row.hi is not None and use.value + cheapest > row.hi + 1e-6:
            need = float(np.ceil(use.value + cheapest))
            rows[r] = replace(row, hi=need)
            tests.append((f"would be placed if `{row.label}` were {need:,.0f} VND instead of "
                          f"{row.hi:,.0f}", p.replace(rows=tuple(rows))))
        elif row.kind == "count" and row.hi is not None and use.value >= row.hi - 1e-6:
            rows[r] = replace(row, hi=row.hi + 1)
            tests.append((f"would be placed if `{row.label}` max were {row.hi + 1:g} instead of "
                          f"{row.hi:g}", p.replace(rows=tuple(rows))))
        elif row.share is not None and (use.slack or 0.0) < 1.0:
            # A share near its bound: would they be placed without it? Then at what share.
            tests.append((f"share:{r}", p.replace(rows=tuple(
                replace(x, lo=None, hi=None) if i == r else x for i, x in enumerate(rows)))))
    out = []
    for text, variant in tests[:max_tests]:
        res = solve(variant, params)
        if not _placed(res, ci):
            continue
        if text.startswith("share:"):
            r = int(text.split(":")[1])
            row = p.rows[r]
            use = res.solution.row_use[r]  # type: ignore[union-attr]
            got = use.of_places / use.places if use.places else 0.0
            text = (f"would be placed without `{row.label}` ({row.kind} {row.share:g}): the "
                    f"best plan then has {use.of_places} of {use.places} places = {got:.3f}")
        out.append(text)
    if not out and tests:
        out.append(f"relaxing any one of {len(tests[:max_tests])} constraints at their bound "
                   "is not enough on its own: the plan is better with others")
    return out


# --------------------------------------------------------------------------------------------
# The feasibility report, before solving.
# --------------------------------------------------------------------------------------------

EXACT_MIN_COST_PAIRS = 50_000  # above this, the least cost of the minimums is a greedy bound


@dataclass(frozen=True)
class Check:
    """One line of the feasibility report.

    ``ok``: True (fine), False (cannot hold: no plan, or a soft quota that must be broken),
    None (information).
    """

    topic: str  # quota | capacity | budget | candidates | programmes | persons
    name: str  # the quota/envelope label, the mode, ...
    ok: bool | None
    text: str
    need: float | None = None
    supply: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "name": self.name, "ok": self.ok, "text": self.text,
                "need": self.need, "supply": self.supply}


@dataclass(frozen=True)
class FeasibilityReport:
    """What the data can supply against what the scenario demands, before any solve."""

    scenario: str
    checks: tuple[Check, ...]
    min_cost_method: str

    @property
    def problems(self) -> list[Check]:
        return [c for c in self.checks if c.ok is False]

    def lines(self) -> list[str]:
        from rich.markup import escape

        mark = {True: "[green]✓[/green]", False: "[red]✗[/red]", None: "[dim]•[/dim]"}
        n = len(self.problems)
        found = "no problem found" if n == 0 else _plural(n, "problem")
        out = [f"[bold]feasibility[/bold] ({found} before solving)"]
        out.extend(f"  {mark[c.ok]} {escape(c.text)}" for c in self.checks)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "problems": len(self.problems),
                "min_cost_method": self.min_cost_method,
                "checks": [c.as_dict() for c in self.checks]}


def _ceiling(problem: ProblemData, pairs: np.ndarray) -> tuple[int, int, int, int]:
    """Most places a set of pairs can fill: (ceiling, people, programmes, their capacity)."""
    if len(pairs) == 0:
        return 0, 0, 0, 0
    p = problem
    progs, per_prog = np.unique(p.pair_p[pairs], return_counts=True)
    cands, per_cand = np.unique(p.pair_c[pairs], return_counts=True)
    by_prog = int(np.minimum(per_prog, p.capacity[progs]).sum())
    by_cand = int(np.minimum(per_cand, p.max_per_candidate[cands]).sum())
    return min(by_prog, by_cand), len(cands), len(progs), int(p.capacity[progs].sum())


def _select_text(problem: ProblemData, name: str) -> str:
    quota = next((q for q in problem.scenario.quotas if q.name == name), None)
    if quota is None or not quota.select:
        return "every place"
    return ", ".join(f"{k}={v}" for k, v in quota.select.items())


def feasibility_report(problem: ProblemData, *, exact_cost: bool | None = None,
                       time_limit: float = 10.0) -> FeasibilityReport:
    """For each quota cell the eligible supply against its minimum; capacity against quotas;
    the least cost of meeting every minimum against each budget envelope; candidates eligible
    for nothing; programmes nobody may attend — each line naming what it is about.

    The least cost is exact (a MIP per envelope, HiGHS, every other objective zero: least
    spending within that envelope subject to every quota minimum, forced pair, must_train
    person and per-person limit, budgets left out) when the problem has at most
    ``EXACT_MIN_COST_PAIRS`` pairs (or ``exact_cost``); otherwise a greedy lower bound (per
    quota, the cheapest places of each group; forced pairs; each must_train person's cheapest
    place). Either way a figure above an envelope proves there is no plan.
    """
    p = problem
    checks: list[Check] = []
    checks.extend(_quota_checks(p))
    checks.extend(_capacity_checks(p))
    cost_checks, method = _budget_checks(p, exact_cost, time_limit)
    checks.extend(cost_checks)
    checks.extend(_people_checks(p))
    return FeasibilityReport(p.scenario.name, tuple(checks), method)


def _quota_checks(p: ProblemData) -> list[Check]:
    out: list[Check] = []
    mins: dict[str, list[Row]] = {}
    per_quota: dict[str, list[Check]] = {}
    for row in p.rows:
        if row.family != "quota":
            continue
        soft = " (soft)" if row.soft else ""
        ceiling, people, progs, places = _ceiling(p, row.pairs)
        supply = (f"{len(row.pairs):,} eligible pairs, {_plural(people, 'person', 'people')}, "
                  f"{_plural(progs, 'programme')} with {_plural(places, 'place')}")
        lines = per_quota.setdefault(row.name, [])
        if row.kind == "count":
            if row.lo is not None and row.lo > 0:
                mins.setdefault(row.name, []).append(row)
                ok = ceiling >= row.lo
                lines.append(Check("quota", row.label, ok,
                                   f"quota `{row.label}`{soft}: min {row.lo:g} — at most "
                                   f"{_plural(ceiling, 'place')} can be filled ({supply})"
                                   + ("" if ok else (": it will be broken" if row.soft else
                                                     ": no plan can meet it")),
                                   need=row.lo, supply=ceiling))
            if row.hi is not None:
                binds = ceiling > row.hi
                lines.append(Check("quota", row.label, None,
                                   f"quota `{row.label}`{soft}: max {row.hi:g} — "
                                   f"{_plural(ceiling, 'place')} could be filled: "
                                   + ("it binds" if binds else "it never binds"),
                                   need=row.hi, supply=ceiling))
        elif row.kind in ("min_share", "proportional_min") and row.share:
            of_ceiling = _ceiling(p, row.of_places)[0]
            most = int(np.floor(of_ceiling / row.share + 1e-9))
            what = _of_text(p, row)
            lines.append(Check("quota", row.label, None,
                               f"quota `{row.label}`{soft}: {row.kind} {row.share:.3g} of "
                               f"{what} — at most {_plural(of_ceiling, 'such place')} can be "
                               f"filled, so the selection ({_select_text(p, row.name)}) can "
                               f"hold at most {_plural(most, 'place')}", need=row.share,
                               supply=of_ceiling))
            same = [r for r in p.rows if r.kind == "count" and r.lo and not r.soft
                    and len(r.pairs) == len(row.pairs) and np.array_equal(r.pairs, row.pairs)]
            for r in same:
                if r.lo is not None and r.lo > most and not row.soft:
                    out.append(Check("quota", f"{r.label} / {row.label}", False,
                                     f"quota `{r.label}` needs {r.lo:g} places but `{row.label}`"
                                     f" allows at most {most:,} (only "
                                     f"{_plural(of_ceiling, 'place')} of {what} can be filled): "
                                     "no plan", need=r.lo, supply=most))
        elif row.kind in ("max_share", "proportional_max") and row.share is not None:
            other = _ceiling(p, np.setdiff1d(row.pairs, row.of_places))[0]
            if row.share < 1:
                most = int(np.floor(other / (1 - row.share) + 1e-9))
                lines.append(Check("quota", row.label, None,
                                   f"quota `{row.label}`{soft}: {row.kind} {row.share:.3g} of "
                                   f"{_of_text(p, row)} — the others can fill "
                                   f"{_plural(other, 'place')}, so the selection can hold at "
                                   f"most {_plural(most, 'place')}", need=row.share,
                                   supply=other))
    for name, checks in per_quota.items():
        out.extend(_summarise_groups(p, name, checks))
    out.extend(_group_maxima_checks(p))
    # Per-group minimums summed, against the maximums over the same places.
    for name, rows in mins.items():
        if len(rows) < 2 or any(r.soft for r in rows):
            continue
        need = sum(float(r.lo or 0) for r in rows)
        union = np.unique(np.concatenate([r.pairs for r in rows]))
        for cap in p.rows:
            if cap.family != "quota" or cap.kind != "count" or cap.hi is None or \
                    cap.soft or cap.name == name:
                continue
            if np.isin(union, cap.pairs).all() and need > cap.hi:
                out.append(Check("quota", f"{name} / {cap.label}", False,
                                 f"quota `{name}` needs at least {need:g} places over "
                                 f"{_plural(len(rows), 'group')}, but `{cap.label}` allows "
                                 f"at most {cap.hi:g}: no plan", need=need, supply=cap.hi))
        ceiling = _ceiling(p, union)[0]
        out.append(Check("quota", name, ceiling >= need,
                         f"quota `{name}`: its {_plural(len(rows), 'group')} need {need:g} "
                         f"places in all; at most {_plural(ceiling, 'place')} can be filled",
                         need=need, supply=ceiling))
    return out


def _group_maxima_checks(p: ProblemData) -> list[Check]:
    """A minimum against the sum of another quota's per-group maxima over the same places."""
    out = []
    groups: dict[str, list[Row]] = {}
    for row in p.rows:
        if row.family == "quota" and row.kind == "count" and row.hi is not None and \
                not row.soft and row.group:
            groups.setdefault(row.name, []).append(row)
    # Masks over the pairs, not set operations: a row's pairs are distinct, and at national
    # scale a minimum's 1 M pairs intersected with each of 300 groups took 2 s.
    covered: dict[str, np.ndarray] = {}
    for name, rows in groups.items():
        covered[name] = np.zeros(p.n_pairs, dtype=bool)
        for r in rows:
            covered[name][r.pairs] = True
    for need_row in p.rows:
        if need_row.family != "quota" or need_row.kind != "count" or need_row.soft or \
                not need_row.lo:
            continue
        needed = None
        for name, rows in groups.items():
            if name == need_row.name or not covered[name][need_row.pairs].all():
                continue
            if needed is None:
                needed = np.zeros(p.n_pairs, dtype=bool)
                needed[need_row.pairs] = True
            most = sum(min(float(r.hi or 0), _ceiling(p, r.pairs[needed[r.pairs]])[0])
                       for r in rows)
            if most < need_row.lo:
                his = sorted({float(r.hi or 0) for r in rows})
                each = f"{his[0]:g} per group" if len(his) == 1 else "by group"
                out.append(Check("quota", f"{need_row.label} / {name}", False,
                                 f"quota `{need_row.label}` needs {need_row.lo:g} places but "
                                 f"`{name}` allows at most {most:g} there over its "
                                 f"{_plural(len(rows), 'group')} ({each}): no plan",
                                 need=need_row.lo, supply=most))
    return out


def _summarise_groups(p: ProblemData, name: str, checks: list[Check]) -> list[Check]:
    """A quota with many ``per`` groups: its problems one by one, the rest in one line."""
    if len(checks) <= 3:
        return checks
    bad = [c for c in checks if c.ok is False]
    fine = [c for c in checks if c.ok is not False]
    binds = [c for c in fine if c.text.endswith("it binds")]
    quota = next((q for q in p.scenario.quotas if q.name == name), None)
    per = f" per {quota.per}" if quota is not None and quota.per else ""
    has_min = any(c.text.split(" — ")[0].split(": ")[-1].startswith("min") for c in checks)
    text = f"quota `{name}`{per}: {_plural(len(checks), 'bound')} over its groups"
    if bad:
        text += f", {len(bad)} cannot be met"
    elif has_min:
        text += ", every minimum can be met"
    if binds:
        text += "; the max binds in " + _listing([c.name.split("[", 1)[-1].rstrip("]")
                                                  for c in binds], 4)
    return [*bad, Check("quota", name, None if not bad else False, text,
                        supply=float(len(checks)))]


def _of_text(p: ProblemData, row: Row) -> str:
    quota = next((q for q in p.scenario.quotas if q.name == row.name), None)
    if quota is None:
        return "the group"
    spec = quota.min_share if row.kind == "min_share" else quota.max_share
    if spec is not None:
        return ", ".join(f"{k}={v}" for k, v in spec.of.items())
    return row.group or "the group"


def _capacity_checks(p: ProblemData) -> list[Check]:
    out = []
    modes = p.programs["mode"].to_numpy()
    for mode in sorted(set(modes)):
        progs = np.flatnonzero(modes == mode)
        pairs = np.flatnonzero(np.isin(p.pair_p, progs))
        ceiling, people, _, places = _ceiling(p, pairs)
        out.append(Check("capacity", str(mode), None,
                         f"{mode}: {_plural(len(progs), 'programme')} with {places:,} places; "
                         f"{people:,} eligible people; at most {ceiling:,} places can be filled",
                         supply=ceiling))
    # Forced pairs over a programme's capacity; must-train people with nowhere to go.
    pids = p.programs["program_id"].astype(str).to_numpy()
    forced = np.bincount(p.pair_p[p.forced], minlength=p.n_programs)
    for i in np.flatnonzero(forced > p.capacity):
        out.append(Check("capacity", pids[i], False, f"programme {pids[i]}: {forced[i]} forced "
                         f"pairs but capacity {p.capacity[i]}: no plan", need=float(forced[i]),
                         supply=float(p.capacity[i])))
    per_prog_people = np.bincount(p.pair_p, minlength=p.n_programs)
    for i in np.flatnonzero((p.min_size > 0) & (per_prog_people < p.min_size)):
        out.append(Check("capacity", pids[i], None if forced[i] == 0 else False,
                         f"programme {pids[i]}: min_size {p.min_size[i]} but only "
                         f"{per_prog_people[i]} eligible people: it cannot run",
                         need=float(p.min_size[i]), supply=float(per_prog_people[i])))
    return out


def _people_checks(p: ProblemData) -> list[Check]:
    out = []
    cids = p.candidates["candidate_id"].astype(str).to_numpy()
    pids = p.programs["program_id"].astype(str).to_numpy()
    n_pairs = np.bincount(p.pair_c, minlength=p.n_candidates)
    nothing = np.flatnonzero(n_pairs == 0)
    for c in np.flatnonzero(p.must_train & (n_pairs == 0)):
        out.append(Check("persons", cids[c], False, f"{cids[c]} must train but is eligible for "
                         "no programme: no plan (`allocator explain --candidate "
                         f"{cids[c]}` says why)"))
    if len(nothing):
        excl = rule_exclusions(p, nothing, sentences=False)
        by_rule: dict[str, int] = {}
        for entries in excl.values():
            for e in entries:
                by_rule[e["rule"]] = by_rule.get(e["rule"], 0) + 1
        rules = ", ".join(f"{k} {v:,}" for k, v in sorted(by_rule.items(), key=lambda kv: -kv[1]))
        out.append(Check("candidates", "eligible for nothing", None,
                         f"{len(nothing):,} candidates eligible for no programme (rules that "
                         f"exclude them: {rules}), e.g. {_listing(cids[nothing].tolist(), 5)}",
                         supply=float(len(nothing))))
    attended = np.bincount(p.pair_p, minlength=p.n_programs) > 0
    idle = np.flatnonzero(~attended)
    if len(idle):
        out.append(Check("programmes", "nobody may attend", None,
                         f"{_plural(len(idle), 'programme')} nobody may attend: "
                         f"{_listing(pids[idle].tolist(), 8)}", supply=float(len(idle))))
    return out


def _budget_checks(p: ProblemData, exact: bool | None,
                   time_limit: float) -> tuple[list[Check], str]:
    envelopes = [(r, row) for r, row in enumerate(p.rows) if row.family == "budget"]
    has_min = bool(p.forced.any() or p.must_train.any() or any(
        row.family == "quota" and not row.soft and row.lo is not None and row.lo > 0
        and row.kind == "count" for row in p.rows))
    if not envelopes:
        return [], "none (no budget envelope)"
    if not has_min:
        return [Check("budget", row.label, True, f"budget `{row.label}` {row.hi:,.0f} VND: no "
                      "minimum to meet (no quota minimum, forced pair or must_train)",
                      need=0.0, supply=row.hi) for _, row in envelopes], "none needed"
    if exact is None:
        exact = p.n_pairs <= EXACT_MIN_COST_PAIRS
    out = []
    method = "exact (MIP per envelope, HiGHS)" if exact else "greedy lower bound"
    said_infeasible = False
    minimums = _minimums_model(p) if exact else None
    plans: list[Solution] = []  # plans meeting every minimum, found for earlier envelopes
    for r, row in envelopes:
        least, how = (_least_cost_exact(p, r, time_limit, minimums, plans)
                      if minimums is not None else (None, ""))
        if least is None:
            least, how = _least_cost_greedy(p, row), "at least"
        if least == "infeasible":
            # The minimums conflict without any budget: only a greedy bound is left.
            if not said_infeasible:
                out.append(Check("budget", "minimums", None, "the minimums cannot all be met "
                                 "even without budgets (see the diagnosis)"))
                said_infeasible = True
            greedy = _least_cost_greedy(p, row)
            if greedy > 0:
                ok = greedy <= (row.hi or 0) + 1e-6
                out.append(Check("budget", row.label, ok if not ok else None,
                                 f"budget `{row.label}` {row.hi:,.0f} VND: meeting each minimum "
                                 f"alone costs at least {greedy:,.0f} VND there"
                                 + ("" if ok else f": {greedy - (row.hi or 0):,.0f} VND short"),
                                 need=greedy, supply=row.hi))
            continue
        assert isinstance(least, float | int)
        ok = least <= (row.hi or 0) + 1e-6
        out.append(Check("budget", row.label, ok,
                         f"budget `{row.label}` {row.hi:,.0f} VND: meeting every minimum costs "
                         f"{how} {least:,.0f} VND there"
                         + ("" if how == "exactly" else " (greedy lower bound)")
                         + ("" if ok else f": {least - (row.hi or 0):,.0f} VND short — no plan"),
                         need=float(least), supply=row.hi))
    return out, method


def _minimums_model(p: ProblemData) -> LinearModel:
    """The model of every minimum with budgets left out and nothing to maximise (built once:
    :func:`_least_cost_exact` sets one envelope's spending as its objective)."""
    from allocator.diagnose import Unit, drop
    from allocator.engines.model import build_model

    budget_units = [Unit("budget", row.name, rows=(i,)) for i, row in enumerate(p.rows)
                    if row.family == "budget"]
    free = drop(p, budget_units)
    free = free.replace(score=np.zeros(p.n_pairs, dtype=np.int64), rows=tuple(
        replace(x, penalty=0.0) if x.soft else x for x in free.rows))
    return build_model(free)


def _least_cost_exact(p: ProblemData, r: int, time_limit: float,
                      minimums: LinearModel, plans: list[Solution]) -> tuple[Any, str]:
    """Least spending in envelope ``r`` subject to every minimum, budgets left out (HiGHS on
    :func:`_minimums_model`). ``plans``: plans meeting every minimum already found (for other
    envelopes); one that spends nothing in ``r`` settles it without a MIP (spending is never
    negative). The plan found here is added to them."""
    from allocator.engines import highs

    model = minimums
    row = p.rows[r]
    if np.all(row.coef >= 0) and np.all(row.prog_coef >= 0) and any(
            plan.row_use[r].value == 0 for plan in plans):
        return 0.0, "exactly"
    cost = np.zeros(model.n_cols)
    np.add.at(cost, row.pairs, row.coef)
    ycol = {int(pi): model.y0 + j for j, pi in enumerate(model.y_prog)}
    for pi, c in zip(row.programs, row.prog_coef, strict=True):
        if int(pi) in ycol:
            cost[ycol[int(pi)]] += float(c)
    zeros = np.zeros(model.n_cols)
    # The envelope's spending is the first level's objective (maximise −spending): a first
    # level with no objective and the spending in the second was seen to stop early. That
    # level alone answers: an optimal plan of it spends the least there.
    model = replace(model, score=-cost, cost=zeros, tie=zeros, integral_score=True,
                    score_step=1)
    out = highs.solve_levels(model, time_limit, p.scenario.solver.workers, 0, tie_break=False,
                             levels=1)
    if out.first.status == "infeasible":
        return "infeasible", ""
    if out.values is None or out.first.status != "optimal":
        return None, ""
    plan = Solution(p, model.x_of(out.values))
    plans.append(plan)
    return float(round(plan.row_use[r].value)), "exactly"


def _least_cost_greedy(p: ProblemData, row: Row) -> float:
    """A lower bound on the envelope's spending: the largest of the per-quota bounds (each
    quota's groups are disjoint: the cheapest ``min`` places of each) and of the forced pairs
    plus each other must_train person's cheapest place."""
    inside = np.zeros(p.n_pairs)
    inside[row.pairs] = row.coef
    bounds = [0.0]
    per_quota: dict[str, float] = {}
    for q in p.rows:
        if q.family == "quota" and q.kind == "count" and not q.soft and q.lo and q.lo > 0:
            costs = np.sort(inside[q.pairs])
            per_quota[q.name] = per_quota.get(q.name, 0.0) + float(costs[: int(q.lo)].sum())
    bounds.extend(per_quota.values())
    forced = float(inside[p.forced].sum())
    has_forced = np.zeros(p.n_candidates, dtype=bool)
    has_forced[p.pair_c[p.forced]] = True
    must = np.flatnonzero(p.must_train & ~has_forced)
    cheapest = np.full(p.n_candidates, np.inf)
    np.minimum.at(cheapest, p.pair_c, inside)
    extra = cheapest[must]
    bounds.append(forced + float(extra[np.isfinite(extra)].sum()))
    return float(max(bounds))


# --------------------------------------------------------------------------------------------
# The command: allocator explain SCENARIO [--candidate ID].
# --------------------------------------------------------------------------------------------


def run_explain(args: Any, con: Any) -> int:
    """``allocator explain``: why no plan exists (exit 1), or why a person is (not) placed.

    Without ``--candidate``: the feasibility report, then a solve; with a plan, a short count of
    who is not placed and why (exit 0); without one, the diagnosis (exit 1). With
    ``--candidate ID``: the explanation of that person (exit 2 for an unknown ID).
    """
    from allocator.diagnose import diagnose
    from allocator.problem import load_problem
    from allocator.solve import SolveParams, solve

    problem = load_problem(args.scenario)
    params = SolveParams.from_problem(problem, engine="highs")
    if getattr(args, "candidate", None):
        try:
            candidate_index(problem, args.candidate)
        except KeyError as exc:
            message = str(exc.args[0])
            con.error(message)
            con.json({"error": message})
            return 2
        result = solve(problem, params)
        expl = explain_candidate(problem, result, args.candidate)
        for line in expl.lines():
            con.say(line)
        con.json({"status": result.status.value, "candidate": expl.as_dict()})
        return 0
    report = feasibility_report(problem)
    for line in report.lines():
        con.say(line)
    result = solve(problem, params)
    if result.status.has_plan:
        reasons = not_placed_reasons(problem, result)
        kinds = reasons["reason_kind"].value_counts().to_dict()
        con.say(f"[green]a plan exists[/green] ({result.status.value}, objective "
                f"{result.objective:,}): {len(result.solution.placed):,} places; "  # type: ignore[union-attr]
                f"not placed: {kinds.get('rules', 0):,} excluded by the rules, "
                f"{kinds.get('not chosen', 0):,} eligible but not chosen; "
                "`--candidate ID` explains one person")
        con.json({"status": result.status.value, "feasibility": report.as_dict(),
                  "not_placed": {k: int(v) for k, v in kinds.items()}})
        return 0
    if result.status is Status.INFEASIBLE:
        d = diagnose(problem, time_limit=min(params.time_limit, 30.0))
        for line in d.lines():
            con.say(line)
        con.json({"status": result.status.value, "feasibility": report.as_dict(),
                  "diagnosis": d.as_dict()})
        return 1
    con.say(f"[yellow]{result.status.value}[/yellow]: {result.message}")
    con.json({"status": result.status.value, "message": result.message,
              "feasibility": report.as_dict()})
    return 1


def __getattr__(name: str) -> Any:
    """The diagnosis and the reserve lists, re-exported: imported when first asked for (a
    solve that finds a plan never needs the diagnosis's code)."""
    if name in ("diagnose", "Diagnosis"):
        from allocator import diagnose as module
    elif name == "reserve_lists":
        from allocator import reserve as module  # type: ignore[no-redef]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)

__all__ = ["not_placed_reasons", "rule_exclusions", "exclusion_lines", "NOT_PLACED_COLUMNS",
           "explain_candidate", "CandidateExplanation", "candidate_index", "feasibility_report",
           "FeasibilityReport", "Check", "run_explain", "diagnose", "Diagnosis",
           "reserve_lists"]
