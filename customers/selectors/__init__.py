"""Reads of the customers app that depend on the user or span models."""

from customers.selectors.choices import (
    OWNERS_CACHE,
    PRODUCTS_CACHE,
    TAGS_CACHE,
    assignable_owners,
    choices_version,
    owner_choices,
    product_choices,
    tag_choices,
)
from customers.selectors.customers import (
    DuplicateReport,
    PurchaseSummary,
    customer_duplicates,
    customer_find,
    customer_get,
    customer_get_deleted,
    customer_list,
    customer_page,
    customer_purchase_history,
    customer_purchases_of,
    customer_trash,
    customer_with_summary,
)
from customers.selectors.duplicates import (
    DUPLICATE_MEMBERS_SHOWN,
    DUPLICATE_REASONS,
    DuplicateGroup,
    duplicate_groups,
)
from customers.selectors.imports import import_job_get, import_job_list
from customers.selectors.merges import (
    MovedRecords,
    merge_candidates,
    merge_customers,
    merge_get,
    merge_list,
    merge_moved_records,
)
from customers.selectors.purchases import (
    PurchaseTotals,
    purchase_list,
    purchase_page,
    purchase_totals,
)

__all__ = [
    "OWNERS_CACHE", "PRODUCTS_CACHE", "TAGS_CACHE", "assignable_owners", "choices_version",
    "owner_choices", "product_choices", "tag_choices",
    "DuplicateReport", "PurchaseSummary", "customer_duplicates", "customer_find",
    "customer_get", "customer_get_deleted", "customer_list", "customer_page",
    "customer_purchase_history", "customer_purchases_of", "customer_trash", "customer_with_summary",
    "DUPLICATE_MEMBERS_SHOWN", "DUPLICATE_REASONS", "DuplicateGroup", "duplicate_groups",
    "import_job_get", "import_job_list",
    "MovedRecords", "merge_candidates", "merge_customers", "merge_get", "merge_list",
    "merge_moved_records",
    "PurchaseTotals", "purchase_list", "purchase_page", "purchase_totals",
]
