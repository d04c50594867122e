"""The production web server: gunicorn's pre-forked worker processes, each with threads.

Why gunicorn and not waitress: waitress serves every request from threads of one Python
process, so rendering pages (most of a request's time) never uses more than one core.
gunicorn runs several processes, each building its own app and connection pool after the
fork, and they meet only at the SQLite file (WAL mode: readers never wait; writers queue on
`store.database`'s writer lock, which spans processes). Threads in each process keep a slow
request (an export, a large page) from holding up the requests behind it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# Per process: a second thread serves while one waits on SQLite or the client; more only
# contend for the GIL (20 annotators flat out on 2 cores: 311 requests/s with 2, 253-295 with 4).
THREADS = 2
MAX_WORKERS = 8  # more processes than this only add memory: SQLite takes one writer at a time


def default_workers() -> int:
    """One process per core, and at least two, so one busy process never stalls the rest."""
    return max(2, min(MAX_WORKERS, os.cpu_count() or 1))


def run(app_factory: Callable, host: str, port: int, workers: int, on_ready=None) -> None:
    """Serve the app `app_factory()` builds (once in each worker process) until stopped.

    `on_ready(port)`: called in the main process with the bound port once it listens.
    Returns when the server stops (Ctrl+C or SIGTERM: requests in progress finish first).
    """
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": 120,  # a worker silent this long is replaced (a request never takes it)
        "graceful_timeout": 30,
        "control_socket_disable": True,  # two projects' servers would share the socket path
        # gunicorn would take X-Forwarded-Proto from local clients by itself; whether to trust
        # a proxy's headers is the app's choice alone (`serve --behind-proxy`, ProxyFix)
        "forwarded_allow_ips": "",
        "when_ready": (lambda arbiter: on_ready(arbiter.LISTENERS[0].getsockname()[1]))
        if on_ready
        else None,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if value is not None and key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            return app_factory()

    parent = os.getpid()
    try:
        Server().run()
    except SystemExit as stop:
        if os.getpid() != parent:
            _end_worker_process(stop.code)
        if stop.code not in (None, 0):  # the arbiter exits when it halts: return instead
            raise
    except BaseException:
        if os.getpid() != parent:
            _end_worker_process(1)
        raise


def _end_worker_process(code) -> None:
    """End a worker process where gunicorn ends it. Workers are forked inside `run`, and
    their exit would otherwise unwind through the caller's code (which stops the job
    worker and prints "stopped") once per process."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 1)
