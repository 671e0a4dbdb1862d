"""``allocator compare``: KPIs side by side and the true person-level moves between two plans.

Two variants small enough to solve by hand (scores: 100 × priority, +30 for a first preference):

    reference   P1, P2 (health, domestic, one place each)
                A  Sở Y tế       priority 3, prefers P1   A-P1 330, A-P2 300
                B  Sở Nội vụ     priority 2, prefers P2   B-P1 200, B-P2 230
                C  Sở Tài chính  priority 1               C-P1 100, C-P2 100
                optimum A-P1 + B-P2 = 560 (C not placed)

    variant     the same, but B works in transport (eligible for nothing) and A prefers P2:
                A-P2 330, A-P1 300, C 100 either: optimum A-P2 + C-P1 = 430

So from the reference to the variant: C enters (P1), B leaves (P2), A changes P1 -> P2.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import yaml
from conftest import CANDIDATE_DEFAULTS, PROGRAM_DEFAULTS, write_table
from rich.console import Console as RichConsole

from allocator.cli import main
from allocator.compare import Variant, compare, kpi_rich_table, load_variants, person_moves

PROGRAMS = [{"program_id": "P1", "title": "Khoá một", "capacity": 1},
            {"program_id": "P2", "title": "Khoá hai", "capacity": 1}]
REFERENCE = [
    {"candidate_id": "A", "full_name": "Nguyễn Văn An", "agency": "Sở Y tế", "priority": 3,
     "preferences": "P1"},
    {"candidate_id": "B", "full_name": "Trần Thị Bình", "agency": "Sở Nội vụ", "gender": "F",
     "priority": 2, "preferences": "P2"},
    {"candidate_id": "C", "full_name": "Lê Văn Cường", "agency": "Sở Tài chính", "priority": 1},
]
VARIANT = [
    {**REFERENCE[0], "preferences": "P2"},
    {**REFERENCE[1], "field": "transport"},
    REFERENCE[2],
]
TRUE_MOVES = [
    {"candidate_id": "C", "full_name": "Lê Văn Cường", "agency": "Sở Tài chính",
     "change": "enters", "before": "", "after": "P1"},
    {"candidate_id": "B", "full_name": "Trần Thị Bình", "agency": "Sở Nội vụ",
     "change": "leaves", "before": "P2", "after": ""},
    {"candidate_id": "A", "full_name": "Nguyễn Văn An", "agency": "Sở Y tế",
     "change": "changes", "before": "P1", "after": "P2"},
]


@pytest.fixture
def scenarios(make_scenario) -> tuple[Path, Path]:
    reference = make_scenario(REFERENCE, PROGRAMS, name="reference",
                              budget={"total": 10_000_000})
    variant = make_scenario(VARIANT, PROGRAMS, name="variant", budget={"total": 10_000_000})
    return reference, variant


@cache
def _compared(root: Path) -> SimpleNamespace:
    paths = []
    for name, candidates in (("reference", REFERENCE), ("variant", VARIANT)):
        folder = root / name
        folder.mkdir(parents=True)
        write_table(folder / "candidates.csv", candidates, CANDIDATE_DEFAULTS, "candidate_id")
        write_table(folder / "programs.csv", PROGRAMS, PROGRAM_DEFAULTS, "program_id")
        path = folder / "scenario.yaml"
        path.write_text(yaml.safe_dump({
            "name": name, "years": [2024], "budget": {"total": 10_000_000},
            "data": {"candidates": "candidates.csv", "programs": "programs.csv"}}),
            encoding="utf-8")
        paths.append(path)
    out = root / "cmp"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["compare", *map(str, paths), "--out", str(out), "--json"])
    return SimpleNamespace(code=code, out=out, data=json.loads(stdout.getvalue()),
                           paths=paths)


@pytest.fixture
def compared(tmp_path_factory) -> SimpleNamespace:
    """The two variants compared once, from the command line, for the whole session."""
    return _compared(tmp_path_factory.getbasetemp() / "compared")


def moves_of(rows: list[dict]) -> list[dict]:
    keys = ("candidate_id", "full_name", "agency", "change", "before", "after")
    return [{k: r[k] if r[k] is not None else "" for k in keys} for r in rows]


def test_compare_two_scenarios_finds_the_true_moves(compared):
    assert compared.code == 0
    assert sorted(p.name for p in compared.out.iterdir()) == ["compare.html", "compare.json",
                                                              "compare.xlsx"]
    data = compared.data
    assert moves_of(data["people"]) == TRUE_MOVES
    assert data["moves"] == [{"variant": "variant", "enters": 1, "leaves": 1, "changes": 1}]
    kpis = {k["kpi"]: k for k in data["kpis"]}
    assert (kpis["objective (score − penalties)"]["reference"],
            kpis["objective (score − penalties)"]["variant"],
            kpis["objective (score − penalties)"]["Δ variant"]) == (560, 430, -130)
    assert kpis["places"]["Δ variant"] == 0
    assert kpis["cost (VND)"]["Δ variant"] == 0
    assert json.loads((compared.out / "compare.json").read_text(encoding="utf-8"))[
        "people"] == data["people"]


def test_the_workbook_has_the_kpis_groups_budget_and_people(compared):
    wb = openpyxl.load_workbook(compared.out / "compare.xlsx")
    assert wb.sheetnames == ["Variants", "KPIs", "By field", "By agency", "By type", "By mode",
                             "By year", "Budget", "Moves", "People"]
    people = list(wb["People"].iter_rows(min_row=2, values_only=True))
    header, rows = people[0], [dict(zip(people[0], r, strict=True)) for r in people[1:]]
    assert header[:7] == ("variant", "candidate_id", "full_name", "agency", "change", "before",
                          "after")
    assert moves_of(rows) == TRUE_MOVES
    agency = list(wb["By agency"].iter_rows(values_only=True))
    assert agency[0][:5] == ("agency", "places: reference", "places: variant",
                             "Δ places: variant", "cost: reference")
    by_agency = {r[0]: r[1:4] for r in agency[1:]}
    assert by_agency == {"Sở Nội vụ": (1, 0, -1), "Sở Tài chính": (0, 1, 1),
                         "Sở Y tế": (1, 1, 0)}
    budget = list(wb["Budget"].iter_rows(values_only=True))
    assert budget[1][0] == "total"
    assert budget[1][1:3] == (10_000_000, 2_000_000)


def test_the_terminal_shows_the_kpis_side_by_side_with_differences(compared):
    comparison = compare(load_variants(compared.paths))
    buffer = io.StringIO()
    RichConsole(file=buffer, width=160).print(kpi_rich_table(comparison))
    text = buffer.getvalue()
    assert "reference (reference)" in text and "variant" in text
    assert "430 (-130)" in text
    assert "people placed" in text


def test_the_html_page_lists_the_moves_and_loads_nothing(compared):
    html = (compared.out / "compare.html").read_text(encoding="utf-8")
    assert "variant against reference: 1 enters, 1 leaves, 1 changes" in html
    for name in ("Lê Văn Cường", "Trần Thị Bình", "Nguyễn Văn An"):
        assert name in html
    assert "<script" not in html and "@import" not in html
    assert ' src="http' not in html and ' href="http' not in html


def test_an_existing_output_folder_is_refused_without_force(compared, tmp_path, capsys):
    out = tmp_path / "cmp"
    out.mkdir()
    assert main(["compare", *map(str, compared.paths), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_a_previous_solve_folder_compares_like_its_scenario(scenarios, tmp_path, capsys,
                                                            monkeypatch):
    from allocator import export

    # The folder's summary.json, assignments.csv and manifest.json are what compare reads.
    monkeypatch.setattr(export, "WRITERS", [export.write_core, export.write_manifest])
    reference, variant = scenarios
    solved = tmp_path / "solved"
    assert main(["solve", str(reference), "--out", str(solved), "--quiet"]) == 0
    out = tmp_path / "cmp"
    assert main(["compare", str(solved), str(variant), "--out", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["kind"] for v in data["variants"]] == ["folder", "scenario"]
    assert moves_of(data["people"]) == TRUE_MOVES


def test_an_argument_that_is_neither_a_scenario_nor_a_folder_is_an_error(tmp_path, capsys):
    assert main(["compare", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "c")]) == 2
    assert "no such scenario file or solve output folder" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_a_variant_without_a_plan_is_compared_and_exits_1(scenarios, make_scenario, tmp_path,
                                                           capsys):
    # Three places demanded from two programmes of one place each: no plan exists.
    impossible = make_scenario(REFERENCE, PROGRAMS, name="impossible",
                               quotas=[{"name": "three", "min": 3}])
    out = tmp_path / "cmp"
    assert main(["compare", str(scenarios[0]), str(impossible), "--out", str(out),
                 "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [v["status"] for v in data["variants"]] == ["optimal", "infeasible"]
    assert [(p["candidate_id"], p["change"]) for p in data["people"]] == [
        ("B", "leaves"), ("A", "leaves")]
    assert (out / "compare.xlsx").exists() and (out / "compare.html").exists()


SAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "sample.yaml"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shipped scenarios/sample.yaml is missing")
def test_the_shipped_sample_against_a_smaller_budget_gives_the_true_moves(tmp_path, capsys,
                                                                          monkeypatch):
    from allocator import export

    monkeypatch.setattr(export, "WRITERS", [export.write_core, export.write_manifest])
    variant = tmp_path / "sample-budget-6bn.yaml"
    variant.write_text(yaml.safe_dump({"name": "sample-budget-6bn", "extends": str(SAMPLE),
                                       "budget": {"total": 6_000_000_000}}), encoding="utf-8")
    folders = [tmp_path / "sample", tmp_path / "variant"]
    for path, folder in zip((SAMPLE, variant), folders, strict=True):
        assert main(["solve", str(path), "--out", str(folder), "--quiet"]) == 0
    # The truth, read from the two plans' own assignments.csv.
    plans = []
    for folder in folders:
        with (folder / "assignments.csv").open(encoding="utf-8-sig", newline="") as f:
            per: dict[str, list[str]] = {}
            for row in csv.DictReader(f):
                per.setdefault(row["candidate_id"], []).append(row["program_id"])
        plans.append({c: ";".join(sorted(p)) for c, p in per.items()})
    before, after = plans
    truth = {(c, "enters") for c in after.keys() - before.keys()} | {
        (c, "leaves") for c in before.keys() - after.keys()} | {
        (c, "changes") for c in before.keys() & after.keys() if before[c] != after[c]}
    assert truth  # the smaller budget does move people

    out = tmp_path / "cmp"
    assert main(["compare", *map(str, folders), "--out", str(out), "--json"]) == 0
    people = json.loads(capsys.readouterr().out)["people"]
    assert {(p["candidate_id"], p["change"]) for p in people} == truth
    for p in people:
        assert p["before"] == before.get(p["candidate_id"], "")
        assert p["after"] == after.get(p["candidate_id"], "")


def test_moves_with_several_programmes_per_person_compare_the_sets():
    import pandas as pd

    def variant(name: str, rows: list[tuple[str, str]]) -> Variant:
        people = pd.DataFrame([{"candidate_id": c, "full_name": c.lower(), "agency": "X",
                                "program_id": p, "program_title": p, "mode": "domestic",
                                "type": "course", "year": "2024", "cost": 1} for c, p in rows])
        return Variant(name, name, "folder", {"status": "optimal"}, people)

    base = variant("base", [("A", "P1"), ("A", "P2"), ("B", "P1")])
    other = variant("other", [("A", "P2"), ("A", "P1"), ("B", "P1"), ("B", "P3")])
    moves = person_moves(base, other)
    assert moves[["candidate_id", "change", "before", "after"]].values.tolist() == [
        ["B", "changes", "P1", "P1;P3"]]
    assert compare([base, other]).move_counts.to_dict("records") == [
        {"variant": "other", "enters": 0, "leaves": 0, "changes": 1}]
