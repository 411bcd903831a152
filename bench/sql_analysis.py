"""What the pages ask PostgreSQL: every statement each scenario issues, EXPLAIN (ANALYZE,
BUFFERS) of each, the capped-count check, and search against an `icontains` full scan.

The statements are captured in-process (Django's test client with the same settings and full
middleware, `CaptureQueriesContext`), so they are exactly what the view sends, with literal
parameters (psycopg binds client-side). Plans and timings come from separate psycopg sessions.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from typing import Any, Iterator

import psycopg
import psycopg.sql

from bench.config import Options
from bench.database import BenchDatabase
from bench.processes import log
from bench.scenarios import SEARCH, Scenario

_FORCE_SCAN = ("SET enable_indexscan = off", "SET enable_bitmapscan = off",
               "SET enable_indexonlyscan = off")
_TRGM_INDEXES = ("customer_name_trgm_idx", "customer_company_trgm_idx",
                 "customer_email_trgm_idx", "customer_phone_trgm_idx")
# A phone search of four digits or more narrows the numbers by the index of their digit runs
# (`customers.models.search.phone_digit_runs`), then tests each with STRPOS. Without the runs
# condition the statement is the plain containment test a search without indexes makes: the
# full scan it is compared with (with it, the scan would also compute every number's runs).
# The function is `customers.models.search.PHONE_RUNS_FUNCTION` (a test keeps them equal; this
# module is imported before Django is set up, so it cannot import the models).
_PHONE_RUNS_CONDITION = re.compile(
    r'customers_phone_digit_runs\(\("\w+"\."phone_normalized"\)::text\)'
    r" @> \(ARRAY\[[^\]]*\]\)::text\[\] AND "
)
_INDEXED_REPEATS = 15
_INPROCESS_REPEATS = 15
_TEXT_PLAN_TABLES = re.compile(r'"customers_\w+"')
# Model choice fields iterate with server-side cursors: `DECLARE "…" NO SCROLL CURSOR WITH HOLD
# FOR SELECT …`; the SELECT inside is what runs.
_DECLARE = re.compile(r"^\s*DECLARE\s+\S+\s+.*?\bCURSOR\b.*?\bFOR\s+(SELECT\b.*)$", re.S | re.I)


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _rows(node: dict) -> float:
    return node.get("Actual Rows", 0) * node.get("Actual Loops", 1)


def _examined(node: dict) -> float:
    removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return (node.get("Actual Rows", 0) + removed) * node.get("Actual Loops", 1)


def is_search_statement(sql: str) -> bool:
    """Whether `sql` is a search's statement: a LIKE (names, companies, e-mails, short phone
    fragments) or a phone number's containment test."""
    return " LIKE " in sql or "STRPOS(" in sql


def as_plain_scan(sql: str) -> str:
    """`sql` as a search without indexes would run it: the phone runs condition dropped."""
    return _PHONE_RUNS_CONDITION.sub("", sql)


def count_check(sql: str, plan: dict, limit: int) -> dict | None:
    """For a COUNT statement: how many rows fed the count (must be ≤ limit + 1) and how many
    rows any plan node touched on the way (the work the cap did not bound)."""
    if "COUNT(" not in sql.upper():
        return None
    aggregate = next((n for n in _nodes(plan) if n["Node Type"] == "Aggregate"), None)
    counted = _rows(aggregate["Plans"][0]) if aggregate and aggregate.get("Plans") else 0
    capped = re.search(r"\bLIMIT\s+(\d+)", sql, re.I)
    return {
        "rows_counted": int(counted),
        "query_limit": int(capped.group(1)) if capped else None,
        "max_rows_touched": int(max(_examined(n) for n in _nodes(plan))),
        "ok": counted <= limit + 1,
    }


def _summary_line(plan: dict) -> str:
    """The plan's shape in one line: node types with their relation or index, depth-first."""
    parts = []
    for node in _nodes(plan):
        name = node["Node Type"]
        target = node.get("Index Name") or node.get("Relation Name")
        parts.append(f"{name}({target})" if target else name)
    return " > ".join(parts)


def explain(conn: psycopg.Connection, sql: str, *, text: bool, runs: int = 3) -> dict:
    """The fastest of `runs` EXPLAIN ANALYZE runs (one run is at the mercy of a cold page or a
    neighbour's burst; the plan itself does not change between runs)."""
    row = min((conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql).fetchone()[0][0]
               for _ in range(runs)), key=lambda r: r["Execution Time"])
    result = {
        "execution_ms": round(row["Execution Time"], 3),
        "planning_ms": round(row["Planning Time"], 3),
        "shape": _summary_line(row["Plan"]),
        "plan": row["Plan"],
    }
    if text:
        lines = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()
        result["text"] = "\n".join(line[0] for line in lines)
    return result


