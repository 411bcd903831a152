"""The duplicates page, the field-by-field merge and the merge history with its undo."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from crm.mixins import CrmPermissionMixin, HtmxTemplateMixin, add_service_errors
from crm.pagination import KeysetPaginator
from customers import selectors, services
from customers.forms import CustomerMergeForm, DuplicateFilterForm, MergeSelectionForm
from customers.models import Customer

PERMISSION = "customers.merge_customer"


class DuplicateGroupListView(CrmPermissionMixin, HtmxTemplateMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "customers/duplicate_list.html"
    htmx_partial = "results"

    def get_context_data(self, **kwargs):
        form = DuplicateFilterForm(self.request.GET)
        reason = form.cleaned_data["reason"] if form.is_valid() else None
        page = selectors.duplicate_groups(
            user=self.request.user, reason=reason or None, cursor=self.request.GET.get("cursor")
        )
        return super().get_context_data(filter_form=form, page=page, **kwargs)


class CustomerMergeView(CrmPermissionMixin, TemplateView):
    """GET compares the customers named by `ids`; POST merges them as chosen."""

    permission_required = PERMISSION
    template_name = "customers/customer_merge_form.html"

    def get(self, request, *args, **kwargs):
        selection = MergeSelectionForm(request.GET, user=request.user)
        form = None
        if selection.is_valid():
            form = CustomerMergeForm(customers=selection.cleaned_data["ids"])
        return self.render_to_response(self.get_context_data(selection=selection, form=form))

    def get_context_data(self, *, form, **kwargs):
        customers = form.customers if form else []
        # Each column links to the same comparison without it, while two would remain.
        columns = [(customer, _ids_query([c for c in customers if c != customer])
                    if len(customers) > 2 else "") for customer in customers]
        return super().get_context_data(
            form=form, columns=columns, undo_days=settings.MERGE_UNDO_DAYS, **kwargs
        )

    def post(self, request, *args, **kwargs):
        selection = MergeSelectionForm(request.POST, user=request.user)
        if not selection.is_valid():
            return self.render_to_response(self.get_context_data(selection=selection, form=None))
        form = CustomerMergeForm(request.POST, customers=selection.cleaned_data["ids"])
        if form.is_valid():
            try:
                merge = services.customers_merge(actor=request.user, **form.service_data())
            except services.ConcurrentUpdateError as error:
                # Compare afresh: the values on this page are no longer the customers' own.
                messages.error(request, " ".join(error.messages))
                query = _ids_query(selection.cleaned_data["ids"])
                return redirect(f"{reverse('customers:merge')}?{query}")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                deadline = formats.date_format(
                    timezone.localtime(merge.undo_deadline), "SHORT_DATETIME_FORMAT"
                )
                messages.success(request, _(
                    "Customers merged into “%(name)s”. Until %(deadline)s the merge can be "
                    "undone from the merge history."
                ) % {"name": merge.survivor, "deadline": deadline})
                return redirect(merge.survivor)
        return self.render_to_response(self.get_context_data(selection=selection, form=form))


def _ids_query(customers) -> str:
    return urlencode([("ids", customer.pk) for customer in customers])


class CustomerMergeListView(CrmPermissionMixin, HtmxTemplateMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "customers/customermerge_list.html"
    htmx_partial = "results"

    def get_context_data(self, **kwargs):
        merges = selectors.merge_list(user=self.request.user)
        page = KeysetPaginator(merges).page(self.request.GET.get("cursor"))
        return super().get_context_data(page=page, **kwargs)


class CustomerMergeDetailView(CrmPermissionMixin, TemplateView):
    permission_required = PERMISSION
    template_name = "customers/customermerge_detail.html"

    def get_context_data(self, **kwargs):
        merge = selectors.merge_get(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(
            merge=merge,
            merged=selectors.merge_customers(merge=merge),
            moved=selectors.merge_moved_records(merge=merge),
            **kwargs,
        )


class CustomerMergeUndoView(CrmPermissionMixin, TemplateView):
    permission_required = PERMISSION
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        merge = selectors.merge_get(user=request.user, pk=kwargs["pk"])
        try:
            merge = services.customer_merge_undo(actor=request.user, merge=merge)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(merge)
        messages.success(request, _("Merge undone: the merged customers are back, with their "
                                    "records."))
        if merge.kept_fields:
            labels = ", ".join(
                str(capfirst(Customer._meta.get_field(name).verbose_name))
                for name in merge.kept_fields
            )
            messages.warning(request, _(
                "These fields of “%(name)s” were edited after the merge, so they keep their "
                "current values: %(fields)s."
            ) % {"name": merge.survivor, "fields": labels})
        return redirect(merge)
