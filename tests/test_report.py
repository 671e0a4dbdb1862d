"""report.html: one self-contained page that loads nothing and shows the plan's figures.

The plan is test_export's tiny plan (objective 980, 3 places, 52,000,000 VND, the soft quota
``domestic-floor`` broken by 1).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from test_export import HOSTILE, tiny_plan  # noqa: F401  (the shared, solved-once fixture)

from allocator.report import report_html
from allocator.result import Result, Status

NETWORK = re.compile(r"^\s*(https?:)?//", re.I)


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
    refs = set(re.findall(r'href="#([^"]+)"', html)) | set(re.findall(r"url\(#([^)]+)\)", html))
    assert refs and refs <= set(page.ids)


def test_the_headline_figures_are_on_the_page(page):
    text = " ".join(page.text)
    assert "Training plan — tiny-2024" in text
    assert "Kế hoạch thử nghiệm" in text
    for figure in ("optimal", "980", "52.0 million VND", "Nguyễn Thị Lan"):
        assert figure in text, figure
    assert "domestic-floor: broken by 1 places, penalty 10" in text


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
