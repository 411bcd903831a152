"""What the KPI sections of one report share: the period, the owner and lazily loaded data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd
from django.db.models import QuerySet

from analytics import loading
from analytics.periods import Period
from customers.models import Customer, Purchase

if TYPE_CHECKING:
    from crm.models import User


@dataclass(eq=False)
class KpiContext:
    period: Period
    owner: User | None = None

    @cached_property
    def customers(self) -> QuerySet[Customer]:
        """Live customers in scope (the owner's when given)."""
        return loading.customers_of(self.owner)

    @cached_property
    def purchases(self) -> QuerySet[Purchase]:
        """Purchases in the period of the customers in scope."""
        return loading.purchases_of(self.owner, self.period)

    @cached_property
    def buyers(self) -> pd.DataFrame:
        """One row per customer with a purchase in the period (loading.BUYER_COLUMNS)."""
        return loading.buyer_frame(self.period, self.owner)
