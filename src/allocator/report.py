"""``report.html``: one self-contained page of the plan for a leadership meeting.

Everything is inline: the style sheet, and the charts, written here as small SVG bar charts
(:func:`bar_chart`) whose text uses the system's fonts. The page loads nothing — no script, no
font, no image from the network — and reads the same offline, in any browser, printed or not.

Sections: the headline figures; places and cost by field, by agency and by type; women's share;
quota use against the bounds; budget use; then the quota table, the budget table, the
programmes, the agencies, the placements and the candidates not placed (long lists are cut at
:data:`MAX_LIST_ROWS` rows; ``assignments.xlsx`` has them whole).

The page is deterministic: the charts' coordinates are written with fixed precision, and
nothing depends on the clock (not even the solve's runtime, which is in ``summary.json``).
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from allocator import __version__
from allocator.problem import ProblemData
from allocator.result import Result, cost_note

MAX_LIST_ROWS = 5_000
MAX_BARS = 20
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
    # Column by column: the formatter and the opening tag are decided once, and each distinct
    # text is formatted once (agencies, modes and titles repeat down a column).
    cells: list[list[str]] = []
    for c, col in zip(columns, values, strict=True):
        f = formats.get(c, fmt_plain if c in plain else fmt_value)
        cls = "num" if c in numeric or f in (fmt_int, fmt_pct) else (
            "pre" if c in pre else "")
        if c in plain or c in ("quota", "group"):
            cls = (cls + " nowrap").strip()
        td = f'<td class="{cls}">' if cls else "<td>"
        texts: dict[str, str] = {}
        column = []
        for v in col:
            if type(v) is str:
                cell = texts.get(v)
                if cell is None:
                    cell = texts[v] = f"{td}{esc(f(v))}</td>"
            else:
                cell = f"{td}{esc(f(v))}</td>"
            column.append(cell)
        cells.append(column)
    for i, row in enumerate(zip(*cells, strict=True) if cells else [()] * len(shown)):
        klass = f' class="{esc(row_class[i])}"' if row_class is not None and row_class[i] else ""
        rows.append(f"<tr{klass}>{''.join(row)}</tr>")
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
            "the network.</footer>\n</body>\n</html>\n")


def cards(items: Iterable[tuple[str, str, str]]) -> str:
    """Headline figures: (label, value, note)."""
    out = []
    for label, value, note in items:
        n = f'<div class="note">{esc(note)}</div>' if note else ""
        out.append(f'<div class="card"><div class="label">{esc(label)}</div>'
                   f'<div class="value">{esc(value)}</div>{n}</div>')
    return f'<div class="cards">{"".join(out)}</div>'


# --------------------------------------------------------------------------------------------
# Charts: horizontal bars as inline SVG, written by hand.
# --------------------------------------------------------------------------------------------

#: Fonts with Vietnamese glyphs on every common system; the browser picks the first it has.
FONT = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
WIDTH = 1000  # viewBox units; the SVG scales to the page's width
INK, MUTED, AXIS, GRID, TRACK = "#1d2733", "#5b6b7c", "#9aa6b2", "#e6ebf0", "#e6ebf0"
TITLE_SIZE, LABEL_SIZE, VALUE_SIZE, TICK_SIZE = 14, 12, 11, 11
ROW = 22  # one group's row, in viewBox units
BAR = 14  # a bar's thickness in a row of one bar
SLOT = 11  # a bar's thickness in a row of several bars (one per variant)

# Advance widths (em) of a sans-serif font, generous (DejaVu Sans is among the widest), to
# reserve room for labels without measuring text: there is no layout pass.
_NARROW = dict.fromkeys("iljI.,:;'|!", 0.32) | dict.fromkeys("frt()[]- /\\", 0.42)
_WIDE = dict.fromkeys("mwMW%@…", 0.95) | dict.fromkeys("ĐÐ", 0.78)


def text_width(text: str, size: float) -> float:
    """An upper estimate of the width of ``text`` at font size ``size`` (viewBox units)."""
    width = 0.0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[:1] or ch  # "ể" is as wide as "e"
        if base in _NARROW:
            width += _NARROW[base]
        elif base in _WIDE:
            width += _WIDE[base]
        elif base.isupper():
            width += 0.74
        elif base.isdigit():
            width += 0.64
        else:
            width += 0.62
    return width * size


def _n(x: float) -> str:
    """A coordinate: fixed precision (2 decimals), so the same chart is the same bytes."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nice_ticks(top: float) -> list[float]:
    """4 to 6 round ticks from 0 to at least ``top``: steps of 1, 2, 2.5 or 5 times 10ᵏ."""
    top = top if top > 0 and math.isfinite(top) else 1.0
    exp = math.floor(math.log10(top / 5))
    for e in (exp, exp + 1):
        for m in (1, 2, 2.5, 5):
            step = m * 10.0 ** e
            n = math.ceil(top / step - 1e-9)
            if n <= 5:
                return [round(i * step, 10) for i in range(n + 1)]
    return [0.0, top]  # not reached


