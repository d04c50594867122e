"""Fixing actors in place: move a mention to another actor, drop a wrong one, undo both."""

import json

import pytest

from annotator.store import review
from annotator.store.assignments import set_overlap
from annotator.store.exports import iter_export_records
from annotator.store.mention_edits import reassign_mention, remove_mention
from annotator.store.undo import undo_last

from .conftest import FIRST, HX

LABELS = ["favor", "against", "neutral"]


def first_target(db):
    return next(iter_export_records(db))["targets"][0]


def mention_ids(db, sentence_id=FIRST):
    return [
        r["id"]
        for r in db.query(
            "select id from mentions where sentence_id = ? order by start", [sentence_id]
        )
    ]


def test_reassign_moves_the_mention_and_undo_moves_it_back(app, db):
    first = mention_ids(db)[0]
    reassign_mention(db, "ana", first, "  Russian   President ")
    assert first_target(db)["actor"] == "Russian President"
    reassign_mention(db, "ana", first, "North Korea")  # an existing actor of the document
    assert first_target(db)["actor"] == "North Korea"
    undo_last(db, "ana")
    undo_last(db, "ana")
    assert first_target(db)["actor"] == "Vladimir Putin"
    with pytest.raises(review.ReviewError, match="1 to 100 characters"):
        reassign_mention(db, "ana", first, "   ")


def test_remove_drops_labels_and_undo_restores_everything(app, db):
    set_overlap(db, 2)  # two annotators hold the sentence
    first = mention_ids(db)[0]
    review.record_label(db, "ana", first, "against", LABELS)
    review.record_label(db, "ben", first, "neutral", LABELS)
    before = json.dumps(next(iter_export_records(db)))
    remove_mention(db, "lea", first, lead=True)  # labelled by two people: a lead's fix
    assert first not in mention_ids(db)
    assert db.table("annotations").count_where("mention_id = ?", [first]) == 0
    assert "Vladimir Putin" not in [t["actor"] for t in next(iter_export_records(db))["targets"]]
    # ben's own undo of his label on the dropped mention must not fail
    assert undo_last(db, "ben").sentence_id == FIRST
    undo_last(db, "lea")  # brings the mention back with both labels
    assert first in mention_ids(db)
    labels = {
        r["annotator"]: r["label"]
        for r in db.query("select annotator, label from annotations where mention_id = ?", [first])
    }
    assert labels == {"ana": "against", "ben": "neutral"}
    assert json.dumps(next(iter_export_records(db))) == before


def assert_back_on_the_sentence(response, headers):
    """htmx gets the review card of the sentence; a plain form is sent back to it."""
    if headers:
        assert response.status_code == 200
        assert response.get_data(as_text=True).lstrip().startswith('<section id="review"')
        assert response.headers["HX-Push-Url"] == f"/review/{FIRST}"
    else:
        assert response.status_code == 303
        assert response.location.split("?")[0] == f"/review/{FIRST}"


@pytest.mark.parametrize("headers", [{}, HX])
def test_web_reassign_and_remove(client, db, headers):
    first, second = mention_ids(db)[:2]
    response = client.post(
        f"/mentions/{first}/actor", data={"actor": "Putin the Elder"}, headers=headers
    )
    assert_back_on_the_sentence(response, headers)
    assert first_target(db)["actor"] == "Putin the Elder"
    response = client.post(f"/mentions/{second}/remove", headers=headers)
    assert_back_on_the_sentence(response, headers)
    assert second not in mention_ids(db)
    if headers:
        assert "Fix actor" in response.get_data(as_text=True)
    assert client.post(f"/mentions/{first}/actor", data={"actor": ""}).status_code == 400
    assert client.post("/mentions/999999/remove").status_code == 404


def test_remove_of_an_adjudicated_flagged_mention_and_undo(app, db):
    from annotator.store.adjudication import adjudicate
    from annotator.store.flags import flag_sentence

    set_overlap(db, 2)  # two annotators hold the sentence
    first = mention_ids(db)[0]
    sentence = db.execute("select sentence_id from mentions where id = ?", [first]).fetchone()[0]
    review.record_label(db, "ana", first, "against", LABELS)
    review.record_label(db, "bob", first, "neutral", LABELS)
    adjudicate(db, first, "against", "lea")
    flag_sentence(db, "ana", sentence, "sarcasm", "")
    before = {t: _rows_of(db, t, first) for t in ("annotations", "predictions", "adjudications")}
    remove_mention(db, "lea", first, lead=True)
    assert all(not _rows_of(db, t, first) for t in before)
    assert db.execute("select count(*) from flags").fetchone()[0] == 1
    undo_last(db, "lea")
    assert {t: _rows_of(db, t, first) for t in before} == before
    assert db.table("mentions").get(first)["sentence_id"] == sentence


def test_every_table_that_refers_to_a_mention_is_covered_by_the_one_delete(app, db):
    from annotator.store.mention_edits import delete_mention, restore_rows

    db.execute(
        "create table mention_notes (id integer primary key, mention_id integer"
        " references mentions(id), note text)"
    )
    first = mention_ids(db)[0]
    db.execute("insert into mention_notes (mention_id, note) values (?, 'x')", [first])
    removed = delete_mention(db, first)  # fails on the foreign key if the table is missed
    assert removed["mention_notes"] == [{"id": 1, "mention_id": first, "note": "x"}]
    restore_rows(db, removed)
    assert _rows_of(db, "mention_notes", first) == removed["mention_notes"]


def _rows_of(db, table, mention_id):
    return list(db.query(f"select * from {table} where mention_id = ?", [mention_id]))


def test_a_removed_mention_keeps_its_id_for_undo_while_others_add_mentions(app, db):
    from annotator.store.mention_edits import add_mention

    set_overlap(db, 2)  # ana and bob both hold the first sentence
    text = db.execute("select text from sentences where id = ?", [FIRST]).fetchone()[0]
    start = text.index("balloons")
    added = add_mention(db, "ana", FIRST, start, start + len("balloons"))
    assert added == db.execute("select max(id) from mentions").fetchone()[0]  # the newest
    review.record_label(db, "ana", added, "favor", LABELS)
    remove_mention(db, "ana", added)
    elsewhere = text.index("soldiers")
    other = add_mention(db, "bob", FIRST, elsewhere, elsewhere + len("soldiers"))
    assert other > added  # never the removed one's id
    undo_last(db, "ana")  # brings back ana's mention, her label with it
    assert db.table("mentions").get(added)["text"] == "balloons"
    assert db.execute(
        "select label from annotations where mention_id = ? and annotator = 'ana'", [added]
    ).fetchone() == ("favor",)
