"""The WSGI entry point sets up the collector for serving (checked in a fresh interpreter:
importing it here would freeze the test process's objects)."""

import os
import subprocess
import sys
from pathlib import Path


def test_the_wsgi_module_freezes_startup_objects_and_raises_the_threshold():
    code = ("import gc; import crm.wsgi; "
            "print(gc.get_threshold()[0], gc.get_freeze_count() > 0, crm.wsgi.application)")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        # Nothing connects: any database URL will do (and no embedded server starts).
        env={**os.environ, "DATABASE_URL": "postgres://unused@127.0.0.1:9/unused"},
    )

    threshold, frozen, application = result.stdout.split(maxsplit=2)
    assert threshold == "20000" and frozen == "True"
    assert "WSGIHandler" in application
