"""Counts read as English ("1 document", "2 documents"), and a model run with nothing to do
says so."""

import pytest

from annotator import create_app
from annotator.ingest import import_file
from annotator.ingest.load import ImportSummary
from annotator.schemes import get_scheme
from annotator.store import jobs
from annotator.wording import counted
from annotator.worker import run_job

from .conftest import signed_in, write


@pytest.mark.parametrize(
    "n, noun, expected",
    [
        (0, "document", "0 documents"),
        (1, "document", "1 document"),
        (2, "pre-label", "2 pre-labels"),
        (1, "gold label", "1 gold label"),
        (1500, "sentence", "1500 sentences"),
    ],
)
def test_counted(n, noun, expected):
    assert counted(n, noun) == expected


def test_an_import_summary_counts_in_the_singular_where_it_should():
    summary = ImportSummary(documents=1, sentences=1, mentions=2, labels=0, duplicates=1)
    assert str(summary) == "1 document, 1 sentence, 2 mentions, 0 labels added; 1 already present"


def test_a_one_sentence_corpus_says_sentence(db, db_path, tmp_path):
    text = write(tmp_path / "one.txt", "Angela Merkel praised Emmanuel Macron.")
    import_file(db, text, "auto", get_scheme("stance").label_names)
    app = create_app(
        {"DB": str(db_path), "TESTING": True, "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False}
    )
    html = signed_in(app, "ana").get("/review").get_data(as_text=True)
    assert "/ 1 sentence reviewed" in html


def test_a_model_run_with_nothing_to_do_says_why(client, db, db_path, stub_model, monkeypatch):
    monkeypatch.setattr("annotator.tasks.load_model", lambda spec, models_dir=None: stub_model)
    job_id = jobs.create_job(db, "prelabel", {"model": stub_model.spec, "batch_size": 8})
    run_job(str(db_path), job_id)
    job = jobs.get_job(db, job_id)
    why = f"nothing to do: every mention already has a pre-label from {stub_model.spec}"
    assert (job["status"], job["message"]) == ("done", why)
    assert why in client.get(f"/jobs/{job_id}").get_data(as_text=True)
