"""The `analytics` scenario group: the KPI report and the managers' dashboards at a million
customers and about five million purchases (`--purchase-factor`).

- KPIs: `bench/analytics_child.py` times `compute_kpis` for this year (to today) next to a
  single server-side scan of the purchase columns, on one connection, `--analytics-rounds`
  rounds; the goal compares the medians (KPIs ≤ 8× the scan).
- Dashboards: HTTP scenarios of kind `dashboard` (bench/scenarios.py) under the same gunicorn as
  the pages. The first request of each is cold (nothing cached yet in the worker that answers
  it) and reported as such; the warm-up fills the cache of every worker, so the measured
  requests are the cached dashboard, whose p95 must stay within 2× the user's ping.
"""

from __future__ import annotations

import datetime as dt
import statistics

from bench.config import Options
from bench.imports import _child_script

GROUP = "analytics"
KPIS_VS_SCAN = 8.0
CACHED_VS_PING = 2.0
PRESET = "this_year"  # the dashboards' ?period=, the same range as the KPI timing


def selected(options: Options) -> bool:
    return not options.only or any(o.split(".")[0] == GROUP for o in options.only)


def period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or dt.date.today()
    return dt.date(today.year, 1, 1), today


def run(options: Options, env: dict[str, str]) -> dict:
    start, end = period()
    users = [u for u in options.users if u != "manager"]
    result = _child_script("analytics_child.py",
                           [start.isoformat(), end.isoformat(), str(options.analytics_rounds),
                            *users], env)
    samples = result["samples"]
    medians = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
    result["median"] = medians
    result["ratio"] = round(medians["kpis_s"] / medians["scan_s"], 2)
    return result


def goals(result: dict | None) -> list[dict]:
    if not result or "median" not in result:
        return []
    return [{"user": "-", "key": "analytics.kpis", "goal":
             f"kpis cold ≤ {KPIS_VS_SCAN:g}× one scan of the purchase columns",
             "value": result["ratio"], "limit": KPIS_VS_SCAN, "unit": "×",
             "ok": result["ratio"] <= KPIS_VS_SCAN, "note":
             f"{result['median']['kpis_s']:.2f} s vs {result['median']['scan_s']:.2f} s"}]


def render(result: dict | None) -> list[str]:
    if not result:
        return []
    if "error" in result:
        return [f"\nAnalytics group failed: {result['error']}"]
    m = result["median"]
    out = [f"\nKPIs, {result['period'][0]} to {result['period'][1]}: "
           f"{result['purchases_in_period']:,} purchases of {result['buyers_in_period']:,} "
           f"buyers in the period, {result['purchase_rows']:,} purchase rows in all; "
           f"median of {len(result['samples'])} rounds (s)"]
    for key, value in m.items():
        rounds = ", ".join(f"{s[key]:.2f}" for s in result["samples"])
        out.append(f"  {key.removesuffix('_s'):<16} {value:7.2f}   ({rounds})")
    out.append(f"  kpis ÷ scan = {result['ratio']}× (goal ≤ {KPIS_VS_SCAN:g}×)")
    return out
