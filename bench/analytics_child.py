#!/usr/bin/env python
"""The KPI timings of `bench/run.py --only analytics`, in a process of their own.

    analytics_child.py START END ROUNDS [USERNAME ...]

Each round runs, on one connection, a single server-side scan of the purchase columns the KPIs
read (`SELECT count(customer_id), min(purchased_on), sum(amount) FROM customers_purchase`:
PostgreSQL reads every row and sends one back) and then `analytics.kpis.compute_kpis` for the
period, over every customer and over each USERNAME's customers. The KPIs have no cache of
their own, so every call is cold for the application; the database's buffers are warm after
the first round, as they are on a server in use. Prints one line `BENCH-RESULT {json}`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script, bench/ is first on sys.path: the root must be
    sys.path[:1] = [str(_ROOT)]

SCAN = "SELECT count(customer_id), min(purchased_on), sum(amount) FROM customers_purchase"


def main(argv: list[str]) -> int:
    import datetime as dt

    import django

    django.setup()
    from django.db import connection

    from analytics.kpis import compute_kpis
    from analytics.periods import Period
    from crm.models import User

    start, end, rounds, *usernames = argv
    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    owners = {name: User.objects.get(username=name) for name in usernames}
    samples: list[dict] = []
    for _ in range(int(rounds)):
        sample: dict = {}
        with connection.cursor() as cursor:
            began = time.perf_counter()
            cursor.execute(SCAN)
            rows = cursor.fetchone()[0]
            sample["scan_s"] = time.perf_counter() - began
        began = time.perf_counter()
        report = compute_kpis(period=period)
        sample["kpis_s"] = time.perf_counter() - began
        for name, owner in owners.items():
            began = time.perf_counter()
            compute_kpis(period=period, owner=owner)
            sample[f"kpis_{name}_s"] = time.perf_counter() - began
        samples.append(sample)
    print("BENCH-RESULT " + json.dumps({
        "period": [start, end], "purchase_rows": rows,
        "purchases_in_period": report["sales"]["purchases"],
        "buyers_in_period": report["sales"]["buyers"], "samples": samples,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
