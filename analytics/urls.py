from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("sales/", views.SalesView.as_view(), name="sales"),
    path("customers/", views.CustomersView.as_view(), name="customers"),
    path("customers/groups/", views.RfmCustomersView.as_view(), name="rfm_customers"),
    path("refresh/", views.DashboardRefreshView.as_view(), name="refresh"),
]
