"""Consistent copies of a live database (SQLite's online backup API), and restoring them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

PAGES_PER_STEP = 1024  # copy in steps, letting the app write between them


class BackupError(RuntimeError):
    """A backup or restore that could not be made safely."""


def integrity_problems(path: str | Path) -> list[str]:
    """What `PRAGMA integrity_check` reports for the file; empty when it is sound."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def backup_database(source: str | Path, target: str | Path) -> int:
    """Copy `source` to `target` consistently while the app keeps running; return its size.

    The copy is written beside the target and moved into place only once checked, so a
    failed backup never leaves a half-written file under the target's name.
    """
    source, target = Path(source), Path(target)
    if not source.exists():
        raise BackupError(f"{source}: no database here")
    if target.exists():
        raise BackupError(f"{target}: already exists; choose a new file name")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(partial))
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
    finally:
        dst.close()
        src.close()
    problems = integrity_problems(partial)
    if problems:
        partial.unlink()
        raise BackupError(f"{source}: the copy failed its integrity check: {problems[0]}")
    partial.replace(target)
    return target.stat().st_size


def restore_database(backup: str | Path, target: str | Path) -> None:
    """Replace the database at `target` with the backup, after checking the backup.

    Stop the server and the worker first: open connections would keep reading the old data.
    """
    backup, target = Path(backup), Path(target)
    if not backup.exists():
        raise BackupError(f"{backup}: no such backup")
    problems = integrity_problems(backup)
    if problems:
        raise BackupError(f"{backup}: not a sound SQLite database: {problems[0]}")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target), timeout=30)
    try:
        src.backup(dst)  # one step: the restored file is whole or untouched
    finally:
        dst.close()
        src.close()
