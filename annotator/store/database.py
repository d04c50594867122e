"""Opening the database file and the project settings kept inside it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.schemes import DEFAULT_SCHEME, Scheme, get_scheme

from .schema import MIGRATIONS

DEFAULT_DB_PATH = Path("instance") / "annotator.db"


class NotInitialisedError(RuntimeError):
    """The database file has no schema yet: `annotator init` has not been run."""


def now() -> str:
    """The current time as an ISO-8601 UTC timestamp, the format of every `created` column."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def seconds_between(earlier: str, later: str) -> float:
    """Seconds from one `now()` timestamp to another."""
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


class LockingDatabase(Database):
    """sqlite-utils' Database whose transactions take the write lock when they begin.

    A transaction that reads, then writes, cannot wait for a writer that committed in
    between: SQLite fails it at once ("database is locked"). Taking the lock first (BEGIN
    IMMEDIATE) makes concurrent writers queue on the busy timeout instead, and makes
    read-then-write decisions (claiming a sentence while fewer than k annotators hold it)
    safe between connections.

    Writers also queue on a lock of their own first (`WriterLock`): SQLite's busy handler
    polls with sleeps of up to 100 ms, which under twenty concurrent writers became
    seconds of tail latency, while a waiter on a lock wakes as soon as it is free.
    """

    writer_lock: WriterLock | None = None

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:  # nested: a savepoint, as sqlite-utils does
            with super().atomic():
                yield self
            return
        with self.writer_lock or nullcontext():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.rollback()
                raise
            self.conn.commit()

    def query(self, sql: str, params=None) -> Iterator[dict]:
        """Run a SELECT now and yield its rows as dicts, as sqlite-utils' `query` does, without
        the savepoint it wraps every statement in (two more statements per read)."""
        cursor = self.conn.execute(sql, params if params is not None else ())
        if cursor.description is None:
            raise ValueError("query() is for statements that return rows; use execute()")
        return _dict_rows(cursor)


def _dict_rows(cursor: sqlite3.Cursor) -> Iterator[dict]:
    keys = [column[0] for column in cursor.description]
    for row in cursor:
        yield dict(zip(keys, row))


def insert_row(db: Database, table: str, row: dict) -> int:
    """Insert one row in plain SQL and return its rowid.

    sqlite-utils' `insert` reads the table's schema on every call; the hot paths (saving a
    decision, importing) write known columns of known tables.
    """
    names = ", ".join(f"[{column}]" for column in row)
    marks = ", ".join("?" for _ in row)
    return db.execute(
        f"insert into [{table}] ({names}) values ({marks})", list(row.values())
    ).lastrowid


def upsert_row(db: Database, table: str, row: dict, pk: tuple[str, ...]) -> None:
    """Insert `row`, or update the given columns of the row with the same `pk` columns."""
    names = ", ".join(f"[{column}]" for column in row)
    marks = ", ".join("?" for _ in row)
    keys = ", ".join(f"[{column}]" for column in pk)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in row if c not in pk)
    action = f"update set {updates}" if updates else "nothing"
    db.execute(
        f"insert into [{table}] ({names}) values ({marks}) on conflict ({keys}) do {action}",
        list(row.values()),
    )


class WriterLock:
    """Where the writers of one database file queue: threads of this process on a lock,
    processes (the web server's, the job worker) on an advisory lock of a file beside the
    database. Both wake a waiter as soon as they are free, where SQLite's busy handler
    sleeps up to 100 ms between tries. Re-entrant within a thread."""

    def __init__(self, path: str):
        self.path = path + "-writers.lock"
        self._threads = threading.RLock()
        self._depth = 0
        self._file: int | None = None

    def __enter__(self) -> None:
        self._threads.acquire()
        try:
            if self._depth == 0:
                if self._file is None:
                    self._file = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._file, fcntl.LOCK_EX)
        except OSError:  # a read-only folder: threads still queue, processes meet at SQLite
            self._file = None
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1

    def __exit__(self, *_) -> None:
        self._depth -= 1
        if self._depth == 0 and self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()


_writer_locks: dict[tuple[int, str], WriterLock] = {}
_writer_locks_guard = threading.Lock()


