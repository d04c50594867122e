"""Fixing actors in place: move a mention to another actor, drop a wrong one, undo both."""

import json

import pytest

from annotator.store import review
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
    first = mention_ids(db)[0]
    review.record_label(db, "ana", first, "against", LABELS)
    review.record_label(db, "ben", first, "neutral", LABELS)
    before = json.dumps(next(iter_export_records(db)))
    remove_mention(db, "ana", first)
    assert first not in mention_ids(db)
    assert db.table("annotations").count_where("mention_id = ?", [first]) == 0
    assert "Vladimir Putin" not in [t["actor"] for t in next(iter_export_records(db))["targets"]]
    # ben's own undo of his label on the dropped mention must not fail
    assert undo_last(db, "ben").sentence_id == FIRST
    undo_last(db, "ana")  # brings the mention back with ana's label
    assert first in mention_ids(db)
    labels = {
        r["annotator"]: r["label"]
        for r in db.query("select annotator, label from annotations where mention_id = ?", [first])
    }
    assert labels == {"ana": "against", "ben": "neutral"}
    assert json.dumps(next(iter_export_records(db))) == before


@pytest.mark.parametrize("headers", [{}, HX])
def test_web_reassign_and_remove(client, db, headers):
    first, second = mention_ids(db)[:2]
    response = client.post(
        f"/mentions/{first}/actor", data={"actor": "Putin the Elder"}, headers=headers
    )
    assert response.status_code in (200, 303)
    assert first_target(db)["actor"] == "Putin the Elder"
    response = client.post(f"/mentions/{second}/remove", headers=headers)
    assert response.status_code in (200, 303) and second not in mention_ids(db)
    if headers:
        assert "Fix actor" in response.get_data(as_text=True)
    assert client.post(f"/mentions/{first}/actor", data={"actor": ""}).status_code == 400
    assert client.post("/mentions/999999/remove").status_code == 404