def tick_text(ticks: Sequence[float]) -> list[str]:
    """Tick labels with as many decimals as the step needs (``0.25`` steps: 2)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    digits = next((d for d in range(4) if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-6),
                  4)
    return [f"{t:,.{digits}f}" for t in ticks]


@dataclass(frozen=True)
class Bar:
    """One bar: its row (0 on top), value, colour, and the text at its end."""

    row: int
    value: float
    colour: str
    text: str = ""
    slot: int = 0  # which of the row's bars, 0 on top, when rows hold several


@dataclass(frozen=True)
class Mark:
    """A bound of one row: a short upright stroke across the row's bar."""

    row: int
    value: float
    colour: str


@dataclass(frozen=True)
class Rule:
    """A bound of every row: an upright line across the panel, named above it."""

    value: float
    colour: str
    text: str = ""
    dashed: bool = True
    width: float = 1.2


@dataclass(frozen=True)
class Key:
    """A legend entry: a bar (``bar``), a bound stroke (``mark``) or a dashed line (``rule``)."""

    text: str
    colour: str
    shape: str = "bar"


@dataclass
class Panel:
    """One plot of a :func:`bar_chart`: its bars on an x axis from 0 to ``top`` (round ticks
    over the data when ``None``)."""

    title: str
    bars: list[Bar]
    top: float | None = None
    marks: list[Mark] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    legend: list[Key] = field(default_factory=list)
    tracks: bool = False  # a light full-length bar behind each row's bar (a use of 100%)


def _finite(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def svg(parts: Iterable[str], width: float, height: float, title: str = "",
        key: str = "") -> str:
    """An inline ``<svg>``: sized by its ``viewBox`` only, so it scales to the page's width."""
    label = f' aria-label="{esc(title)}"' if title else ""
    data = f' data-chart="{esc(key)}"' if key else ""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'role="img"{label}{data} font-family="{FONT}" font-size="{LABEL_SIZE}" '
            f'fill="{INK}">')
    inner = f"<title>{esc(title)}</title>" if title else ""
    return head + inner + "".join(parts) + "</svg>"


def _margins(labels: Iterable[str], size: float = LABEL_SIZE) -> float:
    """The label column's width: the longest label's, within 8% and 45% of the chart."""
    longest = max((text_width(str(label), size) for label in labels), default=0.0)
    return min(max(longest + 10, 0.08 * WIDTH), 0.45 * WIDTH)


def _text(x: float, y: float, text: str, *, size: float = LABEL_SIZE, anchor: str = "start",
          fill: str = "", weight: str = "") -> str:
    attrs = f' x="{_n(x)}" y="{_n(y)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if size != LABEL_SIZE:
        attrs += f' font-size="{_n(size)}"'
    if fill:
        attrs += f' fill="{fill}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    return f"<text{attrs}>{esc(text)}</text>"


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float = 1,
          dashed: bool = False) -> str:
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}" '
            f'stroke-width="{_n(width)}"{dash}/>')


