"""Goals, the printed tables and the JSON results file."""

from __future__ import annotations

import json
from pathlib import Path

from bench import analytics as analytics_group
from bench import imports as import_group
from bench.scenarios import ADMIN, DASHBOARD, DEEP, DETAIL, LIST, PING, SEARCH

# The goals: page p95 against the same user's ping p95, deep pages against their first
# page, search in absolute time and against an `icontains` full scan.
LIST_VS_PING = 4.0
DETAIL_VS_PING = 3.0
DEEP_VS_FIRST = 1.5
SEARCH_P95_MS = 20.0
SEARCH_VS_SCAN = 50.0


def _goal(user, key, goal, value, limit, *, at_most=True, unit="×", note=""):
    ok = None if value is None else (value <= limit if at_most else value >= limit)
    return {"user": user, "key": key, "goal": goal, "value": value, "limit": limit,
            "unit": unit, "ok": ok, "note": note}


def evaluate(http: list[dict], sql: dict | None, *, trigram: bool,
             imports: dict | None = None, analytics: dict | None = None) -> list[dict]:
    goals = []
    by_user: dict[str, dict[str, dict]] = {}
    for row in http:
        by_user.setdefault(row["user"], {})[row["key"]] = row
    for user, rows in by_user.items():
        for key, row in rows.items():
            p95 = row.get("p95_ms")
            if row["kind"] == PING or p95 is None:
                continue
            # The pings measured with this page (`--pairing`), else the user's ping row.
            ping = row.get("ping_p95_ms") or rows.get("ping", {}).get("p95_ms")
            if ping:
                limit = {DETAIL: DETAIL_VS_PING, DASHBOARD: analytics_group.CACHED_VS_PING}.get(
                    row["kind"], LIST_VS_PING)
                goals.append(_goal(user, key, f"p95 ≤ {limit:g}× ping p95",
                                   round(p95 / ping, 2), limit))
            if row["kind"] == DEEP and row.get("baseline") in rows:
                # The first page as measured interleaved with this one, else its own row.
                base = row.get("baseline_p95_ms") or rows[row["baseline"]]["p95_ms"]
                goals.append(_goal(user, key, f"p95 ≤ {DEEP_VS_FIRST:g}× {row['baseline']} p95",
                                   round(p95 / base, 2), DEEP_VS_FIRST))
            if row["kind"] == SEARCH:
                goals.append(_goal(user, key, f"p95 ≤ {SEARCH_P95_MS:g} ms", p95, SEARCH_P95_MS,
                                   unit="ms", note="" if trigram else "no pg_trgm: not a goal"))
    if sql:
        for item in sql.get("search_vs_scan", []):
            goals.append(_goal(item["user"], item["key"],
                               f"search SQL ≥ {SEARCH_VS_SCAN:g}× faster than a full scan",
                               item["speedup_vs_scan"], SEARCH_VS_SCAN, at_most=False,
                               note="" if trigram else "no pg_trgm: not a goal"))
        for user, scenarios in sql.get("users", {}).items():
            for key, item in scenarios.items():
                for count in item["counts"]:
                    goals.append(_goal(user, key, f"count ≤ {sql['list_count_limit']:,} rows",
                                       count["rows_counted"], sql["list_count_limit"] + 1,
                                       unit="rows",
                                       note=f"touched {count['max_rows_touched']:,} rows"))
    for goal in goals:
        if goal["note"].startswith("no pg_trgm"):
            goal["ok"] = None
    goals += _import_goals(imports)
    goals += analytics_group.goals(analytics)
    return goals


