#!/usr/bin/env python
"""One import, in its own process, for `bench/run.py --only import`.

    import_child.py import KIND PATH [--chunk-size N]   # customers.imports.import_file
    import_child.py owners USERNAME:GROUP ...           # the users the file's `owner` names

Runs with the environment `bench.processes.django_env` builds (DATABASE_URL of the scratch
database, DEBUG=False). `import` prints one line `BENCH-RESULT {json}` with the import's wall
time (the `import_file` call alone, and the process's start-up before it), its report, the SQL
statements it sent and the process's peak resident memory (VmHWM, see `_peak_mb`).

Statements are counted at the client: every `cursor.execute` Django runs (its
`connection.execute_wrapper`; an `executemany` counts once per parameter set), every COPY
(psycopg's `Cursor.copy`, which Django does not see), and every COMMIT and ROLLBACK. A BEGIN,
which psycopg sends before the first statement of each transaction, is counted with them.

CPU time is recorded too: this process's (user + system) and, when PostgreSQL runs on this
machine, that of the backend serving its connection (/proc/PID/stat). Unlike wall time it
hardly moves when other processes compete for the cores.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path

_STARTED = time.perf_counter()
_ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":  # run as a script, bench/ is first on sys.path: the root must be
    sys.path[:1] = [str(_ROOT)]


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _ru_maxrss_mb() -> float:
    # Linux reports kilobytes (macOS bytes).
    scale = 1 if sys.platform != "darwin" else 1 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024


def _peak_mb() -> float:
    """The process's peak resident memory. VmHWM (the high-water mark of this process's own
    memory), not ru_maxrss: Linux carries ru_maxrss over exec from the forking process, so a
    child of a large parent would report the parent's size."""
    hwm = _status_mb("VmHWM")
    return hwm if hwm is not None else _ru_maxrss_mb()


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` so far (the PostgreSQL backend serving a
    connection, when the server runs on this machine); None when /proc does not show it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()


class StatementCounter:
    def __init__(self) -> None:
        self.verbs: Counter[str] = Counter()
        self.seconds = 0.0

    def execute(self, execute, sql, params, many, context):
        verb = (sql.lstrip().split(None, 1) or ["?"])[0].upper()
        self.verbs[verb] += len(params) if many and params is not None else 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started

    def total(self) -> int:
        return sum(self.verbs.values())


def run_import(kind: str, path: str, chunk_size: int | None) -> dict:
    _setup()
    import psycopg
    from django.db import connection

    from customers.imports import import_file

    counter = StatementCounter()
    original_copy = psycopg.Cursor.copy
    original_commit = psycopg.Connection.commit
    original_rollback = psycopg.Connection.rollback

    def copy(self, statement, *args, **kwargs):
        counter.verbs["COPY"] += 1
        return original_copy(self, statement, *args, **kwargs)

    def commit(self):
        if self.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            counter.verbs["BEGIN"] += 1
            counter.verbs["COMMIT"] += 1
        return original_commit(self)

    def rollback(self):
        if self.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            counter.verbs["BEGIN"] += 1
            counter.verbs["ROLLBACK"] += 1
        return original_rollback(self)

    psycopg.Cursor.copy = copy
    psycopg.Connection.commit = commit
    psycopg.Connection.rollback = rollback
    connection.ensure_connection()  # the connection is set-up, not part of the import
    setup_seconds = time.perf_counter() - _STARTED
    rss_before = _status_mb("VmRSS")
    problems: list[str] = []

    def on_problem(problem) -> None:
        if len(problems) < 10:
            problems.append(f"line {problem.line}, {problem.column} {problem.value!r}: "
                            f"{problem.message}")

    backend = connection.connection.info.backend_pid
    server_cpu, client_cpu = proc_cpu_seconds(backend), _own_cpu_seconds()
    with connection.execute_wrapper(counter.execute):
        started = time.perf_counter()
        report = import_file(path, kind, chunk_size=chunk_size, on_problem=on_problem)
        seconds = time.perf_counter() - started
    client_cpu = _own_cpu_seconds() - client_cpu
    server_after = proc_cpu_seconds(backend)
    same_backend = (connection.connection is not None
                    and connection.connection.info.backend_pid == backend)
    server_cpu = (server_after - server_cpu if None not in (server_cpu, server_after)
                  and same_backend else None)
    # A transaction the import left open would be a bug in it; say so rather than hide it.
    open_transaction = not connection.get_autocommit() or (
        connection.connection is not None
        and connection.connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)
    return {
        "kind": kind,
        "path": path,
        "seconds": seconds,
        "setup_seconds": setup_seconds,
        "rows": report.total,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "invalid": report.invalid,
        "skipped_duplicates": report.skipped_duplicates,
        "written": report.written,
        "ok": report.ok,
        "file_error": report.file_error,
        "problems": problems,
        "statements": counter.total(),
        "statements_by_verb": dict(counter.verbs.most_common()),
        "execute_seconds": counter.seconds,
        "client_cpu_seconds": client_cpu,
        "server_cpu_seconds": server_cpu,
        "left_transaction_open": open_transaction,
        "rss_before_mb": rss_before,
        "maxrss_mb": _peak_mb(),
        "ru_maxrss_mb": _ru_maxrss_mb(),
    }


def create_owners(specs: list[str]) -> dict:
    _setup()
    from django.contrib.auth.models import Group

    from crm.models import User

    created = []
    for spec in specs:
        username, group_name = spec.split(":", 1)
        user, _ = User.objects.get_or_create(username=username, defaults={"is_active": True})
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=group_name))
        created.append(username)
    return {"owners": created}


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "import":
        chunk = None
        if "--chunk-size" in argv:
            chunk = int(argv[argv.index("--chunk-size") + 1])
        result = run_import(argv[1], argv[2], chunk)
    elif len(argv) >= 2 and argv[0] == "owners":
        result = create_owners(argv[1:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print("BENCH-RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
