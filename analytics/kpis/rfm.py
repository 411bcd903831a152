"""rfm.segments: how many customers with a purchase in the period fall in each RFM segment
(every segment listed, in the order of analytics.rfm.SEGMENTS)."""

from __future__ import annotations

from analytics import rfm
from analytics.kpis.context import KpiContext

NAME = "rfm"


def compute(context: KpiContext) -> dict:
    return {"segments": rfm.segment_counts(rfm.score(context.buyers))}
