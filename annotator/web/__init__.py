"""The web layer: thin Flask blueprints over the storage, import and model layers."""

from __future__ import annotations

from importlib import import_module

# One module per resource, each with a blueprint `bp`.
BLUEPRINT_MODULES = (
    "actor_pages",
    "adjudication",
    "auth",
    "documents",
    "evaluation",
    "imports",
    "job_pages",
    "mention_fixes",
    "project_settings",
    "review",
    "search",
    "stats",
    "user_admin",
)


def register_blueprints(app) -> None:
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(f"{__name__}.{name}").bp)
