"""The embedded PostgreSQL used when DATABASE_URL is unset (SPEC §2).

`pgserver` ships PostgreSQL binaries in a wheel, so `make run` and `make test` need nothing
installed or started by hand. The server is left running between commands (it is reused by the
next one) and listens on a Unix socket only.
"""

from pathlib import Path

DATABASE_NAME = "crm"


def embedded_database_url(pgdata: Path) -> str:
    """Start (or reuse) the server under `pgdata` and return the URL of its `crm` database."""
    import warnings

    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); /tmp is fine.
        warnings.simplefilter("ignore")
        import pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(DATABASE_NAME)
