"""An import stages its documents unpublished in short transactions and publishes them at once:
readers never see part of a file, annotators save meanwhile, and a killed import is discarded."""

import json
import subprocess
import sys

import pytest

from annotator.ingest import InputError, import_file, load
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store import corpus, queue, review
from annotator.store.actors import list_actors
from annotator.store.database import connect
from annotator.store.document_progress import list_documents
from annotator.store.exports import iter_export_lines
from annotator.store.predictions import count_unpredicted
from annotator.store.search import SentenceFilter, search_sentences
from annotator.store.stats import actor_stances

from .conftest import SEED, write

STANCE = get_scheme("stance").label_names
# Three documents of two sentences; every sentence mentions an actor. "Lisbon" is in no other
# text of the tests.
ARTICLES = [
    {
        "id": f"lisbon-{n}",
        "text": f"Angela Merkel met Emmanuel Macron in Lisbon on day {n}. "
        "Joe Biden praised Olaf Scholz.",
    }
    for n in range(3)
]


def articles(tmp_path, name="lisbon.jsonl"):
    return write(tmp_path / name, "\n".join(json.dumps(a) for a in ARTICLES) + "\n")


def stored_rows(db) -> dict[str, int]:
    """Every row of the corpus tables, published or not."""
    return {t: db.table(t).count for t in ("documents", "sentences", "actors", "mentions")}


def what_readers_see(db) -> dict:
    """The corpus as each page, command and export reads it."""
    return {
        "documents": [d["id"] for d in list_documents(db)],
        "document": corpus.get_document(db, "lisbon-0"),
        "sentence": corpus.get_sentence(db, "lisbon-0:0"),
        "search": [s["id"] for s in search_sentences(db, SentenceFilter(text="Lisbon"))],
        "next": queue.next_sentence_id(db, "ana"),
        "with actors": queue.count_sentences_with_actors(db),
        "export": list(iter_export_lines(db)),
        "actors": [a["name"] for a in list_actors(db)],
        "stances": [a["actor"] for a in actor_stances(db)],
        "unpredicted": count_unpredicted(db, "stub:first", "v1"),
    }


NOTHING = {
    "documents": [],
    "document": None,
    "sentence": None,
    "search": [],
    "next": None,
    "with actors": 0,
    "export": [],
    "actors": [],
    "stances": [],
    "unpredicted": 0,
}

# `annotator import` that dies (as if killed) the moment it would publish: every document of
# the file is staged, in one transaction each, and none is published.
DYING_IMPORT = """
import os, sys

from annotator.cli import main
from annotator.ingest import load

if __name__ == "__main__":
    load.STAGE_SENTENCES = 1
    load.publish_import = lambda db, import_id: os._exit(3)
    main(sys.argv[1:], prog_name="annotator")
"""


def test_an_import_killed_before_it_publishes_shows_nothing_and_the_next_discards_it(
    db, db_path, tmp_path
):
    script = write(tmp_path / "dying_import.py", DYING_IMPORT)
    command = [sys.executable, str(script), "import", "--db", str(db_path), str(articles(tmp_path))]
    assert subprocess.run(command, capture_output=True).returncode == 3
    assert stored_rows(db)["sentences"] == 6  # the chunks were written
    assert what_readers_see(db) == NOTHING
    assert db.table("imports").count == 1
    staged_mention = db.execute("select min(id) from mentions").fetchone()[0]
    with pytest.raises(review.ReviewError):  # nor can anyone label what they cannot see
        review.record_label(db, "ana", staged_mention, "favor", STANCE)
    with pytest.raises(review.ReviewError):
        review.accept_sentence(db, "ana", "lisbon-0:0")
    assert db.table("assignments").count == db.table("annotations").count == 0

    summary = import_file(db, SEED, "auto", STANCE)  # the next import discards it first
    assert stored_rows(db)["documents"] == 1 and stored_rows(db)["sentences"] == summary.sentences
    assert db.table("imports").count == 0
    assert import_file(db, articles(tmp_path), "auto", STANCE).documents == 3  # stored afresh
    seen = what_readers_see(db)
    assert seen["search"] == ["lisbon-0:0", "lisbon-1:0", "lisbon-2:0"]
    counted = db.execute("select count(distinct sentence_id) from mentions").fetchone()[0]
    assert seen["with actors"] == counted == queue.sentences_with_actors(db)


def test_a_published_import_is_seen_whole_and_counted(db, tmp_path, monkeypatch):
    monkeypatch.setattr(load, "STAGE_SENTENCES", 1)
    import_file(db, articles(tmp_path), "auto", STANCE)
    seen = what_readers_see(db)
    assert seen["documents"] == ["lisbon-0", "lisbon-1", "lisbon-2"]
    assert seen["with actors"] == 6 == queue.sentences_with_actors(db)
    assert seen["next"] == "lisbon-0:0" and len(seen["export"]) == 6
    assert "Angela Merkel" in seen["actors"]
    assert seen["unpredicted"] == db.table("mentions").count
    assert db.table("imports").count == 0 and db.table("documents").count_where("import_id") == 0


