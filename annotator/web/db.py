"""One database connection per request, kept on `g`."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g

from annotator.schemes import Scheme
from annotator.store.database import NotInitialisedError, open_database, project_scheme


def get_db():
    """The request's connection, opened on first use."""
    if "db" not in g:
        g.db = open_database(current_app.config["DB"])
    return g.db


def get_scheme() -> Scheme:
    """The label scheme of the open database."""
    if "scheme" not in g:
        g.scheme = project_scheme(get_db())
    return g.scheme


def close_db(error=None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


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
