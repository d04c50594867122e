"""Connections are reused across requests, never with a transaction or a failure left in them."""

import sqlite3

import pytest

from annotator.web.db import ConnectionPool


def test_a_returned_connection_is_reused(db_path, db):
    pool = ConnectionPool(str(db_path))
    first = pool.take()
    pool.give_back(first)
    assert pool.take() is first


def test_an_open_transaction_is_rolled_back_before_reuse(db_path, db):
    pool = ConnectionPool(str(db_path))
    conn = pool.take()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("insert into settings (key, value) values ('left', 'open')")
    pool.give_back(conn)
    again = pool.take()
    assert not again.conn.in_transaction
    assert again.execute("select count(*) from settings where key = 'left'").fetchone() == (0,)
    # and the write lock was released: another connection can write at once
    other = sqlite3.connect(db_path, timeout=0)
    other.execute("insert into settings (key, value) values ('after', 'ok')")
    other.commit()


def test_the_connection_of_a_failed_request_is_closed(db_path, db):
    pool = ConnectionPool(str(db_path))
    conn = pool.take()
    pool.give_back(conn, failed=True)
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("select 1")
    assert pool.take() is not conn


def test_idle_connections_are_bounded(db_path, db):
    pool = ConnectionPool(str(db_path), size=2)
    taken = [pool.take() for _ in range(3)]
    for conn in taken:
        pool.give_back(conn)
    assert pool.idle.qsize() == 2
    with pytest.raises(sqlite3.ProgrammingError):
        taken[-1].execute("select 1")
