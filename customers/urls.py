from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    path("export/", views.CustomerExportView.as_view(), name="export"),
    path("new/", views.CustomerCreateView.as_view(), name="create"),
    path("reassign/", views.CustomerReassignView.as_view(), name="reassign"),
    path("trash/", views.CustomerTrashView.as_view(), name="trash"),
    path("trash/<int:pk>/restore/", views.CustomerRestoreView.as_view(), name="restore"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CustomerUpdateView.as_view(), name="update"),
    path("<int:pk>/delete/", views.CustomerDeleteView.as_view(), name="delete"),
    path("<int:pk>/purchases/", views.CustomerPurchasePanelView.as_view(), name="purchase_panel"),
    path("<int:pk>/purchases/new/", views.PurchaseCreateView.as_view(), name="purchase_create"),
]
