"""``allocator compare S1 S2 …``: several plans side by side, and who moves between them.

Each argument is a scenario file (solved here, nothing written for it) or the output folder of
an earlier ``allocator solve`` (its ``summary.json`` and ``assignments.csv`` are read; when its
``manifest.json`` shows that an input changed since, the comparison says so). The first one is
the reference: every difference is "variant minus the first".

The comparison holds the KPI table; places and cost per field, agency, type, mode and year;
spending per budget envelope; and, person by person, who enters (placed only in the variant),
who leaves (placed only in the reference) and who changes programme, with each person's
agency. It is shown in the terminal and written to ``compare.xlsx``, ``compare.html`` and
``compare.json`` in one folder, whole or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator.export import FORMULA_START, atomic_folder, write_json

DIMENSION_KEYS = ("field", "agency", "type", "mode", "year")
MOVE_KINDS = ("enters", "leaves", "changes")
PEOPLE_COLUMNS = ("candidate_id", "full_name", "agency", "program_id", "program_title", "mode",
                  "type", "year", "cost")
MOVE_COLUMNS = ["variant", "candidate_id", "full_name", "agency", "change", "before", "after",
                "before_title", "after_title"]


class CompareError(Exception):
    """An argument is neither a scenario file nor a solve output folder, or is unreadable."""


@dataclass(frozen=True)
class Variant:
    """One plan to compare: its figures (``summary.json``) and its placements."""

    name: str
    source: str  # the argument as given
    kind: str  # "scenario" (solved here) or "folder" (an earlier solve)
    summary: dict[str, Any]
    people: pd.DataFrame  # one row per placement, :data:`PEOPLE_COLUMNS`
    notes: tuple[str, ...] = ()  # e.g. inputs changed since the folder was written

    @property
    def status(self) -> str:
        return str(self.summary.get("status", ""))

    @property
    def has_plan(self) -> bool:
        return self.status in ("optimal", "feasible")


@dataclass(frozen=True)
class Comparison:
    """Every table of a comparison (differences are against ``variants[0]``)."""

    variants: tuple[Variant, ...]
    kpis: pd.DataFrame
    groups: dict[str, pd.DataFrame]
    budget: pd.DataFrame
    moves: pd.DataFrame
    move_counts: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variants]


# --------------------------------------------------------------------------------------------
# Reading the variants.
# --------------------------------------------------------------------------------------------


def _unneutralise(value: str) -> str:
    """Undo :func:`allocator.export.neutralise` on a cell read back from ``assignments.csv``."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _people_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The placements' columns that a comparison uses (missing ones empty)."""
    out = pd.DataFrame(index=range(len(frame)))
    for c in PEOPLE_COLUMNS:
        if c in frame.columns:
            out[c] = frame[c].to_numpy()
        elif c == "program_title" and "title" in frame.columns:
            out[c] = frame["title"].to_numpy()
        else:
            out[c] = ""
    for c in ("candidate_id", "full_name", "agency", "program_id", "program_title", "mode",
              "type"):
        out[c] = out[c].astype(object).where(out[c].notna(), "").astype(str)
    out["year"] = out["year"].astype(object).where(out["year"].notna(), "").astype(str)
    out["cost"] = pd.to_numeric(out["cost"], errors="coerce").fillna(0).astype(np.int64)
    return out


def read_folder(folder: Path, source: str | None = None) -> Variant:
    """A variant from an earlier ``allocator solve`` output folder."""
    from allocator.manifest import changed_files

    folder = Path(folder)
    summary_path = folder / "summary.json"
    if not summary_path.is_file():
        raise CompareError(f"{folder}: not a solve output folder (no summary.json)")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CompareError(f"{summary_path}: cannot read it: {exc}") from None
    csv = folder / "assignments.csv"
    if csv.is_file():
        raw = pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        raw = raw.map(_unneutralise)
        raw.columns = [_unneutralise(c) for c in raw.columns]
        people = _people_frame(raw)
    else:
        people = _people_frame(pd.DataFrame())
    notes: list[str] = []
    if (folder / "manifest.json").is_file():
        notes = [f"{folder}: {line} since it was solved" for line in changed_files(folder)
                 if line.startswith("input")]
    name = str(summary.get("scenario") or folder.name)
    return Variant(name, source or str(folder), "folder", summary, people, tuple(notes))


