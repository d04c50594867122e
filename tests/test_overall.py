"""The optional second question: asked only when on, finishes the sentence, undone, exported."""

import json

import pytest

from annotator.ingest import InputError, import_file
from annotator.store import queue, review
from annotator.store.database import init_database
from annotator.store.exports import iter_export_records
from annotator.store.overall import overall_label, set_question
from annotator.store.undo import undo_last

from .conftest import FIRST, HX

LABELS = ["favor", "against", "neutral"]


def mention_ids(db, sentence_id=FIRST):
    rows = db.query("select id from mentions where sentence_id = ? order by start", [sentence_id])
    return [r["id"] for r in rows]


def review_status(db, sentence_id=FIRST, annotator="ana"):
    row = review.review_row(db, sentence_id, annotator)
    return row["status"] if row else None


def test_with_the_question_on_the_last_actor_leaves_the_sentence_open(app, db):
    set_question(db, True)
    *_, last = mention_ids(db)
    assert review.record_label(db, "ana", last, "against", LABELS) == (FIRST, False)
    assert review_status(db) is None
    assert review.record_overall(db, "ana", FIRST, "negative") is True
    assert review_status(db) == "done" and overall_label(db, FIRST, "ana")["label"] == "negative"
    undo_last(db, "ana")  # one undo: the answer and the finish
    assert review_status(db) is None and overall_label(db, FIRST, "ana") is None
    assert queue.next_sentence_id(db, "ana") == FIRST


def test_accept_keeps_the_sentence_open_for_the_question(app, db):
    set_question(db, True)
    assert review.accept_sentence(db, "ana", FIRST) is False
    assert review_status(db) is None
    set_question(db, False)
    assert review.accept_sentence(db, "ana", FIRST) is True
    assert review_status(db) == "done"


def test_a_bad_answer_is_refused(app, db):
    set_question(db, True)
    with pytest.raises(review.ReviewError, match="not one of positive, negative, neutral"):
        review.record_overall(db, "ana", FIRST, "favor")
    with pytest.raises(review.ReviewError, match="no sentence"):
        review.record_overall(db, "ana", "nope:0", "neutral")


def test_an_answer_the_project_does_not_ask_is_refused_and_nothing_is_stored(client, db):
    before = db.execute("select count(*) from annotations").fetchone()[0]
    response = client.post(f"/sentences/{FIRST}/overall", data={"label": "positive"})
    assert response.status_code == 409
    assert "does not ask" in response.get_data(as_text=True)
    assert overall_label(db, FIRST, "ana") is None and review_status(db) is None
    assert db.execute("select count(*) from annotations").fetchone()[0] == before
    with pytest.raises(review.ReviewError, match="does not ask"):
        review.record_overall(db, "ana", FIRST, "positive")


def test_the_question_is_hidden_until_the_project_asks_it(client, db):
    assert 'id="overall"' not in client.get(f"/review/{FIRST}").get_data(as_text=True)
    response = client.post("/settings", data={"overall_question": "y", "overlap": 1})
    assert response.status_code == 303
    html = client.get(f"/review/{FIRST}").get_data(as_text=True)
    assert 'id="overall"' in html and "Overall" in html
    assert "checked" in client.get("/settings").get_data(as_text=True)
    client.post("/settings", data={"overlap": 1})
    assert 'id="overall"' not in client.get(f"/review/{FIRST}").get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HX])
def test_accept_then_answer_moves_on(client, db, headers):
    set_question(db, True)
    response = client.post(f"/sentences/{FIRST}/accept", headers=headers)
    if headers:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'id="overall" tabindex="0" data-keyscope\n            data-current' in html
    else:
        assert response.status_code == 303 and FIRST in response.location
    response = client.post(
        f"/sentences/{FIRST}/overall", data={"label": "neutral"}, headers=headers
    )
    assert review_status(db) == "done"
    if headers:
        assert response.status_code == 200 and FIRST not in response.headers["HX-Push-Url"]
    else:
        assert response.status_code == 303 and FIRST not in response.location
    assert client.post(f"/sentences/{FIRST}/overall", data={"label": "x"}).status_code == 400


def test_answers_are_exported_and_imported_back(app, db, tmp_path):
    set_question(db, True)
    review.accept_sentence(db, "ana", FIRST)
    review.record_overall(db, "ana", FIRST, "positive")
    records = list(iter_export_records(db))
    first = next(r for r in records if r["id"] == FIRST)
    assert first["overall"] == {"label": "positive", "annotator": "ana"}
    assert all("overall" not in r for r in records if r["id"] != FIRST)
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    other = init_database(tmp_path / "other.db")
    import_file(other, path, "auto", LABELS)
    assert list(iter_export_records(other)) == records


@pytest.mark.parametrize(
    ("overall", "message"),
    [
        ({"label": "great"}, "'overall' needs a 'label' out of"),
        ("positive", "'overall' needs a 'label'"),
    ],
)
def test_bad_answers_in_a_file_are_named_by_line(db, tmp_path, overall, message):
    good = {"text": "Merkel spoke.", "targets": []}
    bad = {"text": "Macron spoke.", "targets": [], "overall": overall}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"in.jsonl, line 2: {message}"):
        import_file(db, path, "auto", LABELS)
    assert db.table("sentences").count == 0
