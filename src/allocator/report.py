"""``report.html``: one self-contained page of the plan for a leadership meeting.

Everything is inline: the style sheet, and the charts, drawn by matplotlib as SVG (text as
paths, so no font is needed either). The page loads nothing — no script, no font, no image from
the network — and reads the same offline, in any browser, printed or not.

Sections: the headline figures; places and cost by field, by agency and by type; women's share;
quota use against the bounds; budget use; then the quota table, the budget table, the
programmes, the agencies, the placements and the candidates not placed (long lists are cut at
:data:`MAX_LIST_ROWS` rows; ``assignments.xlsx`` has them whole).

The page is deterministic: matplotlib's SVG ids come from a fixed salt, the SVG metadata (with
its date) is dropped, and nothing depends on the clock (not even the solve's runtime, which is in
``summary.json``).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator import __version__
from allocator.problem import ProblemData
from allocator.result import Result

MAX_LIST_ROWS = 5_000
MAX_BARS = 20
SVG_SALT = "allocator"
PALETTE = ("#1f5f99", "#e0803a", "#3c9a5f", "#b04a5a", "#7a5aa6", "#8c6d3f", "#4aa3b5")

CSS = """
:root { --ink: #1d2733; --muted: #5b6b7c; --line: #d8dee6; --accent: #1f5f99; --bad: #b03030;
        --good: #2f7d4a; --soft: #f3f6f9; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px 28px 60px; line-height: 1.4; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
p.lead { color: var(--muted); margin: 0 0 14px; }
.status { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600;
          font-size: 0.9em; color: #fff; background: var(--good); }
.status.bad { background: var(--bad); } .status.warn { background: #b7791f; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
         gap: 12px; margin: 18px 0; }
.card { background: var(--soft); border-radius: 8px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 0.85em; }
.card .value { font-size: 1.45em; font-weight: 650; margin-top: 2px; }
.card .note { color: var(--muted); font-size: 0.8em; }
.wide { overflow-x: auto; }
figure { margin: 10px 0 22px; } figure svg { width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; font-size: 0.88em; margin: 6px 0 16px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: var(--soft); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.pre { white-space: pre-line; } td.nowrap { white-space: nowrap; }
tr.broken td { background: #fdecec; } tr.binding td { background: #fff7e0; }
.pos { color: var(--good); } .neg { color: var(--bad); }
details { margin: 8px 0 16px; } summary { cursor: pointer; font-weight: 600; }
.note { color: var(--muted); font-size: 0.85em; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.8em; }
@media print { h2 { break-after: avoid; } figure, table { break-inside: avoid; }
               th { position: static; } }
"""


# --------------------------------------------------------------------------------------------
# Formatting.
# --------------------------------------------------------------------------------------------


def esc(value: Any) -> str:
    """Text for HTML (``None`` as empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def fmt_int(value: Any) -> str:
    """``5156000000 -> 5,156,000,000``; empty for a missing value."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def fmt_pct(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{100 * float(value):.{digits}f}%"


def fmt_vnd(value: Any) -> str:
    """Money for a headline: ``5.16 billion VND`` (tỷ đồng) or ``61.0 million VND``."""
    if value is None:
        return "—"
    v = float(value)
    if abs(v) >= 1e9:
        return f"{v / 1e9:,.2f} billion VND"
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.1f} million VND"
    return f"{v:,.0f} VND"


def fmt_value(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer | float | np.floating):
        return fmt_int(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def fmt_plain(value: Any) -> str:
    """A code or a year as it is (``2023``, not ``2,023``)."""
    text = fmt_value(value)
    return text.replace(",", "") if isinstance(value, int | np.integer) else text


Formatter = Callable[[Any], str]


def html_table(frame: pd.DataFrame, formats: dict[str, Formatter] | None = None,
               row_class: Sequence[str] | None = None, limit: int | None = None,
               pre: Iterable[str] = ()) -> str:
    """A frame as an HTML table; numbers right-aligned, every cell escaped.

    ``formats`` maps a column to a formatter; ``row_class`` gives each row a CSS class;
    ``limit`` cuts long tables with a note; ``pre`` columns keep their line breaks.
    """
    formats = formats or {}
    pre = set(pre)
    shown = frame if limit is None else frame.iloc[:limit]
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c].dtype)
               and not pd.api.types.is_bool_dtype(frame[c].dtype)}
    head = "".join(f'<th class="num">{esc(c)}</th>' if c in numeric or c in formats and
                   formats[c] in (fmt_int, fmt_pct) else f"<th>{esc(c)}</th>"
                   for c in frame.columns)
    rows = []
    columns = list(frame.columns)
    values = [shown[c].astype(object).tolist() for c in columns]
    plain = {c for c in columns if str(c) == "year" or str(c).endswith("_id")}
    for i in range(len(shown)):
        cells = []
        for c, col in zip(columns, values, strict=True):
            f = formats.get(c, fmt_plain if c in plain else fmt_value)
            cls = "num" if c in numeric or f in (fmt_int, fmt_pct) else (
                "pre" if c in pre else "")
            if c in plain or c in ("quota", "group"):
                cls = (cls + " nowrap").strip()
            text = esc(f(col[i]))
            cells.append(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>")
        klass = f' class="{esc(row_class[i])}"' if row_class is not None and row_class[i] else ""
        rows.append(f"<tr{klass}>{''.join(cells)}</tr>")
    note = ""
    if limit is not None and len(frame) > limit:
        note = (f'<p class="note">The first {limit:,} of {len(frame):,} rows; the workbook has '
                "them all.</p>")
    return ('<div class="wide"><table><thead><tr>' + head + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>" + note)


def page(title: str, body: str, subtitle: str = "") -> str:
    """A whole self-contained HTML page."""
    sub = f'<p class="lead">{esc(subtitle)}</p>' if subtitle else ""
    return ("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<h1>{esc(title)}</h1>\n{sub}\n{body}\n"
            f"<footer>Written by allocator {esc(__version__)}. This page loads nothing from "
            "the network; the charts are drawn with matplotlib.</footer>\n</body>\n</html>\n")


def cards(items: Iterable[tuple[str, str, str]]) -> str:
    """Headline figures: (label, value, note)."""
    out = []
    for label, value, note in items:
        n = f'<div class="note">{esc(note)}</div>' if note else ""
        out.append(f'<div class="card"><div class="label">{esc(label)}</div>'
                   f'<div class="value">{esc(value)}</div>{n}</div>')
    return f'<div class="cards">{"".join(out)}</div>'


# --------------------------------------------------------------------------------------------
# Charts: matplotlib to inline SVG.
# --------------------------------------------------------------------------------------------


def svg(fig: Any, key: str) -> str:
    """A matplotlib figure as inline SVG: no XML prologue, no metadata, ids prefixed by ``key``.

    Several SVGs share one HTML document, so each one's ids (glyphs, clip paths) get their own
    prefix; the references to them (``xlink:href="#…"``, ``url(#…)``) follow.
    """
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_SALT, "svg.fonttype": "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r'((?:xlink:)?href)="#([^"]+)"', rf'\1="#{key}-\2"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1', text, count=1)
    return text.strip()


def _margins(fig: Any, labels: Iterable[str], rows: int, *, right: float = 0.97,
             wspace: float = 0.05) -> None:
    """Fixed margins from the longest label (no layout pass: drawing text twice is slow)."""
    width, height = fig.get_size_inches()
    longest = max((len(str(label)) for label in labels), default=4)
    left = min(0.45, (0.25 + 0.062 * longest) / width)
    fig.subplots_adjust(left=left, right=right, top=1 - 0.42 / height, bottom=0.45 / height,
                        wspace=wspace, hspace=0.9 / max(height / max(rows, 1), 1))


def _short(label: str, n: int = 38) -> str:
    return label if len(label) <= n else label[:n - 1] + "…"


def _top(frame: pd.DataFrame, by: str, limit: int = MAX_BARS) -> pd.DataFrame:
    """The ``limit - 1`` largest rows, the rest summed as one ``others (k)`` row."""
    frame = frame.sort_values([by, "group"], ascending=[False, True], kind="stable")
    if len(frame) <= limit:
        return frame
    head, tail = frame.iloc[:limit - 1], frame.iloc[limit - 1:]
    rest = tail.select_dtypes("number").sum()
    rest["group"] = f"others ({len(tail)})"
    return pd.concat([head, rest.to_frame().T], ignore_index=True)


def places_cost_chart(frame: pd.DataFrame, what: str, key: str) -> str:
    """Two panels side by side: places and cost (billion VND) per group, largest first."""
    from matplotlib.figure import Figure

    data = _top(frame, "places").iloc[::-1]
    labels = [_short("* (any field)" if g == "*" else str(g)) for g in data["group"]]
    height = 0.9 + 0.28 * len(labels)
    fig = Figure(figsize=(10, height))
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    places = data["places"].astype(float).to_numpy()
    cost = data["cost"].astype(float).to_numpy() / 1e9
    ax1.barh(labels, places, color=PALETTE[0])
    ax2.barh(labels, cost, color=PALETTE[1])
    ax1.set_title(f"Places by {what}", fontsize=10, loc="left")
    ax2.set_title(f"Cost by {what} (billion VND)", fontsize=10, loc="left")
    for ax, vals, fmt in ((ax1, places, "{:,.0f}"), (ax2, cost, "{:,.2f}")):
        for y, v in enumerate(vals):
            ax.text(v, y, " " + fmt.format(v), va="center", fontsize=7)
        ax.set_xlim(0, max(vals.max() if len(vals) else 1, 1e-9) * 1.22)
        ax.tick_params(labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    _margins(fig, labels, len(labels))
    return svg(fig, key)


def women_chart(rows: list[tuple[str, float | None]], bounds: list[tuple[str, float]],
                key: str) -> str:
    """Women's share of places per group (bars), with the quota bounds that ask for a share."""
    from matplotlib.figure import Figure

    shown = [(label, v) for label, v in rows if v is not None]
    fig = Figure(figsize=(10, 0.9 + 0.34 * max(len(shown), 1)))
    ax = fig.subplots()
    labels = [label for label, _ in shown][::-1]
    values = [100 * v for _, v in shown][::-1]  # type: ignore[operator]
    ax.barh(labels, values, color=PALETTE[4])
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:.1f}%", va="center", fontsize=8)
    for i, (label, share) in enumerate(bounds):
        ax.axvline(100 * share, color=PALETTE[3], linestyle="--", linewidth=1)
        ax.text(100 * share, len(labels) - 0.45 + 0.0 * i, f" {label} {100 * share:.0f}%",
                color=PALETTE[3], fontsize=8, va="bottom")
    ax.axvline(50, color="#999999", linewidth=0.6)
    ax.set_xlim(0, 100)
    ax.set_title("Women's share of places (%)", fontsize=10, loc="left")
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _margins(fig, labels, len(labels))
    return svg(fig, key)


def quota_chart(quotas: pd.DataFrame, kind: str, key: str, limit: int = 30) -> str:
    """Quota cells' use against their bounds; the tightest cells first when there are many.

    ``kind`` ``count``: places (bar) against min and max (markers); ``share``: the achieved
    share (bar) against the bound (marker), in percent. Broken soft quotas are drawn in red.
    """
    from matplotlib.figure import Figure

    q = quotas[(quotas["kind"] == "count") == (kind == "count")].copy()
    if q.empty:
        return ""
    q["label"] = [_short(n + (f" [{g}]" if g else ""), 48) for n, g in
                  zip(q["quota"], q["group"], strict=True)]
    q["tight"] = q["slack"].astype(float).fillna(np.inf)
    d = q.sort_values(["tight", "label"], kind="stable").head(limit).iloc[::-1]
    fig = Figure(figsize=(10, 1.0 + 0.3 * len(d)))
    ax = fig.subplots()
    y = np.arange(len(d))
    broken = (d["broken_by"].astype(float) > 1e-9).to_numpy()
    colours = [PALETTE[3] if b else PALETTE[2] for b in broken]
    if kind == "count":
        values = d["places"].astype(float).to_numpy()
        ax.barh(y, values, color=colours, height=0.6)
        ax.scatter(d["min"].astype(float), y, marker="|", s=200, color="#333333", label="min",
                   zorder=3)
        ax.scatter(d["max"].astype(float), y, marker="|", s=200, color=PALETTE[1],
                   label="max", zorder=3)
        ax.set_title("Count quotas: places against min and max", fontsize=10, loc="left")
        for yy, v in zip(y, values, strict=True):
            ax.text(float(v), float(yy), f" {v:,.0f}", va="center", fontsize=7)
    else:
        achieved = d["achieved_share"].astype(float).fillna(0).to_numpy() * 100
        ax.barh(y, achieved, color=colours, height=0.6)
        ax.scatter(d["share"].astype(float) * 100, y, marker="|", s=200, color="#333333",
                   label="bound", zorder=3)
        ax.set_xlim(0, 100)
        ax.set_title("Share quotas: achieved share against the bound (%)", fontsize=10,
                     loc="left")
        for yy, v in zip(y, achieved, strict=True):
            ax.text(float(v), float(yy), f" {v:.1f}%", va="center", fontsize=7)
    ax.set_yticks(y, d["label"].tolist())
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _margins(fig, d["label"], len(d), right=0.93)
    return svg(fig, key)


def budget_chart(budget: pd.DataFrame, key: str) -> str:
    """Spent against the cap of each envelope, in percent, annotated with the amounts."""
    from matplotlib.figure import Figure

    b = budget[budget["cap"].notna()]
    if b.empty:
        return ""
    b = b.iloc[::-1]
    fig = Figure(figsize=(10, 0.9 + 0.36 * len(b)))
    ax = fig.subplots()
    use = (b["spent"].astype(float) / b["cap"].astype(float).clip(lower=1) * 100).to_numpy()
    labels = [_short(str(e), 48) for e in b["envelope"]]
    ax.barh(labels, [100] * len(b), color="#e6ebf0")
    ax.barh(labels, np.minimum(use, 100), color=[PALETTE[3] if u > 100 + 1e-9 else PALETTE[0]
                                                for u in use])
    for y, (u, s, c) in enumerate(zip(use, b["spent"], b["cap"], strict=True)):
        ax.text(min(u, 100), y, f" {u:.1f}%  ({float(s) / 1e9:,.2f} of {float(c) / 1e9:,.2f} "
                "billion VND)", va="center", fontsize=8)
    ax.set_xlim(0, 130)
    ax.set_title("Budget use: spent as a share of each envelope's cap (%)", fontsize=10,
                 loc="left")
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _margins(fig, labels, len(labels))
    return svg(fig, key)


def figure(svg_text: str, caption: str = "") -> str:
    if not svg_text:
        return ""
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure>{svg_text}{cap}</figure>"


# --------------------------------------------------------------------------------------------
# The page.
# --------------------------------------------------------------------------------------------


def _status_badge(status: str) -> str:
    klass = "" if status == "optimal" else ("warn" if status == "feasible" else "bad")
    return f'<span class="status {klass}">{esc(status)}</span>'


def _women_bounds(problem: ProblemData) -> list[tuple[str, float]]:
    """Share quotas on women (``of: {gender: F}``): their names and shares."""
    out = []
    for q in problem.scenario.quotas:
        for spec in (q.min_share, q.max_share):
            if spec is not None and spec.of.get("gender") in ("F", ["F"]):
                out.append((q.name, float(spec.share)))
    return out


def report_html(problem: ProblemData, result: Result) -> str:
    """The whole page (see the module's docstring)."""
    from allocator.export import (
        agency_table,
        breakdowns,
        budget_table,
        programme_table,
        quota_table,
        summary_data,
    )

    data = summary_data(problem, result)
    sc = problem.scenario
    sol = result.solution
    gap = "—" if result.gap is None else f"{100 * result.gap:.4f}%"
    head = [("Status", result.status.value, f"engine {result.engine}"),
            ("Objective", fmt_int(result.objective) or "—",
             f"best bound {fmt_int(result.bound) or '—'}, gap {gap}")]
    body = [f"<p>{_status_badge(result.status.value)} "
            f"{esc(result.message) if result.message else ''}</p>"]
    if sol is None:
        body.append(cards(head))
        body.append("<h2>No plan</h2><p>" + esc(result.message or "no plan was found") +
                    "</p><p>Run <code>allocator explain</code> on the scenario for the "
                    "diagnosis.</p>")
        return page(f"Training plan — {sc.name}", "\n".join(body), sc.description)

    k = data["kpis"]
    groups = breakdowns(sol)
    quotas = quota_table(sol)
    budget = budget_table(sol)
    capped = budget[budget["cap"].notna()]
    total = budget[budget["envelope"] == "total"]
    spent_note = ""
    if len(total) and total["cap"].iat[0]:
        spent_note = f"{fmt_pct(total['spent'].iat[0] / total['cap'].iat[0])} of the total budget"
    broken = quotas[quotas["broken_by"].astype(float) > 1e-9]
    modes = ", ".join(f"{m} {n:,}" for m, n in k["places"]["by_mode"].items())
    head += [
        ("Places", f"{k['places']['total']:,}", modes),
        ("People placed", f"{k['persons_placed']:,}",
         f"of {problem.n_candidates:,} candidates; {data['not_placed']['total']:,} not placed"),
        ("Cost", fmt_vnd(k["cost"]), spent_note or f"{k['cost']:,} VND"),
        ("Women's share", fmt_pct(data["women_share"]) or "—",
         f"abroad {fmt_pct(k['women_share_overseas']) or '—'}"),
        ("Programmes running", f"{k['programs_running']:,} of {problem.n_programs:,}",
         f"{k['programs_cancelled']:,} cancelled (below min_size)"),
        ("Quotas", f"{len(quotas):,} cells",
         f"{int(quotas['binding'].sum()):,} binding, {len(broken):,} soft broken"),
    ]
    body.append(cards(head))
    if len(broken):
        items = "".join(
            f"<li>{esc(r.quota)}{esc(' [' + r.group + ']') if r.group else ''}: broken by "
            f"{r.broken_by:g} places, penalty {r.penalty:g}</li>"
            for r in broken.itertuples(index=False))
        body.append(f"<p><b>Soft quotas broken:</b></p><ul>{items}</ul>")

    body.append("<h2>Places and cost</h2>")
    for n, (dim, label) in enumerate((("field", "field"), ("agency", "agency"),
                                      ("type", "type"))):
        frame = groups[dim]
        note = (f"The {MAX_BARS - 1} largest groups; the rest are summed."
                if len(frame) > MAX_BARS else "")
        if dim == "agency":
            note = (note + " An agency's cost counts its people's per-person costs; fixed "
                    "programme costs are counted by field and type only.").strip()
        body.append(figure(places_cost_chart(frame, label, f"c{n}"), note))

    body.append("<h2>Women's share</h2>")
    placed_gender = groups["gender"]
    cand_women = float((problem.candidates["gender"].astype(str) == "F").mean()) \
        if problem.n_candidates else None
    share_rows: list[tuple[str, float | None]] = [("all places", data["women_share"])]
    for row in groups["mode"].itertuples(index=False):
        share_rows.append((f"{row.group} places", row.women / row.places if row.places else None))
    for row in groups["type"].itertuples(index=False):
        share_rows.append((f"{row.group}", row.women / row.places if row.places else None))
    share_rows.append(("women among candidates", cand_women))
    body.append(figure(women_chart(share_rows, _women_bounds(problem), "c3"),
                       "Dashed: the scenario's quotas on women's share."))
    body.append(html_table(placed_gender[["group", "places", "persons"]].rename(
        columns={"group": "gender"})))

    body.append("<h2>Quotas</h2>")
    if len(quotas):
        for kind, key in (("count", "c4"), ("share", "c5")):
            n_kind = int(((quotas["kind"] == "count") == (kind == "count")).sum())
            caption = ("Green: within the bounds; red: a soft quota broken." +
                       (f" The 30 tightest cells of {n_kind}." if n_kind > 30 else ""))
            body.append(figure(quota_chart(quotas, kind, key), caption))
        row_class = ["broken" if b > 1e-9 else ("binding" if bind else "")
                     for b, bind in zip(quotas["broken_by"], quotas["binding"], strict=True)]
        body.append(html_table(quotas.drop(columns=["value"]), {"share": fmt_pct,
                                                                "achieved_share": fmt_pct,
                                        "min": fmt_int, "max": fmt_int},
                               row_class=row_class))
        body.append('<p class="note">Yellow: the quota binds (no slack); red: a soft quota is '
                    "broken.</p>")
    else:
        body.append("<p>The scenario has no quotas.</p>")

    body.append("<h2>Budget</h2>")
    if len(budget):
        body.append(figure(budget_chart(capped, "c6")))
        body.append(html_table(budget, {"use": fmt_pct, "cap": fmt_int, "left": fmt_int}))
    else:
        body.append("<p>The scenario has no budget envelope.</p>")

    body.append("<h2>Places and cost by group</h2>")
    for dim, frame in groups.items():
        if dim in ("country", "content_group") and set(frame["group"]) <= {"(none)"}:
            continue
        body.append(f"<h3>By {esc(dim.replace('_', ' '))}</h3>")
        body.append(html_table(frame, {"women_share": fmt_pct}))

    body.append("<h2>Programmes</h2>")
    programmes = programme_table(sol)[["program_id", "title", "mode", "type", "field", "year",
                                       "capacity", "min_size", "placed", "fill", "runs",
                                       "cost"]]
    body.append(html_table(programmes, {"fill": fmt_pct}))
    body.append("<h2>Agencies</h2>")
    body.append(html_table(agency_table(sol), {"placed_share": fmt_pct}))

    body.append("<h2>Lists</h2>")
    a = sol.assignments()
    cols = [c for c in ("candidate_id", "full_name", "agency", "program_id", "program_title",
                        "mode", "type", "year", "cost") if c in a.columns]
    listing = a[cols].sort_values(["program_id", "candidate_id"], kind="stable")
    body.append(f"<details><summary>Placements ({len(listing):,})</summary>"
                f"{html_table(listing, limit=MAX_LIST_ROWS)}</details>")
    from allocator.explain import not_placed_reasons

    missing = not_placed_reasons(problem, sol)
    body.append(f"<details><summary>Candidates not placed ({len(missing):,})</summary>"
                f"{html_table(missing, limit=MAX_LIST_ROWS, pre=['reason'])}</details>")
    if problem.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in problem.warnings)
        body.append(f"<details><summary>Warnings ({len(problem.warnings):,})</summary>"
                    f"<ul>{items}</ul></details>")
    subtitle = sc.description or ""
    return page(f"Training plan — {sc.name}", "\n".join(body), subtitle)


def write_report_html(path: Path, problem: ProblemData, result: Result) -> Path:
    """Write ``report.html``."""
    path = Path(path)
    path.write_text(report_html(problem, result), encoding="utf-8")
    return path
