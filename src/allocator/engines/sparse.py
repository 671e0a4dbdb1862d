"""Sparse matrices for the engines, in NumPy alone: :class:`Csr`, a matrix stored by rows.

The engines need a handful of operations on their constraint matrices: products with a vector
(``Ax``, ``Aᵀπ``), the transpose (the columns, for HiGHS), some columns or rows picked out, and
rows stacked. Each is a few NumPy calls. SciPy's sparse package did them, but importing it costs
0.07–0.09 s (SciPy 1.17's array-API layer clones numpy's namespace, which imports
``numpy.f2py``), 8% of a small plan's whole command; its products are faster (``Aᵀπ`` 0.4 ms
against 1.3 ms at city size), but the engines form a few dozen of them per solve.

Every matrix here keeps each row's column indices in increasing order, as SciPy's did after
``sort_indices``: HiGHS is handed the same arrays as before, in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from allocator.engines.model import LinearModel


@dataclass(frozen=True, eq=False)
class Csr:
    """A matrix by rows: row ``i`` has the entries ``value[start[i]:start[i + 1]]`` in the
    columns ``index[start[i]:start[i + 1]]`` (increasing). Build it with :meth:`of` (which sorts
    the rows) unless the rows are known to be sorted."""

    start: np.ndarray  # int64, one more than the rows
    index: np.ndarray  # int64, the column of each entry
    value: np.ndarray  # float64
    n_cols: int

    @classmethod
    def of(cls, start: np.ndarray, index: np.ndarray, value: np.ndarray, n_cols: int) -> Csr:
        """The matrix of these arrays, each row's entries sorted by column."""
        start = np.asarray(start, dtype=np.int64)
        index = np.asarray(index, dtype=np.int64)
        value = np.asarray(value, dtype=np.float64)
        if len(index) > 1:
            rows = np.repeat(np.arange(len(start) - 1, dtype=np.int64), np.diff(start))
            unsorted = (index[1:] < index[:-1]) & (rows[1:] == rows[:-1])
            if unsorted.any():
                order = np.lexsort((index, rows))
                index, value = index[order], value[order]
        return cls(start, index, value, int(n_cols))

    @classmethod
    def of_model(cls, model: LinearModel) -> Csr:
        """A :class:`~allocator.engines.model.LinearModel`'s constraint matrix."""
        return cls.of(model.start, model.index, model.value, model.n_cols)

    @classmethod
    def of_entries(cls, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_rows: int,
                   n_cols: int) -> Csr:
        """The matrix with ``values`` at ``(rows, cols)``; entries at the same place are added."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        values = np.asarray(values, dtype=np.float64)
        order = np.lexsort((cols, rows))
        rows, cols, values = rows[order], cols[order], values[order]
        if len(rows) > 1:
            first = np.ones(len(rows), dtype=bool)
            first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
            if not first.all():
                at = np.flatnonzero(first)
                rows, cols, values = rows[at], cols[at], np.add.reduceat(values, at)
        return cls(_starts(rows, n_rows), cols, values, int(n_cols))

    @property
    def n_rows(self) -> int:
        return len(self.start) - 1

    @property
    def nnz(self) -> int:
        """The number of entries stored (zeros written as entries included)."""
        return len(self.index)

    @cached_property
    def row_of(self) -> np.ndarray:
        """The row of each entry."""
        return np.repeat(np.arange(self.n_rows, dtype=np.int64), np.diff(self.start))

    def dot(self, x: np.ndarray) -> np.ndarray:
        """``A x``."""
        return np.bincount(self.row_of, weights=self.value * x[self.index],
                           minlength=self.n_rows)

    def tdot(self, y: np.ndarray) -> np.ndarray:
        """``Aᵀ y``."""
        return np.bincount(self.index, weights=self.value * y[self.row_of],
                           minlength=self.n_cols)

    def transpose(self) -> Csr:
        """``Aᵀ`` (by rows, so: ``A`` by columns, each column's rows increasing)."""
        order = np.argsort(self.index, kind="stable")
        return Csr(_starts(self.index[order], self.n_cols), self.row_of[order],
                   self.value[order], self.n_rows)

    def columns(self, cols: np.ndarray) -> Csr:
        """The columns ``cols`` (distinct), in that order: column ``j`` is column ``cols[j]``."""
        cols = np.asarray(cols, dtype=np.int64)
        position = np.full(self.n_cols, -1, dtype=np.int64)
        position[cols] = np.arange(len(cols))
        new = position[self.index]
        kept = new >= 0
        rows = self.row_of[kept]
        start = _starts(rows, self.n_rows)
        if np.all(cols[1:] > cols[:-1]):  # increasing: each row's order stays
            return Csr(start, new[kept], self.value[kept], len(cols))
        return Csr.of(start, new[kept], self.value[kept], len(cols))

    def rows(self, rows: np.ndarray) -> Csr:
        """The rows ``rows``, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        lengths = np.diff(self.start)[rows]
        start = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=start[1:])
        take = np.repeat(self.start[rows] - start[:-1], lengths) + np.arange(start[-1])
        return Csr(start, self.index[take], self.value[take], self.n_cols)

    def stack(self, below: Csr) -> Csr:
        """This matrix with the rows of ``below`` (as many columns) under it."""
        assert below.n_cols == self.n_cols
        return Csr(np.concatenate([self.start, below.start[1:] + self.start[-1]]),
                   np.concatenate([self.index, below.index]),
                   np.concatenate([self.value, below.value]), self.n_cols)

    def touches(self, cols: np.ndarray) -> np.ndarray:
        """For each row: whether it has a non-zero entry in a column where ``cols`` is True."""
        hit = cols[self.index] & (self.value != 0)
        return np.bincount(self.row_of[hit], minlength=self.n_rows) > 0


def _starts(rows: np.ndarray, n_rows: int) -> np.ndarray:
    """Row starts of entries sorted by row."""
    start = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=start[1:])
    return start


__all__ = ["Csr"]
