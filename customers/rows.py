"""Customer list rows, finished in Python once per page.

A 25-row table is most of the list page's render time. Each row arrives as a dict (see
`CustomerQuerySet.for_list`) holding every string the row shows: its URL (`pk_url`, without
a `reverse` per row), translated labels, the status badge's class and the owner's name
(from the page's owner list instead of a join). `{% customer_rows %}`
(`customers/templatetags/customer_tables.py`) turns them into the table's rows.
"""

from __future__ import annotations

from crm.models import User
from crm.navigation import pk_url
from customers.models import Customer

STATUS_BADGES = {
    Customer.Status.ACTIVE: "text-bg-success",
    Customer.Status.CHURNED: "text-bg-secondary",
    Customer.Status.POTENTIAL: "text-bg-light border",
}


def finish(rows: list[dict], *, owner_names: dict[int, str]) -> list[dict]:
    """`rows` with `url`, `level_label`, `status_label`, `status_class` and `owner_name`
    added; owners missing from `owner_names` (say, a user who has left) are read at once."""
    missing = {row["owner"] for row in rows} - owner_names.keys() - {None}
    if missing:
        owner_names = {**owner_names,
                       **{user.pk: str(user) for user in User.objects.filter(pk__in=missing)}}
    levels = {value: str(label) for value, label in Customer.Level.choices}
    statuses = {value: str(label) for value, label in Customer.Status.choices}
    for row in rows:
        row["url"] = pk_url("customers:detail", row["id"])
        row["level_label"] = levels.get(row["level"], row["level"])
        row["status_label"] = statuses.get(row["status"], row["status"])
        row["status_class"] = STATUS_BADGES.get(row["status"], "text-bg-light border")
        row["owner_name"] = owner_names.get(row["owner"], "")
    return rows
