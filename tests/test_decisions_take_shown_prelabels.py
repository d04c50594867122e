"""A decision takes the pre-labels its card showed, or none: never ones that changed since."""

import re

from annotator.prelabel import prelabel
from annotator.store import queue
from annotator.store.prelabels import set_active_model

from .conftest import FIRST
from .test_diff import STANCE, NeutralForPutin


def _shown(client, sentence_id=FIRST) -> str:
    html = client.get(f"/review/{sentence_id}").get_data(as_text=True)
    [token] = set(re.findall(r'name="shown" value="([^"]*)"', html))
    return token


def _labels(db, annotator="ana"):
    return {
        row["mention_id"]: row["label"]
        for row in db.query(
            "select mention_id, label from annotations where annotator = ?", [annotator]
        )
    }


def _switch_model(db):
    prelabel(db, NeutralForPutin(), STANCE)
    set_active_model(db, "stub:putin")


def test_an_accept_from_a_card_shown_before_a_model_switch_takes_nothing(client, db):
    shown = _shown(client)
    assert shown and all(item.endswith(":favor") for item in shown.split(","))
    _switch_model(db)
    response = client.post(f"/sentences/{FIRST}/accept", data={"shown": shown})
    assert response.status_code == 409
    assert "pre-labels on this card changed" in response.get_data(as_text=True)
    assert _labels(db) == {}
    # the card as it is now, accepted, takes what it shows
    shown_now = _shown(client)
    assert ":neutral" in shown_now
    assert client.post(f"/sentences/{FIRST}/accept", data={"shown": shown_now}).status_code == 303
    mentions = queue.sentence_for_review(db, FIRST, "ana")["mentions"]
    assert {m["id"]: m["predicted"] for m in mentions} == _labels(db)


def test_labelling_the_last_actor_keeps_the_label_but_takes_no_changed_pre_label(client, db):
    mentions = queue.sentence_for_review(db, FIRST, "ana")["mentions"]
    assert len(mentions) > 1
    shown = _shown(client)
    _switch_model(db)
    last = mentions[-1]["id"]
    response = client.post(
        f"/mentions/{last}/label",
        data={"label": "against", "shown": shown},
        headers={"HX-Request": "true"},
    )
    assert "pre-labels of the actors still to label changed" in response.get_data(as_text=True)
    assert _labels(db) == {last: "against"}
    assert db.table("reviews").count_where("status = 'done'") == 0


def test_an_actor_added_since_the_card_was_shown_is_not_accepted_unseen(client, db):
    shown = _shown(client)
    # drop one actor from what the card showed, as if it had been added afterwards
    shorter = ",".join(shown.split(",")[1:])
    response = client.post(f"/sentences/{FIRST}/accept", data={"shown": shorter})
    assert response.status_code == 409
    assert _labels(db) == {}


def test_a_malformed_token_is_refused(client, db):
    for token in ("x:favor", "12", "12:favor,,<script>", "1" * 30 + "x:"):
        response = client.post(f"/sentences/{FIRST}/accept", data={"shown": token})
        assert response.status_code == 400, token
    assert _labels(db) == {}


def test_labelling_the_last_actor_with_the_card_as_shown_finishes_the_sentence(client, db):
    mentions = queue.sentence_for_review(db, FIRST, "ana")["mentions"]
    shown = _shown(client)
    response = client.post(
        f"/mentions/{mentions[-1]['id']}/label",
        data={"label": "against", "shown": shown},
        headers={"HX-Request": "true"},
    )
    assert "pre-labels of the actors still to label changed" not in response.get_data(as_text=True)
    assert db.table("reviews").count_where("status = 'done'") == 1
    assert set(_labels(db)) == {m["id"] for m in mentions}
