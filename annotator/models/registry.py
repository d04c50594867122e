"""Model specs: the strings that select a backend.

- `embedding` or `embedding:PATH`: the offline default (see embedding.py);
- `nli:NAME_OR_PATH`: any transformers NLI model;
- `trained:NAME`: a model trained by `annotator train`, kept in MODELS_DIR/NAME;
- `starter`: the default's encoder with a head learned from NewsMTSC (see starter.py),
  kept in MODELS_DIR/starter once built.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .base import StanceModel

DEFAULT_MODEL = "embedding"
DEFAULT_MODELS_DIR = Path("instance") / "models"
BACKENDS = ("embedding", "nli", "trained", "starter")
MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
STARTER_FOLDER = "starter"  # in the models folder, beside the trained models
# A model on the Hugging Face Hub: "name" or "owner/name", no path steps
HUB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,95})?$")


def parse_spec(spec: str) -> tuple[str, str]:
    """Split a spec into (backend, argument); raise ValueError for an unknown backend."""
    backend, _, argument = spec.strip().partition(":")
    if backend not in BACKENDS:
        raise ValueError(
            f"unknown model spec {spec!r}: use 'embedding', 'embedding:PATH', "
            "'nli:NAME_OR_PATH', 'trained:NAME' or 'starter'"
        )
    if backend == "starter" and argument.strip():
        raise ValueError(f"bad model spec {spec!r}: the starter model is just 'starter'")
    if backend == "trained" and not MODEL_NAME.match(argument.strip()):
        raise ValueError(f"bad trained model name {argument!r}: letters, digits, . _ - only")
    if backend == "trained" and argument.strip() == STARTER_FOLDER:
        raise ValueError(f"{STARTER_FOLDER!r} is the starter model's folder: use 'starter'")
    return backend, argument.strip()


def load_model(spec: str = DEFAULT_MODEL, models_dir: str | Path | None = None) -> StanceModel:
    """The model for `spec`, constructed once per process (weights load on first use).

    A retrained model (same name, new files) is picked up without a restart.
    """
    backend, argument = parse_spec(spec)
    folder = Path(models_dir or DEFAULT_MODELS_DIR).resolve()
    stamp = None
    if backend in ("trained", "starter"):
        meta = folder / (argument or STARTER_FOLDER) / "annotator.json"
        stamp = meta.stat().st_mtime_ns if meta.exists() else None
    return _construct(backend, argument, str(folder), stamp)


@lru_cache(maxsize=8)
def _construct(backend: str, argument: str, models_dir: str, stamp) -> StanceModel:
    if backend == "embedding":
        from .embedding import PACKAGED_MODEL, EmbeddingModel

        return EmbeddingModel(None if argument in ("", PACKAGED_MODEL) else argument)
    if backend == "nli":
        from .nli import NliModel

        return NliModel(argument)
    if backend == "starter":
        from .starter import StarterModel

        return StarterModel(models_dir)
    from .trained import open_trained

    return open_trained(argument, Path(models_dir) / argument)


def models_dir_beside(db_path: str | Path) -> Path:
    """Trained models live in a `models/` folder next to the database they were made for."""
    return Path(db_path).resolve().parent / "models"


def trained_specs(models_dir: str | Path) -> list[str]:
    """The `trained:NAME` spec of every model saved in `models_dir`."""
    folder = Path(models_dir)
    if not folder.is_dir():
        return []
    return sorted(
        f"trained:{path.parent.name}"
        for path in folder.glob("*/annotator.json")
        if MODEL_NAME.match(path.parent.name) and path.parent.name != STARTER_FOLDER
    )


def check_spec(spec: str, models_dir: str | Path) -> str:
    """The spec, stripped, if it names a usable model; raise ValueError saying what is wrong."""
    backend, argument = parse_spec(spec)
    if backend == "trained" and f"trained:{argument}" not in trained_specs(models_dir):
        raise ValueError(f"no trained model {argument!r}; train one with `annotator train`")
    if backend == "starter" and not starter_ready(models_dir):
        raise ValueError("the starter model is not built yet: `annotator predict --model starter`")
    if backend in ("embedding", "nli") and argument:
        _check_model_place(backend, argument)
    return spec.strip()


def _check_model_place(backend: str, argument: str) -> None:
    """An `embedding:` or `nli:` argument is a folder of a transformers model on this
    machine or, not being one, a Hub model's name; refused otherwise, before any job waits
    on it (a hub name is only checked for its form: this machine may not reach the Hub)."""
    folder = Path(argument).expanduser()
    if folder.exists():
        if not (folder / "config.json").is_file():
            raise ValueError(f"{argument!r} is not a model folder: it holds no config.json")
    elif ".." in argument or not HUB_NAME.match(argument):
        raise ValueError(
            f"no model folder {argument!r} on this machine, nor a Hub model name"
            f" ({backend}:OWNER/NAME)"
        )


def starter_ready(models_dir: str | Path) -> bool:
    """Whether the starter model was built in this models folder."""
    return (Path(models_dir) / STARTER_FOLDER / "annotator.json").is_file()


def _saved_folder(spec: str, models_dir: str | Path) -> Path | None:
    """The folder of a trained or starter model's files; None for a zero-shot spec."""
    try:
        backend, argument = parse_spec(spec)
    except ValueError:
        return None
    if backend == "starter":
        return Path(models_dir) / STARTER_FOLDER
    return Path(models_dir) / argument if backend == "trained" else None


def trained_meta(spec: str, models_dir: str | Path) -> dict | None:
    """What `annotator train` recorded of a trained model (method, examples, …); None for a
    zero-shot spec or a model whose folder is gone."""
    import json

    folder = _saved_folder(spec, models_dir)
    if folder is None or not (folder / "annotator.json").is_file():
        return None
    return json.loads((folder / "annotator.json").read_text(encoding="utf-8"))


def training_keys(spec: str, models_dir: str | Path) -> frozenset[str]:
    """The span keys a model was trained on (none for a zero-shot model or an unknown one)."""
    folder = _saved_folder(spec, models_dir)
    if folder is None:
        return frozenset()
    from .trained import trained_on

    return trained_on(folder)
