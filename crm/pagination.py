"""Keyset ("seek") pagination and capped counts for lists of any size.

OFFSET pagination reads and throws away every row before the page, so the last page of a
million rows costs as much as a full scan; seeking from the previous page's last sort key
costs the same on every page. Pages are addressed by an opaque cursor instead of a number.
Counts are exact up to `LIST_COUNT_LIMIT` and shown as "1,000+" (say) beyond it.

django-cursor-pagination was considered; it expands the seek condition into ORs over each
key, which PostgreSQL cannot answer from an index, so the seek here is one row comparison.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Field, Func, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.functional import cached_property

FIRST, NEXT, PREVIOUS, LAST = "first", "next", "prev", "last"


class Row(Func):
    """A PostgreSQL row constructor, compared element by element: ROW(a, b) < ROW(1, 2)."""

    function = "ROW"
    output_field = Field()


@dataclass(frozen=True)
class Cursor:
    direction: str
    values: tuple[Any, ...] = ()

    def encode(self) -> str:
        payload = json.dumps([self.direction, list(self.values)], default=str, separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None) -> Cursor:
        if not token:
            return cls(FIRST)
        if token == LAST:
            return cls(LAST)
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            direction, values = json.loads(raw)
        except (ValueError, TypeError, binascii.Error):
            return cls(FIRST)
        if direction not in (NEXT, PREVIOUS) or not isinstance(values, list):
            return cls(FIRST)
        # Only what an encoded cursor can hold: finite numbers and text PostgreSQL accepts.
        for value in values:
            if isinstance(value, float) and not math.isfinite(value):
                return cls(FIRST)
            if isinstance(value, str) and "\x00" in value:
                return cls(FIRST)
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                return cls(FIRST)
        return cls(direction, tuple(values))


@dataclass
class KeysetPage:
    object_list: list
    has_next: bool
    has_previous: bool
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_is_capped: bool
    per_page: int

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def last_cursor(self) -> str:
        return LAST


def _counted(queryset: QuerySet, limit: int) -> QuerySet:
    # values("pk"): annotations (a list's per-row subqueries) are not part of the count.
    return queryset.order_by().values("pk")[: limit + 1]


def _capped(count: int, limit: int) -> tuple[int, bool]:
    return (limit, True) if count > limit else (count, False)


def capped_count(queryset: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """(count, capped): an exact count up to `limit`, or (limit, True) when there are more."""
    limit = settings.LIST_COUNT_LIMIT if limit is None else limit
    return _capped(_counted(queryset, limit).count(), limit)


# The page query's extra column holding the capped count of the whole list.
COUNT_COLUMN = "keyset_capped_count"


def with_capped_count(queryset: QuerySet, of: QuerySet, limit: int) -> QuerySet:
    """`queryset` with a column holding the capped count of `of`: PostgreSQL computes the
    uncorrelated subquery once per statement, so a page and its count take one round trip."""
    sql, params = _counted(of, limit).query.sql_with_params()
    return queryset.annotate(**{COUNT_COLUMN: RawSQL(
        f"SELECT count(*) FROM ({sql}) AS capped", params, output_field=IntegerField()
    )})


class KeysetPaginator:
    """Pages through `queryset` in its own ordering plus the primary key as tie-break.

    Every ordering key must sort in the same direction (all ascending or all descending) so
    the seek is a single row comparison that one composite index answers.
    """

    def __init__(self, queryset: QuerySet, per_page: int | None = None, *,
                 count_with_rows: bool = True) -> None:
        """`count_with_rows`: count the list in the page's own query (one round trip). Pass
        False when the filter itself is the expensive part (a trigram search): the count is
        then a second query, made only when the page does not hold every row."""
        self.per_page = per_page or settings.LIST_PAGE_SIZE
        self.count_with_rows = count_with_rows
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ["-pk"])
        descending = {key.startswith("-") for key in ordering}
        if len(descending) != 1:
            raise ValueError("Keyset ordering keys must all sort the same way.")
        self.descending = descending.pop()
        self.fields = [key.lstrip("-") for key in ordering]
        pk_name = queryset.model._meta.pk.name
        if not {"pk", pk_name} & set(self.fields):
            self.fields.append(pk_name)
        self.fields = [pk_name if f == "pk" else f for f in self.fields]
        self.queryset = queryset

    def _ordered(self, reverse: bool) -> QuerySet:
        desc = self.descending != reverse
        return self.queryset.order_by(*[("-" if desc else "") + f for f in self.fields])

    def _key(self, obj) -> list:
        if isinstance(obj, dict):  # a row of `.values()`, keyed by field name
            return [obj[name] for name in self.fields]
        return [getattr(obj, attname) for attname in self._attnames]

    @cached_property
    def _attnames(self) -> list[str]:
        meta = self.queryset.model._meta
        return [meta.get_field(f).attname for f in self.fields]

    def _seek(self, queryset: QuerySet, values: tuple, forward: bool) -> QuerySet:
        meta = self.queryset.model._meta
        if len(values) != len(self.fields):
            raise ValidationError("cursor")
        typed = []
        for name, raw in zip(self.fields, values):
            field = meta.get_field(name)
            typed.append(Value(field.to_python(raw), output_field=field))
        lhs = Row(*self.fields)
        rhs = Row(*typed)
        after = (LessThan if self.descending else GreaterThan) if forward else (
            GreaterThan if self.descending else LessThan
        )
        return queryset.filter(after(lhs, rhs))

    @staticmethod
    def is_first_page(token: str | None) -> bool:
        return Cursor.decode(token).direction == FIRST

    def order_by_sql(self, alias: str) -> str:
        """This paginator's order as SQL over the columns of `alias` named like the fields
        (the rows of a `.values()` query read as a subquery)."""
        quote = connections[self.queryset.db].ops.quote_name
        direction = " DESC" if self.descending else ""
        return ", ".join(f"{alias}.{quote(name)}{direction}" for name in self.fields)

    def first_page_of(self, rows: list, *, count: int) -> KeysetPage:
        """The first page from `rows`: the first `per_page + 1` rows of the list in this
        paginator's order, read by the caller together with the list's `count`."""
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        count, capped = _capped(count, settings.LIST_COUNT_LIMIT)
        return KeysetPage(
            object_list=rows, has_next=more, has_previous=False,
            next_cursor=Cursor(NEXT, tuple(self._key(rows[-1]))).encode() if more else None,
            previous_cursor=None, count=count, count_is_capped=capped, per_page=self.per_page,
        )

    def page(self, token: str | None, *, count: int | None = None,
             count_is_capped: bool = False) -> KeysetPage:
        """The page `token` points at; pass `count` when the caller already knows it (and
        `count_is_capped` when it is the cap of a capped count)."""
        cursor = Cursor.decode(token)
        backwards = cursor.direction in (PREVIOUS, LAST)
        queryset = self._ordered(reverse=backwards)
        if cursor.values:
            try:
                queryset = self._seek(queryset, cursor.values, forward=not backwards)
            except (ValidationError, ValueError, TypeError, OverflowError):
                return self.page(None, count=count, count_is_capped=count_is_capped)
        limit = settings.LIST_COUNT_LIMIT
        counted_with_rows = count is None and self.count_with_rows
        if counted_with_rows:
            queryset = with_capped_count(queryset, of=self.queryset, limit=limit)
        rows = list(queryset[: self.per_page + 1])
        if not rows and cursor.values:
            # The rows beyond the cursor are gone (deleted, reassigned): start again.
            return self.page(None, count=count, count_is_capped=count_is_capped)
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if backwards:
            rows.reverse()
            has_previous, has_next = more, cursor.direction == PREVIOUS
        else:
            has_next, has_previous = more, cursor.direction == NEXT
        capped = count_is_capped
        if counted_with_rows:
            first = rows[0] if rows else None
            found = 0 if first is None else (
                first[COUNT_COLUMN] if isinstance(first, dict) else getattr(first, COUNT_COLUMN)
            )
            count, capped = _capped(found, limit)
        elif count is None and not more and cursor.direction in (FIRST, LAST):
            # The first or last page holds every row: they are the count.
            count, capped = _capped(len(rows), limit)
        elif count is None:
            count, capped = capped_count(self.queryset, limit)
        return KeysetPage(
            object_list=rows,
            has_next=has_next,
            has_previous=has_previous,
            next_cursor=Cursor(NEXT, tuple(self._key(rows[-1]))).encode() if has_next else None,
            previous_cursor=(
                Cursor(PREVIOUS, tuple(self._key(rows[0]))).encode() if has_previous else None
            ),
            count=count,
            count_is_capped=capped,
            per_page=self.per_page,
        )


class CappedCountPaginator(Paginator):
    """A Django paginator (for the admin) that counts at most `LIST_COUNT_LIMIT` rows, so a
    changelist over a million rows stays fast; pages beyond the cap are not offered."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)[0]
