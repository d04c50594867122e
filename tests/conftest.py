"""Shared fixtures: a fresh database per test, the Flask app over it, and a stub model."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator import create_app
from annotator.ingest import import_file
from annotator.models.base import Prediction, StanceModel
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store.database import init_database

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "putin-visits-north-korea-and-vietnam.txt"
NEWSMTSC = ROOT.parent / "shared" / "data" / "newsmtsc"
FIRST = "putin-visits-north-korea-and-vietnam:0"
HX = {"HX-Request": "true"}


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


@pytest.fixture
def app(db_path, db, stub_model):
    """The web app over the seed article, pre-labelled by the stub model."""
    import_file(db, SEED, "auto", get_scheme("stance").label_names)
    prelabel(db, stub_model, get_scheme("stance"))
    return create_app(
        {"DB": str(db_path), "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}
    )


PASSWORD = "correct horse battery"


def add_user(db_path, username: str, role: str = "admin") -> None:
    """An account with the tests' password (kept if it exists)."""
    from annotator.store.database import open_database
    from annotator.store.users import create_user, get_user_by_name

    db = open_database(db_path)
    if get_user_by_name(db, username) is None:
        create_user(db, username, PASSWORD, role)
    db.close()


def signed_in(app, username: str, role: str = "admin"):
    """A test client signed in as `username`, created with `role` if new."""
    add_user(app.config["DB"], username, role)
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def client(app):
    """A test client signed in as "ana", an admin (every page is open to her)."""
    return signed_in(app, "ana")


# Every table an annotator's decision can write to.
DECISION_TABLES = (
    "annotations",
    "mentions",
    "actors",
    "reviews",
    "flags",
    "sentence_labels",
    "assignments",
    "decisions",
)


def decisions_state(db) -> dict[str, list[dict]]:
    """Every row a decision could have written, to compare before and after a request."""
    return {t: list(db.query(f"select * from [{t}] order by 1, 2")) for t in DECISION_TABLES}


@pytest.fixture(scope="session")
def nli_model_dir(tmp_path_factory):
    """A small NLI-shaped model built from the packaged MiniLM weights (random head)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from annotator.models.embedding import packaged_model_path

    folder = tmp_path_factory.mktemp("nli")
    id2label = {0: "entailment", 1: "neutral", 2: "contradiction"}
    model = AutoModelForSequenceClassification.from_pretrained(
        packaged_model_path(),
        num_labels=3,
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(packaged_model_path()).save_pretrained(folder)
    return str(folder)
