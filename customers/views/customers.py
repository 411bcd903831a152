"""Customer pages. Views stay thin: permissions, one selector or service call, a template."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, View

from crm.mixins import CrmPermissionMixin, HtmxTemplateMixin, add_service_errors
from crm.pagination import KeysetPaginator
from customers import exports, selectors, services
from customers.filters import CustomerFilter
from customers.forms import CustomerForm, PurchaseForm, ReassignForm
from customers.panels import panels_for


def customer_filter(request, owners) -> CustomerFilter:
    """The list's filters applied to the customers `request.user` may see."""
    user = request.user
    return CustomerFilter(
        request.GET or None, queryset=selectors.customer_list(user=user), user=user,
        owners=owners, tags=selectors.tag_choices(),
    )


def choices_fragment_key(request) -> str:
    """What HTML built from the owner and tag lists depends on: the language, whether the
    owner choices show, and the lists' versions."""
    return "|".join([get_language(), str(int(request.user.sees_all_records)),
                     selectors.choices_version()])


def filters_fragment_key(request, choices_key: str) -> str:
    """Everything the list's filter form HTML depends on: `choices_fragment_key` and the
    query (but the cursor)."""
    query = request.GET.copy()
    query.pop("cursor", None)
    return f"{choices_key}|{query.urlencode()}"


class CustomerListView(CrmPermissionMixin, HtmxTemplateMixin, TemplateView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_list.html"
    htmx_partial = "results"

    def get_context_data(self, **kwargs):
        user = self.request.user
        owners = selectors.owner_choices() if user.sees_all_records else []
        filterset = customer_filter(self.request, owners)
        choices_key = choices_fragment_key(self.request)
        page = selectors.customer_page(
            user=user, customers=filterset.qs, cursor=self.request.GET.get("cursor"),
            owners=owners, search=filterset.search_term, unsearched=filterset.unsearched,
        )
        return super().get_context_data(
            filter=filterset,
            page=page,
            can_reassign=user.has_perm("customers.reassign_customer"),
            owners=owners,
            # The HTML of the filter form and the reassign form's owner choices is cached (it
            # takes longer to build than the rows).
            choices_key=choices_key,
            filters_key=filters_fragment_key(self.request, choices_key),
            filters_seconds=settings.CHOICES_CACHE_SECONDS,
            **kwargs,
        )


class CustomerDetailView(CrmPermissionMixin, TemplateView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_detail.html"

    def get_context_data(self, **kwargs):
        customer, summary = selectors.customer_with_summary(
            user=self.request.user, pk=self.kwargs["pk"], profile=True)
        return super().get_context_data(
            customer=customer,
            summary=summary,
            panels=[(panel, panel.url_for(customer.pk)) for panel in panels_for(self.request.user)],
            **kwargs,
        )


class CustomerPurchasePanelView(CrmPermissionMixin, HtmxTemplateMixin, TemplateView):
    """The purchase history of one customer: a panel on the customer page, or a page alone."""

    permission_required = ("customers.view_customer", "customers.view_purchase")
    template_name = "customers/customer_purchases.html"
    htmx_partial = "panel"

    def get_context_data(self, **kwargs):
        customer, summary, page = selectors.customer_purchase_history(
            user=self.request.user, pk=self.kwargs["pk"], cursor=self.request.GET.get("cursor"))
        return super().get_context_data(customer=customer, page=page, summary=summary, **kwargs)


class CustomerCreateView(CrmPermissionMixin, FormView):
    permission_required = "customers.add_customer"
    template_name = "customers/customer_form.html"
    form_class = CustomerForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            customer = services.customer_create(actor=self.request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Customer “%(name)s” created.") % {"name": customer})
        return redirect(customer)


class CustomerObjectMixin:
    """The customer named in the URL, looked up (visible to the user, or 404) after the
    permission check has passed."""

    @cached_property
    def customer(self):
        return selectors.customer_get(user=self.request.user, pk=self.kwargs["pk"])


class CustomerUpdateView(CrmPermissionMixin, CustomerObjectMixin, FormView):
    permission_required = "customers.change_customer"
    template_name = "customers/customer_form.html"
    form_class = CustomerForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.customer}

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        try:
            customer = services.customer_update(
                customer=self.customer,
                actor=self.request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_data(),
            )
        except services.ConcurrentUpdateError as error:
            add_service_errors(form, error)
            # The user has now been told; saving again deliberately applies their version.
            form.data = form.data.copy()
            form.data["version"] = selectors.customer_get(
                user=self.request.user, pk=self.customer.pk
            ).version
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Customer “%(name)s” saved.") % {"name": customer})
        return redirect(customer)


class CustomerDeleteView(CrmPermissionMixin, TemplateView):
    permission_required = "customers.delete_customer"
    template_name = "customers/customer_confirm_delete.html"

    def get_context_data(self, **kwargs):
        customer = selectors.customer_get(user=self.request.user, pk=self.kwargs["pk"])
        return super().get_context_data(customer=customer, **kwargs)

    def post(self, request, *args, **kwargs):
        customer = selectors.customer_get(user=request.user, pk=kwargs["pk"])
        services.customer_delete(customer=customer, actor=request.user)
        messages.success(request, _("Customer “%(name)s” moved to the trash.") % {"name": customer})
        return redirect("customers:list")


class CustomerTrashView(CrmPermissionMixin, HtmxTemplateMixin, TemplateView):
    permission_required = "customers.restore_customer"
    template_name = "customers/customer_trash.html"
    htmx_partial = "results"

    def get_context_data(self, **kwargs):
        trash = selectors.customer_trash(user=self.request.user)
        return super().get_context_data(
            page=KeysetPaginator(trash).page(self.request.GET.get("cursor")), **kwargs
        )


class CustomerRestoreView(CrmPermissionMixin, TemplateView):
    permission_required = "customers.restore_customer"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        customer = selectors.customer_get_deleted(user=request.user, pk=kwargs["pk"])
        services.customer_restore(customer=customer, actor=request.user)
        messages.success(request, _("Customer “%(name)s” restored.") % {"name": customer})
        return redirect(customer)


class CustomerReassignView(CrmPermissionMixin, FormView):
    """Bulk hand-over of the customers ticked on the list to another owner."""

    permission_required = "customers.reassign_customer"
    template_name = "customers/customer_reassign.html"
    form_class = ReassignForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(),
                "customers": selectors.customer_list(user=self.request.user)}

    def form_valid(self, form):
        try:
            count = services.customers_reassign(
                actor=self.request.user,
                customers=form.cleaned_data["selected"],
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d customer reassigned to %(owner)s.",
                "%(count)d customers reassigned to %(owner)s.",
                count,
            )
            % {"count": count, "owner": form.cleaned_data["owner"]},
        )
        # The Referer follows the URL htmx pushed while filtering; `next` covers no-Referer.
        target = self.request.headers.get("Referer") or self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            target = reverse("customers:list")
        return HttpResponseRedirect(target)


