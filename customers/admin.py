"""The admin is the support staff's workplace: searchable, filtered, and writing through the
same services as the browser UI."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.admin import QuickChangelist
from crm.pagination import CappedCountPaginator
from customers import services
from customers.selectors import assignable_owners
from customers.models import (
    Customer, CustomerMerge, ImportJob, Product, Purchase, SalesTarget, Tag,
)

CUSTOMER_FORM_FIELDS = [
    "kind", "name", "gender", "birth_date", "phone", "email", "company", "industry",
    "province", "city", "address", "source", "level", "status", "acquired_on", "churned_on",
    "owner", "marketing_opt_out", "notes", "external_id",
]


class CustomerAdminForm(forms.ModelForm):
    """The admin's customer form, carrying the version it was loaded at so a concurrent
    edit is refused instead of silently overwritten."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Customer
        fields = CUSTOMER_FORM_FIELDS + ["tags"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            self.fields["owner"].queryset = assignable_owners(also=self.instance.owner_id)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_version"].required = True

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = Customer.all_objects.filter(pk=self.instance.pk).values_list(
                "version", flat=True
            ).first()
            if current != loaded:
                raise forms.ValidationError(services.STALE_EDIT_MESSAGE, code="stale")
        return cleaned


class PurchaseInline(admin.TabularInline):
    model = Purchase
    fields = ["purchased_on", "product", "quantity", "unit_price", "amount", "channel"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-purchased_on", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(Customer)
class CustomerAdmin(QuickChangelist, admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "email", "company", "city", "level", "status",
                    "owner", "acquired_on"]
    list_filter = ["status", "level", "kind", "source", "value_segment", "marketing_opt_out"]
    search_fields = ["name", "phone", "email", "company", "=external_id"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner", "tags"]
    form = CustomerAdminForm
    readonly_fields = ["value_segment", "value_segment_at", "created_at", "updated_at"]
    fields = CUSTOMER_FORM_FIELDS + ["tags", "value_segment", "value_segment_at", "created_at",
                                     "updated_at", "loaded_version"]
    inlines = [PurchaseInline]
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts would scan a million rows per filter
    list_per_page = 50
    actions = ["move_to_trash"]

    def get_queryset(self, request):
        return Customer.objects.visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        # One search everywhere: the same vocabulary as the browser list (normalized phone).
        if not search_term:
            return queryset, False
        term = search_term.strip()
        return queryset.search(term) | queryset.filter(external_id=term), False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in CUSTOMER_FORM_FIELDS
                if name in form.cleaned_data}
        data["tags"] = form.cleaned_data.get("tags", [])
        if change:
            saved = services.customer_update(
                customer=obj, actor=request.user,
                expected_version=form.cleaned_data.get("loaded_version"), **data
            )
        else:
            saved = services.customer_create(actor=request.user, **data)
        obj.pk, obj.version = saved.pk, saved.version

    def save_related(self, request, form, formsets, change):
        # Tags went through the service in save_model, so form.save_m2m() is skipped; the
        # purchase inline is read-only, so saving its formset writes nothing.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.customer_delete(customer=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for customer in queryset:
            services.customer_delete(customer=customer, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Move selected customers to the trash"),
                  permissions=["delete"])
    def move_to_trash(self, request, queryset):
        count = 0
        for customer in queryset:
            services.customer_delete(customer=customer, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d customer moved to the trash.",
                     "%(count)d customers moved to the trash.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category", "list_price", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["sku", "name", "category"]
    ordering = ["name"]


@admin.register(Purchase)
class PurchaseAdmin(QuickChangelist, admin.ModelAdmin):
    list_display = ["purchased_on", "customer", "product", "quantity", "unit_price", "amount",
                    "channel"]
    list_filter = ["channel", "purchased_on"]
    search_fields = ["=external_id", "product__sku", "product__name"]
    list_select_related = ["customer", "product"]
    autocomplete_fields = ["customer", "product"]
    readonly_fields = ["amount", "created_by", "created_at"]
    # No date_hierarchy: its year/month links need a DISTINCT over the whole ledger per page.
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        # The ledger is append-only; a wrong line is corrected by a new one.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.purchase_create(
            actor=request.user,
            customer=form.cleaned_data["customer"],
            product=form.cleaned_data["product"],
            quantity=form.cleaned_data["quantity"],
            unit_price=form.cleaned_data["unit_price"],
            purchased_on=form.cleaned_data["purchased_on"],
            channel=form.cleaned_data.get("channel", ""),
            external_id=form.cleaned_data.get("external_id", ""),
        )
        obj.pk = saved.pk

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "customer":
            kwargs["queryset"] = Customer.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import history, read-only: imports are started and confirmed on the import pages."""

    list_display = ["file_name", "kind", "status", "created_by", "created_at", "rows_total",
                    "created", "updated", "invalid"]
    list_filter = ["status", "kind"]
    search_fields = ["file_name", "created_by__username"]
    list_select_related = ["created_by"]
    exclude = ["file", "problems_file"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CustomerMerge)
class CustomerMergeAdmin(admin.ModelAdmin):
    """Merge history, read-only: merges are made and undone on the duplicates pages."""

    list_display = ["merged_at", "survivor", "merged_ids", "merged_by", "undone_at", "undone_by"]
    list_filter = ["merged_at", "undone_at"]
    search_fields = ["=survivor__id", "survivor__name", "merged_by__username"]
    list_select_related = ["survivor", "merged_by", "undone_by"]
    readonly_fields = ["survivor", "merged_ids", "before", "after", "moved", "dropped",
                       "merged_by", "merged_at", "undone_by", "undone_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MonthField(forms.DateField):
    """A calendar month, typed as YYYY-MM (a full date is accepted too), cleaned to its first
    day."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.DateInput(
            attrs={"type": "month", "placeholder": "YYYY-MM"}, format="%Y-%m"))
        kwargs.setdefault("help_text", _("The month, as YYYY-MM."))
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class SalesTargetAdminForm(forms.ModelForm):
    """A target's form; an existing target carries the version it was loaded at, so a
    concurrent change is refused instead of silently overwritten."""

    # Declared, so the admin's calendar widget (which picks a day) does not replace it.
    month = MonthField(label=_("Month"))
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SalesTarget
        fields = ["rep", "month", "amount"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "rep" in self.fields:
            self.fields["rep"].queryset = assignable_owners(also=self.instance.rep_id)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_version"].required = True

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = SalesTarget.objects.filter(pk=self.instance.pk).values_list(
                "version", flat=True).first()
            if current != loaded:
                raise forms.ValidationError(services.STALE_TARGET_MESSAGE, code="stale")
        return cleaned


@admin.register(SalesTarget)
class SalesTargetAdmin(admin.ModelAdmin):
    """Managers set each rep's monthly targets here; the dashboards compare them with the
    revenue of the rep's customers. Every write goes through the sales target services."""

    form = SalesTargetAdminForm
    list_display = ["rep", "month_display", "amount", "updated_by", "updated_at"]
    list_filter = [("rep", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["rep__username", "rep__first_name", "rep__last_name"]
    list_select_related = ["rep", "updated_by"]
    date_hierarchy = "month"
    ordering = ["-month", "rep__username"]
    actions = ["copy_to_next_month", "delete_targets"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["rep", "month", "amount"]
        return ["rep", "month", "amount", "created_by", "created_at", "updated_by",
                "updated_at", "loaded_version"]

    def get_readonly_fields(self, request, obj=None):
        # A target is its rep and month; to move one, delete it and add another.
        if obj is None:
            return []
        return ["rep", "month", "created_by", "created_at", "updated_by", "updated_at"]

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj: SalesTarget) -> str:
        return obj.month.strftime("%Y-%m")

    def save_model(self, request, obj, form, change):
        saved = services.sales_target_set(
            actor=request.user,
            rep=obj.rep if change else form.cleaned_data["rep"],
            month=obj.month if change else form.cleaned_data["month"],
            amount=form.cleaned_data["amount"],
            version=form.cleaned_data.get("loaded_version") if change else None,
        )
        obj.pk, obj.version = saved.pk, saved.version

    def delete_model(self, request, obj):
        services.sales_target_delete(actor=request.user, target=obj)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            services.sales_target_delete(actor=request.user, target=target)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Delete selected targets"), permissions=["delete"])
    def delete_targets(self, request, queryset):
        count = 0
        for target in queryset:
            services.sales_target_delete(actor=request.user, target=target)
            count += 1
        self.message_user(request, ngettext(
            "%(count)d target deleted.", "%(count)d targets deleted.", count) % {"count": count},
            messages.SUCCESS)

    @admin.action(description=_("Copy selected targets to the following month"),
                  permissions=["add"])
    def copy_to_next_month(self, request, queryset):
        copied = skipped = 0
        for target in queryset.select_related("rep"):
            following = (target.month + timedelta(days=32)).replace(day=1)
            if SalesTarget.objects.filter(rep=target.rep, month=following).exists():
                skipped += 1
                continue
            try:
                services.sales_target_set(actor=request.user, rep=target.rep, month=following,
                                          amount=target.amount)
            except ValidationError as error:
                self.message_user(request, _("%(target)s: %(error)s") % {
                    "target": target, "error": " ".join(error.messages)}, messages.ERROR)
                skipped += 1
                continue
            copied += 1
        self.message_user(request, ngettext(
            "%(count)d target copied to the following month.",
            "%(count)d targets copied to the following month.", copied) % {"count": copied},
            messages.SUCCESS)
        if skipped:
            self.message_user(request, ngettext(
                "%(count)d target skipped: the following month has one already, or it could "
                "not be set.",
                "%(count)d targets skipped: the following month has one already, or they "
                "could not be set.", skipped) % {"count": skipped}, messages.WARNING)
