"""The JSONL export: schema, and export → import → export giving the same labels and offsets."""

import io
import json

from annotator.exporting import write_export
from annotator.ingest import import_file
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store import queue, review
from annotator.store.database import init_database

from .conftest import SEED

STANCE = get_scheme("stance")


def export_lines(db):
    buffer = io.StringIO()
    write_export(db, buffer)
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_export_schema_and_statuses(db, stub_model):
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, stub_model, STANCE)
    first = queue.next_sentence_id(db, "ana")
    mention = next(
        db.query("select id from mentions where sentence_id = ? order by start", [first])
    )
    review.record_label(db, "ana", mention["id"], "against", STANCE.label_names)
    review.accept_sentence(db, "ana", first)
    lines = export_lines(db)
    assert len(lines) == 48
    record = lines[0]
    assert set(record) == {"id", "document_id", "text", "targets"}
    target = record["targets"][0]
    assert record["text"][target["start"] : target["end"]] == target["mention"]
    assert target["actor"] == "Vladimir Putin"
    assert (target["label"], target["status"], target["annotator"]) == (
        "against",
        "corrected",
        "ana",
    )
    assert target["prediction"] == {"label": "favor", "score": 0.9, "model": "stub:first"}
    assert record["targets"][1]["status"] == "accepted"
    assert lines[1]["targets"][0]["status"] == "unreviewed"
    assert lines[1]["targets"][0]["label"] is None


def test_export_import_export_is_the_identity(db, stub_model, tmp_path):
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, stub_model, STANCE)
    for _ in range(5):
        sentence_id = queue.next_sentence_id(db, "ana")
        mention = next(db.query("select id from mentions where sentence_id = ?", [sentence_id]))
        review.record_label(db, "ana", mention["id"], "neutral", STANCE.label_names)
        review.accept_sentence(db, "ana", sentence_id)
    first = export_lines(db)
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in first), encoding="utf-8")

    other = init_database(tmp_path / "other.db")
    import_file(other, path, "auto", STANCE.label_names)
    second = export_lines(other)
    assert second == first


def test_with_two_annotators_asked_a_label_one_gave_is_pending_and_listed(db, stub_model):
    from annotator.store.assignments import set_overlap

    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, stub_model, STANCE)
    set_overlap(db, 2)
    first = queue.next_sentence_id(db, "ana")
    review.accept_sentence(db, "ana", first)
    [record] = [line for line in export_lines(db) if line["id"] == first]
    for target in record["targets"]:  # one of the two asked for: no gold yet
        assert (target["label"], target["status"], target["annotator"]) == (None, "pending", None)
        assert target["labels"] == [
            {"annotator": "ana", "label": target["prediction"]["label"], "status": "accepted"}
        ]
    unreviewed = next(line for line in export_lines(db) if line["id"] != first)
    assert all("labels" not in target for target in unreviewed["targets"])
    review.accept_sentence(db, "ben", first)  # the second agrees: gold
    [record] = [line for line in export_lines(db) if line["id"] == first]
    assert all(target["status"] == "accepted" and target["label"] for target in record["targets"])
    assert all(len(target["labels"]) == 2 for target in record["targets"])
