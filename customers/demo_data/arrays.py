"""Column helpers for the demo generators: object arrays and weighted draws."""

from __future__ import annotations

import numpy as np


def weights(rows, at: int = -1) -> np.ndarray:
    """Probabilities proportional to each row's weight, found at position `at`."""
    w = np.array([float(row[at]) for row in rows])
    return w / w.sum()


def column(rows, at: int) -> np.ndarray:
    """Position `at` of every row, as an object array."""
    return objects(row[at] for row in rows)


def objects(values) -> np.ndarray:
    """An object array of `values`, so that `+` concatenates strings element-wise."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def pick(rng: np.random.Generator, pairs, n: int) -> np.ndarray:
    """`n` values drawn from (value, …, weight) rows in proportion to their weights."""
    return column(pairs, 0)[rng.choice(len(pairs), n, p=weights(pairs))]
