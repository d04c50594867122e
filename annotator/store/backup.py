"""Consistent copies of a live database (SQLite's online backup API), and restoring them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .schema import MIGRATIONS

PAGES_PER_STEP = 1024  # copy in steps, letting the app write between them
SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every SQLite database file


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


def annotator_problem(path: str | Path) -> str | None:
    """Why the file is not an annotator database this version can open, or None.

    A restore replaces the live data with the file, so an empty file, another program's
    SQLite file or one from a newer annotator (a migration this code does not know) must
    be refused before anything is copied.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        return "an empty file (0 bytes), not an annotator database"
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return "not a SQLite database (it does not start with SQLite's header)"
    problems = integrity_problems(path)
    if problems:
        return f"not a sound SQLite database: {problems[0]}"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        applied = [migration.name for migration in MIGRATIONS.applied(Database(conn))]
    finally:
        conn.close()
    if not applied:
        return "a SQLite database, but not an annotator database (it has no annotator schema)"
    known = {migration.name for migration in MIGRATIONS.pending(Database(memory=True))}
    unknown = [name for name in applied if name not in known]
    if unknown:
        return (
            f"written by a newer version of annotator (unknown migration {', '.join(unknown)});"
            " upgrade annotator to restore it"
        )
    return None


def restore_database(backup: str | Path, target: str | Path) -> list[str]:
    """Replace the database at `target` with the backup, after checking the backup.

    Returns the migrations the restored database still needs (a backup from an older
    version); `annotator init` applies them. Stop the server and the worker first: open
    connections would keep reading the old data.
    """
    backup, target = Path(backup), Path(target)
    if not backup.exists():
        raise BackupError(f"{backup}: no such backup")
    problem = annotator_problem(backup)
    if problem:
        raise BackupError(f"{backup}: {problem}; {target} is unchanged")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target), timeout=30)
    try:
        src.backup(dst)  # one step: the restored file is whole or untouched
        return [migration.name for migration in MIGRATIONS.pending(Database(dst))]
    finally:
        dst.close()
        src.close()
