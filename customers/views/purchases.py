"""The purchase ledger as a list: the drill-down behind revenue and purchase counts."""

from __future__ import annotations

from django.views.generic import TemplateView

from crm.mixins import CrmPermissionMixin, HtmxTemplateMixin
from customers import selectors
from customers.filters import PurchaseFilter


class PurchaseListView(CrmPermissionMixin, HtmxTemplateMixin, TemplateView):
    """Purchases of the customers the user may see, newest first, filtered by date range,
    owner (for those who see every customer), customer and product, with totals."""

    permission_required = "customers.view_purchase"
    template_name = "customers/purchase_list.html"
    htmx_partial = "results"

    def get_context_data(self, **kwargs):
        user = self.request.user
        owners = selectors.owner_choices() if user.sees_all_records else []
        filterset = PurchaseFilter(
            self.request.GET or None, queryset=selectors.purchase_list(user=user), user=user,
            owners=owners, products=selectors.product_choices(),
        )
        page, totals = selectors.purchase_page(purchases=filterset.qs,
                                               cursor=self.request.GET.get("cursor"))
        customer_pk = filterset.form.cleaned_data.get("customer") if filterset.is_bound else None
        return super().get_context_data(
            filter=filterset, page=page, totals=totals,
            customer=selectors.customer_find(user=user, pk=customer_pk), **kwargs,
        )
