"""Customer and purchase exports in the import columns (SPEC §5), as CSV or XLSX.

Rows stream from the database in batches, so a million customers export in flat memory.
Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) gets a leading apostrophe; the importer takes it off again, so an export re-imports to
the same data.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, QuerySet

from customers.imports.columns import CUSTOMER_COLUMNS, PURCHASE_COLUMNS

__all__ = ["CUSTOMER_COLUMNS", "PURCHASE_COLUMNS", "customer_rows", "purchase_rows",
           "csv_lines", "write_xlsx", "export", "neutralize"]
from customers.models import Customer, Purchase, Tag

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BATCH = 5000


def neutralize(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def customer_rows(customers: QuerySet[Customer]) -> Iterator[list[str]]:
    """The customers as rows of the import columns, in id order."""
    tags = Tag.objects.filter(customers=OuterRef("pk")).order_by("name").values("name")
    fields = [c for c in CUSTOMER_COLUMNS if c not in ("owner", "tags")]
    values = (
        customers.order_by("pk")
        .annotate(owner_username=F("owner__username"), tag_list=ArraySubquery(tags))
        .values_list(*fields, "owner_username", "tag_list")
    )
    for *row, tag_names in values.iterator(chunk_size=BATCH):
        yield [neutralize(value) for value in row] + [neutralize(";".join(tag_names))]


def purchase_rows(purchases: QuerySet[Purchase]) -> Iterator[list[str]]:
    values = purchases.order_by("pk").values_list(
        "external_id", "customer__external_id", "purchased_on", "product__sku",
        "product__name", "quantity", "unit_price", "amount",
    )
    for row in values.iterator(chunk_size=BATCH):
        yield [neutralize(value) for value in row]


class _Echo:
    """A file-like object whose write() hands back what it was given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text, line by line, starting with a BOM so Excel reads the Chinese correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow(row)


def write_xlsx(target: str | Path | IO[bytes], header: Iterable[str],
               rows: Iterable[list[str]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    book.save(target)


def export(path: str | Path, kind: str, queryset: QuerySet) -> int:
    """Write `queryset` to `path` (.csv or .xlsx); the number of rows written."""
    path = Path(path)
    header = CUSTOMER_COLUMNS if kind == "customers" else PURCHASE_COLUMNS
    rows = customer_rows(queryset) if kind == "customers" else purchase_rows(queryset)
    counted = _Counter(rows)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, header, counted)
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(csv_lines(header, counted))
    else:
        raise ValueError(path.suffix)
    return counted.count


class _Counter:
    def __init__(self, rows: Iterable[list[str]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