def solve_variant(path: Path, *, engine: str | None = None, time_limit: float | None = None,
                  progress: Any = None, source: str | None = None) -> Variant:
    """A variant from a scenario file, solved now (nothing written)."""
    from allocator.export import summary_data
    from allocator.run import solve_scenario

    solved = solve_scenario(path, engine=engine, time_limit=time_limit, progress=progress)
    summary = summary_data(solved.problem, solved.result)
    sol = solved.result.solution
    people = _people_frame(sol.assignments() if sol is not None else pd.DataFrame())
    return Variant(solved.problem.scenario.name, source or str(path), "scenario", summary,
                   people)


def load_variants(paths: Sequence[str | Path], *, engine: str | None = None,
                  time_limit: float | None = None, progress: Any = None) -> list[Variant]:
    """Read or solve every argument, in order; names made unique (``name (2)``)."""
    from allocator.progress import null_progress

    show = progress or null_progress()
    variants: list[Variant] = []
    for i, given in enumerate(paths, start=1):
        path = Path(given)
        show.phase(f"variant {i}/{len(paths)}: {path}")
        if path.is_dir():
            variant = read_folder(path, str(given))
        elif path.is_file():
            variant = solve_variant(path, engine=engine, time_limit=time_limit, progress=show,
                                    source=str(given))
        else:
            raise CompareError(f"{given}: no such scenario file or solve output folder")
        taken = {v.name for v in variants}
        name, n = variant.name, 1
        while name in taken:
            n += 1
            name = f"{variant.name} ({n})"
        variants.append(Variant(name, variant.source, variant.kind, variant.summary,
                                variant.people, variant.notes))
    return variants


# --------------------------------------------------------------------------------------------
# The tables.
# --------------------------------------------------------------------------------------------

Getter = Callable[[dict[str, Any]], Any]


def _kpi(path: str) -> Getter:
    def get(summary: dict[str, Any]) -> Any:
        node: Any = summary
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    return get


def _count(predicate: Callable[[dict[str, Any]], bool]) -> Getter:
    def get(summary: dict[str, Any]) -> Any:
        quotas = summary.get("quotas")
        return None if quotas is None else sum(1 for q in quotas if predicate(q))

    return get


#: The KPI rows: label, how to read it from a summary, and whether a difference makes sense.
KPIS: tuple[tuple[str, Getter, bool], ...] = (
    ("status", _kpi("status"), False),
    ("objective (score − penalties)", _kpi("objective"), True),
    ("best bound", _kpi("bound"), True),
    ("gap", _kpi("gap"), True),
    ("cost (VND)", _kpi("cost"), True),
    ("places", _kpi("kpis.places.total"), True),
    ("people placed", _kpi("kpis.persons_placed"), True),
    ("candidates not placed", _kpi("not_placed.total"), True),
    ("women's share of places", _kpi("women_share"), True),
    ("women's share abroad", _kpi("kpis.women_share_overseas"), True),
    ("programmes running", _kpi("kpis.programs_running"), True),
    ("programmes cancelled", _kpi("kpis.programs_cancelled"), True),
    ("soft quota penalties", _kpi("penalty"), True),
    ("quota cells binding", _count(lambda q: bool(q.get("binding"))), True),
    ("soft quota cells broken", _count(lambda q: bool(q.get("soft")) and q["broken_by"] > 1e-9),
     True),
    ("runtime (s)", _kpi("runtime_s"), True),
)
SHARE_KPIS = {"gap", "women's share of places", "women's share abroad"}


