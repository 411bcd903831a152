"""RFM: quintile scores with the id tie-break, the segment table, and per-customer rows."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from analytics.periods import Period
from analytics.rfm import (
    SEGMENT_KEYS, SEGMENT_TABLE, SEGMENTS, customer_rfm, grid_counts, quintile_scores, score,
    segment_counts, segment_of,
)
from tests.factories import CustomerFactory, ProductFactory, PurchaseFactory

D = dt.date


def test_quintiles_of_rank_give_the_best_five_and_the_worst_one():
    values = np.arange(10)  # customer i has value i; higher is better
    assert quintile_scores(values, np.arange(1, 11)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_each_score_holds_a_fifth_of_the_customers():
    scores = quintile_scores(np.random.default_rng(0).integers(0, 3, 1000), np.arange(1000))
    assert np.bincount(scores).tolist() == [0, 200, 200, 200, 200, 200]


def test_ties_go_to_the_smaller_customer_id():
    ids = np.array([5, 3, 9, 1, 7, 2, 4, 6, 8, 10])
    scores = dict(zip(ids.tolist(), quintile_scores(np.zeros(10), ids).tolist()))
    assert scores == {1: 5, 2: 5, 3: 4, 4: 4, 5: 3, 6: 3, 7: 2, 8: 2, 9: 1, 10: 1}


def test_lower_is_better_for_recency_and_ties_still_go_to_the_smaller_id():
    # Recency 0 is best; ids 2 and 3 tie at 10 days and id 3 ranks worse.
    scores = quintile_scores(np.array([0, 10, 10, 5]), np.array([1, 2, 3, 4]),
                             higher_is_better=False)
    assert scores.tolist() == [5, 3, 2, 4]


def test_small_groups_score_by_rank_over_count():
    assert quintile_scores(np.array([7]), np.array([1])).tolist() == [5]
    assert quintile_scores(np.array([1, 2]), np.array([1, 2])).tolist() == [3, 5]
    assert quintile_scores(np.array([1, 2, 3]), np.array([1, 2, 3])).tolist() == [2, 4, 5]
    assert quintile_scores(np.array([]), np.array([])).tolist() == []


def test_the_segment_table_is_a_five_by_five_grid_of_known_segments():
    assert len(SEGMENT_TABLE) == 5 and all(len(row) == 5 for row in SEGMENT_TABLE)
    used = {cell for row in SEGMENT_TABLE for cell in row}
    assert used == set(SEGMENT_KEYS)  # every segment is reachable, none is unknown
    assert len(SEGMENT_KEYS) == len(set(SEGMENT_KEYS)) == len(SEGMENTS)
    assert all(str(segment.label) and str(segment.description) for segment in SEGMENTS)


@pytest.mark.parametrize(("r", "f", "segment"), [
    (5, 5, "champions"), (5, 4, "champions"), (4, 5, "champions"), (4, 4, "loyal"),
    (3, 5, "loyal"), (5, 1, "new"), (4, 1, "promising"), (5, 2, "potential_loyalists"),
    (3, 3, "need_attention"), (3, 1, "about_to_sleep"), (2, 4, "at_risk"),
    (1, 5, "cannot_lose"), (2, 1, "hibernating"), (1, 1, "lost"), (1, 2, "lost"),
])
def test_segments_follow_the_table(r, f, segment):
    assert segment_of(r, f) == segment


def _buyers(rows):
    return pd.DataFrame(rows, columns=["customer_id", "recency_days", "frequency", "cents"])


def test_scoring_adds_scores_and_segments():
    scored = score(_buyers([(1, 0, 9, 900), (2, 90, 1, 100), (3, 30, 3, 300),
                            (4, 60, 2, 200), (5, 10, 5, 500)]))
    assert scored["r_score"].tolist() == [5, 1, 3, 2, 4]
    assert scored["f_score"].tolist() == [5, 1, 3, 2, 4]
    assert scored["m_score"].tolist() == [5, 1, 3, 2, 4]
    assert scored["segment"].astype(str).tolist() == [
        "champions", "lost", "need_attention", "hibernating", "loyal"]
    expected = {"champions": 1, "loyal": 1, "need_attention": 1, "hibernating": 1, "lost": 1}
    assert segment_counts(scored) == {key: expected.get(key, 0) for key in SEGMENT_KEYS}
    assert list(segment_counts(scored)) == list(SEGMENT_KEYS)
    grid = grid_counts(scored)
    assert grid[0][4] == 1 and grid[1][3] == 1 and grid[4][0] == 1  # R5F5, R4F4, R1F1
    assert sum(map(sum, grid)) == 5


def test_scoring_an_empty_frame_gives_empty_scores():
    scored = score(_buyers([]))
    assert scored.empty and list(scored.columns)[-4:] == ["r_score", "f_score", "m_score",
                                                         "segment"]
    assert set(segment_counts(scored).values()) == {0}


@pytest.mark.django_db
def test_customer_rfm_lists_each_buyer_of_the_period_once(rep, other_rep):
    product = ProductFactory()
    first = CustomerFactory(owner=rep, external_id="NA")  # not read as a missing value
    second = CustomerFactory(owner=other_rep, external_id="")
    for customer, day, price in [(first, D(2024, 1, 5), "10.00"), (first, D(2024, 1, 5), "2.50"),
                                 (first, D(2024, 1, 20), "1.00"), (second, D(2024, 1, 30), "99.99"),
                                 (second, D(2023, 12, 31), "5.00")]:
        PurchaseFactory(customer=customer, product=product, purchased_on=day,
                        unit_price=Decimal(price))
    period = Period(D(2024, 1, 1), D(2024, 1, 31))
    rows = customer_rfm(period=period)
    assert rows[["customer_id", "external_id", "purchases", "recency_days", "frequency",
                 "cents"]].to_dict("records") == [
        {"customer_id": first.pk, "external_id": "NA", "purchases": 3, "recency_days": 11,
         "frequency": 2, "cents": 1350},
        {"customer_id": second.pk, "external_id": "", "purchases": 1, "recency_days": 1,
         "frequency": 1, "cents": 9999},
    ]
    assert customer_rfm(period=period, owner=other_rep)["customer_id"].tolist() == [second.pk]
