"""Shared fixtures: tiny scenarios written to a temporary folder, as a planner would write them.

``make_scenario(candidates=[...], programs=[...], **scenario_keys)`` writes the CSVs and the YAML
and returns the scenario's path. Each candidate/programme is a dict; the required columns get
neutral defaults so a test states only what matters to it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

CANDIDATE_DEFAULTS: dict[str, Any] = {
    "full_name": "Nguyễn Văn A",
    "agency": "Sở Nội vụ",
    "gender": "M",
    "birth_date": "1985-06-15",
    "position_level": "specialist",
    "field": "health",
}
PROGRAM_DEFAULTS: dict[str, Any] = {
    "title": "Khoá bồi dưỡng",
    "mode": "domestic",
    "type": "course",
    "field": "health",
    "year": 2024,
    "capacity": 10,
    "cost_per_person": 1_000_000,
}


def write_table(path: Path, rows: list[dict[str, Any]], defaults: dict[str, Any],
                id_column: str) -> None:
    """Write rows to CSV with defaults for the required columns (column order: first seen)."""
    columns: list[str] = [id_column, *defaults]
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            full = {**defaults, **row}
            writer.writerow({k: _cell(full.get(k, "")) for k in columns})


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


ScenarioFactory = Callable[..., Path]


@pytest.fixture
def make_scenario(tmp_path: Path) -> ScenarioFactory:
    """Write a tiny scenario; returns the YAML path. Keys other than the tables go to YAML."""
    counter = {"n": 0}

    def factory(candidates: list[dict[str, Any]], programs: list[dict[str, Any]],
                pairs: list[dict[str, Any]] | None = None,
                history: list[dict[str, Any]] | None = None, name: str = "test",
                **keys: Any) -> Path:
        counter["n"] += 1
        folder = tmp_path / f"s{counter['n']}"
        folder.mkdir()
        write_table(folder / "candidates.csv", candidates, CANDIDATE_DEFAULTS, "candidate_id")
        write_table(folder / "programs.csv", programs, PROGRAM_DEFAULTS, "program_id")
        data = {"candidates": "candidates.csv", "programs": "programs.csv"}
        if pairs is not None:
            write_table(folder / "pairs.csv", pairs, {"program_id": ""}, "candidate_id")
            data["pairs"] = "pairs.csv"
        if history is not None:
            write_table(folder / "history.csv", history,
                        {"year": "", "mode": "", "type": ""}, "candidate_id")
            data["history"] = "history.csv"
        doc = {"name": name, "data": data, "years": keys.pop("years", [2024]), **keys}
        path = folder / "scenario.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        return path

    return factory
