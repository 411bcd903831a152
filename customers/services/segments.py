"""The customers' value segments: derived data, written in bulk by the analytics refresh."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DataError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer

_STAGE = "customer_value_segment_stage"


@dataclass(frozen=True)
class ValueSegmentWrite:
    """What a refresh wrote: customers per segment in the mapping, rows whose segment changed
    (`changed`, including newly assigned ones) and rows cleared to blank (`cleared`)."""

    segments: dict[str, int]
    changed: int
    cleared: int


@transaction.atomic
def customers_set_value_segments(
    *, segments: Mapping[int, str], computed_at: dt.datetime
) -> ValueSegmentWrite:
    """Make `segments` (customer id → key of Customer.ValueSegment) the customers' value
    segments and clear every other customer's to blank, all or nothing.

    An unknown key raises ValidationError before anything is written. Only rows whose segment
    changes are written; they get `value_segment_at = computed_at`, so it tells since when a
    customer has been in its segment, and a refresh that changes little costs little.

    `version` and `updated_at` stay as they are: the segment is derived from the purchase
    ledger, not an edit of the customer, so an editor holding the customer's form is not
    refused because the nightly refresh ran, and "recently updated" keeps meaning people's
    changes. Concurrent customer edits lock the row first and save what they read under the
    lock, so neither write loses the other.
    """
    if timezone.is_naive(computed_at):
        raise ValueError("computed_at must be an aware datetime.")
    counts = Counter(segments.values())
    unknown = sorted(map(str, set(counts) - set(Customer.ValueSegment.values)))
    if unknown:
        raise ValidationError(
            _("Unknown value segment: %(keys)s. Nothing was written.")
            % {"keys": ", ".join(unknown)},
            code="unknown_segment",
        )
    table = connection.ops.quote_name(Customer._meta.db_table)
    with connection.cursor() as cursor:
        # A temporary table filled by COPY and one join: a million rows in seconds, where
        # row-by-row UPDATEs (or bulk_update's CASE over every id) take minutes.
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        # The primary key is built after the COPY (one sort) and keeps the clearing anti-join
        # cheap even when the customer table's statistics predate the last refresh.
        cursor.execute(
            f"CREATE TEMP TABLE {_STAGE} (customer_id bigint NOT NULL, segment text NOT NULL)"
        )
        try:
            with transaction.atomic(), cursor.cursor.copy(
                f"COPY {_STAGE} (customer_id, segment) FROM STDIN"
            ) as copy:
                copy.write("".join(f"{int(pk)}\t{key}\n" for pk, key in segments.items()))
        except (TypeError, ValueError, DataError) as error:
            raise ValidationError(
                _("Customer ids must be whole numbers. Nothing was written."), code="invalid"
            ) from error
        cursor.execute(f"ALTER TABLE {_STAGE} ADD PRIMARY KEY (customer_id)")
        # Temporary tables are never analysed automatically; the join plan needs the size.
        cursor.execute(f"ANALYZE {_STAGE}")
        cursor.execute(
            f"""UPDATE {table} AS customer
                SET value_segment = stage.segment, value_segment_at = %s
                FROM {_STAGE} AS stage
                WHERE customer.id = stage.customer_id
                  AND customer.value_segment <> stage.segment""",
            [computed_at],
        )
        changed = cursor.rowcount
        cursor.execute(
            f"""UPDATE {table} AS customer
                SET value_segment = '', value_segment_at = %s
                WHERE customer.value_segment <> ''
                  AND NOT EXISTS (SELECT 1 FROM {_STAGE} AS stage
                                  WHERE stage.customer_id = customer.id)""",
            [computed_at],
        )
        cleared = cursor.rowcount
        cursor.execute(f"DROP TABLE {_STAGE}")
    return ValueSegmentWrite(
        segments={key: counts.get(key, 0) for key in Customer.ValueSegment.values},
        changed=changed,
        cleared=cleared,
    )
