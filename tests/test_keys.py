"""The review card from the keyboard: undo's focus."""

import re

import pytest

from annotator.store import review
from annotator.store.mention_edits import reassign_mention, remove_mention
from annotator.store.overall import set_question
from annotator.store.undo import undo_last

from .conftest import FIRST, HX

LABELS = ["favor", "against", "neutral"]


def mention_ids(db, sentence_id=FIRST):
    rows = db.query("select id from mentions where sentence_id = ? order by start", [sentence_id])
    return [r["id"] for r in rows]


def test_undo_names_the_mention_whose_decision_it_reverted(app, db):
    first, second, *_ = mention_ids(db)
    review.record_label(db, "ana", first, "against", LABELS)
    review.record_label(db, "ana", second, "against", LABELS)
    reassign_mention(db, "ana", second, "Somebody")
    remove_mention(db, "ana", first)
    assert undo_last(db, "ana").mention_id == first  # the removed mention is back
    assert undo_last(db, "ana").mention_id == second  # moved back
    undone = undo_last(db, "ana")
    assert (undone.sentence_id, undone.mention_id) == (FIRST, second)
    review.accept_sentence(db, "ana", FIRST)
    assert undo_last(db, "ana").mention_id == second  # the first actor it gave a pre-label
    review.skip_sentence(db, "ana", FIRST)
    assert undo_last(db, "ana").mention_id is None
    set_question(db, True)
    review.record_overall(db, "ana", FIRST, "negative")
    assert (undo_last(db, "ana").mention_id, undo_last(db, "ana").mention_id) == (None, first)
    assert undo_last(db, "ana") is None


@pytest.mark.parametrize("headers", [{}, HX])
def test_after_undo_focus_returns_to_the_actor_it_was_about(client, db, headers):
    first, second, *_ = mention_ids(db)
    client.post(f"/mentions/{first}/label", data={"label": "against", "focus": 1})
    client.post(f"/mentions/{second}/label", data={"label": "against", "focus": 2})
    response = client.post("/review/undo", headers=headers)
    if headers:
        html = response.get_data(as_text=True)
        assert re.search(rf'id="mention-{second}"[^>]*data-current autofocus', html)
    else:
        assert response.location.endswith(f"/review/{FIRST}?focus=1")


def test_undo_of_an_overall_answer_returns_to_the_question(client, db):
    set_question(db, True)
    client.post(f"/sentences/{FIRST}/overall", data={"label": "negative"})
    html = client.post("/review/undo", headers=HX).get_data(as_text=True)
    assert re.search(r'id="overall"[^>]*data-current autofocus', html)
