"""Commands for the corpus: create the database, import files, export gold labels."""

from __future__ import annotations

import time
from pathlib import Path

import click

from annotator.exporting import FORMATS as EXPORT_FORMATS
from annotator.exporting import ONLY, TEXT_FORMATS, export_to_file, write_export
from annotator.exporting.files import OutputError
from annotator.exporting.splits import SPLIT_NAMES, SplitError, split_path
from annotator.ingest import FORMATS, InputError, import_file
from annotator.schemes import SCHEMES
from annotator.store.database import NotInitialisedError, init_database, project_scheme
from annotator.store.overall import question_enabled, set_question
from annotator.wording import counted

from .options import db_option, open_or_fail

RATE_MIN_SENTENCES = 1_000


@click.command()
@db_option
@click.option(
    "--scheme",
    type=click.Choice(sorted(SCHEMES)),
    default=None,
    help="Label set: stance (favor/against/neutral, the default) or sentiment.",
)
@click.option(
    "--overall-question/--no-overall-question",
    default=None,
    help="Also ask each sentence's overall sentiment after its actors (default: unchanged).",
)
def init(db_path: Path, scheme: str | None, overall_question: bool | None):
    """Create or migrate the database.

    Example: annotator init --scheme sentiment --overall-question
    """
    try:
        db = init_database(db_path, scheme)
    except (ValueError, NotInitialisedError) as error:
        raise click.ClickException(str(error)) from None
    if overall_question is not None:
        set_question(db, overall_question)
    asked = " and the overall question" if question_enabled(db) else ""
    click.echo(f"{db_path}: ready, scheme {project_scheme(db).name}{asked}")


@click.command("import")
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
    """Import documents: .txt files, JSONL records, NewsMTSC, other tools' exports
    (Label Studio, doccano, Prodigy) or stance-benchmark CSV (SemEval-2016, P-Stance).

    Each file appears whole or not at all: a file with an error is skipped whole and
    the error names its line. Re-importing a document adds its labels, never a copy.

    Example: annotator import seeds/*.txt gold.jsonl --annotator ana
    """
    db = open_or_fail(db_path)
    labels = project_scheme(db).label_names
    failed = 0
    for path in paths:
        started = time.perf_counter()
        try:
            summary = import_file(db, path, fmt, labels, annotator)
        except InputError as error:
            failed += 1
            click.secho(f"error: {error}", fg="red", err=True)
            continue
        seconds = time.perf_counter() - started
        # Small files are mostly model loading; a rate would only mislead there.
        large = summary.sentences >= RATE_MIN_SENTENCES
        rate = f", {summary.sentences / seconds:,.0f} sentences/s" if large else ""
        click.echo(f"{path}: {summary} in {seconds:.1f} s{rate}")
    if failed:
        raise click.ClickException(f"{failed} of {len(paths)} files were not imported")


@click.command()
@db_option
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True, path_type=Path),
    default="-",
    help="File to write (replaced only once complete), or with --format hf the folder;"
    " standard output by default.",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: one line per sentence with its targets; csv: one row per (sentence, actor);"
    " parquet: the same rows, typed; hf: a Hugging Face datasets folder (both need the"
    " formats extra).",
)
@click.option(
    "--only",
    type=click.Choice(ONLY),
    default="all",
    show_default=True,
    help="all targets; reviewed: those someone labelled; gold: those with a gold label.",
)
@click.option(
    "--split",
    default=None,
    metavar="TRAIN/[VALIDATION/]TEST",
    help="Percentages, as 80/10/10: one file per split beside -o (gold.train.csv, ...), by"
    " document, stratified by label.",
)
@click.option("--seed", default=0, show_default=True, help="Random seed of --split.")
def export(db_path: Path, output: Path, format_: str, only: str, split: str | None, seed: int):
    """Write every sentence with its gold labels: JSONL (one line per sentence) or CSV (one
    row per sentence and actor, every annotator's label packed as "name:label|name:label").

    Example: annotator export -o gold.jsonl
             annotator export --format csv --only gold -o gold.csv
             annotator export --format parquet --split 80/10/10 --seed 1 -o gold.parquet
    """
    db = open_or_fail(db_path)
    if str(output) == "-":
        if split is not None:
            raise click.UsageError("--split writes one file per split: give -o PATH")
        if format_ not in TEXT_FORMATS:
            place = "a folder" if format_ == "hf" else "a file"
            raise click.UsageError(f"--format {format_} is written to {place}: give -o PATH")
        with click.open_file("-", "w", encoding="utf-8") as stdout:
            write_export(db, stdout, format_, only)
        return
    if output.is_dir() and format_ != "hf":
        raise click.UsageError(f"{output} is a folder: --format {format_} writes a file")
    if split is None and seed != 0:
        click.echo("note: --seed only matters with --split", err=True)
    try:
        counts = export_to_file(db, output, format_, only, split, seed)
    except (SplitError, OutputError) as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:
        where = error.filename or output
        raise click.ClickException(f"{where}: {error.strerror or error}") from None
    except RuntimeError as error:  # an optional package missing
        raise click.ClickException(str(error)) from None
    unit = "sentence" if format_ == "jsonl" else "row"
    if format_ == "hf":
        shown = ", ".join(f"{name} {count:,}" for name, count in counts.items())
        click.echo(f"wrote {counted(sum(counts.values()), unit)} to {output} ({shown})", err=True)
        return
    for name, count in counts.items():
        target = output if name is None else split_path(output, name)
        click.echo(f"wrote {counted(count, unit)} to {target}", err=True)
    stale = [split_path(output, name) for name in SPLIT_NAMES if name not in counts]
    for path in (p for p in stale if split is not None and p.exists()):
        click.echo(f"note: {path} is left from an earlier export with other splits", err=True)