class PurchaseCreateView(CrmPermissionMixin, CustomerObjectMixin, FormView):
    permission_required = "customers.add_purchase"
    template_name = "customers/purchase_form.html"
    form_class = PurchaseForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        try:
            services.purchase_create(
                actor=self.request.user, customer=self.customer, **form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Purchase recorded."))
        return redirect(self.customer)


class CustomerExportView(CrmPermissionMixin, View):
    """The customers the list shows (same filters, only visible rows), or their purchases,
    as a CSV or XLSX download in the import columns."""

    permission_required = "customers.view_customer"

    def get(self, request, *args, **kwargs):
        user = request.user
        owners = selectors.owner_choices() if user.sees_all_records else []
        filterset = customer_filter(request, owners)
        if not filterset.is_valid():
            messages.error(request, _("The filters are not valid, so nothing was exported."))
            return redirect("customers:list")
        kind, _dot, file_format = request.GET.get("export", "customers.csv").partition(".")
        if kind == "purchases":
            if not user.has_perm("customers.view_purchase"):
                raise PermissionDenied
            queryset = selectors.customer_purchases_of(user=user, customers=filterset.qs)
            rows, header = exports.purchase_rows(queryset), exports.PURCHASE_COLUMNS
        else:
            queryset = filterset.qs
            rows, header = exports.customer_rows(queryset), exports.CUSTOMER_COLUMNS
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if file_format == "xlsx":
            limit = settings.EXPORT_XLSX_MAX_ROWS
            if queryset.order_by()[: limit + 1].count() > limit:
                messages.error(request, _(
                    "More than %(limit)d rows: export them as CSV instead (Excel opens it too)."
                ) % {"limit": limit})
                query = request.GET.copy()
                query.pop("export", None)
                return redirect(f"{reverse('customers:list')}?{query.urlencode()}")
            buffer = tempfile.SpooledTemporaryFile(max_size=16 * 2**20)
            exports.write_xlsx(buffer, header, rows)
            buffer.seek(0)
            return FileResponse(buffer, as_attachment=True, filename=f"{kind}-{stamp}.xlsx")
        response = StreamingHttpResponse(
            exports.csv_lines(header, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.csv"'
        return response
