"""Forms validate and lay out; the views hand `cleaned_data` to the services."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row
from django import forms
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from crm.models import User
from customers.models import Customer, ImportJob, Product, Purchase
from customers.selectors import (
    DUPLICATE_MEMBERS_SHOWN, assignable_owners, customer_duplicates, merge_candidates,
)
from customers.services.merges import MERGE_FIELDS

_TAG_SEPARATORS = re.compile(r"[,;，；]")


def split_tags(text: str) -> list[str]:
    return [name.strip() for name in _TAG_SEPARATORS.split(text or "") if name.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CustomerForm(forms.ModelForm):
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500,
        help_text=_("Separate tags with commas."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_duplicates = forms.BooleanField(
        label=_("Save anyway: this is a different customer"), required=False
    )

    class Meta:
        model = Customer
        fields = [
            "kind", "name", "gender", "birth_date", "phone", "email", "company", "industry",
            "province", "city", "address", "source", "level", "status", "acquired_on",
            "churned_on", "owner", "marketing_opt_out", "notes", "external_id",
        ]
        widgets = {
            "birth_date": DateInput(),
            "acquired_on": DateInput(),
            "churned_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = None
        if user.has_perm("customers.reassign_customer"):
            # The current owner stays a valid choice even after leaving the company.
            self.fields["owner"].queryset = assignable_owners(also=self.instance.owner_id)
        else:
            del self.fields["owner"]
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())
            self.fields["version"].initial = self.instance.version
            # Without the version it was loaded at, an edit could overwrite a newer one.
            self.fields["version"].required = True
        self.fields["gender"].choices = [("", _("Not specified"))] + Customer.Gender.choices
        self.fields["source"].choices = [("", _("Unknown"))] + Customer.Source.choices
        self.fields["churned_on"].help_text = _(
            "Set automatically when the status becomes churned; cleared on reactivation."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Customer"),
                Row(Column("kind", css_class="col-md-3"), Column("name", css_class="col-md-5"),
                    Column("gender", css_class="col-md-2"),
                    Column("birth_date", css_class="col-md-2")),
            ),
            Fieldset(
                _("Contact"),
                Row(Column("phone", css_class="col-md-4"), Column("email", css_class="col-md-4"),
                    Column("company", css_class="col-md-4")),
                Row(Column("industry", css_class="col-md-3"),
                    Column("province", css_class="col-md-3"), Column("city", css_class="col-md-3"),
                    Column("address", css_class="col-md-3")),
            ),
            Fieldset(
                _("Relationship"),
                Row(Column("source", css_class="col-md-3"), Column("level", css_class="col-md-3"),
                    Column("status", css_class="col-md-3"),
                    Column("owner", css_class="col-md-3") if "owner" in self.fields else Div()),
                Row(Column("acquired_on", css_class="col-md-3"),
                    Column("churned_on", css_class="col-md-3"),
                    Column("tags", css_class="col-md-6")),
                Row(Column("external_id", css_class="col-md-3"),
                    Column("marketing_opt_out", css_class="col-md-9 pt-md-4")),
                "notes",
            ),
            "version",
        )

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))

    def clean(self):
        cleaned = super().clean()
        # The churn date belongs to the churned status (the service enforces the same rule).
        if cleaned.get("status") != Customer.Status.CHURNED:
            cleaned["churned_on"] = None
        elif not cleaned.get("churned_on"):
            cleaned["churned_on"] = timezone.localdate()
        self.duplicates = customer_duplicates(
            user=self.user,
            phone=cleaned.get("phone", ""),
            email=cleaned.get("email", ""),
            exclude_pk=self.instance.pk,
        )
        if self.duplicates and not cleaned.get("confirm_duplicates"):
            raise forms.ValidationError(
                _(
                    "Another customer already has this phone number or e-mail address. "
                    "Check the matches below; tick “Save anyway” if this is a different customer."
                ),
                code="duplicate",
            )
        return cleaned

    def service_data(self) -> dict:
        """The cleaned values as keyword arguments for `customer_create` / `customer_update`."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        data["tags"] = self.cleaned_data["tags"]
        return data


