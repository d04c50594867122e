"""Shared fixtures: a fresh database per test, the Flask app over it, and a stub model."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.models.base import Prediction, StanceModel
from annotator.store.database import init_database

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "putin-visits-north-korea-and-vietnam.txt"
NEWSMTSC = ROOT.parent / "shared" / "data" / "newsmtsc"


class FirstLabelModel(StanceModel):
    """A stand-in model that always predicts the scheme's first label with score 0.9."""

    spec = "stub:first"

    def predict(self, pairs, scheme, batch_size=64):
        first, rest = scheme.label_names[0], scheme.label_names[1:]
        scores = {first: 0.9, **{name: 0.1 / len(rest) for name in rest}}
        return [Prediction(first, 0.9, scores) for _ in pairs]


@pytest.fixture
def db_path(tmp_path) -> Path:
    path = tmp_path / "annotator.db"
    init_database(path).close()
    return path


@pytest.fixture
def db(db_path):
    from annotator.store.database import open_database

    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def stub_model():
    return FirstLabelModel()


def write(path: Path, text: str | bytes) -> Path:
    """Write a test input file and return its path."""
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path
