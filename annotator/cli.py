"""The `annotator` command: thin Click commands over the storage, import and model layers."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from annotator.ingest import FORMATS, InputError, import_file
from annotator.models import DEFAULT_MODEL, load_model
from annotator.models.registry import models_dir_beside, parse_spec
from annotator.prelabel import pending_count, prelabel
from annotator.schemes import SCHEMES
from annotator.store.database import (
    DEFAULT_DB_PATH,
    NotInitialisedError,
    init_database,
    open_database,
    project_scheme,
)
from annotator.store.exports import write_export

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB_PATH,
    envvar="ANNOTATOR_DB",
    show_default=True,
    show_envvar=True,
    help="SQLite database file.",
)


def _model_spec(ctx, param, value: str) -> str:
    try:
        parse_spec(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return value


model_option = click.option(
    "--model",
    "model_spec",
    default=DEFAULT_MODEL,
    envvar="ANNOTATOR_MODEL",
    show_default=True,
    show_envvar=True,
    callback=_model_spec,
    help="Model spec: 'embedding' (offline default), 'embedding:PATH' or 'nli:NAME_OR_PATH'.",
)


def _open(db_path: Path):
    try:
        return open_database(db_path)
    except NotInitialisedError as error:
        raise click.ClickException(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="annotator")
def main():
    """Label the stance of news sentences toward the actors they mention."""


@main.command()
@db_option
@click.option(
    "--scheme",
    type=click.Choice(sorted(SCHEMES)),
    default=None,
    help="Label set: stance (favor/against/neutral, the default) or sentiment.",
)
def init(db_path: Path, scheme: str | None):
    """Create or migrate the database.

    Example: annotator init --scheme sentiment
    """
    try:
        db = init_database(db_path, scheme)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{db_path}: ready, scheme {project_scheme(db).name}")


@main.command("import")
@db_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="Input format; auto decides by extension and content.",
)
@click.option("--annotator", default=None, help="Who the labels in the files belong to.")
def import_command(db_path: Path, paths: tuple[Path, ...], fmt: str, annotator: str | None):
    """Import documents: .txt files, JSONL records, or NewsMTSC files.

    Each file is stored in one transaction: a file with an error is skipped whole and
    the error names its line. Re-importing a document adds its labels, never a copy.

    Example: annotator import seeds/*.txt gold.jsonl --annotator ana
    """
    db = _open(db_path)
    labels = project_scheme(db).label_names
    failed = 0
    for path in paths:
        try:
            summary = import_file(db, path, fmt, labels, annotator)
        except InputError as error:
            failed += 1
            click.secho(f"error: {error}", fg="red", err=True)
            continue
        click.echo(f"{path}: {summary}")
    if failed:
        raise click.ClickException(f"{failed} of {len(paths)} files were not imported")


@main.command()
@db_option
@model_option
@click.option(
    "--batch-size",
    default=64,
    show_default=True,
    type=click.IntRange(1, 4096),
    help="Pairs per forward pass.",
)
def predict(db_path: Path, model_spec: str, batch_size: int):
    """Pre-label every mention that has no prediction from the model yet.

    Example: annotator predict --model nli:MoritzLaurer/deberta-v3-base-zeroshot-v2.0
    """
    db = _open(db_path)
    model, scheme = load_model(model_spec, models_dir_beside(db_path)), project_scheme(db)
    total = pending_count(db, model, scheme)
    if not total:
        click.echo(f"nothing to do: every mention has a prediction from {model.spec}")
        return
    model.warm_up()
    started = time.perf_counter()
    with click.progressbar(length=total, label=f"{model.spec}", file=sys.stderr) as bar:
        done = prelabel(db, model, scheme, batch_size, bar.update)
    elapsed = time.perf_counter() - started
    click.echo(
        f"pre-labelled {done} mentions with {model.spec} "
        f"in {elapsed:.1f} s ({done / elapsed:.0f} pairs/s after loading the model)"
    )


@main.command()
@db_option
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="File to write; standard output by default.",
)
def export(db_path: Path, output):
    """Write every sentence with its gold labels as JSONL, one line per sentence.

    Example: annotator export -o gold.jsonl
    """
    db = _open(db_path)
    count = write_export(db, output)
    if output.name not in ("-", "<stdout>"):
        click.echo(f"wrote {count} sentences to {output.name}", err=True)


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@model_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "newsmtsc"]),
    default="auto",
    show_default=True,
    help="Gold file format.",
)
@click.option(
    "--scheme",
    type=click.Choice(sorted(SCHEMES)),
    default=None,
    help="Label set; sentiment for NewsMTSC files, else stance.",
)
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 4096))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(
    path: Path,
    db_path: Path,
    model_spec: str,
    fmt: str,
    scheme: str | None,
    batch_size: int,
    as_json: bool,
):
    """Score a model against a gold-labelled file (export JSONL or NewsMTSC).

    The file is imported into a temporary database and pre-labelled with the same code
    as `import` and `predict`; your database is not touched (--db only says where
    trained models are kept).

    Example: annotator evaluate ../shared/data/newsmtsc/devtest_mt.jsonl --json
    """
    from annotator.evaluate import evaluate_file
    from annotator.metrics import format_report

    try:
        model = load_model(model_spec, models_dir_beside(db_path))
        report = evaluate_file(path, model, fmt, scheme, batch_size)
    except (InputError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        keys = (
            "n",
            "accuracy",
            "macro_f1",
            "per_label",
            "confusion",
            "pairs_per_second",
            "model",
            "scheme",
        )
        click.echo(json.dumps({key: report[key] for key in keys}))
    else:
        click.echo(format_report(report))


@main.command()
@db_option
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--from-annotations", is_flag=True, help="Train on the database's gold labels.")
@click.option("--name", default=None, help="Model name; the spec becomes trained:NAME.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "newsmtsc"]),
    default="auto",
    show_default=True,
    help="Format of PATH.",
)
@click.option(
    "--method",
    type=click.Choice(["auto", "linear", "cross-encoder"]),
    default="auto",
    show_default=True,
    help="linear: seconds, steady on few labels; cross-encoder: fine-tuning, minutes, "
    "better with thousands of labels; auto: linear below 2,000 labels.",
)
@click.option(
    "--epochs",
    type=click.IntRange(1, 50),
    default=None,
    help="Passes over the data; by default about 2,400 examples are seen in all.",
)
@click.option(
    "--scheme",
    type=click.Choice(sorted(SCHEMES)),
    default=None,
    help="Label set of PATH; sentiment for NewsMTSC files, else stance.",
)
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=None,
    help="Train on a random sample of this many labels (for learning curves).",
)
@click.option("--seed", default=0, show_default=True, help="Random seed.")
def train(
    db_path: Path,
    path: Path | None,
    from_annotations: bool,
    name: str | None,
    fmt: str,
    method: str,
    epochs: int | None,
    scheme: str | None,
    limit: int | None,
    seed: int,
):
    """Train a model on gold labels and register it as trained:NAME.

    Trains on the database's gold labels (--from-annotations) or on a gold file (export
    JSONL or NewsMTSC). The model is saved in models/NAME beside the database and can be
    used at once: annotator predict --model trained:NAME.

    Example: annotator train --name newsmtsc ../shared/data/newsmtsc/train.jsonl
    """
    import random

    from annotator.evaluate import default_scheme_for
    from annotator.schemes import get_scheme
    from annotator.training import (
        choose_method,
        default_epochs,
        examples_from_db,
        examples_from_file,
        train_model,
    )

    if from_annotations == (path is not None):
        raise click.UsageError("give either PATH or --from-annotations (one of the two)")
    name = name or time.strftime("model-%Y%m%d-%H%M%S")
    try:
        parse_spec(f"trained:{name}")
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--name") from None
    if from_annotations:
        db = _open(db_path)
        scheme_used = project_scheme(db)
        examples = examples_from_db(db)
    else:
        scheme_used = get_scheme(scheme or default_scheme_for(path, fmt))
        try:
            examples = examples_from_file(path, fmt, scheme_used)
        except InputError as error:
            raise click.ClickException(str(error)) from None
    if limit and limit < len(examples):
        examples = random.Random(seed).sample(examples, limit)
    if not examples:
        raise click.ClickException("no gold labels to train on")
    folder = models_dir_beside(db_path) / name
    method = choose_method(method, len(examples))
    passes = 1 if method == "linear" else epochs or default_epochs(len(examples))
    label = f"training {name} ({method})"
    with click.progressbar(length=len(examples) * passes, label=label, file=sys.stderr) as bar:
        meta = train_model(
            examples, scheme_used, folder, method, epochs, seed=seed, on_progress=bar.update
        )
    click.echo(
        f"trained:{name} ({meta['method']}) on {meta['examples']} labels ({meta['scheme']}) "
        f"in {meta['seconds']:.0f} s; saved in {folder}"
    )


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(db_path: Path, host: str, port: int):
    """Run the web app.

    Example: annotator serve --port 8000
    """
    _open(db_path)
    _serve(db_path, host, port)


@main.command()
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


if __name__ == "__main__":
    main()
