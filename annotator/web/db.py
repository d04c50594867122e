"""One database connection per request, kept on `g` and taken from a pool of idle ones."""

from __future__ import annotations

import queue
import sqlite3
import threading

from flask import Flask, current_app, g
from sqlite_utils import Database

from annotator.schemes import Scheme
from annotator.store.database import NotInitialisedError, open_database, project_scheme

IDLE_CONNECTIONS = 8


class ConnectionPool:
    """Idle connections to one database file, handed to one request at a time.

    Opening a connection (settings, schema check) and closing it (SQLite may checkpoint the
    write-ahead log when the last one closes) took about half of a short request's time. A
    returned connection is rolled back if a transaction was left open; one that served a
    failed request is closed instead of kept.
    """

    def __init__(self, path: str, size: int = IDLE_CONNECTIONS):
        self.path = path
        self.idle: queue.LifoQueue[Database] = queue.LifoQueue(maxsize=size)

    def take(self) -> Database:
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            return open_database(self.path)

    def give_back(self, db: Database, failed: bool = False) -> None:
        try:
            if db.conn.in_transaction:
                db.conn.rollback()
            if not failed:
                self.idle.put_nowait(db)
                return
        except (queue.Full, sqlite3.Error):
            pass
        db.close()

    def close_all(self) -> None:
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return


_pools_lock = threading.Lock()


def _pool() -> ConnectionPool:
    path = current_app.config["DB"]
    pools = current_app.extensions.setdefault("annotator_pools", {})
    with _pools_lock:
        if path not in pools:
            pools[path] = ConnectionPool(path)
        return pools[path]


def get_db():
    """The request's connection, taken from the pool on first use."""
    if "db" not in g:
        g.db = _pool().take()
    return g.db


def get_scheme() -> Scheme:
    """The label scheme of the open database."""
    if "scheme" not in g:
        g.scheme = project_scheme(get_db())
    return g.scheme


def close_db(error=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        _pool().give_back(db, failed=error is not None)


def add_vary_header(response):
    """Pages and partials share URLs, so caches must key on the htmx header."""
    response.vary.add("HX-Request")
    return response


def scheme_for_templates() -> dict:
    """Every page shows the scheme; error pages must render even when the database cannot."""
    try:
        return {"scheme": get_scheme()}
    except (NotInitialisedError, sqlite3.Error):
        return {}


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    app.after_request(add_vary_header)
    app.context_processor(scheme_for_templates)
