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
from annotator.wording import counted

from .corpus import import_command, init
from .options import db_option, model_to_run, open_or_fail, prelabel_model_option
from .predicting import predict

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


def server_options(command):
    """The options every command that serves the app takes."""
    for option in reversed(
        [
            click.option("--host", default="127.0.0.1", show_default=True),
            click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535)),
            click.option(
                "--workers",
                type=click.IntRange(1, 64),
                default=None,
                help="Web server processes (default: one per core, 2 to 8).",
            ),
            click.option(
                "--behind-proxy",
                is_flag=True,
                help="Behind a reverse proxy that terminates HTTPS: trust its X-Forwarded-* "
                "headers (one proxy) and send cookies over HTTPS only.",
            ),
            click.option(
                "--debug",
                is_flag=True,
                help="Werkzeug's development server in one process, with Flask's debugger "
                "(never on a reachable address).",
            ),
        ]
    ):
        command = option(command)
    return command


@click.command()
@db_option
@server_options
@worker_option
@starter_option(default=False)
def serve(db_path: Path, worker: bool, starter: bool, **server):
    """Run the web app (gunicorn), and the worker that runs imports and model runs.

    Example: annotator serve --port 8000 --workers 4
    """
    open_or_fail(db_path).close()
    _serve(db_path, worker, starter, **server)


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
        waiting = ", ".join(f"#{job_id}" for job_id in resumed)
        click.echo(f"annotator worker: {counted(len(resumed), 'job')} waiting to run: {waiting}")
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
@prelabel_model_option
@server_options
@worker_option
@starter_option(default=True)
@click.pass_context
def demo(ctx, db_path: Path, model_spec: str, worker: bool, starter: bool, **server):
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
    db = open_or_fail(db_path)
    model_spec = model_to_run(ctx, db, model_spec)  # a run again: the starter once promoted
    db.close()
    ctx.invoke(predict, db_path=db_path, model_spec=model_spec, batch_size=64)
    _first_admin(db_path)
    _serve(db_path, worker, starter, **server)


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


def app_config(db_path: Path, behind_proxy: bool) -> dict:
    """The web app's settings from the command line. Behind a proxy that terminates HTTPS,
    its X-Forwarded-* headers give the client's address (which sign-in limits count by) and
    scheme, and cookies travel over HTTPS only."""
    return {"DB": str(db_path), "BEHIND_PROXY": behind_proxy}


def _serve(
    db_path: Path,
    with_worker: bool,
    starter: bool,
    host: str,
    port: int,
    workers: int | None,
    behind_proxy: bool,
    debug: bool,
) -> None:
    from annotator import create_app

    from . import production_server

    config = app_config(db_path, behind_proxy)
    db = open_or_fail(db_path)
    if db.table("users").count == 0:
        click.echo(
            "annotator: no accounts yet; add one with `annotator user add NAME --role admin`"
        )
    db.close()
    _check_port_free(host, port)
    worker_process = _start_worker(db_path) if with_worker else None
    if with_worker and starter:
        _queue_starter(db_path)

    def ready(bound_port: int) -> None:
        click.echo(f"annotator: open http://{host}:{bound_port}/ in a browser (Ctrl+C stops)")

    try:
        if debug:
            from werkzeug.serving import make_server

            app = create_app({**config, "DEBUG": True})
            server = make_server(host, port, app, threaded=True)
            ready(server.server_port)
            server.serve_forever()
        else:
            count = workers or production_server.default_workers()
            threads = production_server.THREADS
            click.echo(f"annotator: gunicorn, {count} processes of {threads} threads")
            production_server.run(lambda: create_app(config), host, port, count, on_ready=ready)
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("stopped")
        if worker_process is not None:
            _stop_worker(worker_process)


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port another server holds before anything starts (the job worker among
    them: one per database)."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None


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