def _import_goals(imports: dict | None) -> list[dict]:
    """The import group's goals: rows/s against COPY's, statements per 1,000 rows, memory."""
    if not imports:
        return []
    if "error" in imports:
        return [_goal("import", "import", "the import group runs", None, None,
                      note=imports["error"][:200]) | {"ok": False}]
    goals = []
    for row in imports["rows"]:
        if row["ratio_pct"] is not None:
            stretch = "stretch met" if row["ratio_pct"] >= import_group.RATIO_STRETCH else (
                f"stretch {import_group.RATIO_STRETCH:g}% not met")
            goals.append(_goal("import", row["key"],
                               f"rows/s ≥ {import_group.RATIO_GOAL:g}% of COPY's",
                               row["ratio_pct"], import_group.RATIO_GOAL, at_most=False,
                               unit="%", note=stretch))
        if row["key"] != "import.customers_again":
            goals.append(_goal("import", row["key"], "≤ 1 SQL statement per 1,000 rows",
                               row["statements_per_1000_rows"],
                               import_group.STATEMENTS_PER_1000, unit="per 1,000 rows",
                               note=f"{row['statements']} statements"))
        if row["key"] == "import.customers_again":
            goals.append(_goal("import", row["key"], "re-importing the same file changes nothing",
                               f"{row['created']:,} created, {row['updated']:,} updated",
                               "0 created, 0 updated", unit="")
                         | {"ok": row["created"] == 0 and row["updated"] == 0})
        if row["kind"] == "purchases":
            goals.append(_goal("import", row["key"],
                               f"peak memory < {import_group.PEAK_MB:,.0f} MB",
                               row["peak_rss_mb"], import_group.PEAK_MB, unit="MB",
                               note=f"{row['rows']:,}-row file"))
    for goal in goals:  # "under 1 GiB": strictly
        if goal["unit"] == "MB" and goal["value"] is not None:
            goal["ok"] = goal["value"] < goal["limit"]
    same = imports.get("copy", {}).get("same_rows_as_import", {})
    for kind, ok in same.items():
        goals.append(_goal("import", f"import.{kind}", "COPY loaded the same rows as the import",
                           "same" if ok else "different", "same", unit="") | {"ok": ok})
    return goals


def _table(headers: list[str], rows: list[list], aligns: str) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values):
        out = []
        for value, width, align in zip(values, widths, aligns):
            pad = " " * (width - _width(value))
            out.append(pad + value if align == "r" else value + pad)
        return "| " + " | ".join(out) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if a == "r" else "-" * (w + 2)
                         for w, a in zip(widths, aligns)) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in cells)])


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def _mark(ok) -> str:
    return {True: "ok", False: "MISS", None: "n/a"}[ok]


