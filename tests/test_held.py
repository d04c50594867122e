"""What an annotator holds and has not finished is kept as a flag on each assignment, so the
queue finds it without reading everything they ever held; the queue's migration fills that
flag and the sentences' places in for an existing database."""

from __future__ import annotations

import json

import pytest

from annotator.ingest import import_file
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store import assignments, queue, review
from annotator.store.database import init_database
from annotator.store.diff import requeue_sentences
from annotator.store.undo import undo_last

from .conftest import SEED
from .test_priority import SpreadModel, assert_current, kept_row, reference_order, served_order

STANCE = get_scheme("stance")

# The definition, computed directly: an assignment is finished once its annotator's review of
# the sentence is there and was not sent back.
REFERENCE = """
select a.sentence_id, a.annotator, exists (select 1 from reviews r
  where r.sentence_id = a.sentence_id and r.annotator = a.annotator
    and r.status != 'requeued') as finished
from assignments a order by a.sentence_id, a.annotator
"""


def assert_flags_current(db) -> None:
    kept = db.query(
        "select sentence_id, annotator, finished from assignments order by sentence_id, annotator"
    )
    assert list(kept) == list(db.query(REFERENCE))


@pytest.fixture
def spread(db):
    import_file(db, SEED, "auto", STANCE.label_names)
    prelabel(db, SpreadModel(), STANCE)
    return db


def finished(db, sentence_id: str, annotator: str) -> int:
    return db.execute(
        "select finished from assignments where sentence_id = ? and annotator = ?",
        [sentence_id, annotator],
    ).fetchone()[0]


def test_every_write_to_a_review_keeps_the_flag(spread):
    first = queue.next_sentence_id(spread, "ana")
    assert finished(spread, first, "ana") == 0
    review.accept_sentence(spread, "ana", first)
    assert finished(spread, first, "ana") == 1
    assert_flags_current(spread)
    second = queue.next_sentence_id(spread, "ana")
    review.skip_sentence(spread, "ana", second)
    assert finished(spread, second, "ana") == 1
    assert queue.next_sentence_id(spread, "ana") not in (first, second)
    assert_flags_current(spread)
    undo_last(spread, "ana")  # the skip
    assert finished(spread, second, "ana") == 0
    assert queue.next_sentence_id(spread, "ana") == second  # held, unfinished again
    assert_flags_current(spread)
    assert requeue_sentences(spread, [first]) == 1  # sent back: served first
    assert finished(spread, first, "ana") == 0
    assert queue.next_sentence_id(spread, "ana") == first
    assert_flags_current(spread)


def test_a_sentence_opened_by_its_url_is_held_unfinished(spread):
    sentence_id = reference_order(spread, "document")[5]
    assignments.require_holder(spread, sentence_id, "ana")
    assert finished(spread, sentence_id, "ana") == 0
    assert queue.next_sentence_id(spread, "ana") == sentence_id
    assert_flags_current(spread)


def test_imported_reviews_are_finished(spread, tmp_path):
    text = "Joe Biden spoke."
    target = {"start": 0, "end": 9, "label": "favor", "annotator": "cleo", "status": "manual"}
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps({"id": "more:0", "text": text, "targets": [target]}) + "\n")
    import_file(spread, path, "jsonl", STANCE.label_names)
    assert finished(spread, "more:0", "cleo") == 1
    assert_flags_current(spread)


def test_an_existing_database_gets_the_queue_filled_in(spread, db_path):
    # As a database from before the migration: it fills everything in from the data.
    held = queue.next_sentence_id(spread, "ana")
    review.accept_sentence(spread, "ana", held)
    sent_back = queue.next_sentence_id(spread, "ana")
    review.accept_sentence(spread, "ana", sent_back)
    requeue_sentences(spread, [sent_back])
    _undo_migration(spread)
    init_database(db_path).close()
    assert_current(spread)
    assert_flags_current(spread)
    assert kept_row(spread, held)["full"] == 1
    assert finished(spread, held, "ana") == 1 and finished(spread, sent_back, "ana") == 0
    assert queue.next_sentence_id(spread, "ana") == sent_back
    spread.execute("delete from assignments")
    assert served_order(spread, "uncertainty") == reference_order(spread, "uncertainty")


def _undo_migration(db) -> None:
    names = db.execute(
        "select type, name from sqlite_master where name like 'sentence_priority%'"
        " or name like 'assignments_finished%' or name = 'assignments_unfinished'"
    ).fetchall()
    for kind, name in sorted(names, key=lambda row: row[0] == "table"):
        if not name.startswith("sqlite_autoindex"):
            db.execute(f"drop {kind} {name}")
    db.execute("alter table assignments drop column finished")
    db.execute("delete from _sqlite_migrations where name = 'index_the_queue'")


def _backdate(db, sentence_id: str, annotator: str, hours: float) -> None:
    from datetime import UTC, datetime, timedelta

    when = (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="milliseconds")
    db.execute(
        "update assignments set created = ? where sentence_id = ? and annotator = ?",
        [when, sentence_id, annotator],
    )


def _work_through(db, annotator: str) -> list[str]:
    served = []
    while (sentence_id := queue.next_sentence_id(db, annotator)) is not None:
        assert sentence_id not in served
        served.append(sentence_id)
        review.accept_sentence(db, annotator, sentence_id)
    return served


def test_a_place_opened_and_left_idle_goes_to_an_annotator_who_has_nothing_else(spread):
    """k = 1: cat opens two sentences and decides one label on the second, then leaves.
    An hour on, ben's queue ends with the one cat left untouched, not the one cat began."""
    order = reference_order(spread, "document")
    left, begun = order[3], order[4]
    for sentence_id in (left, begun):
        assignments.require_holder(spread, sentence_id, "cat")
    mention = spread.execute(
        "select id from mentions where sentence_id = ? order by start limit 1", [begun]
    ).fetchone()[0]
    review.record_label(spread, "cat", mention, "against", STANCE.label_names)
    _backdate(spread, left, "cat", 0.5)  # not idle long enough yet
    _backdate(spread, begun, "cat", 2)
    assert left not in _work_through(spread, "ben")
    _backdate(spread, left, "cat", 2)
    assert _work_through(spread, "ben") == [left]  # freed once ben had nothing else
    assert begun not in {
        row["sentence_id"] for row in spread.table("reviews").rows_where("annotator = 'ben'")
    }
    with pytest.raises(assignments.NotHolderError):  # cat, back: told it was taken
        assignments.require_holder(spread, left, "cat")
    assignments.require_holder(spread, begun, "cat")  # what cat began stays cat's
    assert_flags_current(spread)


def test_switching_an_account_off_frees_the_places_it_decided_nothing_on(spread):
    from annotator.store.users import create_user, set_active

    user_id = create_user(spread, "cat", "a long enough password")
    order = reference_order(spread, "document")
    for sentence_id in order[:2]:
        assignments.require_holder(spread, sentence_id, "cat")
    review.accept_sentence(spread, "cat", order[1])
    set_active(spread, user_id, False)
    held = {
        row["sentence_id"] for row in spread.table("assignments").rows_where("annotator = 'cat'")
    }
    assert held == {order[1]}  # the decided one keeps its place, with cat's labels
