"""Reading the input tables: types, defaults, encodings, workbooks and Vietnamese text.

Each test writes the spreadsheet a planner would send (bytes exactly as stated) and reads it
through the scenario, as ``allocator`` does.
"""

from __future__ import annotations

import datetime as dt
import gzip
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from allocator.errors import InputError
from allocator.scenario import load_scenario
from allocator.tables import Tables, read_tables

CAND_HEADER = "candidate_id,full_name,agency,gender,birth_date,position_level,field"
PROG_HEADER = "program_id,title,mode,type,field,year,capacity,cost_per_person"
ONE_PROGRAM = PROG_HEADER + "\nP1,Khoá học,domestic,course,health,2024,10,1000000\n"


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def scenario(folder: Path, **data: object) -> Path:
    """A scenario file in ``folder`` naming the given tables (relative paths)."""
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "data": data}, allow_unicode=True),
                    encoding="utf-8")
    return path


def read(folder: Path, candidates: str | bytes, programs: str | bytes = ONE_PROGRAM,
         **others: str | bytes) -> Tables:
    """Write the tables as CSV files and read them back through a scenario."""
    data: dict[str, str] = {}
    for table, text in {"candidates": candidates, "programs": programs, **others}.items():
        write(folder / f"{table}.csv", text)
        data[table] = f"{table}.csv"
    return read_tables(load_scenario(scenario(folder, **data)))


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(i) for i in exc.value.issues]


# --------------------------------------------------------------------------------------------
# Types and defaults.
# --------------------------------------------------------------------------------------------


def test_every_candidate_column_is_parsed_to_its_type(tmp_path):
    header = (CAND_HEADER + ",years_of_service,secondary_fields,planned_position,planned_field,"
              "leader_term_end,rating_prev_year,discipline,exit_restricted,health_ok,language,"
              "language_level,priority,preferences,must_train")
    row = ("007,Nguyễn Văn An,Sở Y tế,M,1975-03-09,head_division,health,12.5,finance;it,"
           "deputy_director,finance,2026-06-30,excellent,under_review,yes,no,EN,b2,2.5,"
           "P1;P2,1")
    tables = read(tmp_path, f"{header}\n{row}\n",
                  PROG_HEADER + "\nP1,A,domestic,course,health,2024,10,1000000\n"
                  "P2,B,domestic,course,health,2024,10,1000000\n")
    c = tables.candidates.iloc[0]
    assert c["_row"] == 2
    assert c["candidate_id"] == "007"
    assert c["birth_date"] == pd.Timestamp("1975-03-09")
    assert tables.candidates["birth_date"].dtype == "datetime64[s]"
    assert c["years_of_service"] == 12.5
    assert c["secondary_fields"] == ("finance", "it")
    assert (c["planned_position"], c["planned_field"]) == ("deputy_director", "finance")
    assert c["leader_term_end"] == pd.Timestamp("2026-06-30")
    assert (c["rating_prev_year"], c["discipline"]) == ("excellent", "under_review")
    assert (c["exit_restricted"], c["health_ok"], c["must_train"]) == (True, False, True)
    assert (c["language"], c["language_level"]) == ("en", "B2")  # codes normalised
    assert c["priority"] == 2.5
    assert c["preferences"] == ("P1", "P2")


def test_every_optional_candidate_column_takes_the_default_of_the_contract(tmp_path):
    tables = read(tmp_path, f"{CAND_HEADER}\nA,Nguyễn Văn A,Sở Y tế,F,1980-01-01,specialist,"
                            "health\n")
    c = tables.candidates.iloc[0]
    assert c["years_of_service"] == 0
    assert c["secondary_fields"] == ()
    assert c["planned_position"] == "" and c["planned_field"] == ""
    assert pd.isna(c["leader_term_end"])
    assert c["rating_prev_year"] == "good"
    assert c["discipline"] == "none"
    assert c["exit_restricted"] is np.False_ or c["exit_restricted"] == False  # noqa: E712
    assert bool(c["health_ok"]) is True
    assert c["language"] == "" and c["language_level"] == ""
    assert c["priority"] == 1
    assert c["preferences"] == ()
    assert bool(c["must_train"]) is False


