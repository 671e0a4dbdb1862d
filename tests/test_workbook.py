"""assignments.xlsx, read back with openpyxl: sheets, headers, known rows, formats, safety.

The plan is test_export's tiny plan (see its docstring): A (Nguyễn Thị Lan) abroad in P2; B and
C in P1; D eligible but not chosen; E eligible for nothing.
"""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pandas as pd
import pytest
from test_export import HOSTILE, read_csv_rows, tiny_plan  # noqa: F401  (solved once)

from allocator.export import is_formula_like
from allocator.workbook import (
    FIXED_TIMESTAMP,
    Workbook,
    column_letter,
    escape,
    quoteattr,
    sheet_name,
)

FIRST_SHEETS = ["Summary", "Placements", "Quotas", "Budget", "By group", "Programmes",
                "Agencies", "Not placed", "Reserves"]


@pytest.fixture
def wb(tiny_plan):  # noqa: F811
    return openpyxl.load_workbook(tiny_plan.out / "assignments.xlsx")


def rows_of(ws, header_row: int = 1) -> list[dict]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def test_the_sheets_are_the_lists_then_a_roster_per_programme_and_a_sheet_per_agency(wb):
    assert wb.sheetnames == [*FIRST_SHEETS, "P1", "P2", "Sở Nội vụ", "Sở Y tế"]


def test_every_sheet_has_its_header_frozen_and_filtered(wb):
    for name in FIRST_SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws["A1"].font.b, name
    assert wb["P1"].freeze_panes == "A3"  # a title line above the header
    placements = wb["Placements"]
    assert placements.auto_filter.ref == f"A1:{column_letter(placements.max_column - 1)}4"


def test_placements_have_the_ids_first_and_a_known_row_with_diacritics(wb):
    rows = rows_of(wb["Placements"])
    assert list(rows[0])[:5] == ["candidate_id", "full_name", "agency", "program_id",
                                 "program_title"]
    a = rows[0]
    assert (a["candidate_id"], a["full_name"], a["agency"], a["program_id"]) == (
        "A", "Nguyễn Thị Lan", "Sở Y tế", "P2")
    assert a["program_title"] == "Học tập kinh nghiệm tại Nhật Bản"
    assert (a["cost"], a["score"], a["year"]) == (50_000_000, 430, 2024)
    assert a["start_date"] == dt.datetime(2024, 9, 1)
    assert a["birth_date"] == dt.datetime(1985, 6, 15)
    assert [r["candidate_id"] for r in rows] == ["A", "B", "C"]


def test_money_has_thousands_separators_and_dates_are_real_dates(wb):
    ws = wb["Placements"]
    header = [c.value for c in ws[1]]
    cost = ws.cell(row=2, column=header.index("cost") + 1)
    start = ws.cell(row=2, column=header.index("start_date") + 1)
    assert cost.number_format == "#,##0"
    assert start.is_date and start.number_format == "yyyy\\-mm\\-dd"
    assert wb["Budget"]["B2"].number_format == "#,##0"


def test_column_widths_fit_the_content(wb):
    ws = wb["Placements"]
    header = [c.value for c in ws[1]]
    title = column_letter(header.index("program_title"))
    width = ws.column_dimensions[title].width
    assert len("Học tập kinh nghiệm tại Nhật Bản") < width <= 50
    assert ws.column_dimensions["A"].width >= len("candidate_id")


def test_hostile_names_are_text_with_a_quote_prefix_never_formulas(wb):
    found = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in HOSTILE.values():
                    found.setdefault(cell.value, []).append(ws.title)
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
    # B and C are placed; D and E appear on the Not placed sheet.
    assert set(found) == set(HOSTILE.values())
    assert "Placements" in found[HOSTILE["B"]] and "P1" in found[HOSTILE["C"]]
    assert found[HOSTILE["E"]] == ["Not placed"]


