"""report.html: one self-contained page that loads nothing and shows the plan's figures.

The plan is test_export's tiny plan (objective 980, 3 places, 52,000,000 VND, the soft quota
``domestic-floor`` broken by 1).
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pandas as pd
import pytest
from test_export import HOSTILE, tiny_plan, write_tiny_scenario  # noqa: F401  (shared fixture)

from allocator.report import (
    MAX_BARS,
    PALETTE,
    budget_chart,
    esc,
    nice_ticks,
    places_cost_chart,
    quota_chart,
    report_html,
    women_chart,
)
from allocator.result import Result, Status

NETWORK = re.compile(r"^\s*(https?:)?//", re.I)
SVG = "{http://www.w3.org/2000/svg}"


class Page(HTMLParser):
    """Collects what a browser would fetch, the text, the tables and the inline SVGs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fetches: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "data", "poster", "action",
                        "background") and value and not value.startswith("#"):
                self.fetches.append((tag, name, value))
            if name == "id":
                self.ids.append(value)
        self._in_heading = tag in ("h1", "h2", "h3")

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_heading and data.strip():
            self.headings.append(data.strip())


@pytest.fixture
def html(tiny_plan) -> str:  # noqa: F811
    return (tiny_plan.out / "report.html").read_text(encoding="utf-8")


@pytest.fixture
def page(html) -> Page:
    p = Page()
    p.feed(html)
    return p


def test_the_page_loads_nothing_from_anywhere(page, html):
    assert page.fetches == []
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # only url(#id) references inside SVG
    assert all(not NETWORK.match(v) for _, _, v in page.fetches)


def test_the_charts_are_inline_svg_with_unique_ids(page):
    assert page.tags.count("svg") >= 6
    assert len(page.ids) == len(set(page.ids))


def test_every_internal_reference_points_to_an_id_of_the_page(html, page):
    # The charts need none today; any that comes must point inside the page.
    refs = set(re.findall(r'href="#([^"]+)"', html)) | set(re.findall(r"url\(#([^)]+)\)", html))
    assert refs <= set(page.ids)


def test_the_headline_figures_are_on_the_page(page):
    text = " ".join(page.text)
    assert "Training plan — tiny-2024" in text
    assert "Kế hoạch thử nghiệm" in text
    for figure in ("optimal", "980", "52.0 million VND", "Nguyễn Thị Lan"):
        assert figure in text, figure
    assert "domestic-floor: broken by 1 places, penalty 10" in text
    # The cost card says what is proven about the cost among plans of the best objective.
    assert "proven the least of any plan with this objective" in text


def test_the_sections_are_the_ones_a_meeting_reads(page):
    for heading in ("Places and cost", "Women's share", "Quotas", "Budget", "Programmes",
                    "Agencies", "Lists"):
        assert heading in page.headings, heading


def test_the_quota_and_budget_tables_carry_the_numbers(page):
    text = " ".join(page.text)
    assert "women-abroad" in text and "50.0%" in text and "100.0%" in text
    assert "60,000,000" in text and "52,000,000" in text and "8,000,000" in text


def test_names_from_the_inputs_are_escaped_text(html):
    assert "&quot;http://example.com&quot;" in html  # B's name, as text
    assert '<a href="http://example.com"' not in html
    assert "@SUM(1+1)" in html  # E, in the not-placed list


def test_the_page_is_the_same_each_time(tiny_plan, html):  # noqa: F811
    assert report_html(tiny_plan.problem, tiny_plan.result) == html


def test_a_page_without_a_plan_says_so(tiny_plan):  # noqa: F811
    none = Result(Status.INFEASIBLE, "highs", 0.1, message="no plan satisfies every constraint")
    text = report_html(tiny_plan.problem, none)
    assert "No plan" in text and "no plan satisfies every constraint" in text
    assert "<svg" not in text


def test_hostile_names_never_become_markup(html):
    assert HOSTILE["B"] not in html  # only its escaped form is there