def _legend(keys: Sequence[Key], x: float, y: float, width: float) -> tuple[list[str], int]:
    """Legend entries from (x, y) flowing over rows of ``width``; the parts and the rows."""
    parts: list[str] = []
    cx, rows = x, 1
    for k in keys:
        w = 16 + text_width(k.text, VALUE_SIZE) + 14
        if cx > x and cx + w > x + width:
            cx, rows = x, rows + 1
        cy = y + (rows - 1) * 18
        if k.shape == "mark":
            parts.append(_line(cx + 6, cy - 6, cx + 6, cy + 6, k.colour, 2.5))
        elif k.shape == "rule":
            parts.append(_line(cx, cy, cx + 12, cy, k.colour, 1.5, dashed=True))
        else:  # a bar's swatch, drawn as a thick line so that every <rect> is a bar
            parts.append(_line(cx, cy, cx + 12, cy, k.colour, 10))
        parts.append(_text(cx + 16, cy + 4, k.text, size=VALUE_SIZE))
        cx += w
    return parts, rows


def bar_chart(labels: Sequence[str], panels: Sequence[Panel], key: str = "",
              slots: int = 1) -> str:
    """Horizontal bars, one row per label (top to bottom), in panels side by side that share
    the labels on the left: a title, a legend, thin gridlines on round ticks, a light x axis,
    each bar's value at its end, and the bounds (:class:`Mark`, :class:`Rule`) over them.

    ``slots`` bars per row (one per variant, say), :attr:`Bar.slot` 0 on top.
    """
    gap = 36.0
    left = _margins(labels)
    plot_width = (WIDTH - left - gap * (len(panels) - 1)) / max(len(panels), 1)
    row = ROW if slots == 1 else max(ROW, slots * SLOT + 8)
    thick = BAR if slots == 1 else SLOT
    # The header: the title (baseline 18), the legend's rows (from 38), then a row per named
    # rule just above the bars.
    heads = []
    for p in panels:
        legend_rows = _legend(p.legend, 0, 0, plot_width)[1] if p.legend else 0
        heads.append(24 + 18 * legend_rows + 15 * sum(1 for r in p.rules if r.text))
    top = 6 + max(heads, default=24)
    height = top + row * len(labels) + 26
    parts: list[str] = []
    for i, label in enumerate(labels):
        parts.append(_text(left - 8, top + row * (i + 0.5) + 0.35 * LABEL_SIZE, label,
                           anchor="end"))
    for n, p in enumerate(panels):
        x0 = left + n * (plot_width + gap)
        parts += _panel(p, x0, plot_width, top, row, thick, len(labels), slots)
    return svg(parts, WIDTH, height, " · ".join(p.title for p in panels), key)


