"""One gold: export, stats, Models, the diff, training, agreement, search, the document and
adjudication pages all see the same gold labels, from one fixture with agreements, disputes
and an adjudication."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from annotator.agreement import agreement_report
from annotator.cli import main
from annotator.ingest import import_file
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store.adjudication import adjudicate, sentence_for_adjudication
from annotator.store.corpus import document_sentences
from annotator.store.diff import changed_labels
from annotator.store.exports import iter_export_records
from annotator.store.label_tables import actor_label_table
from annotator.store.predictions import save_predictions
from annotator.store.reports import model_reports
from annotator.store.search import SentenceFilter, search_sentences
from annotator.store.stats import actor_stances, label_totals
from annotator.training import examples_from_db

from .conftest import FirstLabelModel, write

LABELS = get_scheme("stance").label_names
# sentence → (ana's label, bob's label); None: not labelled by that person
PEOPLE = {
    "agree-favor": ("favor", "favor"),
    "agree-against": ("against", "against"),
    "dispute": ("favor", "neutral"),
    "adjudicated": ("favor", "against"),
    "ana-only": ("neutral", None),
    "nobody": (None, None),
}
GOLD = {
    "agree-favor": "favor",
    "agree-against": "against",
    "adjudicated": "neutral",
    "ana-only": "neutral",
}


def _record(sentence: str, label: str | None) -> dict:
    text = f"Critics said Paul Hanley was wrong about {sentence}."
    target = {"start": 13, "end": 24, "mention": "Paul Hanley", "actor": "Paul Hanley"}
    if label is not None:
        target["label"] = label
    return {"id": sentence, "document_id": "doc", "text": text, "targets": [target]}


@pytest.fixture
def gold_db(db, tmp_path):
    """Two annotators' labels, one adjudication, pre-labels from two models."""
    for person, column in (("ana", 0), ("bob", 1)):
        lines = [json.dumps(_record(s, labels[column])) for s, labels in PEOPLE.items()]
        path = write(tmp_path / f"{person}.jsonl", "\n".join(lines) + "\n")
        import_file(db, path, "jsonl", LABELS, person)
    mention = db.execute("select id from mentions where sentence_id = 'adjudicated'").fetchone()[0]
    adjudicate(db, mention, "neutral", "lea")
    prelabel(db, FirstLabelModel(), get_scheme("stance"))  # "favor" everywhere
    save_predictions(
        db,
        [
            {
                "mention_id": row["id"],
                "model": "stub:second",
                "template_version": "1",
                "label": "against",
                "score": 0.8,
                "scores": {"favor": 0.1, "against": 0.8, "neutral": 0.1},
            }
            for row in db.query("select id from mentions")
        ],
    )
    return db


def _by_sentence(db, rows, key="mention_id"):
    sentence_of = dict(db.execute("select id, sentence_id from mentions").fetchall())
    return {sentence_of[row[key]]: row for row in rows}


def test_export_holds_the_gold_of_the_fixture(gold_db):
    exported = {
        record["id"]: record["targets"][0]["label"]
        for record in iter_export_records(gold_db)
        if record["targets"][0]["label"] is not None
    }
    assert exported == GOLD
    statuses = {r["id"]: r["targets"][0]["status"] for r in iter_export_records(gold_db)}
    assert statuses["dispute"] == "disputed" and statuses["nobody"] == "unreviewed"
    assert statuses["adjudicated"] == "adjudicated"


def test_stats_count_the_same_gold(gold_db):
    assert label_totals(gold_db)["gold"] == dict(Counter(GOLD.values()))
    [hanley] = actor_stances(gold_db)
    assert hanley["gold"] == dict(Counter(GOLD.values()))
    [hanley] = actor_stances(gold_db, "doc")
    assert hanley["gold"] == dict(Counter(GOLD.values()))


def test_models_report_scores_on_the_same_gold(gold_db):
    reports = {r["model"]: r for r in model_reports(gold_db, LABELS)}
    assert reports["stub:first"]["n"] == len(GOLD)
    assert reports["stub:first"]["accuracy"] == pytest.approx(1 / 4)  # "favor" right once
    assert reports["stub:second"]["accuracy"] == pytest.approx(1 / 4)  # "against" right once


