"""A walk of the queue that starts at the annotator's mark finds the sentence a walk from the
start would, after any write, and its cost stays flat however far ahead they work."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from annotator.ingest import import_file
from annotator.prelabel import prelabel
from annotator.store import assignments, queue, queue_walk, review
from annotator.store.imports import begin_import, publish_import
from annotator.store.mention_edits import remove_mention
from annotator.store.predictions import save_predictions
from annotator.store.undo import undo_last

from .conftest import SEED
from .test_priority import STANCE, SpreadModel, _prediction

ORDERS = ("document", "uncertainty")
FROM_THE_START = -1  # a counter value no mark carries


@pytest.fixture
def spread(db):
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, SpreadModel(), STANCE)
    return db


def both_walks(db, annotator: str, order: str) -> tuple[str | None, str | None]:
    """The walk from the annotator's mark, and the walk from the start of the order."""
    k = assignments.overlap(db)
    marked = queue_walk.first_free(db, annotator, order, k, queue_walk.generation(db))
    return marked, queue_walk.first_free(db, annotator, order, k, FROM_THE_START)


def assert_marks_agree(db, annotators) -> None:
    for annotator in annotators:
        for order in ORDERS:
            marked, whole = both_walks(db, annotator, order)
            assert marked == whole, (annotator, order)


def serve_and_accept(db, annotator: str, order: str) -> str | None:
    sentence_id = queue.next_sentence_id(db, annotator, order)
    if sentence_id is not None:
        review.accept_sentence(db, annotator, sentence_id)
    return sentence_id


@pytest.mark.parametrize("order", ORDERS)
def test_an_annotator_far_ahead_is_served_as_a_walk_from_the_start_would(spread, order):
    assignments.set_overlap(spread, 2)
    for _ in range(12):
        walk = queue.claim_order(spread, "ana", order)  # every fifth in document order
        expected = both_walks(spread, "ana", walk)[1]
        assert serve_and_accept(spread, "ana", order) == expected
        assert_marks_agree(spread, ["ana", "ben"])
    # ben starts: ana's sentences are open to him, from the first one
    walk = queue.claim_order(spread, "ben", order)
    expected = both_walks(spread, "ben", walk)[1]
    assert expected == both_walks(spread, "cat", walk)[1]
    assert serve_and_accept(spread, "ben", order) == expected
    assert_marks_agree(spread, ["ana", "ben", "cat"])


def test_the_walk_reads_as_much_after_hundreds_of_sentences_as_after_a_few(db, tmp_path):
    source = tmp_path / "many.jsonl"
    source.write_text("".join(_record(n) for n in range(450)), encoding="utf-8")
    import_file(db, source, "jsonl", STANCE.label_names)
    prelabel(db, SpreadModel(), STANCE)
    assignments.set_overlap(db, 2)
    costs = {}
    for done in range(1, 401):
        serve_and_accept(db, "ana", "document")
        if done in (10, 400):
            costs[done] = _steps(
                db, lambda since: queue_walk.first_free(db, "ana", "document", 2, since)
            )
    whole = _steps(
        db, lambda since: queue_walk.first_free(db, "ana", "document", 2, FROM_THE_START)
    )
    assert costs[400] < 2 * costs[10]  # flat, where the walk from the start grows
    assert whole > 20 * costs[400]


def _record(n: int, document: str = "many") -> str:
    text = f"Smith said {n} things."
    target = {"actor": "Smith", "mention": "Smith", "start": 0, "end": 5, "label": None}
    record = {
        "text": text,
        "document_id": document,
        "targets": [{**target, "status": "unreviewed"}],
    }
    return json.dumps(record) + "\n"


@pytest.fixture
def two_documents(db, tmp_path):
    """Two documents of six one-actor sentences each, pre-labelled, k = 2."""
    source = tmp_path / "two.jsonl"
    source.write_text(
        "".join(_record(n, document) for document in ("first", "second") for n in range(6)),
        encoding="utf-8",
    )
    import_file(db, source, "jsonl", STANCE.label_names)
    prelabel(db, SpreadModel(), STANCE)
    assignments.set_overlap(db, 2)
    return db


@pytest.mark.parametrize("order", ORDERS)
def test_a_sentence_that_joins_the_queue_behind_a_mark_is_served(two_documents, order):
    db = two_documents
    first = serve_and_accept(db, "ana", "document")
    [mention] = db.query("select id from mentions where sentence_id = ?", [first])
    remove_mention(db, "lead", mention["id"], lead=True)  # its one actor: it leaves the queue
    db.execute("delete from reviews where sentence_id = ?", [first])
    db.execute("delete from assignments where sentence_id = ?", [first])
    for _ in range(3):
        serve_and_accept(db, "ana", order)
    undo_last(db, "lead")  # back in the queue, before ana's mark
    assert_marks_agree(db, ["ana"])
    assert queue.next_sentence_id(db, "ana", "document") == first


@pytest.mark.parametrize("order", ORDERS)
def test_an_import_published_behind_a_mark_is_served(two_documents, order):
    db = two_documents
    import_id = begin_import(db, "first.jsonl")  # as if "first" were still being imported
    db.execute("update documents set import_id = ? where id = 'first'", [import_id])
    for _ in range(3):
        assert serve_and_accept(db, "ana", order).startswith("second")
    with db.atomic():
        publish_import(db, import_id)
    assert_marks_agree(db, ["ana"])
    assert queue.next_sentence_id(db, "ana", "document").startswith("first")


