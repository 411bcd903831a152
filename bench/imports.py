"""The `import` scenario group: `customers.imports.import_file` against PostgreSQL's COPY.

It needs none of the seeded `crm_bench` data. In a scratch database (`crm_bench_import` on the
same server, dropped and created afresh each run, migrated, with the owners the file names):

1. customers.csv (100,000 rows) and purchases.csv (1,000,000 rows) are generated, or reused
   when an earlier run wrote the same ones (`bench/import_data.py`, fixed seed);
2. the customers are imported, then imported again (nothing to create or change: the
   idempotent path), then the purchases, each in its own process (`bench/import_child.py`):
   the time of the `import_file` call, the statements it sent, the process's peak memory;
3. the tables are emptied (TRUNCATE, users kept) and the same rows, as the import wrote them,
   are loaded with COPY into the same tables with the same indexes, constraints and foreign
   keys: customers (with their tags and tag links) in one transaction, then products and
   purchases in another. The time is the COPY statements plus COMMIT; reading the CSV and
   turning it into the table's columns happens before, untimed.

Fingerprints of the loaded rows (a hash over every written column, joined to the external ids
rather than generated ids) check that COPY loaded exactly what the import wrote.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg

from bench import database, import_data
from bench.config import BASE_DIR, PYTHON, Options
from bench.import_copy import copy_parts, customer_payloads, purchase_payloads
from bench.processes import django_env, log, manage

GROUP = "import"
RATIO_GOAL = 40.0  # import rows/s as % of COPY's
RATIO_STRETCH = 50.0
STATEMENTS_PER_1000 = 1.0
PEAK_MB = 1024.0  # for the million-row purchase file

_CHILD = BASE_DIR / "bench" / "import_child.py"
_CHILD_TIMEOUT = 1200

_FINGERPRINT_CUSTOMERS = """
    SELECT count(*), coalesce(sum(hashtextextended(ROW(
        c.external_id, c.name, c.kind, c.gender, c.birth_date, c.phone, c.phone_normalized,
        c.email, c.email_normalized, c.company, c.industry, c.province, c.city, c.address,
        c.source, c.level, c.status, c.acquired_on, c.churned_on, u.username,
        c.marketing_opt_out, c.notes, c.version, c.deleted_at, t.tags)::text, 0)::numeric), 0)
    FROM customers_customer c
    LEFT JOIN crm_user u ON u.id = c.owner_id
    LEFT JOIN LATERAL (
        SELECT string_agg(g.name, ';' ORDER BY g.name) AS tags
        FROM customers_customer_tags ct JOIN customers_tag g ON g.id = ct.tag_id
        WHERE ct.customer_id = c.id) t ON TRUE
"""
_FINGERPRINT_PURCHASES = """
    SELECT count(*), coalesce(sum(hashtextextended(ROW(
        p.external_id, c.external_id, pr.sku, pr.name, pr.category, pr.list_price,
        pr.is_active, p.purchased_on, p.quantity, p.unit_price, p.amount, p.channel,
        p.created_by_id)::text, 0)::numeric), 0)
    FROM customers_purchase p
    JOIN customers_customer c ON c.id = p.customer_id
    JOIN customers_product pr ON pr.id = p.product_id
