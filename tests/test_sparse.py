"""The engines' sparse matrices against the same matrices written out dense."""

from __future__ import annotations

import numpy as np
import pytest

from allocator.engines.sparse import Csr


def random_matrix(rng: np.random.Generator, n_rows: int, n_cols: int) -> np.ndarray:
    dense = rng.integers(-3, 4, size=(n_rows, n_cols)).astype(float)
    dense[rng.random((n_rows, n_cols)) < 0.6] = 0.0
    return dense


def csr_of(dense: np.ndarray, rng: np.random.Generator, shuffle: bool = False) -> Csr:
    """The non-zeros of ``dense``, each row's entries in a random order when ``shuffle``."""
    rows, cols = np.nonzero(dense)
    start = np.zeros(dense.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=dense.shape[0]), out=start[1:])
    if shuffle:
        for i in range(dense.shape[0]):
            part = slice(start[i], start[i + 1])
            cols[part] = rng.permutation(cols[part])
    return Csr.of(start, cols, dense[rows, cols], dense.shape[1])


def dense_of(a: Csr) -> np.ndarray:
    out = np.zeros((a.n_rows, a.n_cols))
    np.add.at(out, (a.row_of, a.index), a.value)
    return out


def sorted_rows(a: Csr) -> bool:
    return all(np.all(np.diff(a.index[a.start[i]:a.start[i + 1]]) > 0) for i in range(a.n_rows))


@pytest.mark.parametrize("seed", range(6))
def test_every_operation_agrees_with_the_dense_matrix(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 9)), int(rng.integers(1, 12))
    dense = random_matrix(rng, n_rows, n_cols)
    a = csr_of(dense, rng, shuffle=True)
    assert sorted_rows(a) and np.array_equal(dense_of(a), dense)
    x, y = rng.normal(size=n_cols), rng.normal(size=n_rows)
    assert np.allclose(a.dot(x), dense @ x)
    assert np.allclose(a.tdot(y), dense.T @ y)
    t = a.transpose()
    assert sorted_rows(t) and np.array_equal(dense_of(t), dense.T)
    cols = rng.permutation(n_cols)[: int(rng.integers(0, n_cols + 1))]
    for picked in (cols, np.sort(cols)):
        sub = a.columns(picked)
        assert sorted_rows(sub) and np.array_equal(dense_of(sub), dense[:, picked])
    rows = rng.integers(0, n_rows, size=int(rng.integers(0, 2 * n_rows)))
    assert np.array_equal(dense_of(a.rows(rows)), dense[rows])
    other = random_matrix(rng, 3, n_cols)
    assert np.array_equal(dense_of(a.stack(csr_of(other, rng))), np.vstack([dense, other]))
    mask = rng.random(n_cols) < 0.5
    assert np.array_equal(a.touches(mask), (dense[:, mask] != 0).any(axis=1))


def test_entries_at_the_same_place_are_added_and_zeros_kept_as_entries():
    a = Csr.of_entries(np.array([1, 0, 1, 1]), np.array([2, 1, 0, 2]),
                       np.array([1.0, 0.0, 4.0, 2.0]), n_rows=3, n_cols=3)
    assert np.array_equal(dense_of(a), [[0, 0, 0], [4, 0, 3], [0, 0, 0]])
    assert a.nnz == 3  # (0, 1) holds a zero: stored, as SciPy stores it
    assert np.array_equal(a.start, [0, 1, 3, 3])
    # A zero entry is stored but touches nothing.
    assert a.touches(np.array([False, True, False])).tolist() == [False, False, False]