class PurchaseForm(forms.ModelForm):
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=12, decimal_places=2, min_value=0, required=False,
        help_text=_("Leave empty to use the product's list price."),
    )

    class Meta:
        model = Purchase
        fields = ["product", "purchased_on", "quantity", "unit_price", "channel", "external_id"]
        widgets = {"purchased_on": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("product", css_class="col-md-6"),
                Column("purchased_on", css_class="col-md-3"),
                Column("quantity", css_class="col-md-3")),
            Row(Column("unit_price", css_class="col-md-4"), Column("channel", css_class="col-md-4"),
                Column("external_id", css_class="col-md-4")),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit_price") is None and cleaned.get("product"):
            cleaned["unit_price"] = cleaned["product"].list_price
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())
    selected = forms.ModelMultipleChoiceField(
        label=_("Customers"),
        queryset=Customer.objects.none(),
        error_messages={"required": _("Select at least one customer.")},
    )

    def __init__(self, *args, customers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable_owners()
        self.fields["selected"].queryset = customers


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=ImportJob.Kind.choices, widget=forms.RadioSelect,
        initial=ImportJob.Kind.CUSTOMERS,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GBK, as saved by Excel) or XLSX, with a header row. The "
                    "columns are those of an export; Chinese headers are accepted."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"), required=False,
        help_text=_("Import the valid rows and list the others. Without it, one bad row means "
                    "nothing is imported."),
    )


class ImportConfirmForm(forms.Form):
    skip_invalid = forms.BooleanField(label=_("Skip invalid rows"), required=False)


class DuplicateFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why they may be the same"), required=False,
        choices=[
            ("", _("Any reason")),
            ("phone", _("Same phone number")),
            ("email", _("Same e-mail address")),
            ("name", _("Similar name in the same city")),
        ],
    )


# Every member a duplicate group lists can be compared; more columns would not fit.
MERGE_MAX_CUSTOMERS = DUPLICATE_MEMBERS_SHOWN


class MergeSelectionForm(forms.Form):
    """The customers to merge (`ids` in the query string, then hidden in the merge form):
    live customers the user may see, at least two."""

    ids = forms.ModelMultipleChoiceField(
        queryset=Customer.objects.none(), widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Choose the customers to merge."),
            "invalid_choice": _("Customer %(value)s no longer exists (deleted or already "
                                "merged) or is not yours to merge."),
            "invalid_pk_value": _("“%(pk)s” is not a customer number."),
        },
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = merge_candidates(user=user)

    def clean_ids(self):
        customers = list(self.cleaned_data["ids"])
        if len(customers) < 2:
            raise forms.ValidationError(_("Choose at least two different customers to merge."))
        if len(customers) > MERGE_MAX_CUSTOMERS:
            raise forms.ValidationError(
                _("Merge at most %(count)d customers at a time.") % {"count": MERGE_MAX_CUSTOMERS}
            )
        return customers


def _display(customer: Customer, name: str) -> str:
    field = Customer._meta.get_field(name)
    value = getattr(customer, name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(customer, f"get_{name}_display")())
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if name == "notes":
        return Truncator(value).chars(80)
    return str(formats.localize(value))


class CustomerMergeForm(forms.Form):
    """Which customer survives and, for each field where the customers differ, whose value
    it keeps (by default the survivor's, or the first non-empty one)."""

    survivor = forms.TypedChoiceField(
        label=_("Keep this customer"), coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, customers: list[Customer], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.customers = customers
        self._by_pk = {customer.pk: customer for customer in customers}
        first = customers[0]
        self.fields["survivor"].choices = [(c.pk, str(c)) for c in customers]
        self.fields["survivor"].initial = first.pk
        for customer in customers:
            self.fields[f"version_{customer.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=customer.version
            )
        self.field_names = []
        for name in MERGE_FIELDS:
            attname = Customer._meta.get_field(name).attname
            values = [getattr(c, attname) for c in customers]
            if len(set(values)) == 1:
                continue
            filled = [c for c, value in zip(customers, values) if value not in (None, "")]
            self.fields[name] = forms.TypedChoiceField(
                label=capfirst(Customer._meta.get_field(name).verbose_name), coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=[(c.pk, _display(c, name)) for c in customers],
                initial=(first if first in filled or not filled else filled[0]).pk,
                # A row missing from the post (the customers changed since the page was
                # shown) keeps the survivor's value; the version check then refuses anyway.
                required=False, empty_value=None,
            )
            self.field_names.append(name)

    @property
    def choice_rows(self) -> list:
        return [self[name] for name in self.field_names]

    @property
    def version_fields(self) -> list:
        return [self[f"version_{customer.pk}"] for customer in self.customers]

    @property
    def same_count(self) -> int:
        return len(MERGE_FIELDS) - len(self.field_names)

    def service_data(self) -> dict:
        """Keyword arguments for `customers_merge`."""
        survivor = self._by_pk[self.cleaned_data["survivor"]]
        return {
            "survivor": survivor,
            "others": [c for c in self.customers if c.pk != survivor.pk],
            "values": {name: getattr(self._by_pk[self.cleaned_data[name]], name)
                       for name in self.field_names if self.cleaned_data[name] is not None},
            "versions": {c.pk: self.cleaned_data[f"version_{c.pk}"] for c in self.customers},
        }
