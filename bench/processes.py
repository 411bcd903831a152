"""Child processes: `manage.py` commands and the gunicorn server, configured as in production."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.config import BASE_DIR, PYTHON

# The production configuration: DEBUG off, a real secret, only loopback host names, and the
# cookie flags relaxed because the benchmark speaks plain HTTP on 127.0.0.1.
_SECRET_KEY = secrets.token_urlsafe(50)


def django_env(database_url: str, settings: str = "crm.settings") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=database_url,
        DEBUG="False",
        SECRET_KEY=_SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        SECURE_SSL_REDIRECT="False",
        STATICFILES_BACKEND="crm.storage.StaticFilesStorage",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(*args: str, env: dict[str, str], quiet: bool = False) -> None:
    """Run `manage.py ARGS`; raise with the command line when it fails."""
    command = [str(PYTHON), "manage.py", *args]
    result = subprocess.run(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL if quiet else None,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"`{' '.join(command[1:])}` exited with {result.returncode}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`crm.wsgi:application` under gunicorn on a free loopback port, as a context manager.

    The server runs in its own process group and is stopped on exit from the `with` block
    whatever happened inside it (SIGTERM, then SIGKILL after a grace period).
    """

    def __init__(self, *, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.env = env
        self.workers = workers
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("w")
        command = [
            str(PYTHON), "-m", "gunicorn", "crm.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--timeout", "120",
            "--graceful-timeout", "10",
            "--log-level", "warning",
        ]
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready(timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self._log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f}s:\n"
                           f"{self._log_tail()}")

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            # The process group is gunicorn's own (start_new_session): master and workers.
            for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
                try:
                    os.killpg(process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    process.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log is not None:
            self._log.close()
            self._log = None


def install_signal_handlers() -> None:
    """Turn SIGTERM/SIGHUP into SystemExit so `finally` blocks (stopping gunicorn) run."""

    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


_STARTED = time.monotonic()


def log(message: str) -> None:
    # Elapsed time, not the clock: django.setup() changes the process's time zone mid-run.
    print(f"[bench {time.monotonic() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)
