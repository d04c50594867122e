"""`annotator backup` and `annotator restore`: consistent copies of the database."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.store.backup import BackupError, backup_database, restore_database

from .options import db_option, open_or_fail


@click.command()
@db_option
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(db_path: Path, path: Path):
    """Write a consistent copy of the database to PATH, safe while the app runs.

    Example: annotator backup backups/annotator-2026-11-28.db
    """
    open_or_fail(db_path).close()
    try:
        size = backup_database(db_path, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{path}: {size / 1e6:.1f} MB, integrity checked")


@click.command()
@db_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore(db_path: Path, path: Path, yes: bool):
    """Replace the database with the backup at PATH (stop `serve` and `worker` first).

    PATH must be an annotator database of this or an older version; anything else is
    refused and the database stays as it is.

    Example: annotator restore backups/annotator-2026-11-28.db
    """
    if not yes:
        click.confirm(f"Replace {db_path} with {path}?", abort=True)
    try:
        pending = restore_database(path, db_path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{db_path}: restored from {path}")
    if pending:
        click.echo(f"{db_path}: run `annotator init` to bring its schema up to date")
