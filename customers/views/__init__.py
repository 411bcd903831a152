"""The customers app's pages."""

from customers.views.customers import (
    CustomerCreateView,
    CustomerDeleteView,
    CustomerDetailView,
    CustomerExportView,
    CustomerListView,
    CustomerPurchasePanelView,
    CustomerReassignView,
    CustomerRestoreView,
    CustomerTrashView,
    CustomerUpdateView,
    PurchaseCreateView,
)
from customers.views.duplicates import (
    CustomerMergeDetailView,
    CustomerMergeListView,
    CustomerMergeUndoView,
    CustomerMergeView,
    DuplicateGroupListView,
)
from customers.views.purchases import PurchaseListView
from customers.views.imports import (
    ImportJobCancelView,
    ImportJobConfirmView,
    ImportJobCreateView,
    ImportJobDetailView,
    ImportJobListView,
    ImportJobProblemsView,
)

__all__ = [
    "CustomerCreateView", "CustomerDeleteView", "CustomerDetailView", "CustomerExportView",
    "CustomerListView", "CustomerPurchasePanelView", "CustomerReassignView",
    "CustomerRestoreView", "CustomerTrashView", "CustomerUpdateView", "PurchaseCreateView",
    "CustomerMergeDetailView", "CustomerMergeListView", "CustomerMergeUndoView",
    "CustomerMergeView", "DuplicateGroupListView",
    "ImportJobCancelView", "ImportJobConfirmView", "ImportJobCreateView", "ImportJobDetailView",
    "ImportJobListView", "ImportJobProblemsView", "PurchaseListView",
]