"""
# Emptied before each measurement; the users and groups stay (the owners point at them).
_TRUNCATE = ("TRUNCATE customers_purchase, customers_customer_tags, customers_customer, "
             "customers_product, customers_tag RESTART IDENTITY CASCADE")
_TRUNCATE_PURCHASES = "TRUNCATE customers_purchase, customers_product RESTART IDENTITY CASCADE"


def selected(options: Options) -> bool:
    return not options.only or any(o.split(".")[0] == GROUP for o in options.only)


def pages_selected(options: Options) -> bool:
    return not options.only or any(o.split(".")[0] != GROUP for o in options.only)


# --- the scratch database ---------------------------------------------------------------------

def _checkpoint(db: database.BenchDatabase) -> None:
    """Start each measurement with no dirty buffers left over from the one before."""
    try:
        with db.connect() as conn:
            conn.execute("CHECKPOINT")
    except psycopg.Error as error:  # not a superuser (or pg_checkpoint member): go on
        log(f"CHECKPOINT refused ({str(error).strip()}); measuring without it")


def _server_facts(db: database.BenchDatabase) -> dict:
    with db.connect() as conn:
        facts = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in (
            "server_version", "shared_buffers", "work_mem", "maintenance_work_mem",
            "max_wal_size", "synchronous_commit", "wal_level")}
        facts["pg_trgm"] = bool(conn.execute(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone())
        facts["indexes"] = {table: [r[0] for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table])]
            for table in ("customers_customer", "customers_purchase",
                          "customers_customer_tags", "customers_product", "customers_tag")}
    return facts


def _table_sizes(db: database.BenchDatabase) -> dict:
    with db.connect() as conn:
        return dict(conn.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relname IN ('customers_customer', 'customers_purchase', "
            "'customers_customer_tags') ORDER BY relname").fetchall())


def _fingerprint(db: database.BenchDatabase, query: str) -> dict:
    with db.connect() as conn:
        count, digest = conn.execute(query).fetchone()
    return {"rows": count, "hash": str(digest)}


# --- the import, in a child process -----------------------------------------------------------

def _child(args: list[str], env: dict[str, str]) -> dict:
    return _child_script(_CHILD.name, args, env)


def _child_script(script: str, args: list[str], env: dict[str, str]) -> dict:
    """Run bench/SCRIPT ARGS and return the JSON of its `BENCH-RESULT` line."""
    command = [str(PYTHON), str(BASE_DIR / "bench" / script), *args]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=_CHILD_TIMEOUT)
    except BaseException:
        _stop(process)
        raise
    wall = time.perf_counter() - started
    line = next((l for l in reversed(out.splitlines()) if l.startswith("BENCH-RESULT ")), None)
    if process.returncode != 0 or line is None:
        tail = "\n".join((err or out).strip().splitlines()[-25:])
        raise RuntimeError(f"`{' '.join(command[1:])}` exited with {process.returncode}:\n{tail}")
    result = json.loads(line.removeprefix("BENCH-RESULT "))
    result["process_seconds"] = wall
    if err.strip():
        result["stderr_tail"] = err.strip().splitlines()[-10:]
    return result


def _stop(process: subprocess.Popen) -> None:
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _import(kind: str, path: Path, env: dict[str, str], options: Options, *,
            expect_created: int | None) -> dict:
    args = ["import", kind, str(path)]
    if options.import_chunk_size:
        args += ["--chunk-size", str(options.import_chunk_size)]
    result = _child(args, env)
    if not result["ok"] or result["file_error"] or result["invalid"]:
        raise RuntimeError(f"the {kind} import failed: {result['file_error'] or ''} "
                           f"{result['invalid']} invalid rows; {result['problems'][:5]}")
    if result["skipped_duplicates"]:
        raise RuntimeError(f"the {kind} import skipped {result['skipped_duplicates']:,} rows as "
                           "possible duplicates; the generated file should have none")
    if expect_created is not None and result["created"] != expect_created:
        raise RuntimeError(f"the {kind} import created {result['created']:,} rows, "
                           f"not {expect_created:,}: {result}")
    return result


# --- the run ----------------------------------------------------------------------------------

def _rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else float("nan")


def _median(samples: list[dict]) -> dict:
    """The median run by time (the lower middle of an even count)."""
    return sorted(samples, key=lambda sample: sample["seconds"])[(len(samples) - 1) // 2]


def _best(samples: list[dict]) -> dict:
    """The median of the rounds' runs of one import, with the largest peak memory and
    statement count of any round."""
    best = dict(_median(samples))
    best["maxrss_mb"] = max(sample["maxrss_mb"] for sample in samples)
    best["statements"] = max(sample["statements"] for sample in samples)
    return best


def _cpu(sample: dict) -> float | None:
    """Client plus server CPU seconds of one import (None without the server's)."""
    if sample.get("server_cpu_seconds") is None:
        return None
    return sample["client_cpu_seconds"] + sample["server_cpu_seconds"]


def _least(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _row(key: str, label: str, samples: list[dict], copy_samples: list[dict] | None) -> dict:
    imported = _best(samples)
    rows = imported["rows"]
    out = {
        "key": key, "label": label, "kind": imported["kind"], "rows": rows,
        "rounds": len(samples),
        "created": imported["created"], "updated": imported["updated"],
        "unchanged": imported["unchanged"], "skipped_duplicates": imported["skipped_duplicates"],
        "import_seconds": round(imported["seconds"], 3),
        "import_seconds_all": [round(sample["seconds"], 3) for sample in samples],
        "import_rows_per_s": round(_rate(rows, imported["seconds"])),
        "process_seconds": round(imported["process_seconds"], 3),
        "startup_seconds": round(imported["setup_seconds"], 3),
        "statements": imported["statements"],
        "statements_per_1000_rows": (round(imported["statements"] / rows * 1000, 3)
                                     if rows else None),
        "statements_by_verb": imported["statements_by_verb"],
        "peak_rss_mb": round(imported["maxrss_mb"], 1),
        "rss_before_import_mb": round(imported["rss_before_mb"], 1),
        "loadavg": [sample["loadavg"] for sample in samples],
        "load": imported["loadavg"][0],  # as the reported (median) import began
        "copy_seconds": None, "copy_seconds_all": None, "copy_rows_per_s": None,
        "ratio_pct": None, "copy_load": None,
        # CPU seconds (this process + its PostgreSQL backend), least over the rounds.
        "import_cpu_seconds": _least([_cpu(sample) for sample in samples]),
        "import_client_cpu_seconds": round(_least(
            [sample["client_cpu_seconds"] for sample in samples]), 3),
        "copy_cpu_seconds": None, "cpu_ratio_pct": None,
    }
    if copy_samples:
        median = _median(copy_samples)
        copy_seconds = median["seconds"]
        out["copy_seconds"] = round(copy_seconds, 3)
        out["copy_seconds_all"] = [round(sample["seconds"], 3) for sample in copy_samples]
        out["copy_loadavg"] = [sample["loadavg"] for sample in copy_samples]
        out["copy_load"] = median["loadavg"][0]
        out["copy_rows_per_s"] = round(_rate(rows, copy_seconds))
        out["ratio_pct"] = round(100 * copy_seconds / imported["seconds"], 1)
        copy_cpu = _least([sample["cpu_seconds"] for sample in copy_samples])
        if copy_cpu is not None and out["import_cpu_seconds"]:
            out["copy_cpu_seconds"] = round(copy_cpu, 3)
            out["cpu_ratio_pct"] = round(100 * copy_cpu / out["import_cpu_seconds"], 1)
    if out["import_cpu_seconds"] is not None:
        out["import_cpu_seconds"] = round(out["import_cpu_seconds"], 3)
    return out


class _Round:
    """One round: each import and each COPY once, on tables emptied before each."""

    def __init__(self, db, env, options, files, payloads) -> None:
        self.db, self.env, self.options = db, env, options
        self.customers_csv, self.purchases_csv = files
        self.payloads = payloads

    def _timed_import(self, kind: str, path: Path, expect_created: int | None) -> dict:
        _checkpoint(self.db)
        load = os.getloadavg()[0]
        result = _import(kind, path, self.env, self.options, expect_created=expect_created)
        result["loadavg"] = [round(load, 2), round(os.getloadavg()[0], 2)]
        log(f"import: {result['seconds']:.1f}s ({result['created']:,} created, "
            f"{result['updated']:,} updated, {result['unchanged']:,} unchanged; "
            f"{result['statements']} statements, peak {result['maxrss_mb']:.0f} MB)")
        return result

    def _timed_copy(self, parts: list) -> dict:
        _checkpoint(self.db)
        load = os.getloadavg()[0]
        seconds, cpu = copy_parts(self.db, parts)
        log(f"import: COPY {seconds:.1f}s")
        return {"seconds": seconds, "cpu_seconds": cpu,
                "loadavg": [round(load, 2), round(os.getloadavg()[0], 2)]}

    def run(self) -> dict:
        db, out, fp = self.db, {}, {"import": {}, "copy": {}}
        n_customers, n_purchases = self.options.import_customers, self.options.import_purchases
        # Customers: import, import again, then COPY into emptied tables.
        _truncate(db, _TRUNCATE)
        log(f"import: import_customers {self.customers_csv.name}")
        out["customers"] = self._timed_import("customers", self.customers_csv, n_customers)
        fp["import"]["customers"] = _fingerprint(db, _FINGERPRINT_CUSTOMERS)
        log("import: import_customers again (nothing to change)")
        out["customers_again"] = self._timed_import("customers", self.customers_csv, None)
        sizes = {"after_customer_imports": _table_sizes(db)}
        _truncate(db, _TRUNCATE)
        log("import: COPY customers, tags and tag links")
        out["copy_customers"] = self._timed_copy(self.payloads["customers"]["parts"])
        fp["copy"]["customers"] = _fingerprint(db, _FINGERPRINT_CUSTOMERS)
        # Purchases, onto those customers: COPY, then (emptied again) the import, which also
        # marks buying `potential` customers `active`; COPY first leaves the customers as
        # they were for both.
        log("import: COPY products and purchases")
        out["copy_purchases"] = self._timed_copy(self.payloads["purchases"]["parts"])
        fp["copy"]["purchases"] = _fingerprint(db, _FINGERPRINT_PURCHASES)
        sizes["after_copy"] = _table_sizes(db)
        _truncate(db, _TRUNCATE_PURCHASES)
        log(f"import: import_purchases {self.purchases_csv.name}")
        out["purchases"] = self._timed_import("purchases", self.purchases_csv, n_purchases)
        fp["import"]["purchases"] = _fingerprint(db, _FINGERPRINT_PURCHASES)
        sizes["after_purchase_import"] = _table_sizes(db)
        out["table_sizes"] = sizes
        out["same_rows"] = {kind: fp["import"][kind] == fp["copy"][kind]
                            for kind in ("customers", "purchases")}
        out["fingerprints"] = fp
        if not all(out["same_rows"].values()):
            log(f"import: WARNING the COPY-loaded rows differ from the imported ones: "
                f"{out['same_rows']}")
        return out


def _truncate(db: database.BenchDatabase, statement: str) -> None:
    with db.connect() as conn:
        conn.execute(statement)


def run(options: Options) -> dict:
    db = database.locate(options.import_db_name)
    env = django_env(db.url, options.settings)
    started = time.perf_counter()
    directory = options.output_dir / "import-data"
    log(f"import: files in {directory} ({options.import_customers:,} customers, "
        f"{options.import_purchases:,} purchases)")
    files = import_data.ensure_files(
        directory, customers=options.import_customers, purchases=options.import_purchases,
        products_count=options.import_products, seed=options.import_seed)
    customers_csv, purchases_csv = directory / "customers.csv", directory / "purchases.csv"
    log(f"import: files {'reused' if files['reused'] else 'written'} "
        f"({files['sizes']['customers.csv'] / 2**20:.0f} MB + "
        f"{files['sizes']['purchases.csv'] / 2**20:.0f} MB)")
    out: dict = {"database": db.display_url, "files": {
        **files, "customers": str(customers_csv), "purchases": str(purchases_csv)}}
    database.recreate(db)
    try:
        log(f"import: migrating {db.display_url}")
        manage("migrate", "--noinput", "--verbosity", "0", env=env)
        _child(["owners", *(f"{u}:{g}" for u, g in import_data.OWNERS)], env)
        out["server"] = _server_facts(db)
        with db.connect() as conn:
            owners = dict(conn.execute("SELECT username, id FROM crm_user WHERE username = ANY(%s)",
                                       [[u for u, _ in import_data.OWNERS]]).fetchall())

        log("import: COPY baseline: reading the files into COPY rows (untimed)")
        payloads = {"customers": customer_payloads(customers_csv, owners)}
        payloads["purchases"] = purchase_payloads(purchases_csv,
                                                   payloads["customers"].pop("index"))
        rounds = []
        for number in range(1, options.import_rounds + 1):
            if options.import_rounds > 1:
                log(f"import: round {number} of {options.import_rounds}")
            rounds.append(_Round(db, env, options, (customers_csv, purchases_csv),
                                 payloads).run())
        same = {kind: all(r["same_rows"][kind] for r in rounds)
                for kind in ("customers", "purchases")}
        out["copy"] = {
            kind: {**{k: v for k, v in payloads[kind].items() if k != "parts"},
                   "seconds_all": [r[f"copy_{kind}"]["seconds"] for r in rounds],
                   "tables": tables}
            for kind, tables in (
                ("customers", ["customers_tag", "customers_customer", "customers_customer_tags"]),
                ("purchases", ["customers_product", "customers_purchase"]))
        }
        out["copy"]["same_rows_as_import"] = same
        out["copy"]["note"] = (
            "COPY (FORMAT csv) of the validated rows from memory, in one transaction per kind, "
            "timed from the first COPY to the COMMIT; reading the CSV with pandas and building "
            "the rows is not timed")
        out["rounds"] = options.import_rounds
        out["fingerprints"] = [r["fingerprints"] for r in rounds]
        out["table_sizes"] = rounds[-1]["table_sizes"]
        out["children"] = {key: [r[key] for r in rounds]
                           for key in ("customers", "customers_again", "purchases")}
        out["rows"] = [
            _row("import.customers", "customers", out["children"]["customers"],
                 [r["copy_customers"] for r in rounds]),
            _row("import.purchases", "purchases", out["children"]["purchases"],
                 [r["copy_purchases"] for r in rounds]),
            _row("import.customers_again", "customers again (all unchanged)",
                 out["children"]["customers_again"], None),
        ]
    finally:
        if options.keep_import_db:
            log(f"import: keeping {db.name} (--keep-import-db)")
        else:
            database.drop(db)
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out
