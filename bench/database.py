"""The dedicated bench database: where it lives, and creating, migrating and seeding it once.

With DATABASE_URL set, the bench database is `crm_bench` on that server (the URL with its
database name replaced); without it, `crm_bench` on the embedded server under var/ (the same
one `make run` and `make test` use). A marker table written after a successful seed makes later
runs reuse the data instead of seeding a million customers again.
"""

from __future__ import annotations

import glob
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.config import BASE_DIR, Options
from bench.processes import log, manage

MARKER_TABLE = "bench_seed"
_PSYCOPG_SCHEMES = {"postgres", "postgresql", "pgsql", "psql", "postgis"}


@dataclass(frozen=True)
class BenchDatabase:
    name: str
    url: str  # DATABASE_URL for Django
    conninfo: str  # the same database for psycopg
    admin_conninfo: str  # another database on the server, to create or drop this one from
    embedded: bool

    @property
    def display_url(self) -> str:
        parts = urlsplit(self.conninfo)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
            parts = parts._replace(netloc=netloc)
        return urlunsplit(parts)

    def connect(self, **kwargs) -> psycopg.Connection:
        return psycopg.connect(self.conninfo, autocommit=True, **kwargs)


def locate(db_name: str) -> BenchDatabase:
    base = os.environ.get("DATABASE_URL", "").strip()
    return _on_server(base, db_name) if base else _embedded(db_name)


def _on_server(base_url: str, db_name: str) -> BenchDatabase:
    parts = urlsplit(base_url)
    if parts.scheme not in _PSYCOPG_SCHEMES:
        raise SystemExit(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://")
    url = urlunsplit(parts._replace(path=f"/{db_name}"))
    as_libpq = parts._replace(scheme="postgresql")
    return BenchDatabase(
        name=db_name,
        url=url,
        conninfo=urlunsplit(as_libpq._replace(path=f"/{db_name}")),
        admin_conninfo=urlunsplit(as_libpq._replace(path="/postgres")),
        embedded=False,
    )


def _embedded(db_name: str) -> BenchDatabase:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs complains when XDG_RUNTIME_DIR is unset
        import pgserver

    data_dir = Path(os.environ.get("CRM_DATA_DIR", "") or BASE_DIR / "var")
    if not data_dir.is_absolute():
        data_dir = BASE_DIR / data_dir
    pgdata = data_dir / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    url = server.get_uri(db_name)
    return BenchDatabase(
        name=db_name, url=url, conninfo=url, admin_conninfo=server.get_uri("postgres"),
        embedded=True,
    )


def _create(db: BenchDatabase, *, drop_first: bool) -> None:
    with psycopg.connect(db.admin_conninfo, autocommit=True) as conn:
        if drop_first:
            log(f"dropping database {db.name}")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(db.name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db.name]).fetchone()
        if not exists:
            log(f"creating database {db.name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))


def recreate(db: BenchDatabase) -> None:
    """Drop the database if it exists (closing its sessions) and create it empty."""
    _create(db, drop_first=True)


def drop(db: BenchDatabase) -> None:
    with psycopg.connect(db.admin_conninfo, autocommit=True) as conn:
        log(f"dropping database {db.name}")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(db.name)))


def read_marker(db: BenchDatabase) -> dict | None:
    with db.connect() as conn:
        if conn.execute("SELECT to_regclass(%s)", [MARKER_TABLE]).fetchone()[0] is None:
            return None
        row = conn.execute(
            f"SELECT customers, purchases, seeded_at, seed_seconds, command FROM {MARKER_TABLE} "
            "ORDER BY seeded_at DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return None
    customers, purchases, seeded_at, seconds, command = row
    return {"customers": customers, "purchases": purchases, "seeded_at": seeded_at.isoformat(),
            "seed_seconds": seconds, "command": command}


def _write_marker(db: BenchDatabase, *, seconds: float, command: str) -> None:
    with db.connect() as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (customers bigint, purchases bigint, "
            "seeded_at timestamptz, seed_seconds double precision, command text)"
        )
        conn.execute(
            f"INSERT INTO {MARKER_TABLE} SELECT (SELECT count(*) FROM customers_customer), "
            "(SELECT count(*) FROM customers_purchase), now(), %s, %s",
            [seconds, command],
        )


def _customer_count(db: BenchDatabase) -> int:
    with db.connect() as conn:
        return conn.execute("SELECT count(*) FROM customers_customer").fetchone()[0]


def _seed_command_exists() -> bool:
    return bool(glob.glob(str(BASE_DIR / "*" / "management" / "commands" / "seed_demo.py")))


def prepare(options: Options, env: dict[str, str], db: BenchDatabase) -> dict:
    """Create and migrate the bench database, seed it unless a marker says it is seeded, and
    return the marker (what was seeded, when, and how long it took)."""
    _create(db, drop_first=options.reseed)
    log(f"migrating {db.display_url}")
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    command = (f"seed_demo --customers {options.customers} "
               f"--purchase-factor {options.purchase_factor:g}")
    marker = read_marker(db)
    if marker is not None:
        if marker["command"] != command:
            raise SystemExit(
                f"{db.name} was seeded by `{marker['command']}`, not `{command}`; rerun with "
                "--reseed (or pick another --db-name)."
            )
        if marker["customers"] < options.customers * 0.99:
            raise SystemExit(
                f"{db.name} holds {marker['customers']:,} seeded customers, not "
                f"{options.customers:,}; rerun with --reseed (or pick another --db-name)."
            )
        log(f"{db.name} already seeded ({marker['customers']:,} customers, "
            f"{marker['purchases']:,} purchases, {marker['seeded_at']})")
        return marker
    if _customer_count(db):
        raise SystemExit(
            f"{db.name} has customers but no {MARKER_TABLE} marker (an interrupted seed?); "
            "rerun with --reseed to start it again."
        )
    if not _seed_command_exists():
        raise SystemExit("`manage.py seed_demo` does not exist yet; nothing to seed with.")
    log(f"seeding {db.name}: manage.py {command} (once; later runs reuse it)")
    started = time.perf_counter()
    manage(*command.split(), env=env)
    seconds = time.perf_counter() - started
    log(f"seeded in {seconds:.0f}s; VACUUM ANALYZE")
    with db.connect() as conn:
        conn.execute("VACUUM (ANALYZE)")
    _write_marker(db, seconds=seconds, command=command)
    return read_marker(db)