def _diff(a: Any, b: Any) -> Any:
    """``b − a`` for numbers (None when either is missing)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    if isinstance(a, int | float) and isinstance(b, int | float):
        d = b - a
        return round(d, 9) if isinstance(d, float) else d
    return None


def kpi_table(variants: Sequence[Variant]) -> pd.DataFrame:
    """One row per KPI: each variant's value, then ``Δ name`` (variant − first) per variant."""
    base = variants[0]
    rows = []
    modes = sorted({m for v in variants for m in (v.summary.get("kpis", {}).get("places", {})
                                                   .get("by_mode", {}))})
    kpis = list(KPIS)
    at = next(i for i, (label, _, _) in enumerate(kpis) if label == "places") + 1
    for mode in reversed(modes):
        kpis.insert(at, (f"  places {mode}", _kpi(f"kpis.places.by_mode.{mode}"), True))
    for label, get, numeric in kpis:
        row: dict[str, Any] = {"kpi": label}
        first = get(base.summary)
        for v in variants:
            row[v.name] = get(v.summary)
        for v in variants[1:]:
            row[f"Δ {v.name}"] = _diff(first, get(v.summary)) if numeric else (
                "" if get(v.summary) == first else "changed")
        if label.startswith("  places "):
            for v in variants:
                if row[v.name] is None and v.has_plan:
                    row[v.name] = 0
            for v in variants[1:]:
                row[f"Δ {v.name}"] = _diff(row[base.name], row[v.name])
        rows.append(row)
    return pd.DataFrame(rows)