def _writer_lock(path: str | Path) -> WriterLock:
    """The one lock this process's writers of the database file at `path` queue on. Keyed
    by process too: a forked child must not share its parent's file lock."""
    key = (os.getpid(), os.path.realpath(path))
    with _writer_locks_guard:
        if key not in _writer_locks:
            _writer_locks[key] = WriterLock(key[1])
        return _writer_locks[key]


def connect(path: str | Path) -> Database:
    """Open `path` for use by one thread: foreign keys on, waiting on locks instead of failing."""
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db = LockingDatabase(conn)
    db.writer_lock = _writer_lock(path)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def init_database(path: str | Path, scheme: str | None = None) -> Database:
    """Create or migrate the database at `path` and set its label scheme.

    The scheme can change only while no labels or predictions exist: they would
    otherwise mix label sets.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        db = connect(path)
        foreign = _holds_another_programs_tables(db)
    except sqlite3.DatabaseError as error:  # another kind of file, or a damaged one
        raise NotInitialisedError(f"{path}: not a project database ({error})") from None
    if foreign:
        db.close()
        raise NotInitialisedError(
            f"{path}: another program's database (it has tables and no project schema);"
            " the project's tables are not added to it: give a new file"
        )
    db.enable_wal()
    MIGRATIONS.apply(db)
    current = get_setting(db, "scheme")
    wanted = get_scheme(scheme or current or DEFAULT_SCHEME).name
    if current != wanted:
        if current is not None and has_labels(db):
            raise ValueError(
                f"{path}: the database already holds labels in the {current!r} scheme; "
                f"cannot switch to {wanted!r}"
            )
        set_setting(db, "scheme", wanted)
    return db


def open_database(path: str | Path) -> Database:
    """Open an initialised database, or raise NotInitialisedError naming the file."""
    if not Path(path).exists():
        raise NotInitialisedError(f"{path}: no database here; run `annotator init` first")
    try:
        db = connect(path)
        pending = MIGRATIONS.pending(db)
    except sqlite3.DatabaseError as error:  # another kind of file, or a damaged one
        raise NotInitialisedError(f"{path}: not a project database ({error})") from None
    if pending and _holds_another_programs_tables(db):
        db.close()
        raise NotInitialisedError(f"{path}: not a project database (another program's tables)")
    if pending:
        db.close()
        raise NotInitialisedError(
            f"{path}: the database schema is not up to date; run `annotator init`"
        )
    return db


def _holds_another_programs_tables(db: Database) -> bool:
    """Tables, but none of this project's migrations applied: a file some other program made."""
    return bool(db.table_names()) and not MIGRATIONS.applied(db)


def database_path(db: Database) -> str:
    """The file the connection's main database is in ("" for a database in memory)."""
    return next(row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main")


def first_row(db: Database, sql: str, params=()) -> dict | None:
    """The first row a query returns, or None."""
    return next(iter(db.query(sql, params)), None)


def get_setting(db: Database, key: str) -> str | None:
    """Read one project setting, or None when it is unset (or the database has no schema yet)."""
    try:
        row = first_row(db, "select value from settings where key = ?", [key])
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return None
        raise
    return row["value"] if row else None


def set_setting(db: Database, key: str, value: str) -> None:
    """Write one project setting."""
    upsert_row(db, "settings", {"key": key, "value": value}, ("key",))


def project_scheme(db: Database) -> Scheme:
    """The label scheme this database was initialised with."""
    return get_scheme(get_setting(db, "scheme") or DEFAULT_SCHEME)


def has_labels(db: Database) -> bool:
    """True when any annotation or prediction is stored."""
    return bool(db.table("annotations").count or db.table("predictions").count)


def upsert_stamped(db: Database, table: str, row: dict, pk: tuple[str, ...]) -> dict | None:
    """Insert or replace `row` (keyed by the `pk` columns), stamping `updated` now and keeping
    the `created` of the row it replaces; return that earlier row, or None."""
    where = " and ".join(f"[{column}] = ?" for column in pk)
    previous = first_row(
        db, f"select * from [{table}] where {where}", [row[column] for column in pk]
    )
    stamp = now()
    stamped = {**row, "created": previous["created"] if previous else stamp, "updated": stamp}
    upsert_row(db, table, stamped, pk)
    return previous
