"""Error pages that say what went wrong with the database instead of a bare 500."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, render_template

from annotator.store.database import NotInitialisedError

log = logging.getLogger(__name__)


def database_not_ready(error: NotInitialisedError):
    return render_template("error.html", title="Database not ready", message=str(error)), 503


def database_failed(error: sqlite3.OperationalError):
    """Locked, read-only or full databases: name the cause; nothing was half-written."""
    log.error("database error: %s", error)
    text = str(error)
    if "readonly" in text or "read-only" in text:
        message = "The database file is read-only, so nothing can be saved. Check its permissions."
    elif "disk" in text or "full" in text:
        message = "The disk holding the database is full, so nothing could be saved."
    elif "locked" in text:
        message = "The database is busy with another write. Try again in a moment."
    else:
        message = f"The database reported an error: {text}"
    return render_template("error.html", title="Could not save", message=message), 503


def init_app(app: Flask) -> None:
    app.register_error_handler(NotInitialisedError, database_not_ready)
    app.register_error_handler(sqlite3.OperationalError, database_failed)
