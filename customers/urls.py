from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    path("export/", views.CustomerExportView.as_view(), name="export"),
    path("new/", views.CustomerCreateView.as_view(), name="create"),
    path("reassign/", views.CustomerReassignView.as_view(), name="reassign"),
    path("imports/", views.ImportJobListView.as_view(), name="import_list"),
    path("imports/new/", views.ImportJobCreateView.as_view(), name="import_create"),
    path("imports/<int:pk>/", views.ImportJobDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/confirm/", views.ImportJobConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/cancel/", views.ImportJobCancelView.as_view(), name="import_cancel"),
    path("imports/<int:pk>/problems/", views.ImportJobProblemsView.as_view(),
         name="import_problems"),
    path("duplicates/", views.DuplicateGroupListView.as_view(), name="duplicate_list"),
    path("merge/", views.CustomerMergeView.as_view(), name="merge"),
    path("merges/", views.CustomerMergeListView.as_view(), name="merge_list"),
    path("merges/<int:pk>/", views.CustomerMergeDetailView.as_view(), name="merge_detail"),
    path("merges/<int:pk>/undo/", views.CustomerMergeUndoView.as_view(), name="merge_undo"),
    path("purchases/", views.PurchaseListView.as_view(), name="purchase_list"),
    path("trash/", views.CustomerTrashView.as_view(), name="trash"),
    path("trash/<int:pk>/restore/", views.CustomerRestoreView.as_view(), name="restore"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="update"),
    path("<int:pk>/delete/", views.CustomerDeleteView.as_view(), name="delete"),
    path("<int:pk>/purchases/", views.CustomerPurchasePanelView.as_view(), name="purchase_panel"),
    path("<int:pk>/purchases/new/", views.PurchaseCreateView.as_view(), name="purchase_create"),
]