def _groups_of(summary: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """Places and cost per group of a dimension (places only for an old summary)."""
    groups = summary.get("breakdown", {}).get(f"by_{key}")
    if groups is not None:
        return {str(g): v for g, v in groups.items()}
    places = summary.get("kpis", {}).get("places", {}).get(f"by_{key}", {})
    return {str(g): {"places": n, "cost": None} for g, n in places.items()}


def group_table(variants: Sequence[Variant], key: str) -> pd.DataFrame:
    """Places and cost per group of ``key`` (field, agency, …) in every variant, with Δ."""
    base = variants[0]
    per = [_groups_of(v.summary, key) for v in variants]
    groups = sorted({g for p in per for g in p}, key=lambda g: (g == "(none)", g))
    rows = []
    for g in groups:
        row: dict[str, Any] = {key: g}
        for what in ("places", "cost"):
            for v, p in zip(variants, per, strict=True):
                value = p.get(g, {}).get(what)
                row[f"{what}: {v.name}"] = value if value is not None else (
                    0 if v.has_plan and g not in p else None)
            for v in variants[1:]:
                row[f"Δ {what}: {v.name}"] = _diff(row[f"{what}: {base.name}"],
                                                   row[f"{what}: {v.name}"])
        rows.append(row)
    columns = [key] + [f"{w}: {v.name}" for w in ("places", "cost") for v in variants] \
        + [f"Δ {w}: {v.name}" for w in ("places", "cost") for v in variants[1:]]
    frame = pd.DataFrame(rows, columns=columns)
    order = [key]
    for w in ("places", "cost"):
        order += [f"{w}: {v.name}" for v in variants]
        order += [f"Δ {w}: {v.name}" for v in variants[1:]]
    return frame[order]


def budget_compare(variants: Sequence[Variant]) -> pd.DataFrame:
    """Cap and spending of every envelope in every variant, with Δ spent."""
    base = variants[0]
    per = [{b["envelope"]: b for b in v.summary.get("budget", [])} for v in variants]
    envelopes: list[str] = []
    for p in per:
        envelopes += [e for e in p if e not in envelopes]
    rows = []
    for e in envelopes:
        row: dict[str, Any] = {"envelope": e}
        for v, p in zip(variants, per, strict=True):
            row[f"cap: {v.name}"] = p.get(e, {}).get("cap")
            row[f"spent: {v.name}"] = p.get(e, {}).get("spent")
            row[f"left: {v.name}"] = p.get(e, {}).get("left")
        for v in variants[1:]:
            row[f"Δ spent: {v.name}"] = _diff(row[f"spent: {base.name}"],
                                              row[f"spent: {v.name}"])
        rows.append(row)
    columns = ["envelope"] + [f"{w}: {v.name}" for v in variants
                              for w in ("cap", "spent", "left")] + [
        f"Δ spent: {v.name}" for v in variants[1:]]
    return pd.DataFrame(rows, columns=columns)


def person_moves(base: Variant, other: Variant) -> pd.DataFrame:
    """Who enters, leaves or changes programme from ``base`` to ``other``.

    Columns: ``variant`` (the other's name), ``candidate_id``, ``full_name``, ``agency``,
    ``change`` (``enters``: placed only in ``other``; ``leaves``: placed only in ``base``;
    ``changes``: placed in both, in different programmes), ``before`` and ``after`` (programme
    ids, ``;``-separated when a person has several) and their titles. Sorted by change, agency,
    candidate.
    """
    def per_person(people: pd.DataFrame) -> pd.DataFrame:
        if people.empty:
            return pd.DataFrame(columns=["full_name", "agency", "programs", "titles"],
                                index=pd.Index([], name="candidate_id"))
        ordered = people.sort_values(["candidate_id", "program_id"], kind="stable")
        g = ordered.groupby("candidate_id", sort=True)
        return pd.DataFrame({"full_name": g["full_name"].first(), "agency": g["agency"].first(),
                             "programs": g["program_id"].agg(";".join),
                             "titles": g["program_title"].agg("; ".join)})

    a, b = per_person(base.people), per_person(other.people)
    joined = a.add_suffix("_a").join(b.add_suffix("_b"), how="outer")
    in_a = joined["programs_a"].notna()
    in_b = joined["programs_b"].notna()
    change = np.select([in_b & ~in_a, in_a & ~in_b,
                        in_a & in_b & (joined["programs_a"] != joined["programs_b"])],
                       list(MOVE_KINDS), default="")
    out = pd.DataFrame({
        "variant": other.name,
        "candidate_id": joined.index.to_numpy(dtype=object),
        "full_name": joined["full_name_b"].fillna(joined["full_name_a"]).to_numpy(dtype=object),
        "agency": joined["agency_b"].fillna(joined["agency_a"]).to_numpy(dtype=object),
        "change": change,
        "before": joined["programs_a"].fillna("").to_numpy(dtype=object),
        "after": joined["programs_b"].fillna("").to_numpy(dtype=object),
        "before_title": joined["titles_a"].fillna("").to_numpy(dtype=object),
        "after_title": joined["titles_b"].fillna("").to_numpy(dtype=object),
    }, columns=MOVE_COLUMNS)
    out = out[out["change"] != ""]
    out["_k"] = out["change"].map({k: i for i, k in enumerate(MOVE_KINDS)})
    out = out.sort_values(["_k", "agency", "candidate_id"], kind="stable").drop(columns="_k")
    return out.reset_index(drop=True)


def compare(variants: Sequence[Variant]) -> Comparison:
    """Every table of the comparison of ``variants`` against the first."""
    if not variants:
        raise CompareError("nothing to compare")
    variants = tuple(variants)
    moves = [person_moves(variants[0], v) for v in variants[1:]]
    all_moves = pd.concat(moves, ignore_index=True) if moves else pd.DataFrame(
        columns=MOVE_COLUMNS)
    counts = pd.DataFrame(
        [{"variant": v.name, **{k: int((m["change"] == k).sum()) for k in MOVE_KINDS}}
         for v, m in zip(variants[1:], moves, strict=True)],
        columns=["variant", *MOVE_KINDS])
    return Comparison(variants, kpi_table(variants),
                      {key: group_table(variants, key) for key in DIMENSION_KEYS},
                      budget_compare(variants), all_moves, counts)


# --------------------------------------------------------------------------------------------
# Writing.
# --------------------------------------------------------------------------------------------


def comparison_data(c: Comparison) -> dict[str, Any]:
    """``compare.json`` (and ``--json``): the variants, the KPIs and the move counts."""
    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        clean = frame.astype(object).where(frame.notna(), None)
        return [{k: (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()}
                for r in clean.to_dict(orient="records")]

    return {
        "reference": c.variants[0].name,
        "variants": [{"name": v.name, "source": v.source, "kind": v.kind, "status": v.status,
                      "notes": list(v.notes)} for v in c.variants],
        "kpis": records(c.kpis),
        "moves": records(c.move_counts),
        "groups": {k: records(f) for k, f in c.groups.items()},
        "budget": records(c.budget),
        "people": records(c.moves),
    }


def compare_workbook(c: Comparison) -> Any:
    """``compare.xlsx``: Variants, KPIs, one sheet per dimension, Budget, Moves."""
    from allocator.workbook import Workbook

    wb = Workbook(title="Comparison: " + " vs ".join(c.names))
    wb.add("Variants", pd.DataFrame({
        "variant": c.names, "source": [v.source for v in c.variants],
        "kind": [v.kind for v in c.variants], "status": [v.status for v in c.variants],
        "notes": ["\n".join(v.notes) for v in c.variants]}), formats={"notes": "wrap"})
    value_cols = [col for col in c.kpis.columns if col != "kpi"]
    row_formats = ["percent" if label.strip() in SHARE_KPIS else
                   ("decimal" if label.startswith(("runtime", "soft quota penalties"))
                    else "money") for label in c.kpis["kpi"]]
    wb.add("KPIs", c.kpis, formats={col: row_formats for col in value_cols},
           title="Differences (Δ) are each variant minus " + c.names[0])
    for key, frame in c.groups.items():
        wb.add(f"By {key}", frame, formats={col: "money" for col in frame.columns if col != key})
    wb.add("Budget", c.budget, formats={col: "money" for col in c.budget.columns
                                        if col != "envelope"})
    wb.add("Moves", c.move_counts, formats={k: "money" for k in MOVE_KINDS})
    wb.add("People", c.moves, title="Who enters, leaves or changes programme against "
           + c.names[0])
    return wb


def _signed(value: Any, pct: bool = False) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if pct:
        return f"{100 * value:+.1f} pt"
    if isinstance(value, float) and not float(value).is_integer():
        return f"{value:+,.2f}"
    return f"{int(value):+,}"


def _kpi_text(label: str, value: Any) -> str:
    from allocator.report import fmt_pct, fmt_value

    if value is None:
        return "—"
    if label.strip() in SHARE_KPIS and isinstance(value, int | float):
        return fmt_pct(value, 2 if label.strip() == "gap" else 1)
    return fmt_value(value)


def grouped_chart(frame: pd.DataFrame, key: str, names: list[str], chart_key: str) -> str:
    """Places per group in every variant, as grouped horizontal bars (the reference on top)."""
    from allocator.report import MAX_BARS, PALETTE, Bar, Key, Panel, _short, bar_chart

    data = frame.copy()
    data["_total"] = data[[f"places: {n}" for n in names]].fillna(0).max(axis=1)
    data = data.sort_values(["_total", key], ascending=[False, True], kind="stable")
    data = data.head(MAX_BARS)
    if data.empty:
        return ""
    labels = [_short(str(g)) for g in data[key]]
    bars = []
    for i, n in enumerate(names):
        values = data[f"places: {n}"].fillna(0).astype(float)
        bars += [Bar(row, v, PALETTE[i % len(PALETTE)], f"{v:,.0f}", slot=i)
                 for row, v in enumerate(values)]
    legend = [Key(_short(n, 30), PALETTE[i % len(PALETTE)]) for i, n in enumerate(names)]
    return bar_chart(labels, [Panel(f"Places by {key}", bars, legend=legend)], chart_key,
                     slots=len(names))


def compare_html(c: Comparison) -> str:
    """``compare.html``: one self-contained page (see :mod:`allocator.report`)."""
    from allocator.report import MAX_LIST_ROWS, esc, figure, fmt_value, html_table, page

    names = c.names
    body = ["<p>Differences (Δ) are each variant minus the reference, "
            f"<b>{esc(names[0])}</b>.</p>"]
    notes = [n for v in c.variants for n in v.notes]
    if notes:
        body.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    body.append(html_table(pd.DataFrame({
        "variant": names, "source": [v.source for v in c.variants],
        "kind": [v.kind for v in c.variants], "status": [v.status for v in c.variants]})))

    body.append("<h2>Key figures</h2>")
    kpis = c.kpis.copy()
    shown = pd.DataFrame({"kpi": kpis["kpi"]})
    for col in kpis.columns[1:]:
        values = []
        for label, value in zip(kpis["kpi"], kpis[col], strict=True):
            if col.startswith("Δ "):
                values.append(_signed(value, pct=label.strip() in SHARE_KPIS))
            else:
                values.append(_kpi_text(label, value))
        shown[col] = values
    body.append(html_table(shown))

    body.append("<h2>Who moves</h2>")
    body.append(html_table(c.move_counts))
    for n, (key, frame) in enumerate(c.groups.items()):
        body.append(f"<h2>By {esc(key)}</h2>")
        if key in ("field", "agency"):
            body.append(figure(grouped_chart(frame, key, names, f"g{n}")))
        formats: dict[str, Callable[[Any], str]] = {
            col: (_signed if col.startswith("Δ ") else fmt_value) for col in frame.columns
            if col != key}
        body.append(html_table(frame, formats))
    body.append("<h2>Budget</h2>")
    body.append(html_table(c.budget, {col: (_signed if col.startswith("Δ ") else fmt_value)
                                      for col in c.budget.columns if col != "envelope"}))
    body.append("<h2>People</h2>")
    for v in c.variants[1:]:
        m = c.moves[c.moves["variant"] == v.name].drop(columns="variant")
        counts = ", ".join(f"{int((m['change'] == k).sum()):,} {k}" for k in MOVE_KINDS)
        body.append(f"<h3>{esc(v.name)} against {esc(names[0])}: {esc(counts)}</h3>")
        body.append(html_table(m, limit=MAX_LIST_ROWS) if len(m) else
                    "<p>Nobody moves.</p>")
    return page("Comparison: " + " vs ".join(names), "\n".join(body))


def write_comparison(out: Path, c: Comparison, force: bool = False) -> Path:
    """``compare.xlsx``, ``compare.html`` and ``compare.json`` in ``out``, whole or not at all."""
    with atomic_folder(out, force) as tmp:
        compare_workbook(c).save(tmp / "compare.xlsx")
        (tmp / "compare.html").write_text(compare_html(c), encoding="utf-8")
        write_json(tmp / "compare.json", comparison_data(c))
    return out


# --------------------------------------------------------------------------------------------
# The command.
# --------------------------------------------------------------------------------------------


def kpi_rich_table(c: Comparison) -> Any:
    """The KPI table for the terminal: each variant's value with its difference."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("KPI")
    for i, name in enumerate(c.names):
        table.add_column(escape(name) + (" (reference)" if i == 0 else ""), justify="right")
    for _, row in c.kpis.iterrows():
        label = row["kpi"]
        cells = [escape(label)]
        for i, name in enumerate(c.names):
            text = escape(_kpi_text(label, row[name]))
            if i > 0:
                delta = row[f"Δ {name}"]
                d = _signed(delta, pct=label.strip() in SHARE_KPIS)
                if d and d not in ("+0", "+0.0 pt", "changed"):
                    text += f" [cyan]({escape(d)})[/cyan]"
                elif d == "changed":
                    text += " [yellow](changed)[/yellow]"
            cells.append(text)
        table.add_row(*cells)
    return table


def run_compare(args: Any, con: Any) -> int:
    """``allocator compare``: 0 compared (every variant has a plan), 1 some variant has no
    plan (the comparison is still written), 2 invalid input or output folder."""
    from allocator.cli import EXIT_INVALID, EXIT_NO_PLAN, EXIT_OK, _escape, _issues_json
    from allocator.errors import InputError
    from allocator.export import OutputExists

    out = Path(args.out) if getattr(args, "out", None) else Path("out") / "compare"
    force = bool(getattr(args, "force", False))
    if out.exists() and not force:
        con.error(f"{out} exists: choose another --out or add --force")
        con.json({"status": "invalid", "error": f"{out} exists"})
        return EXIT_INVALID
    try:
        with con.progress() as show:
            variants = load_variants(args.scenarios, progress=show)
            show.phase(f"writing {out}")
            comparison = compare(variants)
            write_comparison(out, comparison, force=force)
    except InputError as exc:
        for issue in exc.issues:
            con.issue(issue)
        con.json({"status": "invalid", "issues": _issues_json(exc.issues)})
        return EXIT_INVALID
    except (CompareError, OutputExists) as exc:
        con.error(str(exc))
        con.json({"status": "invalid", "error": str(exc)})
        return EXIT_INVALID
    if con.for_people:
        for note in (n for v in variants for n in v.notes):
            con.err.print(f"[yellow]warning: {_escape(note)}[/yellow]")
    con.show(kpi_rich_table(comparison))
    for row in comparison.move_counts.itertuples(index=False):
        con.say(f"[bold]{_escape(row.variant)}[/bold] against {_escape(comparison.names[0])}: "
                f"{row.enters:,} enter, {row.leaves:,} leave, {row.changes:,} change programme")
    con.say(f"written    {_escape(str(out))} (compare.xlsx, compare.html, compare.json)")
    con.json({**comparison_data(comparison), "out": str(out)})
    return EXIT_OK if all(v.has_plan for v in variants) else EXIT_NO_PLAN