def test_no_cell_of_the_file_is_a_formula(tiny_plan):  # noqa: F811
    with zipfile.ZipFile(tiny_plan.out / "assignments.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_the_summary_sheet_has_the_headline_figures(wb):
    figures = {r["figure"]: r["value"] for r in rows_of(wb["Summary"])}
    assert figures["scenario"] == "tiny-2024"
    assert figures["status"] == "optimal"
    assert figures["objective (score − penalties)"] == 980
    assert figures["cost"] == 52_000_000
    assert figures["places"] == 3
    assert figures["people placed"] == 3
    assert figures["candidates not placed"] == 2
    assert figures["women's share of places abroad"] == 1.0
    assert figures["soft quota broken: domestic-floor (penalty 10)"] == 1


def test_the_quota_sheet_has_bound_use_slack_and_the_broken_soft_quota(wb):
    quotas = {r["quota"]: r for r in rows_of(wb["Quotas"])}
    floor = quotas["domestic-floor"]
    assert (floor["min"], floor["places"], floor["soft"], floor["broken_by"],
            floor["penalty"], floor["penalty_per_place"]) == (3, 2, True, 1, 10, 10)
    women = quotas["women-abroad"]
    assert (women["share"], women["places"], women["of_places"], women["achieved_share"],
            women["slack"], women["binding"]) == (0.5, 1, 1, 1.0, 0.5, False)


def test_the_budget_sheet_has_cap_spent_and_left(wb):
    assert rows_of(wb["Budget"]) == [{"envelope": "total", "cap": 60_000_000,
                                      "spent": 52_000_000, "left": 8_000_000,
                                      "use": pytest.approx(52 / 60)}]


def test_the_not_placed_sheet_gives_each_reason(wb):
    rows = {r["candidate_id"]: r for r in rows_of(wb["Not placed"])}
    assert set(rows) == {"D", "E"}
    assert rows["D"]["reason_kind"] == "not chosen"
    assert rows["E"]["reason_kind"] == "rules"
    assert "field" in rows["E"]["reason"]
    assert rows["E"]["agency"] == "Sở Giao thông Vận tải"
    assert wb["Not placed"]["E2"].alignment.wrap_text


def test_the_reserve_sheet_ranks_who_would_take_a_freed_place(wb):
    # D, the only eligible person left, would take a place freed in either programme.
    rows = [(r["program_id"], r["rank"], r["candidate_id"]) for r in rows_of(wb["Reserves"])]
    assert rows == [("P1", 1, "D"), ("P2", 1, "D")]


def test_a_roster_lists_the_programmes_people_under_a_title(wb):
    ws = wb["P1"]
    assert ws["A1"].value.startswith("P1 — Khoá quản lý y tế (domestic, course, health, 2024)")
    assert "2 of 2 places" in ws["A1"].value
    people = rows_of(ws, header_row=2)
    assert [(p["candidate_id"], p["full_name"], p["agency"]) for p in people] == [
        ("B", HOSTILE["B"], "Sở Nội vụ"), ("C", "+1", "Sở Y tế")]


def test_an_agency_sheet_lists_its_people_and_programmes(wb):
    ws = wb["Sở Y tế"]
    assert ws["A1"].value.startswith("Sở Y tế: 2 of 2 candidates placed, 2 places")
    assert [(p["candidate_id"], p["program_id"]) for p in rows_of(ws, header_row=2)] == [
        ("C", "P1"), ("A", "P2")]


def test_programmes_and_agencies_link_to_their_sheets(wb):
    ws = wb["Programmes"]
    assert ws["A2"].value == "P1"
    assert ws["A2"].hyperlink.location == "'P1'!A1"
    progs = {r["program_id"]: r for r in rows_of(ws)}
    assert (progs["P2"]["capacity"], progs["P2"]["placed"], progs["P2"]["cost"]) == (
        1, 1, 50_000_000)


def test_the_workbook_properties_are_fixed_so_the_bytes_repeat(wb, tiny_plan):  # noqa: F811
    expected = dt.datetime.fromisoformat(FIXED_TIMESTAMP.rstrip("Z"))
    assert wb.properties.created == expected
    assert wb.properties.modified == expected
    with zipfile.ZipFile(tiny_plan.out / "assignments.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def _as_csv_text(value: object) -> str:
    """A cell read back by openpyxl, as assignments.csv writes the same value."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_cell(text: str) -> str:
    """A CSV cell without the quote that neutralises a formula (the workbook uses a style)."""
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def test_the_placements_sheet_reads_back_as_the_csv(wb, tiny_plan):  # noqa: F811
    csv_rows = read_csv_rows(tiny_plan.out / "assignments.csv")
    sheet_rows = rows_of(wb["Placements"])
    assert len(sheet_rows) == len(csv_rows) == 3
    assert set(sheet_rows[0]) == set(csv_rows[0])
    for sheet_row, csv_row in zip(sheet_rows, csv_rows, strict=True):
        assert {k: _as_csv_text(v) for k, v in sheet_row.items()} == {
            k: _csv_cell(v) for k, v in csv_row.items()}


def test_the_rosters_and_agency_sheets_hold_the_csv_rows_of_their_programme_or_agency(
        wb, tiny_plan):  # noqa: F811
    csv_rows = read_csv_rows(tiny_plan.out / "assignments.csv")
    for sheet, key in (("P1", "program_id"), ("P2", "program_id"), ("Sở Y tế", "agency"),
                       ("Sở Nội vụ", "agency")):
        rows = rows_of(wb[sheet], header_row=2)
        expected = [r for r in csv_rows if r[key] == sheet]
        assert sorted(r["candidate_id"] for r in rows) == sorted(
            r["candidate_id"] for r in expected), sheet
        by_id = {r["candidate_id"]: r for r in expected}
        for row in rows:
            assert {k: _as_csv_text(v) for k, v in row.items()} == {
                k: _csv_cell(by_id[row["candidate_id"]][k]) for k in row}, sheet


# --------------------------------------------------------------------------------------------
# The writer on its own.
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Sở Y tế", "Sở Y tế"),
    ("a/b\\c[d]:e*f?g", "a_b_c_d__e_f_g"),
    ("Ban Quản lý Dự án Đầu tư Xây dựng Công trình Giao thông", "Ban Quản lý Dự án Đầu tư Xây dựn"),
    ("'quoted'", "quoted"),
    ("History", "History_"),
    ("", "Sheet"),
])
def test_sheet_names_are_valid_for_excel(text, expected):
    assert sheet_name(text) == expected[:31]
    assert len(sheet_name(text)) <= 31


def test_sheet_names_are_unique_ignoring_case_and_stay_within_31_characters():
    long = "x" * 40
    taken = [sheet_name(long)]
    taken.append(sheet_name(long, taken))
    taken.append(sheet_name("X" * 31, taken))
    assert taken == ["x" * 31, "x" * 27 + " (2)", "X" * 27 + " (3)"]
    assert all(len(t) <= 31 for t in taken)


def test_a_workbook_names_its_sheets_uniquely_ignoring_case():
    wb = Workbook()
    frame = pd.DataFrame({"a": [1, 2]})
    assert wb.add("Sở Y tế", frame) == "Sở Y tế"
    assert wb.reserve("SỞ Y TẾ") == "SỞ Y TẾ (2)"  # what the next sheet of that name gets
    assert wb.add_cut("SỞ Y TẾ", "Sở Y tế", [1], ["a"]) == "SỞ Y TẾ (2)"
    assert wb.add("sở y tế", frame) == "sở y tế (3)"
    assert wb.names == ["Sở Y tế", "SỞ Y TẾ (2)", "sở y tế (3)"]


def test_the_writer_round_trips_types_and_strips_illegal_characters(tmp_path):
    frame = pd.DataFrame({
        "text": ["Lê Văn Tám", "bell\x07", " padded ", None],
        "int": pd.array([1, None, 3, 4], dtype="Int64"),
        "float": [1.5, float("nan"), 2.0, 0.1],
        "flag": [True, False, True, False],
        "when": pd.to_datetime(["2024-01-02", None, "1999-12-31", "2030-06-30"]),
        "list": [("a", "b"), (), ("c",), ("d", "e")],
    })
    wb = Workbook()
    wb.add("Data", frame)
    wb.save(tmp_path / "t.xlsx")
    rows = rows_of(openpyxl.load_workbook(tmp_path / "t.xlsx")["Data"])
    assert [r["text"] for r in rows] == ["Lê Văn Tám", "bell", " padded ", None]
    assert [r["int"] for r in rows] == [1, None, 3, 4]
    assert [r["float"] for r in rows] == [1.5, None, 2, 0.1]
    assert [r["flag"] for r in rows] == [True, False, True, False]
    assert rows[0]["when"] == dt.datetime(2024, 1, 2) and rows[1]["when"] is None
    assert [r["list"] for r in rows] == ["a;b", None, "c", "d;e"]


def test_plain_and_awkward_texts_read_back_as_written_whatever_their_column_holds(tmp_path):
    awkward = ["=1+1", "+1", "-2", "@x", "\tlead tab", " lead", "trail ", "a\tb", "two\nlines",
               "\nfirst", "last\n", "cr\rhere", "nbsp\u00a0", "bell\x07"]
    plain = ["Lê Văn Tám", "a & b < c > d", "line one\nline two", '"quoted"', "007"]
    frame = pd.DataFrame({
        "plain": plain * 3,  # a column of plain texts only (checked and escaped in one pass)
        "mixed": (plain + awkward)[:15],  # plain texts beside awkward ones
        "lists": [("a", "b"), ("=c",), (), ("d e",), ("x",)] * 3,
    })
    wb = Workbook()
    wb.add("Data", frame)
    wb.save(tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["Data"]
    rows = rows_of(ws)
    assert [r["plain"] for r in rows] == plain * 3
    expected = [t.replace("\x07", "") for t in (plain + awkward)[:15]]
    assert [r["mixed"] for r in rows] == expected
    assert [r["lists"] for r in rows] == ["a;b", "=c", None, "d e", "x"] * 3
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s" or cell.value is None, cell.coordinate
            assert cell.quotePrefix == is_formula_like(cell.value), cell.coordinate


def test_a_sheet_cut_from_another_is_written_as_the_same_table_added_on_its_own(tmp_path):
    people = pd.DataFrame({
        "candidate_id": ["C3", "C1", "C2", "C4"],
        "full_name": ["Trần Văn Ba", "=cmd", "Lê Thị Hai", " padded"],
        "cost": [3_000_000, 1_000_000, 2_000_000, 4_000_000],
        "start": pd.to_datetime(["2024-03-01", "2024-01-01", None, "2024-04-01"]),
        "fields": [("a", "b"), (), ("c",), ("d",)],
    })
    rows, columns = [3, 1, 0], ["full_name", "cost", "start", "fields"]
    cut, alone = Workbook(), Workbook()
    for wb in (cut, alone):
        wb.add("All", people)
    cut.add_cut("Some", "All", rows, columns, title="Three of them")
    alone.add("Some", people.iloc[rows][columns], title="Three of them")
    cut.save(tmp_path / "cut.xlsx")
    alone.save(tmp_path / "alone.xlsx")
    assert (tmp_path / "cut.xlsx").read_bytes() == (tmp_path / "alone.xlsx").read_bytes()
    assert cut.sheets[1].shown().equals(people.iloc[rows][columns].reset_index(drop=True))


def test_an_empty_frame_gives_a_header_only_sheet(tmp_path):
    wb = Workbook()
    wb.add("Nobody", pd.DataFrame(columns=["candidate_id", "reason"]))
    wb.save(tmp_path / "e.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "e.xlsx")["Nobody"]
    assert [c.value for c in ws[1]] == ["candidate_id", "reason"]
    assert ws.max_row == 1


@pytest.mark.parametrize("text", ["", "plain", "a & b < c > d", 'say "hi"', "it's", "both \" and '",
                                  "line\nbreak\r\tand tab", "&amp; already", "Đào tạo \"A&B\""])
def test_escaping_writes_what_the_standard_library_writes(text):
    # The workbook escapes by itself (xml.sax.saxutils imports urllib and email); the bytes
    # must stay those the standard library's functions give.
    from xml.sax.saxutils import escape as sax_escape
    from xml.sax.saxutils import quoteattr as sax_quoteattr

    assert escape(text) == sax_escape(text)
    assert quoteattr(text) == sax_quoteattr(text)


def _people_and_rosters(n: int) -> Workbook:
    people = pd.DataFrame({
        "candidate_id": [f"C{i:05d}" for i in range(n)],
        "full_name": [f"Nguyễn Văn {i}" if i % 7 else f"=x{i}" for i in range(n)],
        "program_id": [f"P{i % 13}" for i in range(n)],
        "cost": [1_000_000 + 10_000 * (i % 97) for i in range(n)],
        "start": pd.to_datetime("2024-01-01") + pd.to_timedelta([i % 300 for i in range(n)],
                                                                  unit="D"),
    })
    wb = Workbook(title="plan")
    wb.add("Placements", people)
    for p, rows in people.groupby("program_id").indices.items():
        wb.add_cut(p, "Placements", rows[::-1], ["candidate_id", "full_name", "cost"],
                   title=f"{p}: {len(rows)} people")
    return wb


def test_cut_sheets_rendered_in_a_child_process_give_the_same_bytes(tmp_path, monkeypatch):
    import allocator.workbook as workbook

    wb = _people_and_rosters(3_000)
    monkeypatch.setattr(workbook, "BESIDE_CELLS", 1)
    assert wb._beside() == list(range(2, 15))
    wb.save(tmp_path / "two.xlsx")
    monkeypatch.setattr(workbook, "BESIDE_CELLS", 10**9)
    assert wb._beside() == []
    wb.save(tmp_path / "one.xlsx")
    assert (tmp_path / "two.xlsx").read_bytes() == (tmp_path / "one.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.xlsx", "two.xlsx"]
    ws = openpyxl.load_workbook(tmp_path / "two.xlsx")["P3"]
    assert ws["A1"].value == "P3: 231 people"
    assert [c.value for c in ws[3]] == ["C02993", "Nguyễn Văn 2993", 1_000_000 + 10_000 * 83]


def test_a_child_that_fails_leaves_no_part_file_and_its_error_is_raised(tmp_path, monkeypatch):
    import allocator.workbook as workbook

    wb = _people_and_rosters(500)
    monkeypatch.setattr(workbook, "BESIDE_CELLS", 1)

    def broken(self, part, numbers):
        part.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "_deflate_into", broken)
    with pytest.raises(OSError, match="disk full"):
        wb.save(tmp_path / "a.xlsx")
    assert list(tmp_path.iterdir()) == []
