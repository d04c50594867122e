"""One database connection per request, kept on `g`."""

from __future__ import annotations

from flask import Flask, current_app, g

from annotator.schemes import Scheme
from annotator.store.database import open_database, project_scheme


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


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    app.after_request(add_vary_header)
    app.context_processor(lambda: {"scheme": get_scheme()})