def render(results: dict) -> str:
    out = []
    fx = results.get("fixtures")
    if fx:
        out.append(f"Bench database: {results['database']['url']} "
                   f"({results['seed']['customers']:,} customers, "
                   f"{results['seed']['purchases']:,} purchases; pg_trgm: "
                   f"{'yes' if results['trigram'] else 'no'})")
        for user, info in fx["users"].items():
            out.append(f"  {user}: sees {info['visible_customers']:,} customers")
    else:
        out.append("Import group only (no page timings)")
    out.append(f"  code: {results['git']}")
    if results.get("git_at_end") and results["git_at_end"] != results["git"]:
        out.append(f"  WARNING: the code changed during the run (now {results['git_at_end']}); "
                   "its parts may have measured different code")
    goals = results["goals"]
    http = results.get("http") or []
    if http:
        options = results.get("options") or {}
        # Runs saved before `--pairing` measured blocks of pings, or none with --ping-block 0.
        pairing = options.get("pairing") or ("block" if options.get("ping_block") else "none")
        paired_with = {
            "interleaved": "the pings interleaved with the page's requests",
            "block": "the pings measured just before the page",
            "none": "the user's ping row",
        }.get(pairing, pairing)
        out.append(f"\nHTTP timings (sequential, ms; ratio = p95 / the p95 of {paired_with}, "
                   "shown as `ping p95`)")
        rows = []
        for row in http:
            ratio = next((g for g in goals if g["user"] == row["user"] and g["key"] == row["key"]
                          and "ping" in g["goal"]), None)
            rows.append([row["user"], row["key"], row["label"], row.get("n", 0),
                         f"{row.get('p50_ms', 0):.2f}", f"{row.get('p95_ms', 0):.2f}",
                         f"{row.get('mean_ms', 0):.2f}", _fixed(row.get("ping_p95_ms"), 2),
                         f"{ratio['value']:.2f}× / {ratio['limit']:g}×" if ratio else "",
                         _mark(ratio["ok"]) if ratio else "", row.get("result_count", "")])
        out.append(_table(["user", "key", "page", "n", "p50", "p95", "mean", "ping p95",
                           "vs ping", "", "results shown"], rows, "lllrrrrrrll"))
    dashboards = [row for row in http if row["kind"] == DASHBOARD]
    if dashboards:
        out.append("\nDashboards: the first request of each (cold: it computes and caches the"
                   " figures) and the cached requests after the warm-up (ms)")
        out.append(_table(["user", "key", "cold (first)", "cached p50", "cached p95"], [
            [row["user"], row["key"], _fixed(row.get("first_ms"), 1),
             f"{row.get('p50_ms', 0):.2f}", f"{row.get('p95_ms', 0):.2f}"]
            for row in dashboards], "llrrr"))
    out += analytics_group.render(results.get("analytics"))
    if results.get("import"):
        out += _render_import(results["import"])
    other = [g for g in goals if "ping" not in g["goal"] and not g["goal"].startswith("count")]
    if other:
        out.append("\nOther goals")
        out.append(_table(["user", "key", "goal", "measured", "ok", "note"], [
            [g["user"], g["key"], g["goal"],
             f"{g['value']}{'' if g['unit'] in ('×', '') else ' ' + g['unit']}"
             + ("×" if g["unit"] == "×" else ""), _mark(g["ok"]), g["note"]]
            for g in other], "lllrll"))
    sql = results.get("sql")
    if sql:
        out.append("\nSearch vs icontains full scan (SQL only, median ms of the statements with"
                   " LIKE or STRPOS; forced scan = index and bitmap scans disabled, a phone"
                   " search without its runs condition)")
        out.append(_table(["user", "key", "indexed", "forced scan", "×", "no trgm idx", "×"], [
            [s["user"], s["key"], f"{s['indexed_ms']:.2f}", f"{s['forced_scan_ms']:.1f}",
             s["speedup_vs_scan"], "" if s["no_trgm_ms"] is None else f"{s['no_trgm_ms']:.1f}",
             "" if s["speedup_vs_no_trgm"] is None else s["speedup_vs_no_trgm"]]
            for s in sql["search_vs_scan"]], "llrrrrr"))
        out.append("\nWhere the time goes, per page: median ms of the request in-process (Django"
                   " test client, no HTTP) and of its queries as Django timed them; EXPLAIN ms ="
                   " sum of server execution times; count = rows counted / most rows any plan"
                   " node touched")
        rows = []
        for user, scenarios in sql["users"].items():
            for key, item in scenarios.items():
                counts = ", ".join(f"{c['rows_counted']:,}/{c['max_rows_touched']:,}"
                                   + ("" if c["ok"] else " OVER") for c in item["counts"])
                generic = item.get("generic_ms")
                rows.append([user, key, f"{item['inprocess_ms']:.1f}",
                             f"{item['inprocess_sql_ms']:.1f}", item["queries"],
                             f"{item['sql_ms']:.2f}",
                             "" if generic is None else f"{generic:.2f}",
                             f"{item['slowest_ms']:.2f}", item["slowest"][:90], counts])
        out.append(_table(["user", "key", "in-process", "of which SQL", "queries",
                           "EXPLAIN ms", "generic", "slowest", "slowest plan", "count"], rows,
                          "llrrrrrrll"))
        regressions = [(user, key, r) for user, scenarios in sql["users"].items()
                       for key, item in scenarios.items()
                       for r in item.get("generic_regressions") or []]
        if sql.get("server_side_binding"):
            out.append("\nPrepared statements are on (server-side binding, prepare_threshold):"
                       " `generic` = the plans they may switch to after five runs"
                       " (plan_cache_mode=force_generic_plan).")
        for user, key, r in regressions:
            state = ("CHOSEN: PostgreSQL switches to it" if r.get("chosen")
                     else "risk: not chosen at today's estimates")
            out.append(f"  GENERIC PLAN {user} {key}: {r['custom_ms']:.2f} ms as literal SQL, "
                       f"{r['generic_ms']:.2f} ms prepared, {state} ({r['generic_shape'][:70]})")
    missed = [g for g in goals if g["ok"] is False]
    if sql:
        for user, scenarios in sql["users"].items():
            for key, item in scenarios.items():
                for r in item.get("generic_regressions") or []:
                    if r.get("chosen"):
                            missed.append({"user": user, "key": key, "value": r["generic_ms"],
                                       "goal": "the generic plan PostgreSQL switches to for"
                                               " the prepared statement is no slower"})
    out.append(f"\nGoals: {sum(1 for g in goals if g['ok'])} met, {len(missed)} missed, "
               f"{sum(1 for g in goals if g['ok'] is None)} not applicable")
    for g in missed:
        out.append(f"  MISS {g['user']} {g['key']}: {g['goal']} (measured {g['value']})")
    return "\n".join(out)