# --------------------------------------------------------------------------------------------
# The charts: SVG written by hand.
# --------------------------------------------------------------------------------------------


def parse_svg(text: str) -> ET.Element:
    root = ET.fromstring(text)  # well-formed XML, or this raises
    assert root.tag == SVG + "svg"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox", ""))
    assert "width" not in root.attrib and "height" not in root.attrib  # scales to the page
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "text")]


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(SVG + "rect") if r.get("class") != "track"]


def test_every_chart_of_the_page_is_well_formed_svg(html):
    charts = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(charts) >= 6
    for chart in charts:
        parse_svg(chart)


def test_a_chart_has_one_bar_per_group_and_its_labels_escaped():
    hostile = '<b onclick="x()">Sở & "Nội vụ"</b>'
    rows = [("all places", 0.44), (hostile, 0.5), ("no places", None), ("tiny", 0.0)]
    text = women_chart(rows, [("women-abroad", 0.3)], "c3")
    assert hostile not in text and esc(hostile) in text
    root = parse_svg(text)
    assert len(bars(root)) == 3  # one per group with a share; none for "no places"
    labels = texts(root)
    assert hostile in labels and "all places" in labels and "no places" not in labels
    assert {"44.0%", "50.0%", "0.0%", "women-abroad 30%"} <= set(labels)
    widths = [float(r.get("width")) for r in bars(root)]
    assert widths[2] == 0 and widths[0] / widths[1] == pytest.approx(0.44 / 0.5, abs=1e-3)


def test_places_and_cost_are_two_panels_of_the_same_groups():
    frame = pd.DataFrame({"group": [f"g{i:02d}" for i in range(25)],
                          "places": list(range(25, 0, -1)),
                          "cost": [1e9 * i for i in range(25, 0, -1)]})
    root = parse_svg(places_cost_chart(frame, "field", "c0"))
    assert len(bars(root)) == 2 * MAX_BARS  # the 19 largest and "others (6)", in each panel
    labels = texts(root)
    assert "Places by field" in labels and "Cost by field (billion VND)" in labels
    assert "others (6)" in labels and "g00" in labels and "g24" not in labels
    assert "25" in labels and "25.00" in labels and "21" in labels  # 6+5+4+3+2+1 = 21


def test_quota_and_budget_charts_draw_bounds_and_broken_quotas_in_red(tiny_plan):  # noqa: F811
    from allocator.export import budget_table, quota_table

    quotas = quota_table(tiny_plan.result.solution)
    root = parse_svg(quota_chart(quotas, "count", "c4"))
    assert [r.get("fill") for r in bars(root)] == [PALETTE[3]]  # domestic-floor, broken
    assert "domestic-floor" in texts(root) and "min" in texts(root)
    assert any(line.get("stroke") == "#333333" for line in root.iter(SVG + "line"))
    root = parse_svg(quota_chart(quotas, "share", "c5"))
    assert "100.0%" in texts(root) and "bound" in texts(root)  # A, a woman, abroad
    root = parse_svg(budget_chart(budget_table(tiny_plan.result.solution), "c6"))
    assert "86.7%  (0.05 of 0.06 billion VND)" in texts(root)


def test_ticks_are_few_and_round():
    assert nice_ticks(304) == [0, 100, 200, 300, 400]
    assert nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(2.47) == [0, 0.5, 1, 1.5, 2, 2.5]
    assert nice_ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    for top in (0.013, 1, 7, 26, 47, 99.9, 1234, 5e9):
        ticks = nice_ticks(top)
        assert 4 <= len(ticks) <= 6 and ticks[0] == 0 and ticks[-1] >= top, (top, ticks)


def test_the_report_does_not_import_matplotlib(tmp_path):
    path = write_tiny_scenario(tmp_path / "scenario")
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from allocator.run import run_solve\n"
            f"run_solve(Path({str(path)!r}), Path({str(tmp_path / 'out')!r}))\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<svg" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
