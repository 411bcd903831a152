"""Products and the purchase ledger (SPEC §3)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models.master import Customer

# The amount column is numeric(14, 2).
MAX_PURCHASE_AMOUNT = Decimal("1e12")


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)
    list_price = models.DecimalField(
        _("list price"), max_digits=12, decimal_places=2, default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class PurchaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> PurchaseQuerySet:
        """Purchases of the customers the user may see (deleted customers' purchases hidden)."""
        customers = Customer.objects.visible_to(user)
        return self.filter(customer__in=customers)

    def for_list(self) -> PurchaseQuerySet:
        return self.select_related("product")


class Purchase(models.Model):
    """One transaction line; revenue is Σ amount, with amount = quantity × unit price."""

    class Channel(models.TextChoices):
        STORE = "store", _("Store")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("Phone")
        SALES_REP = "sales_rep", _("Sales rep")
        PARTNER = "partner", _("Partner")
        OTHER = "other", _("Other")

    # Indexed by `purchase_customer_day_idx`, whose first column it is.
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="purchases",
        db_index=False,
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="purchases"
    )
    purchased_on = models.DateField(_("purchased on"), default=timezone.localdate)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount = models.GeneratedField(
        expression=F("quantity") * F("unit_price"),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
        verbose_name=_("amount"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel, blank=True)
    external_id = models.CharField(_("external ID"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True, editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = PurchaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-purchased_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""),
                name="purchase_external_id_unique",
                violation_error_message=_("Another purchase already has this external ID."),
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="purchase_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="purchase_unit_price_not_negative"
            ),
        ]
        indexes = [
            # A customer's purchases newest first (scanned backwards), and per-customer
            # aggregates over a date range (analytics) from the index alone, amount included.
            models.Index(fields=["customer", "purchased_on", "id"], include=["amount"],
                         name="purchase_customer_day_idx"),
            # Date ranges (analytics) and the ledger's newest-first order with its tie-break.
            models.Index(fields=["purchased_on", "id"], name="purchase_date_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} × {self.quantity}"

    def clean(self) -> None:
        if self.quantity and self.unit_price is not None:
            if self.quantity * self.unit_price >= MAX_PURCHASE_AMOUNT:
                raise ValidationError(
                    _("The amount (quantity × unit price) is too large to record.")
                )
