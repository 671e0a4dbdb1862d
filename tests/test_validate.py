"""``allocator validate``: every mistake in the planner's files, at once, each naming the file,
the spreadsheet row and the column (or the scenario key), with exit code 2 and no traceback;
suspicious but legal input is a warning with exit code 0.

Every case starts from the same small valid scenario (below) and changes one thing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from allocator.cli import main

CANDIDATES = """\
candidate_id,full_name,agency,gender,birth_date,position_level,field,preferences
A,Nguyễn Văn An,Sở Y tế,M,1980-01-01,specialist,health,P1
B,Trần Thị Bình,Sở Y tế,F,1982-02-02,specialist,health,
"""
PROGRAMS = """\
program_id,title,mode,type,field,year,capacity,cost_per_person,min_size
P1,Bồi dưỡng quản lý y tế,domestic,course,health,2024,10,1000000,0
O1,Đoàn học tập Hàn Quốc,overseas,short_term,health,2024,20,150000000,0
"""
PAIRS = """\
candidate_id,program_id,score
A,P1,100
"""
SCENARIO = """\
name: validate-me
data:
  candidates: candidates.csv
  programs: programs.csv
  pairs: pairs.csv
years: [2024]
quotas:
  - {name: cap, select: {mode: overseas}, max: 1}
