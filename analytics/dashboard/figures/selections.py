"""The customers of a computed group (an RFM segment or R×F cell of the period's buyers, a
decile or band of customer value) as columns of numbers, for the drill-down list."""

from __future__ import annotations

import math

import numpy as np

from analytics import loading, rfm
from analytics.dashboard.figures.value import decile_parts, value_measures
from analytics.periods import Period
from analytics.value import CustomerValues


def rfm_selection(*, period: Period, owner_id: int | None, selection: tuple) -> dict:
    """The period's buyers in an RFM segment or R×F cell, biggest spenders first, as
    columns of numbers."""
    with loading.snapshot():
        scored = rfm.score(loading.buyer_frame(period, owner_id))
    if selection[0] == "segment":
        chosen = scored[scored["segment"] == selection[1]]
    else:
        chosen = scored[(scored["r_score"] == selection[1]) & (scored["f_score"] == selection[2])]
    chosen = chosen.sort_values(["cents", "customer_id"], ascending=[False, True])
    return {
        "kind": "rfm",
        "buyers": len(scored),
        "rows": {
            "customer_id": chosen["customer_id"].to_numpy(np.int64),
            "recency_days": chosen["recency_days"].to_numpy(np.int32),
            "frequency": chosen["frequency"].to_numpy(np.int32),
            "cents": chosen["cents"].to_numpy(np.int64),
            "r_score": chosen["r_score"].to_numpy(np.int8),
            "f_score": chosen["f_score"].to_numpy(np.int8),
            "m_score": chosen["m_score"].to_numpy(np.int8),
            "segment": chosen["segment"].cat.codes.to_numpy(np.int8),
        },
    }


def value_selection(*, values: CustomerValues, selection: tuple) -> dict:
    """The customers in a decile or value band of historic or expected value, highest value
    first, as columns of numbers. An expected-value selection is empty when no model could
    be fitted."""
    frame = values.frame
    ids = frame["customer_id"].to_numpy(np.int64)
    measures = value_measures(values)
    measure = measures.get(selection[1])
    if measure is None:
        positions = np.zeros(0, dtype=np.int64)
    elif selection[0] == "decile":
        positions = decile_parts(measure, ids)[selection[2] - 1]
    else:
        low = float(selection[2])
        high = float(selection[3]) if selection[3] else math.inf
        inside = np.flatnonzero((measure >= low) & (measure < high))
        positions = inside[np.lexsort((ids[inside], -measure[inside]))]
    has_model = values.model is not None
    return {
        "kind": "value",
        "fitted": has_model,
        "as_of": values.as_of,
        "rows": {
            "customer_id": ids[positions],
            "cents": frame["cents"].to_numpy(np.int64)[positions],
            "purchase_days": frame["purchase_days"].to_numpy(np.int32)[positions],
            "expected_value": (frame["expected_value"].to_numpy(float)[positions]
                               if has_model else np.full(len(positions), np.nan)),
            "probability_alive": (frame["probability_alive"].to_numpy(float)[positions]
                                  if has_model else np.full(len(positions), np.nan)),
        },
    }
