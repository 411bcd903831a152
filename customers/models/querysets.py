"""How customers are read: `CustomerQuerySet` (visibility, liveness, search, list rows) and
the SQL of a list row's tag names."""

from __future__ import annotations

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from customers.models.search import (
    NATIONAL_MIN_DIGITS, PHONE_MIN_DIGITS, PHONE_RUN_DIGITS, digit_runs,
    email_local_part_reversed, phone_digit_runs, search_kind,
)
from customers.normalization import digits_only

# The columns a customer list row shows (`customers.rows`, `{% customer_rows %}`).
ROW_FIELDS = ("id", "kind", "name", "phone", "email", "company", "city", "level", "status", "owner")

# Every column a list row shows or any list sorts by (the duplicate list's customers).
LIST_FIELDS = (
    *ROW_FIELDS, "created_at", "updated_at", "acquired_on", "churned_on", "deleted_at",
)


def row_fields(sort_fields) -> tuple[str, ...]:
    """ROW_FIELDS and the list's sort keys, which the keyset paginator reads back from the
    rows. Only the keys of the sort in use: reading every sort's made a page of 26 rows about
    0.6 ms slower (in-process, at a million customers)."""
    return ROW_FIELDS + tuple(name for name in sort_fields if name not in ROW_FIELDS)


# What the first page of a prefix search reads of each match (`customers.selectors.
# customer_page`): liveness, visibility and the default and name sort keys, which the prefix
# indexes include (`Customer.Meta.indexes`).
SEARCH_INDEX_COVERS = ("name", "id", "owner", "deleted_at", "created_at")


def tag_names_sql(customers: str = "") -> str:
    """ARRAY(the names of the tags of the customer in the outer query, in name order); the
    outer query names the customer table `customers` (by default, its own name)."""
    q = connection.ops.quote_name
    customer = apps.get_model("customers", "Customer")._meta
    link = customer.get_field("tags").remote_field.through._meta
    tag = apps.get_model("customers", "Tag")._meta
    name = q(tag.get_field("name").column)
    return (
        f"ARRAY(SELECT t.{name} FROM {q(tag.db_table)} t"
        f" JOIN {q(link.db_table)} ct"
        f" ON ct.{q(link.get_field('tag').column)} = t.{q(tag.pk.column)}"
        f" WHERE ct.{q(link.get_field('customer').column)} = "
        f"{customers or q(customer.db_table)}.{q(customer.pk.column)}"
        f" ORDER BY t.{name})"
    )


class CustomerQuerySet(models.QuerySet):
    def alive(self) -> CustomerQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> CustomerQuerySet:
        return self.filter(deleted_at__isnull=False)

    def visible_to(self, user) -> CustomerQuerySet:
        """Reps see the customers they own; support, managers and superusers see all."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_records:
            return self
        return self.filter(owner=user)

    def search(self, term: str) -> CustomerQuerySet:
        """Name, company, phone or e-mail containing `term` (a prefix for very short terms).

        A phone fragment matches the normalized digits, so `138 0013` finds `13800138000`.
        """
        term = (term or "").strip()
        kind = search_kind(term)
        if kind == "none":
            return self
        if kind == "email_local":
            # The local part ends with what comes before the @: a prefix of the reversed
            # local part (an index range); the whole term still has to appear.
            term = term.lower()
            local = term.partition("@")[0]
            return self.alias(email_local_reversed=email_local_part_reversed()).filter(
                email_local_reversed__startswith=local[::-1], email_normalized__contains=term)
        if kind == "email":
            return self.filter(email_normalized__contains=term.lower())
        if kind == "phone":
            digits = digits_only(term)
            fragments = [digits]
            # A number typed in national form keeps its trunk 0 (010-6552…), which the
            # normalized form drops (861065521234…), so also try it without. Only for an area
            # code and more: a short fragment such as the last digits 0301 means just those.
            # Nor when the zeros leave too few digits to mean anything (000000).
            national = digits.lstrip("0")
            if (national != digits and len(digits) >= NATIONAL_MIN_DIGITS
                    and len(national) >= PHONE_MIN_DIGITS):
                fragments.append(national)
            match = Q()
            for fragment in fragments:
                match |= _phone_contains(fragment)
            if len(digits) >= PHONE_RUN_DIGITS:
                return self.alias(phone_runs=phone_digit_runs()).filter(match)
            return self.filter(match)
        if kind == "prefix":
            name, company = _starts_with(term)
            return self.filter(name | company)
        return self.filter(
            Q(name__icontains=term)
            | Q(company__icontains=term)
            | Q(email_normalized__contains=term.lower())
        )

    def prefix_search_parts(self, term: str) -> list[CustomerQuerySet]:
        """`search(term)` for a prefix term as two querysets that share no customer and
        together find the same ones: names, then companies whose customer's name does not
        match. Each is a range of one index, where the two together are a bitmap scan; the
        indexes include SEARCH_INDEX_COVERS, so a part that reads no other column (no other
        filter, a sort they cover) does not visit the table at all."""
        term = (term or "").strip()
        if search_kind(term) != "prefix":
            raise ValueError(f"{term!r} is not a prefix search")
        name, company = _starts_with(term)
        return [self.filter(name), self.filter(company & ~name)]

    def for_list(self, sort_fields) -> CustomerQuerySet:
        """List rows as plain dicts of the columns a row shows and `sort_fields` (the keys of
        the list's order, `KeysetPaginator.fields`), with `tag_names`
        (the tags as one array column, which costs a fraction of `prefetch_related`:
        PostgreSQL evaluates it for the page's rows only, after LIMIT). Dicts, not instances:
        the table renders several times faster from them (see `customers.rows`)."""
        return self.values(*row_fields(sort_fields)).with_tag_names()

    def with_tag_names(self) -> CustomerQuerySet:
        """`tag_names`: the names of the customer's tags in name order, as one array column.

        Written in SQL: the ORM's equivalent (`ArraySubquery` over `Tag`) took longer to
        build and compile than the query takes to run. It names the customer table itself,
        so the queryset must not join customers a second time."""
        return self.annotate(tag_names=RawSQL(tag_names_sql(), (), output_field=ArrayField(
            models.CharField())))


def _starts_with(term: str) -> tuple[Q, Q]:
    """A prefix search's two conditions: the name, and the company, starting with `term`."""
    return Q(name__istartswith=term), Q(company__istartswith=term)


def _phone_contains(digits: str) -> Q:
    """Normalized phones containing `digits`: for a long enough fragment, among those
    holding its every run (`phone_runs`, the index of `phone_digit_runs`); the containment
    is tested with STRPOS, which the trigram index cannot take over."""
    if len(digits) < PHONE_RUN_DIGITS:
        return Q(phone_normalized__contains=digits)
    return Q(phone_runs__contains=digit_runs(digits)) & Q(
        GreaterThan(StrIndex("phone_normalized", Value(digits)), 0))