"""
FILES = {"candidates.csv": CANDIDATES, "programs.csv": PROGRAMS, "pairs.csv": PAIRS,
         "scenario.yaml": SCENARIO}


def without_column(text: str, name: str) -> str:
    """The CSV text without one of its columns."""
    rows = [line.split(",") for line in text.splitlines()]
    i = rows[0].index(name)
    return "".join(",".join(r[:i] + r[i + 1:]) + "\n" for r in rows)


def folder_with(tmp_path: Path, file: str | None = None, old: str = "",
                new: str | bytes = "") -> Path:
    """The valid scenario, with ``old`` replaced by ``new`` in ``file``; returns the YAML."""
    for name, text in FILES.items():
        data = text.encode("utf-8")
        if name == file:
            assert old.encode() in data, f"{old!r} is not in {name}"
            data = data.replace(old.encode(), new if isinstance(new, bytes) else new.encode())
        (tmp_path / name).write_bytes(data)
    return tmp_path / "scenario.yaml"


def validate(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> tuple[int, str]:
    code = main(["validate", str(path), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.err


def lines(stderr: str, tag: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(tag + ":")]


def test_the_starting_scenario_is_valid(tmp_path, capsys):
    code, err = validate(capsys, folder_with(tmp_path))
    assert (code, err) == (0, "")


# The invalid inputs. Each row: what is wrong, the file changed, the text replaced and its
# replacement, and the one line validate must print ({dir} is the scenario's folder).
INVALID = [
    pytest.param(  # a required column missing from the header: row 1 is the header
        "candidates.csv", CANDIDATES, without_column(CANDIDATES, "gender"),
        "{dir}/candidates.csv, row 1, column gender: required column 'gender' is missing from "
        "the header", id="missing-column"),
    pytest.param(  # a gender that is neither F nor M, on B's row (the third of the sheet)
        "candidates.csv", "Sở Y tế,F,", "Sở Y tế,X,",
        "{dir}/candidates.csv, row 3, column gender: 'X' is not one of: F, M",
        id="unknown-gender"),
    pytest.param(  # a mode that is neither domestic nor overseas
        "programs.csv", "O1,Đoàn học tập Hàn Quốc,overseas", "O1,Đoàn học tập Hàn Quốc,abroad",
        "{dir}/programs.csv, row 3, column mode: 'abroad' is not one of: domestic, overseas",
        id="unknown-mode"),
    pytest.param(  # B's ID is A's: the second one is the duplicate
        "candidates.csv", "B,Trần", "A,Trần",
        "{dir}/candidates.csv, row 3, column candidate_id: duplicate candidate_id 'A' (first "
        "on row 2)", id="duplicate-id"),
    pytest.param(  # a date in the day/month/year order of a Vietnamese spreadsheet
        "candidates.csv", "1982-02-02", "02/02/1982",
        "{dir}/candidates.csv, row 3, column birth_date: '02/02/1982' is not a date "
        "(YYYY-MM-DD)", id="date-that-is-no-date"),
    pytest.param(  # a negative capacity
        "programs.csv", "2024,20,150000000", "2024,-20,150000000",
        "{dir}/programs.csv, row 3, column capacity: -20 is negative", id="negative-capacity"),
    pytest.param(  # a delegation that can never reach its minimum size
        "programs.csv", "150000000,0", "150000000,25",
        "{dir}/programs.csv, row 3, column min_size: programme 'O1': min_size 25 exceeds "
        "capacity 20", id="min-size-above-capacity"),
    pytest.param(  # A prefers a programme that does not exist
        "candidates.csv", "health,P1", "health,P9",
        "{dir}/candidates.csv, row 2, column preferences: unknown programme 'P9'",
        id="unknown-programme-in-preferences"),
    pytest.param(  # the pairs table names a candidate who is not in the candidates table
        "pairs.csv", "A,P1,100", "Z,P1,100",
        "{dir}/pairs.csv, row 2, column candidate_id: unknown candidate 'Z'",
        id="unknown-candidate-in-pairs"),
    pytest.param(  # money in VND is a whole number
        "programs.csv", "2024,10,1000000", "2024,10,1000000.5",
        "{dir}/programs.csv, row 2, column cost_per_person: '1000000.5' is not a whole number",
        id="non-integer-cost"),
    pytest.param(  # a quota bound that is not a number
        "scenario.yaml", "max: 1", "max: many",
        "{dir}/scenario.yaml, key quotas[0] (cap).max: expected a whole number, got 'many'",
        id="wrong-yaml-type"),
    pytest.param(  # a misspelt rule
        "scenario.yaml", "years: [2024]", "years: [2024]\nrules: {helth: false}",
        "{dir}/scenario.yaml, key rules.helth: unknown key (did you mean 'health'?)",
        id="unknown-yaml-key"),
    pytest.param(  # the scenario names a file that is not there
        "scenario.yaml", "programs: programs.csv", "programs: programmes.csv",
        "{dir}/programmes.csv: programs file not found", id="missing-file"),
    pytest.param(  # a workbook without the sheet the scenario names (written by the test)
        "scenario.yaml", "candidates: candidates.csv",
        "candidates: {path: data.xlsx, sheet: Danh sách}",
        "{dir}/data.xlsx: no sheet 'Danh sách' (sheets: 'candidates')", id="missing-sheet"),
    pytest.param(  # saved by Excel as "CSV" in Windows-1258: 'ă' is the single byte 0xE3
        "candidates.csv", "Văn".encode(), b"V\xe3n",
        "{dir}/candidates.csv, row 2, column full_name: the candidates file is not UTF-8 text "
        "(byte 0xE3): save it as 'CSV UTF-8' (Excel) or use the .xlsx workbook",
        id="not-utf8"),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), INVALID)
def test_each_invalid_input_is_one_clear_line(tmp_path, capsys, file, old, new, expected):
    if isinstance(old, bytes):
        old = old.decode()
    path = folder_with(tmp_path, file, old, new)
    if "data.xlsx" in str(new):
        import openpyxl

        book = openpyxl.Workbook()
        book.active.title = "candidates"
        book.save(tmp_path / "data.xlsx")
    code, err = validate(capsys, path)
    assert code == 2
    assert lines(err, "error") == ["error: " + expected.format(dir=tmp_path)]


def test_a_quota_over_a_field_no_programme_has_is_a_warning(tmp_path, capsys):
    path = folder_with(tmp_path, "scenario.yaml", "max: 1}",
                       "max: 1}\n  - {name: food, select: {field: food_testing}, min: 0, max: 5}")
    code, err = validate(capsys, path)
    assert code == 0
    assert lines(err, "error") == []
    assert (f"warning: {tmp_path}/scenario.yaml, key quotas[1] (food).select.field: no "
            "programme has field = food_testing: the quota selects nothing there"
            in lines(err, "warning"))


def test_every_problem_of_a_file_is_listed_at_once(tmp_path, capsys):
    # Three mistakes in the candidates: an unknown gender (row 2), a date that is no date and a
    # duplicate ID (row 3).
    path = folder_with(tmp_path, "candidates.csv", CANDIDATES,
                       CANDIDATES.replace("Sở Y tế,M,", "Sở Y tế,Q,")
                       .replace("1982-02-02", "1982-02-30").replace("B,Trần", "A,Trần"))
    code, err = validate(capsys, path)
    assert code == 2
    file = tmp_path / "candidates.csv"
    assert lines(err, "error") == [
        f"error: {file}, row 2, column gender: 'Q' is not one of: F, M",
        f"error: {file}, row 3, column birth_date: '1982-02-30' is not a date (YYYY-MM-DD)",
        f"error: {file}, row 3, column candidate_id: duplicate candidate_id 'A' (first on row "
        "2)",
    ]


def test_problems_in_several_files_are_listed_together(tmp_path, capsys):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "programs.csv").write_text(PROGRAMS.replace("overseas", "abroad"),
                                           encoding="utf-8")
    (tmp_path / "pairs.csv").write_text(PAIRS.replace("A,P1", "Z,P1"), encoding="utf-8")
    code, err = validate(capsys, tmp_path / "scenario.yaml")
    assert code == 2
    assert lines(err, "error") == [
        f"error: {tmp_path}/programs.csv, row 3, column mode: 'abroad' is not one of: "
        "domestic, overseas",
        f"error: {tmp_path}/pairs.csv, row 2, column candidate_id: unknown candidate 'Z'",
    ]


def test_suspicious_but_legal_input_is_warned_about_with_exit_code_0(tmp_path, capsys):
    # C works in finance: no programme fits. L1 (law) fits nobody. At most 2 people can go
    # abroad, so an overseas cap of 5 can never bind.
    path = folder_with(tmp_path, "candidates.csv", CANDIDATES,
                       CANDIDATES + "C,Lê Văn Cường,Sở Tài chính,M,1981-03-03,specialist,"
                                    "finance,\n")
    with (tmp_path / "programs.csv").open("a", encoding="utf-8") as f:
        f.write("L1,Bồi dưỡng pháp luật,domestic,course,law,2024,10,1000000,0\n")
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8").replace("max: 1", "max: 5")
    (tmp_path / "scenario.yaml").write_text(text, encoding="utf-8")
    code, err = validate(capsys, path)
    assert code == 0
    assert lines(err, "error") == []
    warnings = "\n".join(lines(err, "warning"))
    assert "candidates.csv: 1 candidates are eligible for no programme (C)" in warnings
    assert (f"{tmp_path}/programs.csv, row 4, column program_id: programme 'L1': nobody may "
            "attend it") in warnings
    assert "quota cap: max 5 can never bind (at most 2 places can be selected)" in warnings


def test_json_output_gives_file_row_and_column(tmp_path, capsys):
    path = folder_with(tmp_path, "candidates.csv", "Sở Y tế,F,", "Sở Y tế,X,")
    assert main(["validate", str(path), "--json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert report["issues"] == [{
        "severity": "error", "file": f"{tmp_path}/candidates.csv", "row": 3,
        "column": "gender", "key": None, "message": "'X' is not one of: F, M",
        "code": "invalid"}]


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the candidates file is empty"),  # an empty file
    (b"\x89PNG\r\n\x1a\n\x00\x00", "the candidates file is not UTF-8 text (byte 0x89)"),
])
def test_files_that_are_no_table_are_one_line(tmp_path, capsys, content, expected):
    path = folder_with(tmp_path)
    (tmp_path / "candidates.csv").write_bytes(content)
    code, err = validate(capsys, path)
    assert code == 2
    (line,) = lines(err, "error")
    assert line.startswith(f"error: {tmp_path}/candidates.csv")
    assert expected in line


def test_a_damaged_workbook_is_one_line(tmp_path, capsys):
    path = folder_with(tmp_path, "scenario.yaml", "candidates: candidates.csv",
                       "candidates: data.xlsx")
    (tmp_path / "data.xlsx").write_bytes(b"not a zip file")
    code, err = validate(capsys, path)
    assert code == 2
    (line,) = lines(err, "error")
    assert line.startswith(f"error: {tmp_path}/data.xlsx: cannot open the workbook: ")