def _steps(db, walk) -> int:
    """SQLite virtual-machine steps a walk takes (counted per 10), the same on any machine."""
    count = [0]

    def tick():
        count[0] += 1
        return 0

    db.conn.set_progress_handler(tick, 10)
    try:
        walk(queue_walk.generation(db))
    finally:
        db.conn.set_progress_handler(None, 100)
    return count[0]


def test_every_write_that_could_free_a_sentence_before_a_mark_sends_the_walk_back(spread):
    """Random writes of every kind that can open a sentence behind a mark, interleaved with
    three annotators' work: the walk from the mark always agrees with the walk from the start."""
    rng = random.Random(7)
    people = ["ana", "ben", "cat"]
    sentences = [row["id"] for row in spread.query("select id from sentences")]
    mentions = [row["id"] for row in spread.query("select id from mentions")]
    documents = [row["id"] for row in spread.query("select id from documents")]
    undo_owners = []
    for step in range(160):
        action = rng.choice(
            ["serve", "serve", "serve", "overlap", "free", "margin", "remove", "undo", "publish"]
        )
        if action == "serve":
            serve_and_accept(spread, rng.choice(people), rng.choice(ORDERS))
        elif action == "overlap":
            assignments.set_overlap(spread, rng.choice([1, 2, 3]))
        elif action == "free":  # a place given up, by whatever path
            spread.execute(
                "delete from assignments where rowid in"
                " (select rowid from assignments order by random() limit 1)"
            )
        elif action == "margin":
            present = [row["id"] for row in spread.query("select id from mentions")]
            chosen = rng.sample(present, 5)
            top = rng.choice([0.34, 0.5, 0.9])
            save_predictions(
                spread, [_prediction(m, SpreadModel.spec, f"v{step}", top) for m in chosen]
            )
        elif action == "remove":
            mention = rng.choice(mentions)
            if spread["mentions"].count_where("id = ?", [mention]):
                remove_mention(spread, "lead", mention, lead=True)
                undo_owners.append("lead")
        elif action == "undo" and undo_owners:
            undo_last(spread, undo_owners.pop())
        elif action == "publish":
            import_id = begin_import(spread, "later.txt")
            document = rng.choice(documents)
            spread.execute("update documents set import_id = ? where id = ?", [import_id, document])
            assert_marks_agree(spread, people)  # its sentences are passed over meanwhile
            with spread.atomic():
                publish_import(spread, import_id)
        assert_marks_agree(spread, people)
    assert len(sentences) > 10
    assert spread["walk_marks"].count > 0  # the marks were in use


def test_a_stale_mark_is_not_used_and_the_next_claim_leaves_a_fresh_one(spread):
    assignments.set_overlap(spread, 2)
    first = serve_and_accept(spread, "ana", "document")
    [mark] = spread.query("select * from walk_marks where annotator = 'ana'")
    assert mark["generation"] == queue_walk.generation(spread)
    spread.execute("delete from assignments where sentence_id = ?", [first])
    assert queue_walk.generation(spread) == mark["generation"] + 1
    assert queue.next_sentence_id(spread, "ana", "document") == first  # freed: served again
    [fresh] = spread.query("select * from walk_marks where annotator = 'ana'")
    assert fresh["generation"] == queue_walk.generation(spread)


def test_walk_marks_survive_a_second_connection(db_path, spread):
    assignments.set_overlap(spread, 2)
    serve_and_accept(spread, "ana", "document")
    other = sqlite3.connect(db_path)
    try:
        other.execute("delete from assignments where annotator = 'ana'")
        other.commit()
    finally:
        other.close()
    assert_marks_agree(spread, ["ana"])


def test_the_kept_count_of_done_sentences_follows_every_write_of_a_review(spread, tmp_path):
    """Accept, skip, undo, requeue and imported labels: the count kept per annotator is the
    count of their done reviews, whatever wrote them."""
    from annotator.store.diff import requeue_sentences
    from annotator.store.exports import iter_export_lines
    from annotator.store.review_counts import done_count

    def assert_counts():
        for row in spread.query("select distinct annotator from reviews"):
            name = row["annotator"]
            done = spread.table("reviews").count_where("annotator = ? and status = 'done'", [name])
            assert done_count(spread, name) == done, name

    accepted = [serve_and_accept(spread, "ana", "document") for _ in range(3)]
    assert done_count(spread, "ana") == 3
    sentence = queue.next_sentence_id(spread, "ana")
    review.skip_sentence(spread, "ana", sentence)
    assert_counts()
    undo_last(spread, "ana")
    undo_last(spread, "ana")  # the last accept too
    assert_counts()
    assert done_count(spread, "ana") == 2
    assert requeue_sentences(spread, accepted[:1]) == 1
    assert_counts()
    assert done_count(spread, "ana") == 1
    exported = tmp_path / "labels.jsonl"
    exported.write_text("".join(iter_export_lines(spread)), encoding="utf-8")
    import_file(spread, exported, "jsonl", STANCE.label_names)
    assert_counts()
    assert done_count(spread, "ana") >= 1
