"""Ids that are never given out twice, for rows that undo may bring back.

SQLite gives a new row the largest id plus one, so after the newest mention is removed the
next one added (by anyone) would take its id, and undoing the removal could no longer put
it back, nor could older decisions about it be told apart. `AUTOINCREMENT` keeps every id
ever used out of circulation; adding it to an existing table means rebuilding the table.
"""

from __future__ import annotations

import re

from sqlite_utils import Database


def rebuild_with_autoincrement(db: Database, table: str) -> None:
    """Rebuild `table` (integer primary key `id`) with AUTOINCREMENT, rows and indexes kept.

    SQLite's own recipe for a schema change: with foreign keys off (outside any
    transaction), copy into a new table, drop the old one, rename the new one, recreate its
    indexes, and check the foreign keys before committing.
    """
    [create] = db.execute(
        "select sql from sqlite_master where type = 'table' and name = ?", [table]
    ).fetchone()
    if "AUTOINCREMENT" in create.upper():
        return
    indexes = [
        sql
        for (sql,) in db.execute(
            "select sql from sqlite_master"
            " where type = 'index' and tbl_name = ? and sql is not null",
            [table],
        )
    ]
    staging = f"{table}_rebuilt"
    new_create = re.sub(
        r'^CREATE TABLE "?' + re.escape(table) + r'"?',
        f'CREATE TABLE "{staging}"',
        create,
        count=1,
    )
    new_create = re.sub(
        r'("id"|\[id\]|\bid\b)\s+INTEGER PRIMARY KEY',
        r"\1 INTEGER PRIMARY KEY AUTOINCREMENT",
        new_create,
        count=1,
        flags=re.IGNORECASE,
    )
    conn = db.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(new_create)
            conn.execute(f'INSERT INTO "{staging}" SELECT * FROM "{table}"')
            conn.execute(f'DROP TABLE "{table}"')
            conn.execute(f'ALTER TABLE "{staging}" RENAME TO "{table}"')
            for sql in indexes:
                conn.execute(sql)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"rebuilding {table} broke foreign keys: {problems[:5]}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
