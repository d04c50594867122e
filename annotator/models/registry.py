"""Model specs: the strings that select a backend, e.g. "embedding" or "nli:NAME_OR_PATH"."""

from __future__ import annotations

from functools import lru_cache

from .base import StanceModel

DEFAULT_MODEL = "embedding"
BACKENDS = ("embedding", "nli")


def parse_spec(spec: str) -> tuple[str, str]:
    """Split a spec into (backend, argument); raise ValueError for an unknown backend."""
    backend, _, argument = spec.strip().partition(":")
    if backend not in BACKENDS:
        raise ValueError(
            f"unknown model spec {spec!r}: use 'embedding', 'embedding:PATH' or 'nli:NAME_OR_PATH'"
        )
    return backend, argument.strip()


@lru_cache(maxsize=4)
def load_model(spec: str = DEFAULT_MODEL) -> StanceModel:
    """The model for `spec`, constructed once per process (weights load on first predict)."""
    backend, argument = parse_spec(spec)
    if backend == "embedding":
        from .embedding import PACKAGED_MODEL, EmbeddingModel

        return EmbeddingModel(None if argument in ("", PACKAGED_MODEL) else argument)
    from .nli import NliModel

    return NliModel(argument)
