"""Commands for models: evaluate against gold labels, train on them (`predicting`: pre-label)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from annotator.ingest import InputError
from annotator.models import load_model
from annotator.models.registry import models_dir_beside, parse_spec
from annotator.store.database import project_scheme
from annotator.wording import counted

from .options import (
    db_option,
    gold_format_option,
    gold_scheme_option,
    method_option,
    model_option,
    open_or_fail,
    scheme_if_initialised,
)


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@model_option
@gold_format_option
@gold_scheme_option
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
    from annotator.evaluate import default_scheme_for, evaluate_file
    from annotator.metrics import format_report

    scheme = scheme or default_scheme_for(path, fmt, scheme_if_initialised(db_path))
    try:
        model = load_model(model_spec, models_dir_beside(db_path))
        report = evaluate_file(path, model, fmt, scheme, batch_size)
    except (InputError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        keys = (
            "n",
            "excluded",
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


@click.command()
@db_option
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--from-annotations", is_flag=True, help="Train on the database's gold labels.")
@click.option("--name", default=None, help="Model name; the spec becomes trained:NAME.")
@gold_format_option
@method_option
@click.option(
    "--epochs",
    type=click.IntRange(1, 50),
    default=None,
    help="Passes over the data; by default about 6,000 examples are seen in all, in at least"
    " two passes up to 10,000 labels.",
)
@gold_scheme_option
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
    from annotator.fine_tuning import default_epochs, fine_tune_work
    from annotator.schemes import get_scheme
    from annotator.training import (
        choose_method,
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
        db = open_or_fail(db_path)
        scheme_used = project_scheme(db)
        examples = examples_from_db(db)
    else:
        project = scheme_if_initialised(db_path)
        scheme_used = get_scheme(scheme or default_scheme_for(path, fmt, project))
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
    if method == "linear":
        work = len(examples)
    else:
        work = fine_tune_work(len(examples), epochs or default_epochs(len(examples)))
    label = f"training {name} ({method})"
    with click.progressbar(length=work, label=label, file=sys.stderr) as bar:
        meta = train_model(
            examples, scheme_used, folder, method, epochs, seed=seed, on_progress=bar.update
        )
    click.echo(
        f"trained:{name} ({meta['method']}) on {counted(meta['examples'], 'label')} "
        f"({meta['scheme']}) "
        f"in {meta['seconds']:.0f} s; saved in {folder}"
    )
