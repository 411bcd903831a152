"""The distribution of customer value (analytics.value): totals, deciles and a histogram of
historic and expected 12-month value, and the fitted model's parameters."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from analytics import loading
from analytics.value import CustomerValues, ValueModel, customer_values


DECILES = 10


# Histogram bins stop at 1-2-5 steps (0–1, 1–2, 2–5, 5–10, 10–20 …) from about the 2nd
# percentile up to the largest value: readable edges for skewed money distributions.
_STEPS = (1, 2, 5)


def histogram_edges(values: np.ndarray) -> list[int]:
    """Bin edges 0, then 1-2-5 steps from about the 2nd percentile of the positive values up
    to the first step above the largest: every value falls in one bin [edge, next edge)."""
    positive = values[np.isfinite(values) & (values > 0)]
    if not len(positive):
        return [0, 1]
    low = max(float(np.percentile(positive, 2)), 1.0)
    top = float(positive.max())
    steps = [step * 10 ** exponent
             for exponent in range(math.floor(math.log10(low)), math.floor(math.log10(top)) + 2)
             for step in _STEPS]
    first = max(step for step in steps if step <= low)
    edges = [0, *(step for step in steps if step >= first)]
    last = next(index for index, edge in enumerate(edges) if edge > top)
    return edges[:last + 1]


def decile_parts(values: np.ndarray, ids: np.ndarray) -> list[np.ndarray]:
    """Row positions of each decile, highest values first (ties: smaller customer id first);
    deciles differ in size by one at most."""
    order = np.lexsort((ids, -values))
    return np.array_split(order, DECILES)


def distribution(values: np.ndarray, ids: np.ndarray, edges: list[int]) -> dict:
    """Total, mean, median, deciles and histogram counts of one value per customer."""
    count = len(values)
    total = float(values.sum()) if count else 0.0
    deciles = []
    for number, part in enumerate(decile_parts(values, ids), start=1):
        chunk = values[part]
        chunk_total = float(chunk.sum()) if len(chunk) else 0.0
        deciles.append({
            "decile": number,
            "customers": len(chunk),
            "total": round(chunk_total, 2),
            "min": round(float(chunk.min()), 2) if len(chunk) else None,
            "max": round(float(chunk.max()), 2) if len(chunk) else None,
            "share": round(chunk_total / total * 100, 2) if total else None,
        })
    bins = np.searchsorted(np.asarray(edges[1:-1], dtype=float), values, side="right")
    return {
        "customers": count,
        "total": round(total, 2),
        "mean": round(total / count, 2) if count else None,
        "median": round(float(np.median(values)), 2) if count else None,
        "deciles": deciles,
        "histogram": np.bincount(bins, minlength=len(edges) - 1).tolist(),
    }


def _model_summary(model: ValueModel | None) -> dict | None:
    if model is None:
        return None
    return {
        "customers": model.customers,
        "r": model.purchases.r, "alpha": model.purchases.alpha,
        "a": model.purchases.a, "b": model.purchases.b,
        "p": model.spend.p, "q": model.spend.q, "gamma": model.spend.gamma,
        "mean_spend": round(model.spend.mean_spend, 2),
    }


def value_measures(values: CustomerValues) -> dict[str, np.ndarray]:
    """Historic value (exact, from cents) and expected value per customer, by name."""
    frame = values.frame
    measures = {"historic": frame["cents"].to_numpy(np.int64) / 100}
    if values.model is not None:
        measures["expected"] = frame["expected_value"].to_numpy(float)
    return measures


def value_figures(values: CustomerValues) -> dict:
    """The distribution of historic and expected 12-month value over the customers who have
    bought, with the fitted model's parameters (None when too little data to fit)."""
    ids = values.frame["customer_id"].to_numpy(np.int64)
    measures = value_measures(values)
    edges = histogram_edges(np.concatenate(list(measures.values())))
    alive = values.frame["probability_alive"]
    return {
        "as_of": values.as_of,
        "horizon_days": values.horizon_days,
        "customers": len(ids),
        "model": _model_summary(values.model),
        "probability_alive": (round(float(alive.mean()) * 100, 2)
                              if values.model is not None and len(alive) else None),
        "edges": edges,
        "historic": distribution(measures["historic"], ids, edges),
        "expected": (distribution(measures["expected"], ids, edges)
                     if "expected" in measures else None),
    }


def customer_value(*, as_of: dt.date, owner_id: int | None,
                   model: ValueModel | None = None) -> tuple[dict, ValueModel | None]:
    """The value distribution of the customers in scope as of a date, and the model it used:
    `model` when given, otherwise one fitted now to every customer's history."""
    with loading.snapshot():
        values = customer_values(as_of=as_of, owner=owner_id, model=model)
    return value_figures(values), values.model