def test_diff_calls_contradictions_by_the_same_gold(gold_db):
    version = gold_db.execute(
        "select template_version from predictions where model = 'stub:first' limit 1"
    ).fetchone()[0]
    changes = changed_labels(gold_db, ("stub:first", version), ("stub:second", "1"))
    gold = {s: row["gold"] for s, row in _by_sentence(gold_db, changes).items()}
    assert gold == {s: GOLD.get(s) for s in PEOPLE}
    wrong = changed_labels(gold_db, ("stub:first", version), ("stub:second", "1"), True)
    assert {row["sentence_id"] for row in wrong} == {"agree-favor", "adjudicated", "ana-only"}


def test_training_uses_exactly_the_gold(gold_db):
    examples = examples_from_db(gold_db)
    sentence_ids = {e.pair.sentence.split("about ")[1].rstrip("."): e.label for e in examples}
    assert sentence_ids == GOLD


def test_agreement_scores_the_model_on_the_same_gold(gold_db):
    table = actor_label_table(gold_db)
    gold = {s: labels.get("gold") for s, labels in _by_sentence_table(gold_db, table).items()}
    assert {s: g for s, g in gold.items() if g is not None} == GOLD
    model_vs_gold = agreement_report(table)["model"]["gold"]
    assert model_vs_gold["n"] == len(GOLD)
    assert model_vs_gold["accuracy"] == pytest.approx(1 / 4)  # stub:first, the active model


def _by_sentence_table(db, table):
    sentence_of = dict(db.execute("select id, sentence_id from mentions").fetchall())
    return {sentence_of[mention]: labels for mention, labels in table.items()}


def test_search_filters_by_the_same_gold(gold_db):
    for label in LABELS:
        found = {s["id"] for s in search_sentences(gold_db, SentenceFilter(label=label))}
        assert found == {s for s, g in GOLD.items() if g == label}
    disputed = search_sentences(gold_db, SentenceFilter(status="disputed"))
    assert [s["id"] for s in disputed] == ["dispute"]
    unreviewed = search_sentences(gold_db, SentenceFilter(status="unreviewed"))
    assert [s["id"] for s in unreviewed] == ["nobody"]


def test_document_and_adjudication_pages_show_the_same_gold(gold_db):
    shown = {
        s["id"]: s["mentions"][0]["label"]
        for s in document_sentences(gold_db, "doc")
        if s["mentions"][0]["label"] is not None
    }
    assert shown == GOLD
    page = sentence_for_adjudication(gold_db, "adjudicated")
    assert page["mentions"][0]["gold"]["label"] == "neutral"
    assert sentence_for_adjudication(gold_db, "dispute")["mentions"][0]["open"]


def test_train_from_annotations_counts_the_gold(gold_db, db_path, monkeypatch):
    import annotator.training as training

    monkeypatch.setattr(training, "_fit_linear", lambda examples, *a: {"seen": len(examples)})
    result = CliRunner().invoke(
        main, ["train", "--db", str(db_path), "--from-annotations", "--name", "g"]
    )
    assert result.exit_code == 0, result.output
    assert f"on {len(GOLD)} labels" in result.output


def test_pages_show_the_same_gold(gold_db, db_path):
    from annotator import create_app

    from .conftest import signed_in

    app = create_app({"DB": str(db_path), "TESTING": True, "SECRET_KEY": "t"})
    app.config["WTF_CSRF_ENABLED"] = False
    client = signed_in(app, "lea", "admin")
    models = client.get("/models").get_data(as_text=True)
    assert models.count(f"<strong>{len(GOLD)}</strong> gold labels") == 2  # both models
    for label in LABELS:
        page = client.get(f"/search?label={label}").get_data(as_text=True)
        found = {s for s in PEOPLE if f"about {s}." in page}
        assert found == {s for s, g in GOLD.items() if g == label}
    document = client.get("/documents/doc").get_data(as_text=True)
    assert document.count('class="status">disputed') == 1
    assert document.count("adjudicated by lea") == 1