def _fixed(value, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _render_import(imp: dict) -> list[str]:
    out = [f"\nImports (scratch database {imp.get('database', '?')})"]
    if "error" in imp:
        return out + [f"  FAILED: {imp['error']}"]
    files = imp["files"]
    out.append(f"  files: {files['params']['customers']:,} customers "
               f"({files['sizes']['customers.csv'] / 2**20:.1f} MB), "
               f"{files['params']['purchases']:,} purchases "
               f"({files['sizes']['purchases.csv'] / 2**20:.1f} MB), "
               f"{files['params']['products']} SKUs, seed {files['params']['seed']}"
               f"{' (reused)' if files.get('reused') else ''}")
    out.append("  import = customers.imports.import_file in its own process, validation on, "
               "timed around the call; process = the same plus interpreter and Django start-up;"
               " COPY = the same rows, already validated, loaded with COPY into the same tables"
               " and indexes, timed from the first COPY to the COMMIT (reading the CSV not "
               "timed); ratio = import rows/s ÷ COPY rows/s; peak = the import process's "
               "peak RSS (VmHWM); load = 1-minute load average as the import / COPY began; "
               "CPU ratio = the same ratio on CPU seconds (COPY's backend ÷ the import process "
               "plus its backend), which competing processes barely move: not a goal, a check "
               "on a noisy ratio")
    if imp.get("rounds", 1) > 1:
        out.append(f"  the median of {imp['rounds']} rounds (every sample in the JSON)")
    rows = []
    for r in imp["rows"]:
        rows.append([
            r["key"], f"{r['rows']:,}", f"{r['import_seconds']:.2f}",
            f"{r['import_rows_per_s']:,}", f"{r['process_seconds']:.2f}",
            "" if r["copy_seconds"] is None else f"{r['copy_seconds']:.2f}",
            "" if r["copy_rows_per_s"] is None else f"{r['copy_rows_per_s']:,}",
            "" if r["ratio_pct"] is None else f"{r['ratio_pct']:.1f}%",
            "" if r.get("cpu_ratio_pct") is None else f"{r['cpu_ratio_pct']:.1f}%",
            r["statements"], _fixed(r["statements_per_1000_rows"], 3),
            f"{r['peak_rss_mb']:.0f}",
            f"{r['created']:,}/{r['updated']:,}/{r['unchanged']:,}",
            f"{r['load']:.1f}" + ("" if r["copy_load"] is None else f"/{r['copy_load']:.1f}"),
        ])
    out.append(_table(["key", "rows", "import s", "rows/s", "process s", "COPY s",
                       "COPY rows/s", "ratio", "CPU ratio", "statements", "per 1,000 rows",
                       "peak MB", "created/updated/unchanged", "load"], rows,
                      "lrrrrrrrrrrrrr"))
    same = imp["copy"]["same_rows_as_import"]
    out.append("  COPY loaded the same rows as the import (fingerprints): "
               + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items()))
    return out


def write(results: dict, directory: Path, stamp: str) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"bench-{stamp}.json"
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    plans_path = directory / f"bench-{stamp}-plans.txt"
    if not results.get("sql"):
        return json_path, plans_path
    lines = []
    for user, scenarios in (results.get("sql") or {}).get("users", {}).items():
        for key, item in scenarios.items():
            lines.append(f"===== {user} {key}  {item['path']}  ({item['queries']} queries, "
                         f"{item['sql_ms']:.2f} ms SQL)")
            for statement in item["statements"]:
                if "text" in statement:
                    lines += ["", statement["sql"], statement["text"]]
            lines.append("")
    plans_path.write_text("\n".join(lines))
    return json_path, plans_path
