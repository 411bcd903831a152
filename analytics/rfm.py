"""RFM: recency, frequency and monetary value per customer, scored 1–5 and segmented.

For the purchases in a period (SPEC §4):

- recency_days: the period's end minus the customer's last purchase date;
- frequency: distinct purchase dates;
- monetary: Σ amount (held as integer cents, `cents`, so ties and totals are exact).

Scores are quintiles of rank. Customers are ranked from worst to best on each measure (best:
most recent, most frequent, highest spend); among equal values the customer with the *smaller*
id ranks *better* (the customer recorded first wins the tie), so every customer has a distinct
rank 1…n, n the best. The score is ⌈5 × rank / n⌉: the best customer always scores 5, and
with n ≥ 5 the worst scores 1 and each score holds a fifth of the customers (±1).

The segment comes from the recency and frequency scores through SEGMENT_TABLE, the familiar
R×F grid: monetary value is scored and reported, but two customers who buy equally often and
equally recently get the same treatment (the value segment of a customer is a separate
measure, see `analytics.value`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from analytics import loading
from analytics.periods import Period

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class Segment:
    key: str
    label: str | Promise
    description: str | Promise


SEGMENTS: tuple[Segment, ...] = (
    Segment("champions", _("Champions"),
            _("Bought recently and most often: reward them, ask for referrals.")),
    Segment("loyal", _("Loyal"),
            _("Buy often and fairly recently: offer loyalty programmes and upsell.")),
    Segment("potential_loyalists", _("Potential loyalists"),
            _("Recent buyers with average frequency: offer membership to build the habit.")),
    Segment("new", _("New"),
            _("Bought very recently, but once only in the period: onboard them well.")),
    Segment("promising", _("Promising"),
            _("Recent but infrequent buyers: build awareness, offer trials.")),
    Segment("need_attention", _("Need attention"),
            _("Middle of the road on both: a limited-time offer may move them up.")),
    Segment("about_to_sleep", _("About to sleep"),
            _("Below average recency and frequency: reconnect before they are lost.")),
    Segment("at_risk", _("At risk"),
            _("Bought often, but not for a long time: win them back personally.")),
    Segment("cannot_lose", _("Cannot lose them"),
            _("Were among the most frequent buyers, now long silent: act now.")),
    Segment("hibernating", _("Hibernating"),
            _("Rare buyers, last seen long ago: low-cost reactivation only.")),
    Segment("lost", _("Lost"),
            _("Least recent and least frequent: exclude from costly campaigns.")),
)
SEGMENT_KEYS: tuple[str, ...] = tuple(segment.key for segment in SEGMENTS)

# The R×F grid: one row per recency score from 5 (most recent) down to 1, one column per
# frequency score from 1 to 5. Dashboards render it as it stands.
SEGMENT_TABLE: tuple[tuple[str, str, str, str, str], ...] = (
    # F=1              F=2                    F=3                    F=4          F=5
    ("new",            "potential_loyalists", "potential_loyalists", "champions", "champions"),
    ("promising",      "potential_loyalists", "potential_loyalists", "loyal",     "champions"),
    ("about_to_sleep", "about_to_sleep",      "need_attention",      "loyal",     "loyal"),
    ("hibernating",    "hibernating",         "at_risk",             "at_risk",   "cannot_lose"),
    ("lost",           "lost",                "at_risk",             "at_risk",   "cannot_lose"),
)  # R=5 at the top, R=1 at the bottom


def segment_of(r_score: int, f_score: int) -> str:
    return SEGMENT_TABLE[5 - r_score][f_score - 1]


def _segment_codes() -> np.ndarray:
    """codes[r, f] is the position in SEGMENT_KEYS of cell (r, f); row and column 0 unused."""
    codes = np.zeros((6, 6), dtype=np.int8)
    for r in SCORES:
        for f in SCORES:
            codes[r, f] = SEGMENT_KEYS.index(segment_of(r, f))
    return codes


_SEGMENT_CODES = _segment_codes()


def quintile_scores(values, customer_ids, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 by quintile of rank, ties going to the smaller customer id (module doc)."""
    values = np.asarray(values)
    customer_ids = np.asarray(customer_ids, dtype=np.int64)
    count = len(values)
    if count == 0:
        return np.zeros(0, dtype=np.int8)
    worth = values if higher_is_better else -values
    # lexsort sorts by the last key first: ascending worth, then descending id, so within a
    # tie the smaller id comes later, that is, ranks better.
    order = np.lexsort((-customer_ids, worth))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(1, count + 1)
    return ((5 * rank + count - 1) // count).astype(np.int8)


def score(buyers: pd.DataFrame) -> pd.DataFrame:
    """`buyers` (customer_id, recency_days, frequency, cents) with r_score, f_score, m_score
    and segment (a categorical in SEGMENT_KEYS order) added."""
    ids = buyers["customer_id"].to_numpy()
    r = quintile_scores(buyers["recency_days"].to_numpy(), ids, higher_is_better=False)
    f = quintile_scores(buyers["frequency"].to_numpy(), ids)
    m = quintile_scores(buyers["cents"].to_numpy(), ids)
    segment = pd.Categorical.from_codes(_SEGMENT_CODES[r, f], categories=list(SEGMENT_KEYS))
    return buyers.assign(r_score=r, f_score=f, m_score=m,
                         segment=pd.Series(segment, index=buyers.index))


def segment_counts(scored: pd.DataFrame) -> dict[str, int]:
    """Customers per segment, every segment present (0 when empty), in SEGMENTS order."""
    counts = scored["segment"].value_counts(sort=False)
    return {key: int(counts.get(key, 0)) for key in SEGMENT_KEYS}


def grid_counts(scored: pd.DataFrame) -> list[list[int]]:
    """Customers per cell of SEGMENT_TABLE: rows R=5…1, columns F=1…5."""
    grid = np.zeros((6, 6), dtype=np.int64)
    np.add.at(grid, (scored["r_score"].to_numpy(), scored["f_score"].to_numpy()), 1)
    return [[int(grid[r, f]) for f in SCORES] for r in reversed(SCORES)]


def customer_rfm(*, period: Period, owner=None) -> pd.DataFrame:
    """One scored row per customer with a purchase in `period` (of `owner`'s customers when
    given), in customer id order: customer_id, external_id, purchases, recency_days,
    frequency, cents, r_score, f_score, m_score, segment."""
    return score(loading.buyer_frame(period, owner, with_external_id=True))
