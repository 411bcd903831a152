#!/usr/bin/env python
"""`make bench`: seed the bench database once, serve the CRM with gunicorn as in production,
time its customer pages as a manager and a sales rep, analyse their SQL, time the CSV imports
against PostgreSQL's COPY in a scratch database, report against goals.

    .venv/bin/python bench/run.py [--help]
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# `python bench/run.py` puts bench/ first on sys.path; the project root must come first instead
# so `bench.*` and the Django apps import as packages.
_ROOT = Path(__file__).resolve().parent.parent
sys.path[:1] = [str(_ROOT)]

from bench import analytics, database, imports, report  # noqa: E402
from bench.config import BASE_DIR, parse_args  # noqa: E402
from bench.processes import Gunicorn, django_env, install_signal_handlers, log, manage  # noqa: E402
from bench.scenarios import discover, scenarios_for  # noqa: E402
from bench.timing import run_user  # noqa: E402


def _read_dotenv() -> None:
    """The settings read an optional .env; so must the bench (for DATABASE_URL)."""
    import environ

    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=BASE_DIR, capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _server_facts(db: database.BenchDatabase) -> dict:
    with db.connect() as conn:
        facts = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in (
            "server_version", "shared_buffers", "work_mem", "effective_cache_size",
            "random_page_cost", "jit", "max_parallel_workers_per_gather")}
        facts["pg_trgm"] = bool(conn.execute(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone())
        facts["table_sizes"] = dict(conn.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relname IN ('customers_customer', 'customers_purchase', "
            "'customers_customer_tags')").fetchall())
    return facts


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    install_signal_handlers()
    _read_dotenv()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results = {
        "started_at": stamp,
        "git": _git_revision(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "loadavg_before": os.getloadavg()},
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(options).items()},
        "http": [],
        "sql": None,
    }
    if imports.pages_selected(options):
        _pages(options, results, stamp)
    failed = False
    if imports.selected(options):
        results["machine"]["loadavg_before_import"] = os.getloadavg()
        try:
            results["import"] = imports.run(options)
            results["machine"]["loadavg_after_import"] = os.getloadavg()
        except Exception as error:  # noqa: BLE001 - the page results are still worth reporting
            if not imports.pages_selected(options):
                raise
            log(f"import group failed: {error}")
            results["import"] = {"error": str(error)}
            failed = True
    # The app may change under a long run (a commit, a checkout): say so, the halves differ.
    results["git_at_end"] = _git_revision()
    results["goals"] = report.evaluate(results["http"], results["sql"],
                                       trigram=results.get("trigram", False),
                                       imports=results.get("import"),
                                       analytics=results.get("analytics"))
    print(report.render(results))
    json_path, plans_path = report.write(results, options.output_dir, stamp)
    print(f"\nResults: {_shown(json_path)}"
          + (f"\nPlans:   {_shown(plans_path)}" if results["sql"] else ""))
    return 1 if failed else 0


def _shown(path: Path) -> Path:
    return path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path


def _pages(options, results: dict, stamp: str) -> None:
    """The page groups: the seeded bench database, HTTP timings under gunicorn, SQL analysis."""
    db = database.locate(options.db_name)
    env = django_env(db.url, options.settings)
    seed = database.prepare(options, env, db)
    facts = _server_facts(db)
    fixtures = discover(db, options)
    plan = {user: scenarios_for(user, fixtures, options) for user in options.users}
    results.update({
        "database": {"url": db.display_url, "embedded": db.embedded, **facts},
        "trigram": facts["pg_trgm"],
        "seed": seed,
        "fixtures": fixtures,
    })
    if not options.skip_http:
        log("collectstatic")
        manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
        log_path = options.output_dir / f"gunicorn-{stamp}.log"
        with Gunicorn(env=env, workers=options.workers, log_path=log_path) as server:
            log(f"gunicorn ({options.workers} workers) on {server.base_url}")
            for user, scenarios in plan.items():
                results["http"] += run_user(server.base_url, user, scenarios, options)
        log("gunicorn stopped")
        results["machine"]["loadavg_after_http"] = os.getloadavg()
    if analytics.selected(options):
        log("analytics: KPI timings")
        try:
            results["analytics"] = analytics.run(options, env)
        except Exception as error:  # noqa: BLE001 - the page results are still worth reporting
            log(f"analytics group failed: {error}")
            results["analytics"] = {"error": str(error)}
    if not options.skip_sql:
        from bench.sql_analysis import analyse

        results["sql"] = analyse(db, env, plan, options)


if __name__ == "__main__":
    sys.exit(main())