def test_annotators_save_while_an_import_is_between_chunks(
    db, db_path, tmp_path, monkeypatch, stub_model
):
    import_file(db, SEED, "auto", STANCE)
    prelabel(db, stub_model, get_scheme("stance"))
    annotator = connect(db_path)  # the web app's own connection
    annotator.execute("PRAGMA busy_timeout = 200")  # fails fast if the import held the lock
    monkeypatch.setattr(load, "STAGE_SENTENCES", 1)
    seen = []

    def between_chunks(step):
        if len(seen) == 1:  # the first document is stored, the second analysed
            sentence_id = queue.next_sentence_id(annotator, "ana")
            card = queue.sentence_for_review(annotator, sentence_id, "ana")
            review.record_label(annotator, "ana", card["mentions"][0]["id"], "against", STANCE)
            review.accept_sentence(annotator, "ana", sentence_id)
            seen.append((sentence_id, stored_rows(annotator)["documents"]))
            assert corpus.get_document(annotator, sentence_id.split(":")[0]) is not None
            assert corpus.get_sentence(annotator, sentence_id) is not None
            seen.append(what_readers_see(annotator)["search"])
        seen.append(step)

    import_file(db, articles(tmp_path), "auto", STANCE, on_progress=between_chunks)
    annotator.close()
    [first, (sentence_id, documents), search, *_] = seen
    assert sentence_id.startswith("putin-") and documents == 2  # the seed and one staged
    assert search == []
    assert review.review_row(db, sentence_id, "ana")["status"] == "done"
    assert len(search_sentences(db, SentenceFilter(text="Lisbon"))) == 3


def test_a_failed_import_discards_the_chunks_it_wrote(db, tmp_path, monkeypatch):
    import_file(db, SEED, "auto", STANCE)
    before = stored_rows(db)
    monkeypatch.setattr(load, "STAGE_SENTENCES", 1)
    conflicting = {"id": "putin-visits-north-korea-and-vietnam", "text": "Other text."}
    path = write(
        tmp_path / "late-conflict.jsonl",
        "\n".join(json.dumps(r) for r in [*ARTICLES, conflicting]) + "\n",
    )
    with pytest.raises(InputError, match="line 4: document id .* already exists"):
        import_file(db, path, "auto", STANCE)
    assert stored_rows(db) == before and db.table("imports").count == 0

    def cancel(step):
        if db.table("documents").count > before["documents"]:  # a chunk is stored
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(db, articles(tmp_path), "auto", STANCE, on_progress=cancel)
    assert stored_rows(db) == before and db.table("imports").count == 0


def test_labelled_sentences_for_new_documents_are_staged_and_their_labels_published(
    db, tmp_path, monkeypatch
):
    monkeypatch.setattr(load, "STAGE_SENTENCES", 1)
    records = [
        {
            "id": f"s{n}",
            "text": "Critics attacked Smith.",
            "document_id": f"d{n}",
            "annotator": "ana",
            "targets": [{"start": 17, "end": 22, "label": "against"}],
        }
        for n in range(3)
    ]
    path = write(tmp_path / "gold.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    published = []

    def on_progress(step):
        published.append(what_readers_see(db)["documents"])

    summary = import_file(db, path, "auto", STANCE, on_progress=on_progress)
    assert summary.sentences == 3 and summary.labels == 3
    assert published == [[], [], []]  # a step per staged record; none visible meanwhile
    assert queue.review_progress(db, "ana") == {"reviewed": 3, "total": 3}
    assert [d["id"] for d in list_documents(db)] == ["d0", "d1", "d2"]


def test_labels_for_published_sentences_wait_for_the_publish_step(db, tmp_path):
    record = {"id": "s1", "text": "Critics attacked Smith.", "targets": [{"start": 17, "end": 22}]}
    import_file(db, write(tmp_path / "a.jsonl", json.dumps(record)), "auto", STANCE)
    assert queue.sentences_with_actors(db) == 1
    labelled = {**record, "targets": [{"start": 17, "end": 22, "label": "favor"}]}
    longer = {
        "id": "s1b",
        "document_id": "s1",
        "text": "Jones agreed.",
        "targets": [{"start": 0, "end": 5}],
    }
    path = write(tmp_path / "b.jsonl", json.dumps(labelled) + "\n" + json.dumps(longer))
    summary = import_file(db, path, "auto", STANCE, "ben")
    assert (summary.sentences, summary.labels, summary.duplicates) == (1, 1, 1)
    assert queue.sentences_with_actors(db) == 2  # counted again: it added to document s1
    assert [row["label"] for row in db.table("annotations").rows] == ["favor"]


def test_an_import_waits_for_the_turn_of_the_one_before_it(db, db_path, tmp_path):
    from annotator.store.imports import import_turn

    asked = []

    def give_up(step):
        asked.append(step)
        raise KeyboardInterrupt  # a job cancelled while it waited

    other = connect(db_path)
    with import_turn(other):  # another import, in another connection, is writing
        with pytest.raises(KeyboardInterrupt):
            import_file(db, articles(tmp_path), "auto", STANCE, on_progress=give_up)
    other.close()
    assert asked == [0] and stored_rows(db)["documents"] == 0
    assert db.table("imports").count == 0
    assert import_file(db, articles(tmp_path), "auto", STANCE).documents == 3  # its turn now
