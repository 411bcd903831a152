"""The customers app's models: master data and purchases, import jobs, merges."""

from customers.models.master import (
    LIST_FIELDS,
    MAX_PURCHASE_AMOUNT,
    AliveCustomerManager,
    Customer,
    CustomerQuerySet,
    Product,
    Purchase,
    PurchaseQuerySet,
    Tag,
)
from customers.models.imports import ImportJob, ImportJobQuerySet
from customers.models.merges import CustomerMerge, CustomerMergeQuerySet

__all__ = [
    "LIST_FIELDS", "MAX_PURCHASE_AMOUNT", "AliveCustomerManager", "Customer", "CustomerQuerySet",
    "Product", "Purchase", "PurchaseQuerySet", "Tag", "ImportJob", "ImportJobQuerySet",
    "CustomerMerge", "CustomerMergeQuerySet",
]
