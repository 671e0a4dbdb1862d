"""Problems found in a user's input: each one names the file, row, column and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """An error stops the run; a warning is suspicious but legal input."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem in the input.

    ``row`` is the spreadsheet's own row number (header = 1, first record = 2).
    """

    file: str
    row: int | None = None
    column: str | None = None
    message: str = ""
    severity: Severity = Severity.ERROR
    code: str = "invalid"
    key: str | None = None  # a scenario file's key path, e.g. ``quotas[2] (women-abroad).max``

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        if self.key:
            where += f", key {self.key}"
        tag = "warning" if self.severity is Severity.WARNING else "error"
        return f"{tag}: {where}: {self.message}"


class InputError(Exception):
    """Invalid input: carries every problem found, not only the first."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    @property
    def errors(self) -> list[Issue]:
        """The problems that stop the run (the rest are warnings)."""
        return [i for i in self.issues if i.severity is Severity.ERROR]


def warning(file: str, message: str, *, row: int | None = None, column: str | None = None,
            code: str = "suspicious", key: str | None = None) -> Issue:
    """A typed warning: legal input that is probably not what the planner meant."""
    return Issue(file, row, column, message, Severity.WARNING, code, key)
