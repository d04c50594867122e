"""Diffing two model versions and sending the changes back to review."""

from urllib.parse import parse_qs, urlsplit

from annotator.models import Prediction
from annotator.prelabel import prelabel
from annotator.schemes import get_scheme
from annotator.store import queue, review
from annotator.store.diff import changed_labels, model_versions, requeue_sentences
from annotator.store.prelabels import set_active_model

from .conftest import FIRST, FirstLabelModel

STANCE = get_scheme("stance")


class NeutralForPutin(FirstLabelModel):
    """Like the stub, but says neutral wherever the mention is "Putin"."""

    spec = "stub:putin"

    def predict(self, pairs, scheme, batch_size=64):
        first = super().predict(pairs, scheme, batch_size)
        neutral = Prediction("neutral", 0.8, {"favor": 0.1, "against": 0.1, "neutral": 0.8})
        return [neutral if "Putin" in p.mention else f for p, f in zip(pairs, first)]


def test_changed_labels_and_gold_disagreement(app, db):
    review.accept_sentence(db, "ana", FIRST)  # gold from the first model: favor for Putin
    prelabel(db, NeutralForPutin(), STANCE)
    versions = model_versions(db)
    assert [v["model"] for v in versions] == ["stub:putin", "stub:first"]
    old = ("stub:first", versions[1]["template_version"])
    new = ("stub:putin", versions[0]["template_version"])
    changes = changed_labels(db, old, new)
    assert changes and all("Putin" in c["mention"] for c in changes)
    assert {(c["old_label"], c["new_label"]) for c in changes} == {("favor", "neutral")}
    wrong = changed_labels(db, old, new, only_wrong=True)
    assert [c["sentence_id"] for c in wrong] == [FIRST]  # the only sentence with gold labels


def test_requeued_sentences_come_first_and_keep_their_labels(app, db):
    review.accept_sentence(db, "ana", FIRST)
    assert queue.next_sentence_id(db, "ana") != FIRST
    assert requeue_sentences(db, [FIRST, "putin-visits-north-korea-and-vietnam:1"]) == 1
    assert queue.next_sentence_id(db, "ana") == FIRST
    assert db.table("annotations").count > 0


def test_diff_page_and_requeue_button(client, db):
    assert "Run at least two model versions" in client.get("/models/diff").get_data(as_text=True)
    client.post(f"/sentences/{FIRST}/accept")
    prelabel(db, NeutralForPutin(), STANCE)
    html = client.get("/models/diff").get_data(as_text=True)
    assert "pre-labels changed" in html and "Vladimir Putin" in html
    [new, old] = [f"{v['template_version']}:{v['model']}" for v in model_versions(db)]
    response = client.post("/models/diff/requeue", data={"old": old, "new": new, "wrong": "y"})
    assert response.status_code == 303
    where = urlsplit(response.location)
    assert where.path == "/models/diff"
    assert parse_qs(where.query) == {"old": [old], "new": [new], "wrong": ["y"]}
    assert "1 review of 1 sentence sent back" in client.get(response.location).get_data(True)
    # fields the form does not have are not passed on (url_for's own options among them)
    extra = {"endpoint": "x", "_external": "1", "_scheme": "https", "csrf_token": "t"}
    response = client.post("/models/diff/requeue", data={"old": old, "new": new, **extra})
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.location).query) == {"old": [old], "new": [new]}
    assert db.table("reviews").get((FIRST, "ana"))["status"] == "requeued"
    assert client.get("/models/diff?old=x&new=y").status_code == 400


def _putin_mention(db):
    return next(
        m for m in queue.sentence_for_review(db, FIRST, "ana")["mentions"] if "Putin" in m["text"]
    )


def test_a_requeued_sentence_shows_the_new_pre_label_and_is_confirmed_against_it(client, db):
    client.post(f"/sentences/{FIRST}/accept")  # ana takes the first model's labels
    assert _putin_mention(db)["predicted"] == "favor"
    prelabel(db, NeutralForPutin(), STANCE)
    set_active_model(db, "stub:putin")
    # done and not sent back: the card keeps the pre-label ana labelled beside
    assert _putin_mention(db)["predicted"] == "favor"
    requeue_sentences(db, [FIRST])
    putin = _putin_mention(db)
    assert (putin["label"], putin["predicted"], putin["labelled_beside"]) == (
        "favor",
        "neutral",
        "favor",
    )
    html = client.get(f"/review/{FIRST}").get_data(as_text=True)
    assert "(you labelled beside favor)" in html
    assert '<span class="status">to confirm</span>' in html  # not judged against the old one
    # confirming keeps ana's label, now judged against the pre-label that sent it back
    client.post(f"/sentences/{FIRST}/accept")
    row = db.table("annotations").get((putin["id"], "ana"))
    assert (row["label"], row["status"]) == ("favor", "corrected")
    assert db.table("predictions").get(row["prediction_id"])["model"] == "stub:putin"
    assert db.table("reviews").get((FIRST, "ana"))["status"] == "done"
    assert "you labelled beside" not in client.get(f"/review/{FIRST}").get_data(as_text=True)
    # one undo puts back the label as it was kept, and the sentence as sent back
    client.post("/review/undo")
    row = db.table("annotations").get((putin["id"], "ana"))
    assert (row["label"], row["status"]) == ("favor", "accepted")
    assert db.table("predictions").get(row["prediction_id"])["model"] == "stub:first"
    assert db.table("reviews").get((FIRST, "ana"))["status"] == "requeued"
