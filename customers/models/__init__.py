"""The customers app's models: master data, products and purchases, sales targets, import
jobs, merges."""

from customers.models.querysets import LIST_FIELDS, CustomerQuerySet
from customers.models.master import AliveCustomerManager, Customer, Tag, ValueSegment
from customers.models.ledger import MAX_PURCHASE_AMOUNT, Product, Purchase, PurchaseQuerySet
from customers.models.targets import SalesTarget, SalesTargetQuerySet
from customers.models.imports import ImportJob, ImportJobQuerySet
from customers.models.merges import CustomerMerge, CustomerMergeQuerySet

__all__ = [
    "LIST_FIELDS", "MAX_PURCHASE_AMOUNT", "AliveCustomerManager", "Customer", "CustomerQuerySet",
    "Product", "Purchase", "PurchaseQuerySet", "Tag", "ValueSegment", "SalesTarget",
    "SalesTargetQuerySet", "ImportJob", "ImportJobQuerySet", "CustomerMerge",
    "CustomerMergeQuerySet",
]