def _panel(p: Panel, x0: float, width: float, top: float, row: float, thick: float, rows: int,
           slots: int) -> list[str]:
    """The parts of one panel whose plot starts at ``x0`` and whose first row at ``top``."""
    values = [max(_finite(b.value) or 0.0, 0.0) for b in p.bars]
    bounds = [v for v in (_finite(m.value) for m in p.marks) if v is not None]
    bounds += [v for v in (_finite(r.value) for r in p.rules) if v is not None]
    ticks = nice_ticks(p.top if p.top is not None else max(values + bounds, default=1.0))
    end = ticks[-1]
    values = [min(v, end) for v in values]  # a fixed axis (0-100%) cuts longer bars
    labels = tick_text(ticks)
    # The scale: the axis fills the panel (but for half its last label) unless a value's text
    # would then run past it.
    scale = (width - text_width(labels[-1], TICK_SIZE) / 2) / end
    # A value's text starts at its bar's end, or at the track's when there are tracks.
    at = [max(v, 100.0) if p.tracks else v for v in values]
    for v, b in zip(at, p.bars, strict=True):
        room = width - text_width(" " + b.text, VALUE_SIZE) - 2
        if b.text and v > 0 and room > 0:
            scale = min(scale, room / v)
    bottom = top + row * rows
    parts = [_text(x0, 18, p.title, size=TITLE_SIZE, weight="600")]
    if p.legend:
        parts += _legend(p.legend, x0, 38, width)[0]
    for t, text in zip(ticks, labels, strict=True):
        x = x0 + t * scale
        if t > 0:
            parts.append(_line(x, top, x, bottom, GRID))
        parts.append(_text(x, bottom + 16, text, size=TICK_SIZE, anchor="middle", fill=MUTED))
    parts.append(_line(x0, bottom, x0 + end * scale, bottom, AXIS))
    if p.tracks:
        for i in sorted({b.row for b in p.bars}):
            cy = top + row * (i + 0.5)
            parts.append(f'<rect x="{_n(x0)}" y="{_n(cy - thick / 2)}" width="{_n(100 * scale)}" '
                         f'height="{_n(thick)}" fill="{TRACK}" class="track"/>')
    for v, t, b in zip(values, at, p.bars, strict=True):
        cy = top + row * (b.row + 0.5) + (b.slot - (slots - 1) / 2) * thick
        parts.append(f'<rect x="{_n(x0)}" y="{_n(cy - thick / 2)}" width="{_n(v * scale)}" '
                     f'height="{_n(thick)}" fill="{b.colour}"/>')
        if b.text:
            size = VALUE_SIZE if slots == 1 else SLOT - 1
            parts.append(_text(x0 + t * scale + 4, cy + 0.35 * size, b.text, size=size))
    for m in p.marks:
        mv = _finite(m.value)
        if mv is not None:
            cy = top + row * (m.row + 0.5)
            x = x0 + max(mv, 0.0) * scale
            parts.append(_line(x, cy - thick / 2 - 3, x, cy + thick / 2 + 3, m.colour, 2.5))
    named = 0
    for r in p.rules:
        rv = _finite(r.value)
        if rv is None:
            continue
        x = x0 + max(rv, 0.0) * scale
        y_top = top
        if r.text:
            y_label = top - 4 - 15 * named
            named += 1
            if x + 3 + text_width(r.text, VALUE_SIZE) <= x0 + width:
                parts.append(_text(x + 3, y_label, r.text, size=VALUE_SIZE, fill=r.colour))
            else:  # near the right end: the name on the line's left
                parts.append(_text(x - 3, y_label, r.text, size=VALUE_SIZE, fill=r.colour,
                                   anchor="end"))
            y_top = y_label + 3
        parts.append(_line(x, y_top, x, bottom, r.colour, r.width, dashed=r.dashed))
    parts.append(_line(x0, top, x0, bottom, AXIS))
    return parts


def _short(label: str, n: int = 38) -> str:
    return label if len(label) <= n else label[:n - 1] + "…"


def _top(frame: pd.DataFrame, by: str, limit: int = MAX_BARS) -> pd.DataFrame:
    """The ``limit - 1`` largest rows, the rest summed as one ``others (k)`` row."""
    frame = frame.sort_values([by, "group"], ascending=[False, True], kind="stable")
    if len(frame) <= limit:
        return frame
    head, tail = frame.iloc[:limit - 1], frame.iloc[limit - 1:]
    rest = tail.select_dtypes("number").sum().astype(object)
    rest["group"] = f"others ({len(tail)})"
    return pd.concat([head, rest.to_frame().T], ignore_index=True)


def places_cost_chart(frame: pd.DataFrame, what: str, key: str) -> str:
    """Two panels side by side: places and cost (billion VND) per group, largest first."""
    data = _top(frame, "places")
    labels = [_short("* (any field)" if g == "*" else str(g)) for g in data["group"]]
    places = data["places"].astype(float).tolist()
    cost = (data["cost"].astype(float) / 1e9).tolist()
    return bar_chart(labels, [
        Panel(f"Places by {what}",
              [Bar(i, v, PALETTE[0], f"{v:,.0f}") for i, v in enumerate(places)]),
        Panel(f"Cost by {what} (billion VND)",
              [Bar(i, v, PALETTE[1], f"{v:,.2f}") for i, v in enumerate(cost)]),
    ], key)


