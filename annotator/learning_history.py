"""The models the learning loop trained for one project.

Projects beside each other share one `models/` folder; each model's metadata names the
project it was learned for, so one project's history never shows (or continues) another's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from annotator.models.registry import trained_meta, trained_specs
from annotator.store.database import project_scheme
from annotator.store.learning import project_id


def learned_for(db: Database) -> Callable[[dict], bool]:
    """A test of a model's metadata: did the loop train it for this project? (Models learned
    before projects were named in them count for every project of their scheme.) The project
    is read once, however many models are tested."""
    scheme, project = project_scheme(db).name, project_id(db)
    return lambda meta: (
        meta.get("cv_macro_f1") is not None
        and meta.get("scheme") == scheme
        and meta.get("project", project) == project
    )


def learning_history(models_dir: Path, db: Database) -> list[dict]:
    """The metadata of every model the loop trained for this project, oldest first, each with
    its `spec`."""
    history, ours = [], learned_for(db)
    for spec in trained_specs(models_dir):
        meta = trained_meta(spec, models_dir) or {}
        if ours(meta):
            history.append({**meta, "spec": spec})
    return sorted(history, key=lambda meta: meta["trained"])
