"""Every write to the customers app goes through these functions."""

from customers.services.customers import (
    CUSTOMER_FIELDS,
    STALE_EDIT_MESSAGE,
    ConcurrentUpdateError,
    customer_create,
    customer_delete,
    customer_restore,
    customer_update,
    customers_reassign,
    purchase_create,
    tags_resolve,
)
from customers.services.merges import MERGE_FIELDS, customer_merge_undo, customers_merge
from customers.services.segments import ValueSegmentWrite, customers_set_value_segments
from customers.services.targets import (
    STALE_TARGET_MESSAGE,
    sales_target_delete,
    sales_target_set,
    target_month,
)

__all__ = [
    "CUSTOMER_FIELDS", "STALE_EDIT_MESSAGE", "ConcurrentUpdateError", "customer_create",
    "customer_delete", "customer_restore", "customer_update", "customers_reassign",
    "purchase_create", "tags_resolve",
    "MERGE_FIELDS", "customer_merge_undo", "customers_merge",
    "ValueSegmentWrite", "customers_set_value_segments",
    "STALE_TARGET_MESSAGE", "sales_target_delete", "sales_target_set", "target_month",
]
