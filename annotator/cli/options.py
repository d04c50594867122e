"""Options and helpers shared by the `annotator` commands."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.models import DEFAULT_MODEL
from annotator.models.registry import parse_spec
from annotator.schemes import SCHEMES
from annotator.store.database import (
    DEFAULT_DB_PATH,
    NotInitialisedError,
    open_database,
    project_scheme,
)

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


def _model_option(shown_default: bool | str):
    return click.option(
        "--model",
        "model_spec",
        default=DEFAULT_MODEL,
        envvar="ANNOTATOR_MODEL",
        show_default=shown_default,
        show_envvar=True,
        callback=_model_spec,
        help="Model spec: 'embedding' (offline default), 'embedding:PATH', "
        "'nli:NAME_OR_PATH', 'trained:NAME' or 'starter'.",
    )


model_option = _model_option(True)
# the commands that pre-label run the project's active model unless told (`model_to_run`)
prelabel_model_option = _model_option(f"the project's active model, else {DEFAULT_MODEL}")


def model_to_run(ctx: click.Context, db, model_spec: str) -> str:
    """The model a pre-labelling command runs: the one named with --model (or
    ANNOTATOR_MODEL), else `store.prelabels.prelabelling_model`."""
    from click.core import ParameterSource

    from annotator.store.prelabels import prelabelling_model

    if ctx.get_parameter_source("model_spec") is not ParameterSource.DEFAULT:
        return model_spec
    return prelabelling_model(db, model_spec)


gold_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "newsmtsc"]),
    default="auto",
    show_default=True,
    help="Format of the gold file (export JSONL or NewsMTSC).",
)

gold_scheme_option = click.option(
    "--scheme",
    type=click.Choice(sorted(SCHEMES)),
    default=None,
    help="Label set of the gold file; sentiment for NewsMTSC files, else the project's "
    "(stance without a database).",
)


method_option = click.option(
    "--method",
    type=click.Choice(["auto", "linear", "cross-encoder"]),
    default="auto",
    show_default=True,
    help="linear: seconds, steady on few labels; cross-encoder: fine-tuning, minutes, "
    "better with thousands of labels; auto: linear below 2,000 labels.",
)


def open_or_fail(db_path: Path):
    """The initialised database, or a clean command-line error naming the file."""
    try:
        return open_database(db_path)
    except NotInitialisedError as error:
        raise click.ClickException(str(error)) from None


def scheme_if_initialised(db_path: Path) -> str | None:
    """The project's scheme name when the database exists, else None (nothing is created)."""
    try:
        db = open_database(db_path)
    except NotInitialisedError:
        return None
    try:
        return project_scheme(db).name
    finally:
        db.close()
