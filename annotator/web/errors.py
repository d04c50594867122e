"""Error pages in the app's own look: what went wrong with the database instead of a bare
500, and refusals (400, 403, 404, 405, …) that say why and lead back to the start page."""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, current_app, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def refused(error: HTTPException):
    """A client error as a page of the app (or, asked by htmx, the message alone, which the
    page shows in place of what it asked for). Headers such as 405's Allow are kept."""
    if error.code is None or not 400 <= error.code < 500:
        return error
    message = error.description
    if error.code == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
        message = f"The request is larger than the {limit:g} MiB limit."
    if isinstance(error, CSRFError):
        message = f"{message} The page was open too long or came from elsewhere: reload it."
    if request.headers.get("HX-Request"):
        body = render_template("_refused.html", message=message)
    else:
        body = render_template("error.html", title=error.name, message=message)
    response = make_response(body, error.code)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, refused)
    app.register_error_handler(NotInitialisedError, database_not_ready)
    app.register_error_handler(sqlite3.OperationalError, database_failed)
