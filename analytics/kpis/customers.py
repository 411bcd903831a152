"""customers.*: counts from one pass over the customer table (SPEC §4).

N₀ (active_at_start) counts customers who were customers before the period and had not
churned before it: not potential now, acquired before `start`, and no churn date before
`start`. `churned` counts those of N₀ whose churn date falls in the period.
"""

from __future__ import annotations

from django.db.models import Count, Q

from analytics.kpis.context import KpiContext
from analytics.numbers import percent
from customers.models import Customer

NAME = "customers"


def compute(context: KpiContext) -> dict:
    start, end = context.period.start, context.period.end
    at_start = (
        ~Q(status=Customer.Status.POTENTIAL)
        & Q(acquired_on__lt=start)
        & (Q(churned_on__isnull=True) | Q(churned_on__gte=start))
    )
    counts = context.customers.order_by().aggregate(
        total=Count("pk", filter=Q(acquired_on__lte=end)),
        new=Count("pk", filter=Q(acquired_on__range=(start, end))),
        active_at_start=Count("pk", filter=at_start),
        churned=Count("pk", filter=at_start & Q(churned_on__range=(start, end))),
    )
    return {
        "total": counts["total"],
        "new": counts["new"],
        "active_at_start": counts["active_at_start"],
        "churned": counts["churned"],
        "churn_rate": percent(counts["churned"], counts["active_at_start"]),
    }