def test_empty_cells_of_optional_columns_take_the_defaults_too(tmp_path):
    header = CAND_HEADER + ",rating_prev_year,discipline,health_ok,priority"
    tables = read(tmp_path, f"{header}\nA,An,Sở Y tế,F,1980-01-01,specialist,health,,,,\n")
    c = tables.candidates.iloc[0]
    assert (c["rating_prev_year"], c["discipline"], bool(c["health_ok"]), c["priority"]) == (
        "good", "none", True, 1.0)


def test_every_optional_programme_column_takes_the_default_of_the_contract(tmp_path):
    programs = (PROG_HEADER + "\nS,a,overseas,short_term,health,2024,20,1\n"
                "M,b,overseas,medium_term,health,2025,20,1\nL,c,overseas,language,health,2024,"
                "20,1\nC,d,domestic,course,health,2024,20,1\nX,e,domestic,seminar,health,2024,"
                "20,1\n")
    tables = read(tmp_path, f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\n", programs)
    p = tables.programs.set_index("program_id")
    assert p["min_size"].tolist() == [0] * 5
    assert p["fixed_cost"].tolist() == [0] * 5
    assert p["funding_source"].tolist() == ["state_budget"] * 5
    assert p["budget_cap"].isna().all()
    assert p["content_group"].tolist() == [""] * 5 and p["country"].tolist() == [""] * 5
    # A programme without start_date starts on 1 January of its year.
    assert p.at["M", "start_date"] == pd.Timestamp("2025-01-01")
    assert p.at["S", "start_date"] == pd.Timestamp("2024-01-01")
    # Duration by type when not given: about 2 weeks, 3 months, 8 months; 10 days otherwise.
    assert p["duration_days"].tolist() == [14, 90, 240, 10, 10]
    assert p["language"].tolist() == [""] * 5 and p["min_language_level"].tolist() == [""] * 5
    assert p["target_levels"].tolist() == [()] * 5
    assert p["capacity"].dtype == "Int64" and p["cost_per_person"].dtype == "Int64"


def test_pairs_and_history_defaults(tmp_path):
    tables = read(tmp_path, f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\n",
                  pairs="candidate_id,program_id\nA,P1\n",
                  history="candidate_id,year,mode,type\nA,2022,overseas,short_term\n")
    pair = tables.pairs.iloc[0]
    assert pd.isna(pair["score"]) and pd.isna(pair["cost"]) and pair["status"] == ""
    assert tables.history.iloc[0]["program_id"] == ""
    assert tables.history.iloc[0]["year"] == 2022


def test_money_may_be_written_with_spaces_between_thousands(tmp_path):
    programs = PROG_HEADER + "\nP1,A,domestic,course,health,2024,10,85 000 000\n"
    tables = read(tmp_path, f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\n", programs)
    assert tables.programs.at[0, "cost_per_person"] == 85_000_000


# --------------------------------------------------------------------------------------------
# Encodings and file formats.
# --------------------------------------------------------------------------------------------

CANDIDATES = f"{CAND_HEADER}\n001,Nguyễn Thị Ánh,Sở Giao thông Vận tải,F,1980-01-02,s,health\n"


@pytest.mark.parametrize("bom", [True, False], ids=["BOM", "no-BOM"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["CRLF", "LF"])
def test_utf8_with_or_without_bom_and_crlf_or_lf_read_the_same(tmp_path, bom, newline):
    text = CANDIDATES.replace("\n", newline)
    raw = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    c = read(tmp_path, raw).candidates
    assert list(c.columns[:3]) == ["_row", "candidate_id", "full_name"]  # no BOM in a name
    assert c.iloc[0][["candidate_id", "full_name", "agency"]].tolist() == [
        "001", "Nguyễn Thị Ánh", "Sở Giao thông Vận tải"]
    assert c.iloc[0]["field"] == "health"  # no stray \r at the end of the line


def test_a_gzipped_csv_is_read(tmp_path):
    write(tmp_path / "candidates.csv.gz", gzip.compress(("\ufeff" + CANDIDATES).encode()))
    write(tmp_path / "programs.csv", ONE_PROGRAM)
    tables = read_tables(load_scenario(scenario(tmp_path, candidates="candidates.csv.gz",
                                                programs="programs.csv")))
    assert tables.candidates.iloc[0]["full_name"] == "Nguyễn Thị Ánh"


def test_a_semicolon_separated_export_is_read(tmp_path):
    # Excel with Vietnamese regional settings separates with ';'.
    text = CANDIDATES.replace(",", ";")
    assert read(tmp_path, text).candidates.iloc[0]["agency"] == "Sở Giao thông Vận tải"


def test_blank_lines_keep_the_spreadsheet_row_numbers(tmp_path):
    text = (f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\n\n,,,,,,\n"
            "B,Bình,Sở,X,1980-01-01,s,health\n")
    with pytest.raises(InputError) as exc:
        read(tmp_path, text)
    # Row 5 in the spreadsheet: header 1, A 2, blank 3, empty cells 4, B 5.
    assert messages(exc) == [
        f"error: {tmp_path / 'candidates.csv'}, row 5, column gender: 'X' is not one of: F, M"]


def test_surrounding_spaces_are_trimmed_from_codes_and_ids(tmp_path):
    text = f"{CAND_HEADER}\n 007 ,An, Sở Y tế , f ,1980-01-01 , s ,health\n"
    c = read(tmp_path, text).candidates.iloc[0]
    assert (c["candidate_id"], c["agency"], c["gender"], c["position_level"]) == (
        "007", "Sở Y tế", "F", "s")
    assert c["birth_date"] == pd.Timestamp("1980-01-01")


# --------------------------------------------------------------------------------------------
# IDs, extra columns, Vietnamese text.
# --------------------------------------------------------------------------------------------


def test_ids_stay_strings_exactly_as_written(tmp_path):
    text = f"{CAND_HEADER}\n007,An,Sở,F,1980-01-01,s,health\n7,Bình,Sở,M,1980-01-01,s,health\n"
    tables = read(tmp_path, text, pairs="candidate_id,program_id,score\n007,P1,5\n")
    assert tables.candidates["candidate_id"].tolist() == ["007", "7"]  # two people, not one
    assert tables.pairs.iloc[0]["candidate_id"] == "007"


def test_extra_columns_are_kept_as_text(tmp_path):
    text = (f"{CAND_HEADER},email,ghi_chú\nA,An,Sở,F,1980-01-01,s,health,an@hcm.gov.vn,"
            "0123 = giữ nguyên\n")
    c = read(tmp_path, text).candidates
    assert list(c.columns[-2:]) == ["email", "ghi_chú"]
    assert c.iloc[0][["email", "ghi_chú"]].tolist() == ["an@hcm.gov.vn", "0123 = giữ nguyên"]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_vietnamese_diacritics_survive_byte_for_byte(tmp_path, form):
    name = unicodedata.normalize(form, "Nguyễn Thị Ánh Tuyết")
    agency = unicodedata.normalize(form, "Sở Giao thông Vận tải")
    c = read(tmp_path, f"{CAND_HEADER}\nA,{name},{agency},F,1980-01-01,s,health\n").candidates
    assert c.iloc[0]["full_name"].encode("utf-8") == name.encode("utf-8")
    assert c.iloc[0]["agency"].encode("utf-8") == agency.encode("utf-8")


@pytest.mark.parametrize(("spelling", "value"), [
    ("true", True), ("false", False), ("TRUE", True), ("yes", True), ("no", False),
    ("1", True), ("0", False), ("có", True), ("không", False), ("Có", True),
    (unicodedata.normalize("NFD", "có"), True), (unicodedata.normalize("NFD", "Không"), False),
])
def test_booleans_in_every_spelling(tmp_path, spelling, value):
    text = f"{CAND_HEADER},must_train\nA,An,Sở,F,1980-01-01,s,health,{spelling}\n"
    assert bool(read(tmp_path, text).candidates.iloc[0]["must_train"]) is value


def test_lists_are_semicolon_separated_and_trimmed(tmp_path):
    text = f"{CAND_HEADER},secondary_fields\nA,An,Sở,F,1980-01-01,s,health, finance ; it;;\n"
    assert read(tmp_path, text).candidates.iloc[0]["secondary_fields"] == ("finance", "it")


@pytest.mark.parametrize(("column", "spelling", "value"), [
    ("gender", "nữ", "F"), ("gender", "Nam", "M"), ("gender", "m", "M"),
    ("rating_prev_year", "Hoàn thành tốt nhiệm vụ", "good"),
    ("rating_prev_year", "Excellent", "excellent"),
    ("discipline", "khiển trách", "reprimand"),
])
def test_codes_also_in_vietnamese_and_any_case(tmp_path, column, spelling, value):
    header = CAND_HEADER if column == "gender" else CAND_HEADER + f",{column}"
    row = f"A,An,Sở,{spelling if column == 'gender' else 'F'},1980-01-01,s,health"
    if column != "gender":
        row += f",{spelling}"
    assert read(tmp_path, f"{header}\n{row}\n").candidates.iloc[0][column] == value


# --------------------------------------------------------------------------------------------
# Workbooks.
# --------------------------------------------------------------------------------------------


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


CAND_COLUMNS = CAND_HEADER.split(",")
PROG_COLUMNS = PROG_HEADER.split(",")


def test_a_workbook_with_one_sheet_per_table(tmp_path):
    workbook(tmp_path / "data.xlsx", {
        "candidates": [CAND_COLUMNS + ["leader_term_end"],
                       [7, "Nguyễn Văn An", "Sở Y tế", "M", dt.datetime(1975, 3, 9),
                        "head_division", "health", dt.date(2026, 6, 30)],
                       ["007", "Lê Thị Bình", "Sở Y tế", "F", "1980-01-02", "specialist",
                        "health", None]],
        "programs": [PROG_COLUMNS,
                     ["P1", "Khoá học", "domestic", "course", "health", 2024, 10, 2_500_000.0]],
    })
    tables = read_tables(load_scenario(scenario(tmp_path, candidates="data.xlsx",
                                                programs="data.xlsx")))
    c = tables.candidates
    # A numeric ID cell reads as the number written; a text cell keeps its zeros.
    assert c["candidate_id"].tolist() == ["7", "007"]
    # Date cells and ISO text both become dates.
    assert c["birth_date"].tolist() == [pd.Timestamp("1975-03-09"), pd.Timestamp("1980-01-02")]
    assert c.at[0, "leader_term_end"] == pd.Timestamp("2026-06-30")
    assert pd.isna(c.at[1, "leader_term_end"])
    assert c["_row"].tolist() == [2, 3]
    assert tables.programs.at[0, "cost_per_person"] == 2_500_000
    assert tables.sources["candidates"].endswith("data.xlsx [candidates]")


def test_a_sheet_named_in_the_scenario(tmp_path):
    workbook(tmp_path / "data.xlsx", {
        "Danh sách": [CAND_COLUMNS, ["A1", "Trần Văn Cường", "UBND Quận 1", "M", "1980-01-02",
                                     "specialist", "health"]],
        "programs": [PROG_COLUMNS, ["P1", "Khoá", "domestic", "course", "health", 2024, 10, 1]],
    })
    path = scenario(tmp_path, candidates={"path": "data.xlsx", "sheet": "Danh sách"},
                    programs="data.xlsx")
    tables = read_tables(load_scenario(path))
    assert tables.candidates.iloc[0]["full_name"] == "Trần Văn Cường"
    assert tables.sources["candidates"].endswith("data.xlsx [Danh sách]")


def test_workbook_errors_name_the_sheet_row_and_column(tmp_path):
    workbook(tmp_path / "data.xlsx", {
        "candidates": [CAND_COLUMNS, ["A", "An", "Sở", "F", "1980-01-02", "s", "health"],
                       [], ["B", "Bình", "Sở", "F", "02/01/1980", "s", "health"]],
        "programs": [PROG_COLUMNS, ["P1", "Khoá", "domestic", "course", "health", 2024, 10, 1]],
    })
    with pytest.raises(InputError) as exc:
        read_tables(load_scenario(scenario(tmp_path, candidates="data.xlsx",
                                           programs="data.xlsx")))
    assert messages(exc) == [
        f"error: {tmp_path / 'data.xlsx'} [candidates], row 4, column birth_date: "
        "'02/01/1980' is not a date (YYYY-MM-DD)"]


# --------------------------------------------------------------------------------------------
# Every problem at once.
# --------------------------------------------------------------------------------------------


def test_a_missing_column_does_not_hide_the_other_problems_of_the_file(tmp_path):
    header = "candidate_id,full_name,agency,birth_date,position_level,field"  # no gender
    text = f"{header}\nA,An,Sở,1980-13-01,s,health\nA,Bình,Sở,1980-01-01,s,health\n"
    with pytest.raises(InputError) as exc:
        read(tmp_path, text)
    file = tmp_path / "candidates.csv"
    assert messages(exc) == [
        f"error: {file}, row 1, column gender: required column 'gender' is missing from the "
        "header",
        f"error: {file}, row 2, column birth_date: '1980-13-01' is not a date (YYYY-MM-DD)",
        f"error: {file}, row 3, column candidate_id: duplicate candidate_id 'A' (first on "
        "row 2)",
    ]


def test_a_misspelt_header_is_pointed_out(tmp_path):
    text = CANDIDATES.replace("birth_date", "Birth Date")
    with pytest.raises(InputError) as exc:
        read(tmp_path, text)
    assert messages(exc) == [
        f"error: {tmp_path / 'candidates.csv'}, row 1, column birth_date: required column "
        "'birth_date' is missing from the header (is 'Birth Date' meant to be it?)"]


def test_a_column_given_twice_is_an_error(tmp_path):
    text = f"{CAND_HEADER},field\nA,An,Sở,F,1980-01-01,s,health,finance\n"
    with pytest.raises(InputError) as exc:
        read(tmp_path, text)
    assert messages(exc) == [
        f"error: {tmp_path / 'candidates.csv'}, row 1, column field: the column appears twice "
        "in the header (the second one is ignored)"]


def test_many_rows_with_one_problem_are_listed_up_to_a_limit(tmp_path):
    rows = "".join(f"C{i},An,Sở,Q,1980-01-01,s,health\n" for i in range(25))
    with pytest.raises(InputError) as exc:
        read(tmp_path, CAND_HEADER + "\n" + rows)
    lines = messages(exc)
    assert len(lines) == 21
    assert lines[0].endswith("row 2, column gender: 'Q' is not one of: F, M")
    assert lines[-1].endswith("column gender: … and 5 more rows with the same problem")


def test_a_row_with_too_many_cells_names_its_row(tmp_path):
    text = f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\nB,Lê, Văn B,Sở,F,1980-01-01,s,h\n"
    with pytest.raises(InputError) as exc:
        read(tmp_path, text)
    assert messages(exc) == [
        f"error: {tmp_path / 'candidates.csv'}, row 3: this row has 8 cells but the header "
        "has 7 (a comma inside a value needs quotes)"]


@pytest.mark.parametrize(("cell", "message"), [
    ("inf", "'inf' is not a number (write digits only, e.g. 85000000)"),
    ("1.000.000", "'1.000.000' is not a number (write digits only, e.g. 85000000)"),
    ("1e30", "'1e30' is too large"),
])
def test_numbers_that_are_not_usable_money(tmp_path, cell, message):
    programs = PROG_HEADER + f"\nP1,A,domestic,course,health,2024,10,{cell}\n"
    with pytest.raises(InputError) as exc:
        read(tmp_path, f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\n", programs)
    assert messages(exc) == [
        f"error: {tmp_path / 'programs.csv'}, row 2, column cost_per_person: {message}"]


def test_a_year_that_is_no_year(tmp_path):
    programs = PROG_HEADER + "\nP1,A,domestic,course,health,20244,10,1\n"
    with pytest.raises(InputError) as exc:
        read(tmp_path, f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\n", programs)
    assert messages(exc) == [
        f"error: {tmp_path / 'programs.csv'}, row 2, column year: 20244 is not a plausible "
        "year (1900–2200)"]


def test_history_of_someone_not_among_the_candidates_is_a_warning_and_ignored(tmp_path):
    tables = read(tmp_path, f"{CAND_HEADER}\nA,An,Sở,F,1980-01-01,s,health\n",
                  history="candidate_id,year,mode,type\nA,2022,overseas,short_term\n"
                          "Z,2022,overseas,short_term\n")
    assert tables.history["candidate_id"].tolist() == ["A"]
    assert [str(w) for w in tables.warnings] == [
        f"warning: {tmp_path / 'history.csv'}, row 3, column candidate_id: candidate 'Z' is "
        "not among the candidates (row ignored)"]
