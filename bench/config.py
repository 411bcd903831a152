"""Command-line options of the benchmark and the paths it uses."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
PYTHON = BASE_DIR / ".venv" / "bin" / "python"
# How a page's ratio to the ping is paired (`--pairing`).
PAIRINGS = ("interleaved", "block", "none")


@dataclass(frozen=True)
class Options:
    customers: int
    purchase_factor: float
    db_name: str
    reseed: bool
    warmup: int
    requests: int
    pairing: str
    ping_block: int
    max_seconds: float
    users: tuple[str, ...]
    password: str
    workers: int
    next_pages: int
    city: str
    only: tuple[str, ...]
    skip_http: bool
    skip_sql: bool
    scan_repeats: int
    timeout: float
    output_dir: Path
    name_prefix: str
    name_fragment: str
    phone_fragment: str
    email_fragment: str
    settings: str
    import_customers: int
    import_purchases: int
    import_products: int
    import_seed: int
    import_db_name: str
    import_chunk_size: int | None
    keep_import_db: bool
    import_rounds: int
    analytics_rounds: int


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description="Time the CRM's customer pages under gunicorn on a seeded benchmark database.",
    )
    add = parser.add_argument
    add("--customers", type=int, default=1_000_000,
        help="customers to seed once into the bench database (default 1,000,000)")
    add("--purchase-factor", type=float, default=2.8,
        help="seed_demo --purchase-factor for the bench database (default 2.8: about 5 "
             "purchases per customer, 5,000,000 for a million customers)")
    add("--db-name", default="crm_bench", help="name of the dedicated bench database")
    add("--reseed", action="store_true",
        help="drop and recreate the bench database, then seed it again")
    add("--warmup", type=int, default=30, help="unmeasured requests per URL (default 30)")
    add("--requests", type=int, default=200, help="measured requests per URL (default 200)")
    add("--pairing", choices=PAIRINGS, default="interleaved",
        help="which pings a URL's ratio is taken against: `interleaved` (default), a ping "
             "just before each measured request; `block`, --ping-block pings just before the "
             "URL; `none`, the user's one ping row")
    add("--ping-block", type=int, default=100,
        help="with --pairing block, the pings measured just before each URL (default 100)")
    add("--max-seconds", type=float, default=60.0,
        help="stop measuring a URL after this many seconds (at least 10 requests are made)")
    add("--users", default="manager,sales1",
        help="comma-separated demo users to log in as (default manager,sales1)")
    add("--password", default="demo12345", help="the demo users' password")
    add("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    add("--next-pages", type=int, default=10,
        help="how many times to follow `Next` for the deep-page measurement (default 10)")
    add("--city", default="上海", help="city for the ?city= filter")
    add("--only", default="",
        help="comma-separated scenario keys (or prefixes such as `search`) to run; default all. "
             "`import` is the import group (CSV import against COPY, in its own scratch "
             "database); `--only import` runs it alone, without the seeded bench database")
    add("--skip-http", action="store_true", help="skip the HTTP timings")
    add("--skip-sql", action="store_true",
        help="skip the SQL analysis (EXPLAIN, capped counts, icontains scan)")
    add("--scan-repeats", type=int, default=3,
        help="runs of each forced full scan for the icontains comparison (default 3)")
    add("--timeout", type=float, default=60.0, help="seconds before one request fails")
    add("--output-dir", type=Path, default=RESULTS_DIR, help="where the JSON results go")
    add("--name-prefix", default="", help="2-character name prefix to search (default: sampled)")
    add("--name-fragment", default="", help="3+-character name fragment (default: sampled)")
    add("--phone-fragment", default="", help="4+-digit phone fragment (default: sampled)")
    add("--email-fragment", default="", help="e-mail fragment with @ (default: sampled)")
    add("--settings", default="crm.settings",
        help="Django settings module to serve and analyse (default crm.settings); a module that "
             "star-imports crm.settings and changes one thing measures that change")
    add("--import-customers", type=int, default=100_000,
        help="rows of the generated customer file the import group imports (default 100,000)")
    add("--import-purchases", type=int, default=1_000_000,
        help="rows of the generated purchase file (default 1,000,000)")
    add("--import-products", type=int, default=200,
        help="distinct product SKUs in the purchase file (default 200)")
    add("--import-seed", type=int, default=20250101,
        help="random seed of the generated import files (default 20250101)")
    add("--import-db-name", default="crm_bench_import",
        help="scratch database of the import group, dropped and recreated on every run "
             "(default crm_bench_import)")
    add("--import-chunk-size", type=int, default=None,
        help="rows per chunk for the import (default: settings.IMPORT_CHUNK_ROWS)")
    add("--analytics-rounds", type=int, default=3,
        help="rounds of the KPI timing (`analytics` group); the median is reported")
    add("--import-rounds", type=int, default=1,
        help="measure each import and each COPY this many times and report the median "
             "(default 1: about 4 minutes; each more round adds about 3)")
    add("--keep-import-db", action="store_true",
        help="leave the import group's scratch database in place after the run (it holds "
             "the COPY-loaded rows) instead of dropping it")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0 or args.customers < 1 or args.ping_block < 0:
        parser.error("--requests and --customers must be positive, --warmup and --ping-block "
                     "not negative")
    if args.import_customers < 1 or args.import_purchases < 1 or args.import_products < 1:
        parser.error("--import-customers, --import-purchases and --import-products must be "
                     "positive")
    if args.analytics_rounds < 1:
        parser.error("--analytics-rounds must be at least 1")
    if args.import_rounds < 1:
        parser.error("--import-rounds must be at least 1")
    if args.import_db_name == args.db_name:
        parser.error("--import-db-name must differ from --db-name (it is dropped on every run)")
    return Options(
        customers=args.customers,
        purchase_factor=args.purchase_factor,
        db_name=args.db_name,
        reseed=args.reseed,
        warmup=args.warmup,
        requests=args.requests,
        pairing=args.pairing,
        ping_block=args.ping_block,
        max_seconds=args.max_seconds,
        users=tuple(u.strip() for u in args.users.split(",") if u.strip()),
        password=args.password,
        workers=args.workers,
        next_pages=args.next_pages,
        city=args.city,
        only=tuple(k.strip() for k in args.only.split(",") if k.strip()),
        skip_http=args.skip_http,
        skip_sql=args.skip_sql,
        scan_repeats=max(1, args.scan_repeats),
        timeout=args.timeout,
        output_dir=args.output_dir,
        name_prefix=args.name_prefix,
        name_fragment=args.name_fragment,
        phone_fragment=args.phone_fragment,
        email_fragment=args.email_fragment,
        settings=args.settings,
        import_customers=args.import_customers,
        import_purchases=args.import_purchases,
        import_products=args.import_products,
        import_seed=args.import_seed,
        import_db_name=args.import_db_name,
        import_chunk_size=args.import_chunk_size,
        keep_import_db=args.keep_import_db,
        import_rounds=args.import_rounds,
        analytics_rounds=args.analytics_rounds,
    )