_PLACEHOLDER = re.compile(r"%%|%s")


def _numbered(sql: str) -> tuple[str, int]:
    """Django's `%s` placeholders as PostgreSQL's `$1, $2, …` (and `%%` back to `%`)."""
    count = 0

    def replace(match):
        nonlocal count
        if match.group() == "%%":
            return "%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(replace, sql), count


def explain_generic(conn: psycopg.Connection, sql: str, params) -> dict | None:
    """EXPLAIN ANALYZE of the generic plan: what a prepared statement runs once PostgreSQL
    stops re-planning it for each parameter set (after five executions, when the generic plan
    does not look costlier). With server-side binding and psycopg's `prepare_threshold`, the
    app's repeated queries are prepared statements on long-lived connections."""
    if not isinstance(params, (list, tuple)):
        return None
    text, count = _numbered(sql)
    if count != len(params):
        return None
    args = ", ".join(psycopg.sql.Literal(p).as_string(conn) for p in params)
    execute = "EXECUTE bench_generic" + (f"({args})" if count else "")
    try:
        conn.execute("SET plan_cache_mode = force_generic_plan")
        conn.execute(f"PREPARE bench_generic AS {text}")
        try:
            row = min((conn.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {execute}")
                       .fetchone()[0][0] for _ in range(2)), key=lambda r: r["Execution Time"])
        finally:
            conn.execute("DEALLOCATE bench_generic")
    except psycopg.Error as error:
        return {"error": str(error).splitlines()[0]}
    finally:
        conn.execute("RESET plan_cache_mode")
    return {"execution_ms": round(row["Execution Time"], 3), "shape": _summary_line(row["Plan"]),
            "cost": row["Plan"]["Total Cost"]}


def _switches_to_generic(custom_plan: dict, generic: dict) -> bool:
    """PostgreSQL's own rule (plancache.c): after five custom plans it keeps the generic plan
    when that is estimated cheaper than the custom plans' average cost plus their planning
    (1000 × cpu_operator_cost per relation, plus one)."""
    relations = sum(1 for n in _nodes(custom_plan) if "Relation Name" in n)
    return generic["cost"] < custom_plan["Total Cost"] + 2.5 * (relations + 1)


def _timed(conn: psycopg.Connection, statements: list[str], repeats: int) -> float:
    """Median milliseconds of running all `statements` (fetching every row), over `repeats`."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for statement in statements:
            conn.execute(statement).fetchall()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


class _Recorder:
    """A `connection.execute_wrapper` keeping each statement as sent, with its parameters."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)


class _SqlTimer:
    """A `connection.execute_wrapper` adding up the wall time of every statement sent."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def capture(username: str, scenarios: list[Scenario]) -> dict[str, dict]:
    """The SQL each scenario's first path issues for `username` (second, warm request)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from crm.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    captured = {}
    for scenario in scenarios:
        path = scenario.paths[0]
        for _ in range(scenario.follow_next):
            page = client.get(path)
            match = re.search(r'rel="next"\s+href="([^"]+)"', page.content.decode())
            path = match.group(1).replace("&amp;", "&")
        scenario.paths[0], scenario.follow_next = path, 0
        headers = {k.replace("-", "_").upper(): v for k, v in scenario.headers.items()}
        extra = {f"HTTP_{k}": v for k, v in headers.items()}
        client.get(path, **extra)
        recorder = _Recorder()
        with CaptureQueriesContext(connection) as context, connection.execute_wrapper(recorder):
            response = client.get(path, **extra)
        # Copied now: every request's `request_started` signal empties the queries log.
        statements = [q["sql"] for q in context.captured_queries]
        raw = recorder.statements if len(recorder.statements) == len(statements) else []
        # Where a page's time goes: the whole request in-process (no HTTP, no gunicorn) against
        # the time its queries took as Django saw them (round trips included).
        runs, sql_runs = [], []
        for _ in range(_INPROCESS_REPEATS):
            timer = _SqlTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                client.get(path, **extra)
                runs.append((time.perf_counter() - started) * 1000)
            sql_runs.append(timer.ms)
        captured[scenario.key] = {
            "path": path,
            "status": response.status_code,
            "statements": statements,
            "raw": raw,
            "inprocess_ms": round(statistics.median(runs), 2),
            "inprocess_sql_ms": round(statistics.median(sql_runs), 2),
        }
    return captured


