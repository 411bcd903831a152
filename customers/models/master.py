"""Customer master data and tags (SPEC §3); products and purchases live in `ledger`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.contrib.postgres.indexes import OpClass
from django.db.models.functions import Cast, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.navigation import pk_url
from customers.models.querysets import SEARCH_INDEX_COVERS, CustomerQuerySet
from customers.models.search import email_local_part_reversed, similar_name_key
from customers.normalization import validate_phone


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ValueSegment(models.TextChoices):
    """The RFM segments of the customer's purchases over the last 12 months, written by
    the analytics refresh (`customers_set_value_segments`); blank when the customer bought
    nothing in that time. Keys and labels are those of `analytics.rfm.SEGMENTS` (a test
    keeps them equal: this app may not import analytics)."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL_LOYALISTS = "potential_loyalists", _("Potential loyalists")
    NEW = "new", _("New")
    PROMISING = "promising", _("Promising")
    NEED_ATTENTION = "need_attention", _("Need attention")
    ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
    AT_RISK = "at_risk", _("At risk")
    CANNOT_LOSE = "cannot_lose", _("Cannot lose them")
    HIBERNATING = "hibernating", _("Hibernating")
    LOST = "lost", _("Lost")


class AliveCustomerManager(models.Manager.from_queryset(CustomerQuerySet)):
    def get_queryset(self) -> CustomerQuerySet:
        return super().get_queryset().alive()


def _alive(*fields, name: str, **kwargs) -> models.Index:
    return models.Index(*fields, name=name, condition=Q(deleted_at__isnull=True), **kwargs)


