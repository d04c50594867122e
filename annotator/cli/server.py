"""Commands that run the web app: `serve`, and `demo`, which sets up the seed corpus first."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click

from annotator.store.users import ADMIN, create_user

from .corpus import import_command, init
from .modelling import predict
from .options import db_option, model_option, open_or_fail

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


worker_option = click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Start `annotator worker` beside the server (turn off when one runs elsewhere).",
)


def starter_option(default: bool):
    return click.option(
        "--starter/--no-starter",
        default=default,
        show_default=True,
        help="Build the starter model (learned from NewsMTSC) in the background once, and let "
        "it pre-label if it beats the zero-shot default (the worker runs it before later jobs).",
    )


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@worker_option
@starter_option(default=False)
def serve(db_path: Path, host: str, port: int, worker: bool, starter: bool):
    """Run the web app, and the worker that runs imports and model runs in the background.

    Example: annotator serve --port 8000
    """
    open_or_fail(db_path).close()
    _serve(db_path, host, port, worker, starter)


@click.command()
@db_option
@click.option(
    "--exit-with",
    type=int,
    default=None,
    hidden=True,
    help="Stop when this process ends (how `serve` ties its worker to itself).",
)
def worker(db_path: Path, exit_with: int | None):
    """Run background jobs (browser imports, model re-runs) one at a time until stopped.

    Jobs left running by a worker that was killed are resumed first. Ctrl+C stops at once;
    SIGTERM lets the current job finish.

    Example: annotator worker --db instance/annotator.db
    """
    from annotator.worker import JobQueue

    open_or_fail(db_path).close()
    queue = JobQueue(db_path)
    resumed = queue.recover()
    if resumed:
        click.echo(f"annotator worker: queued again jobs {', '.join(map(str, resumed))}")
    click.echo(f"annotator worker: running jobs for {db_path} (Ctrl+C stops)")
    if exit_with is not None:
        _stop_when_gone(exit_with)
    queue.consumer().run()


def _stop_when_gone(pid: int) -> None:
    """Interrupt this worker once process `pid` has ended, even if it was killed outright.

    A server killed with SIGKILL cannot stop its worker itself; the interrupted job
    resumes when the next worker starts.
    """
    from annotator.worker import process_alive

    def watch() -> None:
        while process_alive(pid):
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, daemon=True).start()


@click.command()
@db_option
@model_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@worker_option
@starter_option(default=True)
@click.pass_context
def demo(ctx, db_path: Path, model_spec: str, host: str, port: int, worker: bool, starter: bool):
    """Set up the demo: init, import seeds/, pre-label, and serve.

    Safe to run again: nothing is imported or predicted twice.

    Example: annotator demo --port 8000
    """
    ctx.invoke(init, db_path=db_path, scheme=None, overall_question=None)
    ctx.invoke(
        import_command,
        db_path=db_path,
        paths=tuple(sorted(SEEDS.glob("*.txt"))),
        fmt="txt",
        annotator=None,
    )
    ctx.invoke(predict, db_path=db_path, model_spec=model_spec, batch_size=64)
    _first_admin(db_path)
    _serve(db_path, host, port, worker, starter)


def _first_admin(db_path: Path) -> None:
    """A project without accounts gets an admin with a fresh random password, shown once."""
    db = open_or_fail(db_path)
    if db.table("users").count == 0:
        password = secrets.token_urlsafe(12)
        create_user(db, "admin", password, ADMIN)
        click.echo(f"annotator: sign in as admin with the password {password}")
        click.echo("  (change it with `annotator user password admin`; add people with")
        click.echo("  `annotator user add NAME --role annotator|lead|admin`)")
    db.close()


def _serve(db_path: Path, host: str, port: int, with_worker: bool, starter: bool) -> None:
    from werkzeug.serving import make_server

    from annotator import create_app

    server = make_server(host, port, create_app({"DB": str(db_path)}), threaded=True)
    db = open_or_fail(db_path)
    if db.table("users").count == 0:
        click.echo(
            "annotator: no accounts yet; add one with `annotator user add NAME --role admin`"
        )
    db.close()
    worker_process = _start_worker(db_path) if with_worker else None
    if with_worker and starter:
        _queue_starter(db_path)
    click.echo(f"annotator: open http://{host}:{server.server_port}/ in a browser (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        if worker_process is not None:
            _stop_worker(worker_process)


def _queue_starter(db_path: Path) -> None:
    """Queue the starter model's job once per project: not again after it ran to its end or
    was cancelled (a failed one is tried again on the next serve)."""
    from annotator.store.jobs import ACTIVE, CANCELLED, DONE
    from annotator.tasks import STARTER
    from annotator.worker import JobQueue

    _, new = JobQueue(db_path).submit_once(
        STARTER, {}, "waiting for the worker", unless=(*ACTIVE, DONE, CANCELLED)
    )
    if new:
        click.echo(
            "annotator: building the starter model in the background (Jobs page); it "
            "pre-labels if it beats the zero-shot default"
        )


def _start_worker(db_path: Path) -> subprocess.Popen:
    """The worker in its own process, so a model run never slows the web server's requests."""
    command = [sys.executable, "-m", "annotator.cli", "worker", "--db", str(db_path)]
    command += ["--exit-with", str(os.getpid())]
    return subprocess.Popen(command)


def _stop_worker(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