def analyse(db: BenchDatabase, env: dict[str, str], plan: dict[str, list[Scenario]],
            options: Options) -> dict[str, Any]:
    _setup_django(env)
    from django.conf import settings

    limit = settings.LIST_COUNT_LIMIT
    # With server-side binding, psycopg prepares a statement with its values as parameters
    # after `prepare_threshold` runs, and PostgreSQL may switch to a generic plan: that plan is
    # timed here. The app binds on the client (crm.postgresql prepares statements with their
    # values written in), so its plans are the custom plans timed above.
    db_options = settings.DATABASES["default"].get("OPTIONS", {})
    prepared = bool(db_options.get("server_side_binding")) and (
        db_options.get("prepare_threshold", 5) is not None)
    out: dict[str, Any] = {"list_count_limit": limit, "users": {}, "search_vs_scan": [],
                           "server_side_binding": prepared}
    with db.connect() as conn, db.connect() as scan_conn:
        conn.execute("SET TIME ZONE 'UTC'")
        scan_conn.execute("SET TIME ZONE 'UTC'")
        for statement in _FORCE_SCAN:
            scan_conn.execute(statement)
        trgm = {r[0] for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(_TRGM_INDEXES)])}
        out["trigram_indexes"] = sorted(trgm)
        for username, scenarios in plan.items():
            log(f"SQL analysis as {username}")
            per_user = {}
            for key, item in capture(username, scenarios).items():
                statements = []
                raw = item["raw"] or [(None, None)] * len(item["statements"])
                for sql, (raw_sql, params) in zip(item["statements"], raw):
                    declared = _DECLARE.match(sql)
                    sql = declared.group(1) if declared else sql
                    if not sql.lstrip().upper().startswith("SELECT"):
                        statements.append({"sql": sql, "skipped": "not a SELECT"})
                        continue
                    explained = explain(conn, sql, text=bool(_TEXT_PLAN_TABLES.search(sql)))
                    explained["count"] = count_check(sql, explained["plan"], limit)
                    if prepared and raw_sql and not declared:
                        generic = explain_generic(conn, raw_sql, params)
                        if generic and "cost" in generic:
                            generic["chosen"] = _switches_to_generic(explained["plan"], generic)
                        explained["generic"] = generic
                    statements.append({"sql": sql, **explained})
                timed = [s for s in statements if "execution_ms" in s]
                per_user[key] = {
                    "path": item["path"],
                    "status": item["status"],
                    "inprocess_ms": item["inprocess_ms"],
                    "inprocess_sql_ms": item["inprocess_sql_ms"],
                    "queries": len(statements),
                    "sql_ms": round(sum(s["execution_ms"] for s in timed), 3),
                    "slowest": max(timed, key=lambda s: s["execution_ms"])["shape"] if timed else "",
                    "slowest_ms": max((s["execution_ms"] for s in timed), default=0),
                    "counts": [s["count"] for s in timed if s.get("count")],
                    "generic_ms": round(sum((s.get("generic") or {}).get("execution_ms", 0)
                                            for s in timed), 3) if prepared else None,
                    "generic_regressions": [
                        {"sql": s["sql"][:300], "custom_ms": s["execution_ms"],
                         "generic_ms": s["generic"]["execution_ms"],
                         "generic_shape": s["generic"]["shape"],
                         "chosen": s["generic"].get("chosen", False)}
                        for s in timed
                        if (s.get("generic") or {}).get("execution_ms", 0)
                        > max(5 * s["execution_ms"], s["execution_ms"] + 5)
                    ],
                    "statements": statements,
                }
            out["users"][username] = per_user
            for scenario in scenarios:
                if scenario.kind != SEARCH:
                    continue
                search_sql = [s["sql"] for s in per_user[scenario.key]["statements"]
                              if is_search_statement(s["sql"])]
                if not search_sql:
                    continue
                log(f"  {scenario.key}: indexed vs forced full scan vs no trigram indexes")
                indexed = _timed(conn, search_sql, _INDEXED_REPEATS)
                scan = _timed(scan_conn, [as_plain_scan(sql) for sql in search_sql],
                              options.scan_repeats)
                no_trgm = None
                if trgm:
                    # DROP INDEX inside a transaction that is rolled back: the plan PostgreSQL
                    # picks without pg_trgm, with nothing changed afterwards.
                    with conn.transaction(force_rollback=True):
                        for name in sorted(trgm):
                            conn.execute(f'DROP INDEX "{name}"')
                        no_trgm = _timed(conn, search_sql, options.scan_repeats)
                        no_trgm_shapes = [explain(conn, s, text=False, runs=1)["shape"]
                                          for s in search_sql]
                out["search_vs_scan"].append({
                    "user": username,
                    "key": scenario.key,
                    "label": scenario.label,
                    "statements": len(search_sql),
                    "indexed_ms": round(indexed, 3),
                    "forced_scan_ms": round(scan, 3),
                    "no_trgm_ms": round(no_trgm, 3) if no_trgm is not None else None,
                    "no_trgm_shapes": no_trgm_shapes if no_trgm is not None else [],
                    "speedup_vs_scan": round(scan / indexed, 1) if indexed else None,
                    "speedup_vs_no_trgm": round(no_trgm / indexed, 1)
                    if indexed and no_trgm is not None else None,
                })
    return out
