"""Commands that run the web app: `serve`, and `demo`, which sets up the seed corpus first."""

from __future__ import annotations

from pathlib import Path

import click

from .corpus import import_command, init
from .modelling import predict
from .options import db_option, model_option, open_or_fail

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(db_path: Path, host: str, port: int):
    """Run the web app.

    Example: annotator serve --port 8000
    """
    open_or_fail(db_path)
    _serve(db_path, host, port)


@click.command()
@db_option
@model_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def demo(ctx, db_path: Path, model_spec: str, host: str, port: int):
    """Set up the demo: init, import seeds/, pre-label, and serve.

    Safe to run again: nothing is imported or predicted twice.

    Example: annotator demo --port 8000
    """
    ctx.invoke(init, db_path=db_path, scheme=None)
    ctx.invoke(
        import_command,
        db_path=db_path,
        paths=tuple(sorted(SEEDS.glob("*.txt"))),
        fmt="txt",
        annotator=None,
    )
    ctx.invoke(predict, db_path=db_path, model_spec=model_spec, batch_size=64)
    _serve(db_path, host, port)


def _serve(db_path: Path, host: str, port: int) -> None:
    from werkzeug.serving import make_server

    from annotator import create_app

    server = make_server(host, port, create_app({"DB": str(db_path)}), threaded=True)
    click.echo(f"annotator: open http://{host}:{server.server_port}/ in a browser (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