def women_chart(rows: list[tuple[str, float | None]], bounds: list[tuple[str, float]],
                key: str) -> str:
    """Women's share of places per group (bars), with the quota bounds that ask for a share."""
    shown = [(label, 100 * v) for label, v in rows if v is not None]
    rules = [Rule(50, "#999999", dashed=False, width=0.8)]  # parity, under the bounds
    rules += [Rule(100 * share, PALETTE[3], f"{label} {100 * share:.0f}%")
              for label, share in bounds]
    return bar_chart([_short(label) for label, _ in shown], [
        Panel("Women's share of places (%)",
              [Bar(i, v, PALETTE[4], f"{v:.1f}%") for i, (_, v) in enumerate(shown)],
              top=100, rules=rules)], key)


def quota_chart(quotas: pd.DataFrame, kind: str, key: str, limit: int = 30) -> str:
    """Quota cells' use against their bounds; the tightest cells first when there are many.

    ``kind`` ``count``: places (bar) against min and max (markers); ``share``: the achieved
    share (bar) against the bound (marker), in percent. Broken soft quotas are drawn in red.
    """
    q = quotas[(quotas["kind"] == "count") == (kind == "count")].copy()
    if q.empty:
        return ""
    q["label"] = [_short(n + (f" [{g}]" if g else ""), 48) for n, g in
                  zip(q["quota"], q["group"], strict=True)]
    q["tight"] = q["slack"].astype(float).fillna(np.inf)
    d = q.sort_values(["tight", "label"], kind="stable").head(limit)
    broken = (d["broken_by"].astype(float) > 1e-9).tolist()
    colours = [PALETTE[3] if b else PALETTE[2] for b in broken]
    if kind == "count":
        values = d["places"].astype(float).tolist()
        marks, legend = [], []
        for bound, colour in (("min", "#333333"), ("max", PALETTE[1])):
            cells = [Mark(i, v, colour) for i, v in enumerate(d[bound]) if _finite(v) is not None]
            marks += cells
            legend += [Key(bound, colour, "mark")] if cells else []
        panel = Panel("Count quotas: places against min and max",
                      [Bar(i, v, c, f"{v:,.0f}") for i, (v, c) in
                       enumerate(zip(values, colours, strict=True))],
                      marks=marks, legend=legend)
    else:
        achieved = (d["achieved_share"].astype(float).fillna(0) * 100).tolist()
        marks = [Mark(i, 100 * float(v), "#333333") for i, v in enumerate(d["share"])]
        panel = Panel("Share quotas: achieved share against the bound (%)",
                      [Bar(i, v, c, f"{v:.1f}%") for i, (v, c) in
                       enumerate(zip(achieved, colours, strict=True))],
                      top=100, marks=marks, legend=[Key("bound", "#333333", "mark")])
    return bar_chart(d["label"].tolist(), [panel], key)


def budget_chart(budget: pd.DataFrame, key: str) -> str:
    """Spent against the cap of each envelope, in percent, annotated with the amounts."""
    b = budget[budget["cap"].notna()]
    if b.empty:
        return ""
    use = (b["spent"].astype(float) / b["cap"].astype(float).clip(lower=1) * 100).tolist()
    labels = [_short(str(e), 48) for e in b["envelope"]]
    bars = [Bar(i, min(u, 100), PALETTE[3] if u > 100 + 1e-9 else PALETTE[0],
                f"{u:.1f}%  ({float(s) / 1e9:,.2f} of {float(c) / 1e9:,.2f} billion VND)")
            for i, (u, s, c) in enumerate(zip(use, b["spent"], b["cap"], strict=True))]
    return bar_chart(labels, [
        Panel("Budget use: spent as a share of each envelope's cap (%)", bars, top=100,
              tracks=True)], key)


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
        assignments_of,
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
        ("Cost", fmt_vnd(k["cost"]), "; ".join(
            s for s in (spent_note or f"{k['cost']:,} VND",
                        cost_note(result.cost, result.cost_floor)) if s)),
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
    a = assignments_of(sol)
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
