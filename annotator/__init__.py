"""annotator: review zero-shot stance pre-labels for the actors of news sentences."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def __getattr__(name: str):
    """`from annotator import Project`, imported on first use: the commands and the web app,
    which import this package too, do not pay for it."""
    if name == "Project":
        from annotator.project import Project

        return Project
    raise AttributeError(f"module 'annotator' has no attribute {name!r}")


def _secret_key(instance: Path) -> str:
    """A per-installation session key, created once and kept in instance/."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web app: defaults → instance/config.py → ANNOTATOR_* env → `test_config`."""
    # Imported here so that importing the store, text or model layers (which runs this
    # package's __init__) does not load Flask.
    from flask import Flask
    from flask_wtf.csrf import CSRFProtect

    from annotator.models import DEFAULT_MODEL
    from annotator.store.database import DEFAULT_DB_PATH
    from annotator.text.pronouns import is_pronoun
    from annotator.web import (
        access,
        auth,
        db,
        errors,
        highlight,
        register_blueprints,
        security,
    )
    from annotator.web.htmx import htmx
    from annotator.wording import counted, plural

    app = Flask(
        __name__,
        instance_path=str(Path.cwd() / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        DB=str(DEFAULT_DB_PATH),
        MODEL=DEFAULT_MODEL,
        BATCH_SIZE=64,
        REVIEW_ORDER="document",
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ANNOTATOR")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))

    if app.config.get("BEHIND_PROXY"):  # `serve --behind-proxy`: one proxy unless configured
        app.config["PROXY_FIX"] = app.config.get("PROXY_FIX") or 1
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    if app.config.get("PROXY_FIX"):  # the number of proxies in front whose headers to trust
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    htmx.init_app(app)
    CSRFProtect(app)
    db.init_app(app)
    errors.init_app(app)
    highlight.init_app(app)
    app.add_template_filter(counted)
    app.add_template_filter(plural)
    app.add_template_test(is_pronoun, "pronoun")
    auth.init_app(app)
    access.init_app(app)
    security.init_app(app)
    register_blueprints(app)
    return app