class Customer(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Level(models.TextChoices):
        A = "A", _("A · key")
        B = "B", _("B · important")
        C = "C", _("C · regular")
        D = "D", _("D · low")

    class Status(models.TextChoices):
        POTENTIAL = "potential", _("Potential")
        ACTIVE = "active", _("Active")
        CHURNED = "churned", _("Churned")

    class Source(models.TextChoices):
        WEBSITE = "website", _("Website")
        REFERRAL = "referral", _("Referral")
        EXHIBITION = "exhibition", _("Exhibition")
        ADVERTISING = "advertising", _("Advertising")
        COLD_CALL = "cold_call", _("Cold call")
        SOCIAL_MEDIA = "social_media", _("Social media")
        PARTNER = "partner", _("Partner")
        WALK_IN = "walk_in", _("Walk-in")
        OTHER = "other", _("Other")

    # Defined at module level so that `Meta` (which cannot see the class body) can use it.
    ValueSegment = ValueSegment

    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_phone]
    )
    phone_normalized = models.CharField(max_length=32, blank=True, editable=False)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    email_normalized = models.CharField(max_length=254, blank=True, editable=False)
    company = models.CharField(_("company"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source, blank=True)
    level = models.CharField(_("level"), max_length=1, choices=Level, default=Level.C)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.POTENTIAL)
    acquired_on = models.DateField(_("acquired on"), default=timezone.localdate)
    churned_on = models.DateField(_("churned on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_customers",
        null=True,
        blank=True,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="customers", blank=True)
    marketing_opt_out = models.BooleanField(_("opted out of marketing"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    external_id = models.CharField(_("external ID"), max_length=64, blank=True)
    # Derived data, not edited: see `customers_set_value_segments`. The database default lets
    # bulk writers that list their columns (imports, demo data) leave it out.
    value_segment = models.CharField(
        _("value segment"), max_length=20, choices=ValueSegment, blank=True, default="",
        db_default="", editable=False,
    )
    value_segment_at = models.DateTimeField(
        _("value segment since"), null=True, blank=True, editable=False,
        help_text=_("When the refresh that gave the customer its current value segment ran."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    objects = AliveCustomerManager()
    all_objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        # Validation (unique external_id) must see deleted customers too.
        default_manager_name = "all_objects"
        permissions = [
            ("reassign_customer", _("Can reassign customers to another owner")),
            ("restore_customer", _("Can see deleted customers and restore them")),
            ("merge_customer", _("Can merge duplicate customers and undo merges")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="customer_external_id_unique",
                violation_error_message=_("Another customer already has this external ID."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["person", "company"]), name="customer_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(level__in=["A", "B", "C", "D"]), name="customer_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["potential", "active", "churned"]),
                name="customer_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(status="churned") & Q(churned_on__isnull=False))
                | (~Q(status="churned") & Q(churned_on__isnull=True)),
                name="customer_churned_on_matches_status",
                violation_error_message=_(
                    "A churned customer needs a churn date, and only a churned customer has one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(churned_on__isnull=True) | Q(churned_on__gte=F("acquired_on")),
                name="customer_churned_after_acquired",
                violation_error_message=_("The churn date cannot be before the acquisition date."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="customer_name_not_empty",
                violation_error_message=_("A customer needs a name."),
            ),
            models.CheckConstraint(
                condition=Q(value_segment__in=["", *ValueSegment.values]),
                name="customer_value_segment_valid",
            ),
        ]
        indexes = [
            # Keyset pagination: one index per sort order, the primary key as tie-break.
            _alive("created_at", "id", name="customer_created_idx"),
            _alive("name", "id", name="customer_name_idx"),
            _alive("acquired_on", "id", name="customer_acquired_idx"),
            models.Index(fields=["churned_on", "id"], name="customer_churned_idx",
                         condition=Q(deleted_at__isnull=True) & Q(churned_on__isnull=False)),
            _alive("updated_at", "id", name="customer_updated_idx"),
            _alive("level", "id", name="customer_level_idx"),
            _alive("owner", "created_at", "id", name="customer_owner_created_idx"),
            _alive("owner", "name", "id", name="customer_owner_name_idx"),
            _alive("status", "created_at", "id", name="customer_status_created_idx"),
            _alive("city", name="customer_city_idx"),
            _alive("source", name="customer_source_idx"),
            models.Index(fields=["deleted_at"], name="customer_deleted_idx",
                         condition=Q(deleted_at__isnull=False)),
            # Duplicate warnings look live customers up by these keys; the duplicates page
            # groups them in key order, so each page of groups is read from an index
            # (index-only for phone and e-mail).
            models.Index(fields=["phone_normalized"], name="customer_phone_dup_idx",
                         condition=Q(deleted_at__isnull=True) & ~Q(phone_normalized="")),
            models.Index(fields=["email_normalized"], name="customer_email_dup_idx",
                         condition=Q(deleted_at__isnull=True) & ~Q(email_normalized="")),
            models.Index(similar_name_key(), name="customer_similar_name_idx",
                         condition=Q(deleted_at__isnull=True) & ~Q(city="")),
            # Prefix search for short terms (`istartswith` compares UPPER(col::text)).
            # Not partial: PostgreSQL keeps statistics for expression indexes only when they
            # cover the whole table, and without them it misjudges prefix searches.
            # Covering what the first page of a search reads of its matches (visibility and
            # the default and name sort keys; `CustomerQuerySet.prefix_search_parts`), so it
            # reads them from the index alone. The indexed column itself is included too: the
            # planner only plans an index-only scan when every column the query names is in
            # the index, even one it only reads inside the indexed expression.
            models.Index(
                OpClass(Upper(Cast("name", models.TextField())), name="text_pattern_ops"),
                name="customer_name_search_idx", include=SEARCH_INDEX_COVERS,
            ),
            models.Index(
                OpClass(Upper(Cast("company", models.TextField())), name="text_pattern_ops"),
                name="customer_company_search_idx", include=("company", *SEARCH_INDEX_COVERS),
            ),
            # E-mail searches with an @ (`CustomerQuerySet.search`); not partial, as above.
            models.Index(email_local_part_reversed(), name="customer_email_local_rev_idx"),
            # Not declared here, as they need SQL of their own: the trigram indexes of
            # contains-searches (migration 0003, where the server has pg_trgm) and the index
            # of phone numbers' runs of digits (0018, with its function).
            # Capped counts under the list filters become index-only scans.
            _alive("status", "level", "source", "city", name="customer_filter_idx"),
            _alive("owner", "status", "level", "source", "city", name="customer_owner_filter_idx"),
            # Joins from tag links check liveness without visiting the table.
            _alive("id", name="customer_alive_id_idx"),
            _alive("owner", "id", name="customer_owner_id_alive_idx"),
            # The list filtered by value segment, newest first (the default order); customers
            # without a segment are left out, a large share that the filter rarely asks for.
            models.Index(fields=["value_segment", "created_at", "id"],
                         name="customer_segment_created_idx",
                         condition=Q(deleted_at__isnull=True) & ~Q(value_segment="")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return pk_url("customers:detail", self.pk)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    # Cheaper than get_FOO_display(), which rebuilds a dict of every choice on each call; a
    # list page shows both for every row.
    @property
    def level_label(self) -> str:
        return self.Level(self.level).label

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def value_segment_label(self) -> str:
        return self.ValueSegment(self.value_segment).label if self.value_segment else ""
